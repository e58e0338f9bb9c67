/* Edits the guest's own page tables (the identity map the hypervisor
 * built; CR3 points at its PML4) to map more guest-physical space. */
#include "guest-abi/rt/rt.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define PT_ENTRIES 512
#define LEVEL_SHIFT(l) (12 + 9 * (l)) /* l = 0 PT ... 3 PML4 */

static uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Returns the next-level table for entry `idx` of `table`, allocating a
 * zeroed one when absent. */
static uint64_t *next_table(uint64_t *table, unsigned idx)
{
	if (!(table[idx] & PTE_P)) {
		void *page = page_alloc();

		if (!page)
			return 0;
		memset(page, 0, FALLOW_PAGE_SIZE);
		table[idx] = (uint64_t)(uintptr_t)page | PTE_P | PTE_W;
	}
	return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
}

int rt_map_2m(uint64_t addr)
{
	uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);

	addr &= ~((1ull << LEVEL_SHIFT(1)) - 1);
	for (int level = 3; level > 1; level--) {
		t = next_table(t, (addr >> LEVEL_SHIFT(level)) % PT_ENTRIES);
		if (!t)
			return -FALLOW_ENOMEM;
	}
	t[(addr >> LEVEL_SHIFT(1)) % PT_ENTRIES] = addr | PTE_P | PTE_W | PTE_PS;
	__asm__ volatile("invlpg (%0)" ::"r"(addr) : "memory");
	return 0;
}
