/* The hypervisor's own command line (the multiboot2 `multiboot2` line's
 * words after the kernel path). */
#ifndef FALLOW_BOOT_OPTIONS_H
#define FALLOW_BOOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dev/disk/model.h"

#define STATS_INTERVAL_MAX_S 86400u /* a day: longer is surely a typo */

struct kernel_options {
	bool console_e9;     /* console=e9: mirror the console to port 0xE9 */
	bool selftest_mm;    /* selftest=mm: frame allocator self-test */
	bool selftest_fault; /* selftest=fault: take a page fault on purpose */
	uint64_t slice_us;   /* slice_us=N: scheduler turn in microseconds */
	uint64_t stats_interval_s; /* stats_interval=N: `stats:` lines every N s, 0 off */
	struct disk_model_params disk; /* disk_seek_us= disk_sector_ns= disk_queue= disk_wait= */
	uint64_t disk_store_bytes; /* disk_store=SIZE: RAM set aside for disk overlays, 0 none */
};

/* Returns 0, or a negative ERR_* with a one-line reason in err. */
int options_parse(const char *line, struct kernel_options *o, char *err, size_t errlen);

#endif
