/* Host stand-in for physical memory: windows of malloc'd memory at chosen
 * physical addresses, reached through phys_to_virt() exactly as mm/ does
 * in the hypervisor. Any address outside a window aborts the test. */
#ifndef FALLOW_TESTS_SUPPORT_PHYS_H
#define FALLOW_TESTS_SUPPORT_PHYS_H

#include <stddef.h>
#include "mm/phys.h"

#define TEST_PHYS_MAX_WINDOWS 8

/* Backs [base, base + size) with zeroed host memory. Aborts on overlap,
 * misalignment or too many windows. */
void test_phys_map(paddr_t base, size_t size);

/* Drops every window and alias. */
void test_phys_reset(void);

/* Makes frame `from` reach frame `to`'s memory, as a broken mapping would
 * (both must be mapped): for proving the self-test notices. */
void test_phys_alias(paddr_t from, paddr_t to);

#endif
