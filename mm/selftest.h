/* The frame allocator's boot self-test (`selftest=mm`): every free frame
 * is allocated, filled with a pattern unique to its address, checked,
 * and freed; then a few contiguous runs. Catches RAM the map wrongly calls
 * usable, a broken phys_to_virt mapping (two frames aliasing), and
 * allocator bookkeeping that drifts. Prints nothing: the caller reports. */
#ifndef FALLOW_MM_SELFTEST_H
#define FALLOW_MM_SELFTEST_H

#include "mm/phys.h"

struct mm_selftest_result {
	uint64_t frames_tested; /* single frames allocated, written, checked */
	uint64_t runs_tested;   /* contiguous runs allocated and checked */
	uint64_t errors;        /* words that read back wrong, plus failed checks */
	paddr_t first_bad;      /* first frame that failed, FRAME_NONE if none */
	const char *reason;     /* what failed first, NULL when all passed */
};

/* Runs the test on the live allocator; needs every free frame mapped.
 * Returns 0, or -ERR_CORRUPT with `r` saying what went wrong. When memory
 * itself is broken, frames past the fault may stay allocated. */
int mm_selftest(struct mm_selftest_result *r);

#endif
