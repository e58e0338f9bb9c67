/* The hypervisor's guest phase, called once from main after the `vmx:`
 * line: start a guest per multiboot2 module, schedule them until all have
 * exited, print the per-guest summary and a `stats:` line. Returns to the
 * caller (which powers off) in every case, VT-x or not. */
#ifndef FALLOW_SCHED_RUN_H
#define FALLOW_SCHED_RUN_H

#include "mm/memmap.h"
#include "vmx/caps.h"
#include "dev/disk/model.h"

/* Without modules it says so (`fallow: no guests configured`, or that VT-x
 * is unavailable); without usable VT-x it names the guests not started.
 * Refused guests are reported and the others still run. */
struct vmx_run_params {
	uint64_t slice_us;         /* scheduler turn (kernel option slice_us=) */
	uint64_t stats_interval_s; /* `stats:` lines every N s, 0 off (stats_interval=) */
	struct disk_model_params disk; /* the paravirtual disk's latency model */
	uint64_t disk_store_bytes;     /* disk_store=: see dev/disk/store.h */
};

void vmx_run_guests(const struct boot_info *bi, const struct vmx_caps *caps,
		    const struct vmx_run_params *params);

#endif
