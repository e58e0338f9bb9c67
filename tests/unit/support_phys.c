/* Linked into every unit test binary: defines only phys_to_virt() and the
 * test_phys_* helpers. Tests that never call them pay nothing. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/support_phys.h"

struct window {
	paddr_t base;
	size_t size;
	unsigned char *mem;
};

static struct window windows[TEST_PHYS_MAX_WINDOWS];
static unsigned nwindows;
static paddr_t alias_from = 1, alias_to = 1; /* 1: no alias (not a frame) */

static void die(const char *what, paddr_t pa)
{
	fprintf(stderr, "support_phys: %s 0x%llx\n", what, (unsigned long long)pa);
	abort();
}

void test_phys_map(paddr_t base, size_t size)
{
	if (nwindows == TEST_PHYS_MAX_WINDOWS)
		die("too many windows at", base);
	if ((base | size) & FRAME_MASK || size == 0)
		die("unaligned window at", base);
	for (unsigned i = 0; i < nwindows; i++)
		if (base < windows[i].base + windows[i].size &&
		    windows[i].base < base + size)
			die("overlapping window at", base);
	windows[nwindows].mem = aligned_alloc(FRAME_SIZE, size);
	if (windows[nwindows].mem == NULL)
		die("out of host memory for window at", base);
	for (size_t i = 0; i < size; i++)
		windows[nwindows].mem[i] = 0;
	windows[nwindows].base = base;
	windows[nwindows].size = size;
	nwindows++;
}

void test_phys_reset(void)
{
	for (unsigned i = 0; i < nwindows; i++)
		free(windows[i].mem);
	nwindows = 0;
	alias_from = alias_to = 1;
}

void test_phys_alias(paddr_t from, paddr_t to)
{
	phys_to_virt(from);
	phys_to_virt(to);
	alias_from = from & ~FRAME_MASK;
	alias_to = to & ~FRAME_MASK;
}

void *phys_to_virt(paddr_t pa)
{
	if ((pa & ~FRAME_MASK) == alias_from)
		pa = alias_to | (pa & FRAME_MASK);
	for (unsigned i = 0; i < nwindows; i++)
		if (pa >= windows[i].base && pa - windows[i].base < windows[i].size)
			return windows[i].mem + (pa - windows[i].base);
	die("phys_to_virt outside every window:", pa);
	return NULL;
}
