/* Sanity of the boot modules against the kernel, the multiboot2
 * information, each other and the RAM map: a loader (or a grub.cfg typo)
 * that places a guest image on top of the hypervisor must be refused
 * before the frame allocator hands that memory out twice. */
#include "mm/memmap.h"
#include "lib/fmt.h"
#include "lib/err.h"

#include <stdbool.h>

#define WHY_MAX 160
static char why_text[WHY_MAX];

static bool overlaps(paddr_t a0, paddr_t a1, paddr_t b0, paddr_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Whether [start, end) is covered by usable regions, possibly several
 * touching or overlapping ones. Each step moves the cursor to the end of
 * a region containing it, so at most nregions steps. */
static bool in_usable_ram(const struct boot_info *bi, paddr_t start, paddr_t end)
{
	paddr_t cursor = start;

	for (unsigned step = 0; step <= bi->nregions && cursor < end; step++) {
		bool advanced = false;

		for (unsigned i = 0; i < bi->nregions; i++) {
			const struct mem_region *r = &bi->regions[i];
			paddr_t r_end = r->base + r->len;

			if (r->type == MEM_USABLE && r->base <= cursor && cursor < r_end &&
			    r->len <= UINT64_MAX - r->base) {
				cursor = r_end;
				advanced = true;
				break;
			}
		}
		if (!advanced)
			return false;
	}
	return cursor >= end;
}

/* "module 2 [0x400000, 0x500000) <what><detail>" */
static int why_module(unsigned i, const struct boot_module *m, const char *what,
		      const char *detail)
{
	fmt_snprintf(why_text, sizeof(why_text), "module %u [0x%llx, 0x%llx) %s%s", i,
		     (unsigned long long)m->start, (unsigned long long)m->end, what, detail);
	return -ERR_RANGE;
}

static int check_one(const struct boot_info *bi, unsigned i, struct phys_range kernel)
{
	const struct boot_module *m = &bi->modules[i];
	char detail[48];

	if (m->end <= m->start)
		return why_module(i, m, "is empty or ends before it starts", "");
	if (overlaps(m->start, m->end, kernel.start, kernel.end)) {
		fmt_snprintf(detail, sizeof(detail), " [0x%llx, 0x%llx)",
			     (unsigned long long)kernel.start, (unsigned long long)kernel.end);
		return why_module(i, m, "overlaps the kernel", detail);
	}
	if (overlaps(m->start, m->end, bi->mbi_start, bi->mbi_end))
		return why_module(i, m, "overlaps the multiboot2 information", "");
	for (unsigned j = 0; j < i; j++) {
		if (overlaps(m->start, m->end, bi->modules[j].start, bi->modules[j].end)) {
			fmt_snprintf(detail, sizeof(detail), " %u", j);
			return why_module(i, m, "overlaps module", detail);
		}
	}
	if (!in_usable_ram(bi, m->start, m->end))
		return why_module(i, m, "is not inside usable RAM", "");
	return 0;
}

int memmap_check_modules(const struct boot_info *bi, struct phys_range kernel,
			 const char **why)
{
	for (unsigned i = 0; i < bi->nmodules && i < MEMMAP_MAX_MODULES; i++) {
		int err = check_one(bi, i, kernel);

		if (err < 0) {
			if (why != NULL)
				*why = why_text;
			return err;
		}
	}
	return 0;
}
