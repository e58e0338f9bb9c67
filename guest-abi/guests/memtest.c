/* memtest: writes an address-derived pattern to every free page of RAM,
 * verifies it, and with `oob` on its command line then maps and touches
 * the first address past its RAM, which the hypervisor must refuse by
 * killing it. */
#include "guest-abi/rt/rt.h"

#define WORDS_PER_PAGE (FALLOW_PAGE_SIZE / sizeof(uint64_t))

static uint64_t pattern(uint64_t addr)
{
	return addr * 0x9e3779b97f4a7c15ull ^ 0x5a5a5a5a5a5a5a5aull;
}

static void fill(uint64_t *p)
{
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		p[i] = pattern((uint64_t)(uintptr_t)&p[i]);
}

static bool verify(const uint64_t *p)
{
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		if (p[i] != pattern((uint64_t)(uintptr_t)&p[i]))
			return false;
	return true;
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t first = si->free_start, end = si->ram_bytes;
	uint64_t pages = 0, bad = 0;

	for (uint64_t a = first; a < end; a += FALLOW_PAGE_SIZE, pages++)
		fill((uint64_t *)(uintptr_t)a);
	for (uint64_t a = first; a < end; a += FALLOW_PAGE_SIZE)
		if (!verify((const uint64_t *)(uintptr_t)a))
			bad++;
	if (bad) {
		rt_printf("memtest: FAILED %llu of %llu pages\n",
			  (unsigned long long)bad, (unsigned long long)pages);
		return 1;
	}
	rt_printf("memtest: %llu pages ok (%llu KiB)\n",
		  (unsigned long long)pages,
		  (unsigned long long)(pages * FALLOW_PAGE_SIZE >> 10));
	if (!rt_cmdline_has("oob"))
		return 0;
	/* Our own page tables map only RAM: add the 2 MiB page past it so the
	 * access reaches EPT (a guest #PF would prove nothing). */
	uint64_t past = (end + (1ull << 21) - 1) & ~((1ull << 21) - 1);

	if (rt_map_2m(past) < 0) {
		rt_printf("memtest: cannot map 0x%llx\n", (unsigned long long)past);
		return 2;
	}
	rt_printf("memtest: touching 0x%llx past RAM; the hypervisor must kill me\n",
		  (unsigned long long)past);
	rt_flush();
	*(volatile uint64_t *)(uintptr_t)past = 1;
	rt_printf("memtest: FAILED: wrote past RAM and lived\n");
	return 3;
}
