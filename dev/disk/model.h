/* How long a disk request takes, so wall time means something: a seek
 * (skipped when the request starts where the arm's last one ended) plus
 * a transfer time per sector. With disk_queue=shared (the default) every
 * guest's disk sits on one spindle, as virtual disks that are files on
 * one host disk do: requests queue behind each other and only a request
 * that continues the previous one, on the same disk, saves its seek. With
 * disk_queue=private each disk has an arm of its own.
 *
 * The guest waits until the request completes (the scheduler runs the
 * others meanwhile). When every runnable guest waits, disk_wait=skip
 * (the default) moves the TSC forward to the next completion, so an
 * emulator need not execute the wait; disk_wait=spin pauses in a loop
 * until it comes (real time on hardware). */
#ifndef FALLOW_DEV_DISK_MODEL_H
#define FALLOW_DEV_DISK_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/disk/disk.h"

/* Kernel command-line defaults: a 7200 rpm disk's average seek plus
 * half a rotation, and about 100 MB/s streaming. */
#define DISK_SEEK_US_DEFAULT 6000u
#define DISK_SEEK_US_MAX 1000000u
#define DISK_SECTOR_NS_DEFAULT 5000u
#define DISK_SECTOR_NS_MAX 10000000u

struct disk_model_params {
	uint64_t seek_us;   /* disk_seek_us= */
	uint64_t sector_ns; /* disk_sector_ns= */
	bool private_queue; /* disk_queue=private */
	bool spin;          /* disk_wait=spin */
};

/* The defaults above until the guest phase sets what the kernel command
 * line said (boot/options.c parses it). */
void disk_model_set_params(const struct disk_model_params *p);
const struct disk_model_params *disk_model_params(void);

/* Converts the parameters to TSC ticks; once the clock runs. */
void disk_model_start(uint64_t tsc_hz);

/* Queues a request of `count` sectors at `sector` on d issued at TSC
 * `now`; returns the TSC at which it completes. */
uint64_t disk_model_request(struct disk *d, uint64_t sector, uint64_t count,
			    uint64_t now);

#endif
