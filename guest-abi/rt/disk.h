/* The guest's paravirtual disk (guest-abi/ABI.md, "Paravirtual disk"):
 * one wrapper per hypercall, and the disk image format tools/mkimage.py
 * writes (ABI.md, "Disk image format") with the formula for every byte
 * of its files, so a guest can check what it reads. */
#ifndef FALLOW_GUEST_RT_DISK_H
#define FALLOW_GUEST_RT_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"

/* ------------------------------------------------------------ calls */

/* Fills *out: 0, -FALLOW_ENOENT (no disk) or another -FALLOW_E*. */
int64_t disk_info(struct fallow_disk_info *out);

/* count sectors (1..FALLOW_DISK_MAX_SECTORS) between the disk and buf:
 * the count, or -FALLOW_E*. The call returns once the modelled disk
 * time has passed. */
int64_t disk_read(uint64_t sector, uint64_t count, void *buf);
int64_t disk_write(uint64_t sector, uint64_t count, const void *buf);

/* This guest's CPU time in TSC ticks (FALLOW_HC_CPU_TIME). */
int64_t hc_cpu_time(void);

/* ------------------------------------------------------------ image format
 * Little-endian. Sector 0 holds the header; the file table starts at
 * table_sector; every file starts on a 4 KiB boundary (a multiple of 8
 * sectors) and the bytes from its end to the next boundary are zero. */
#define DISK_IMAGE_MAGIC 0x3145455254574c46ull /* "FLWTREE1" */
#define DISK_IMAGE_VERSION 1u
#define DISK_IMAGE_LINE 64u        /* file content comes in 64-byte lines */
#define DISK_IMAGE_WORDS 32u       /* the vocabulary of those lines */
#define DISK_IMAGE_FILE_HEADER 0x1u /* a "header" many units include */

struct disk_image_header {
	uint64_t magic;         /* DISK_IMAGE_MAGIC */
	uint32_t nfiles;
	uint32_t table_sector;  /* first sector of the file table */
	uint32_t version;       /* DISK_IMAGE_VERSION */
	uint32_t entry_size;    /* bytes per table entry: sizeof(disk_image_file) */
	uint64_t data_sector;   /* first sector of file data (page aligned) */
	uint64_t total_sectors; /* the image's size */
	uint32_t line_bytes;    /* DISK_IMAGE_LINE */
	uint32_t reserved;      /* 0 */
};

struct disk_image_file {
	uint64_t sector; /* first sector, a multiple of 8 */
	uint32_t bytes;  /* length; it occupies ceil(bytes / 4096) pages */
	uint32_t flags;  /* DISK_IMAGE_FILE_* */
	uint64_t seed;   /* its content: disk_image_line(seed, n) for line n */
	uint32_t dir;    /* directory number (the file is dDIR/fINDEX.c or .h) */
	uint32_t reserved; /* 0 */
};

/* Line n (bytes [64n, 64n + 64)) of a file with this seed. */
void disk_image_line(uint64_t seed, uint64_t n, char out[DISK_IMAGE_LINE]);

/* Checks len bytes read from offset `off` (a multiple of
 * DISK_IMAGE_LINE) of file f against the formula, zeros past its end.
 * Returns the offset of the first wrong byte, or UINT64_MAX when all
 * are right. */
uint64_t disk_image_check(const struct disk_image_file *f, uint64_t off,
			  const void *buf, uint64_t len);

#endif
