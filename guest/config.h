/* A guest's configuration: what its module command line says
 * (guest/config.c parses it). Arch-free, so the parser is unit-tested on
 * the host (tests/unit/test_guest_config.c). */
#ifndef FALLOW_GUEST_CONFIG_H
#define FALLOW_GUEST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dev/disk/disk.h"
#include "guest-abi/fallow_abi.h"

#define GUEST_WEIGHT_MAX 1000u

/* When a configured guest starts (module option start=). */
enum guest_start {
	START_NOW,    /* at boot (the default) */
	START_AFTER,  /* start=after:SECONDS into the guest phase */
	START_MANUAL, /* start=manual: on the console's `start NAME` */
};

#define GUEST_START_AFTER_MAX_S 86400u /* a day */

/* What the module is and how it starts (module option kind=): a profile
 * chosen here, so lifecycle code never asks which. */
enum guest_kind {
	GUEST_KIND_ELF,   /* a Fallow ELF guest, ABI.md's start convention */
	GUEST_KIND_LINUX, /* a bzImage, Linux's 64-bit boot protocol */
	GUEST_KIND_COUNT
};

struct guest_config {
	char name[FALLOW_NAME_MAX];
	char cmdline[FALLOW_CMDLINE_MAX]; /* words for the guest */
	uint64_t mem;
	uint64_t maxmem;
	uint32_t weight;
	enum guest_start start;
	uint64_t start_after_s; /* START_AFTER only */
	struct disk_config disk; /* disk= disk_size= */
	bool tmem;               /* tmem=on|off: off refuses every tmem call */
	bool tmem_dedup;         /* tmem_dedup=on|shared (off: false) */
	bool tmem_dedup_shared;  /* tmem_dedup=shared: across guests, ephemeral pools */
	bool tmem_compress;      /* tmem_compress=on|off */
	enum guest_kind kind;    /* kind=elf|linux */
	char initrd[DISK_NAME_MAX]; /* kind=linux initrd=NAME: an image module; "" none */
	bool lapic;              /* lapic=on|off: a virtual x2APIC (dev/lapic.h) */
};

/* Parses a module command line (GRUB's: the module path first) into
 * *cfg; without name= the file's base name is the name. 0, or a negative
 * ERR_* with a one-line reason in why[whylen]. */
int guest_config_parse(const char *line, struct guest_config *cfg, char *why,
		       size_t whylen);

#endif
