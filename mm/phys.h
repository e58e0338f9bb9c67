/* Physical addresses and the one way mm/ reaches the memory behind them.
 * The hypervisor maps all RAM 1:1 (arch/x86_64/paging.c); host tests back
 * "physical memory" with an arena (tests/unit/support_phys.c). */
#ifndef FALLOW_MM_PHYS_H
#define FALLOW_MM_PHYS_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;

#define FRAME_SHIFT 12
#define FRAME_SIZE ((paddr_t)1 << FRAME_SHIFT)
#define FRAME_MASK (FRAME_SIZE - 1)

/* [start, end) in bytes. */
struct phys_range {
	paddr_t start;
	paddr_t end;
};

/* Provided by the platform (arch or host test harness). */
void *phys_to_virt(paddr_t pa);

#endif
