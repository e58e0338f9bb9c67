/* The hypervisor's own page tables: all RAM mapped 1:1, so a physical
 * address is its own virtual address (phys_to_virt in mm/phys.h). */
#ifndef FALLOW_ARCH_PAGING_H
#define FALLOW_ARCH_PAGING_H

#include <stdbool.h>
#include "mm/memmap.h"

/* Physical addresses below this are mapped (4 GiB after boot/entry.S). */
paddr_t paging_mapped_limit(void);

static inline bool paging_is_mapped(paddr_t pa, paddr_t len)
{
	paddr_t limit = paging_mapped_limit();

	return pa <= limit && len <= limit - pa;
}

/* Extends the 1:1 map to the end of the RAM `bi` describes. Page tables
 * come from usable RAM below 4 GiB outside `reserved`; the range used is
 * returned in *tables (empty when none were needed) so the caller can
 * reserve it from the frame allocator. Returns 0 or -ERR_NOMEM. */
int paging_map_ram(const struct boot_info *bi, const struct phys_range *reserved,
		   unsigned nreserved, struct phys_range *tables);

/* Whether the map uses 1 GiB pages above 4 GiB. */
bool paging_uses_1g_pages(void);

#endif
