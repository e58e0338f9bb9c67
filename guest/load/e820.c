/* The guest's e820 map: a fixed shape, since a Fallow guest's RAM is one
 * contiguous range with no firmware in it. */
#include "guest/load/e820.h"
#include "guest/load/load.h"

static void add(struct e820_map *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (end > start)
		m->entry[m->count++] = (struct e820_entry){ start, end - start, type };
}

int e820_build(struct e820_map *m, uint64_t low_reserved_end, uint64_t ram)
{
	m->count = 0;
	if (low_reserved_end % LOAD_PAGE_SIZE || low_reserved_end >= LOAD_LOW_RAM_END ||
	    ram % LOAD_PAGE_SIZE || ram <= LOAD_HIGH_RAM_BASE)
		return -LOAD_ERR_MEM;
	add(m, 0, low_reserved_end, E820_TYPE_RESERVED);
	add(m, low_reserved_end, LOAD_LOW_RAM_END, E820_TYPE_RAM);
	add(m, LOAD_HIGH_RAM_BASE, ram, E820_TYPE_RAM);
	return 0;
}
