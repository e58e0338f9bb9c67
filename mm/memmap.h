/* The machine as the boot loader described it: RAM regions, modules and
 * the kernel command line, parsed from the multiboot2 information
 * structure with every length checked. */
#ifndef FALLOW_MM_MEMMAP_H
#define FALLOW_MM_MEMMAP_H

#include "mm/phys.h"

#define MEMMAP_MAX_REGIONS 128
/* Room for a boot with every guest slot and every disk image in use
 * (GUEST_MAX 32 + DISK_IMAGE_MAX 8; guest/guest.c checks the sum). */
#define MEMMAP_MAX_MODULES 40

/* Values of the multiboot2 memory map entry type. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	paddr_t base;
	uint64_t len;
	uint32_t type;
};

struct boot_module {
	paddr_t start;
	paddr_t end; /* exclusive */
	const char *cmdline; /* points into the multiboot2 information */
};

struct boot_info {
	const char *cmdline;     /* kernel command line, "" if the tag is absent */
	const char *loader_name; /* "" if absent */
	struct mem_region regions[MEMMAP_MAX_REGIONS];
	unsigned nregions;
	struct boot_module modules[MEMMAP_MAX_MODULES];
	unsigned nmodules;
	paddr_t mbi_start, mbi_end;  /* the information structure itself */
	const void *acpi_rsdp;       /* copy of the RSDP inside the MBI, or NULL */
	size_t acpi_rsdp_len;
};

/* Parse the multiboot2 information at `mbi` (physical address `mbi_pa`,
 * 8-byte aligned), reading at most `limit` bytes. Tags other than those
 * above are skipped. Returns 0, or with *why (when `why` is not NULL) set
 * to a one-line reason that stays valid until the next call:
 *   -ERR_INVAL  malformed: bad tag size, unterminated string, bad memory
 *               map entry size, duplicate tag, missing end tag, ...
 *   -ERR_RANGE  beyond a limit: total_size > limit, more regions or
 *               modules than MEMMAP_MAX_*, a region wrapping past 2^64
 *   -ERR_NOENT  no memory map tag.
 * Regions of length 0 are dropped. */
int memmap_parse(const void *mbi, paddr_t mbi_pa, size_t limit,
		 struct boot_info *out, const char **why);

/* Bytes of RAM the map calls usable, overlapping entries counted once. */
uint64_t memmap_usable_bytes(const struct boot_info *bi);

/* "usable", "reserved", "ACPI reclaimable", ... for console lines. */
const char *memmap_type_name(uint32_t type);

/* Checks that every module is non-empty (end > start), overlaps neither
 * `kernel`, the multiboot2 information nor another module, and lies
 * entirely inside usable RAM. Returns 0 or -ERR_RANGE with *why naming
 * the module by index. */
int memmap_check_modules(const struct boot_info *bi, struct phys_range kernel,
			 const char **why);

#endif
