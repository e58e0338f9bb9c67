/* guest/load/e820.c and the Linux load plan's placement: for RAM sizes
 * from the smallest that fits to the loader's limit, and initrds from
 * none to the largest that fits, nothing overlaps, everything lies in
 * RAM and in the right kind of e820 entry, and the identity map covers
 * it all. A synthetic bzImage (support_load.c) stands in for the kernel
 * so any init_size can be tried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest/load/bootparam.h"
#include "guest/load/e820.h"
#include "guest/load/ident.h"
#include "guest/load/load.h"
#include "tests/unit/support_load.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define INIT_SIZE (12 * MiB)

static void test_map_shape(void **state)
{
	(void)state;
	struct e820_map m;

	assert_int_equal(e820_build(&m, 0x6000, 256 * MiB), 0);
	assert_int_equal(m.count, 3);
	assert_int_equal(m.entry[0].addr, 0);
	assert_int_equal(m.entry[0].size, 0x6000);
	assert_int_equal(m.entry[0].type, E820_TYPE_RESERVED);
	assert_int_equal(m.entry[1].addr, 0x6000);
	assert_int_equal(m.entry[1].addr + m.entry[1].size, 0xa0000);
	assert_int_equal(m.entry[1].type, E820_TYPE_RAM);
	assert_int_equal(m.entry[2].addr, 0x100000);
	assert_int_equal(m.entry[2].addr + m.entry[2].size, 256 * MiB);
	assert_int_equal(m.entry[2].type, E820_TYPE_RAM);
}

static void test_map_refusals(void **state)
{
	(void)state;
	struct e820_map m;

	assert_int_equal(e820_build(&m, 0x6001, 256 * MiB), -LOAD_ERR_MEM);
	assert_int_equal(e820_build(&m, 0xa0000, 256 * MiB), -LOAD_ERR_MEM);
	assert_int_equal(e820_build(&m, 0x6000, 256 * MiB + 8), -LOAD_ERR_MEM);
	assert_int_equal(e820_build(&m, 0x6000, 1 * MiB), -LOAD_ERR_MEM);
	assert_int_equal(e820_build(&m, 0, 2 * MiB), 0);
	assert_int_equal(m.count, 2); /* no empty reserved entry */
}

static int overlap(struct load_region a, struct load_region b)
{
	return a.size && b.size && a.gpa < b.gpa + b.size && b.gpa < a.gpa + a.size;
}

static int inside(struct load_region r, uint64_t start, uint64_t end)
{
	return r.gpa >= start && r.gpa + r.size <= end;
}

/* The entry of m that holds all of r, or -1. */
static int entry_of(const struct e820_map *m, struct load_region r)
{
	for (unsigned i = 0; i < m->count; i++)
		if (inside(r, m->entry[i].addr, m->entry[i].addr + m->entry[i].size))
			return (int)i;
	return -1;
}

static void check_plan(const struct load_plan *p, uint64_t ram)
{
	struct load_region all[] = { p->kernel, p->initrd, p->cmdline, p->zero_page,
				     p->page_tables, p->gdt };
	struct load_region loader[] = { p->cmdline, p->zero_page, p->page_tables, p->gdt };
	struct e820_map m;

	assert_int_equal(e820_build(&m, p->low_reserved.size, ram), 0);
	for (unsigned i = 0; i < NELEM(all); i++) {
		assert_true(inside(all[i], 0, ram));
		assert_true(all[i].gpa + all[i].size <= p->mapped);
		for (unsigned j = i + 1; j < NELEM(all); j++)
			if (overlap(all[i], all[j]))
				fail_msg("regions %u and %u overlap at ram 0x%llx", i, j,
					 (unsigned long long)ram);
	}
	for (unsigned i = 0; i < NELEM(loader); i++) {
		int e = entry_of(&m, loader[i]);

		assert_true(e >= 0 && m.entry[e].type == E820_TYPE_RESERVED);
		assert_true(loader[i].gpa + loader[i].size <= 0x100000000ull);
	}
	assert_int_equal(m.entry[entry_of(&m, p->kernel)].type, E820_TYPE_RAM);
	if (p->initrd.size) {
		assert_int_equal(m.entry[entry_of(&m, p->initrd)].type, E820_TYPE_RAM);
		assert_int_equal(p->initrd.gpa % LOAD_PAGE_SIZE, 0);
		assert_true(p->initrd.gpa + p->initrd.size - 1 <= p->bz.initrd_max);
	}
	assert_int_equal(p->page_tables.size, ident_tables_size(ram));
	assert_true(p->mapped >= ram && p->mapped - ram < 2 * MiB);
	assert_int_equal(p->cr3, p->page_tables.gpa);
	assert_int_equal(p->entry, p->kernel.gpa + 0x200);
}

static void test_placement_sweep(void **state)
{
	(void)state;
	static const uint64_t rams[] = { 32 * MiB, 64 * MiB, 255 * MiB + 4096,
					 1 * GiB + 2 * MiB, 2 * GiB, 3 * GiB + 12288, 4 * GiB,
					 17 * GiB, LOAD_MAX_RAM };
	static const uint64_t initrds[] = { 0, 1, 4095, 4096, 1 * MiB + 17, 3 * MiB };
	uint8_t *img;
	uint64_t size = test_bzimage_make(&img, 64 * 1024, INIT_SIZE);
	uint8_t initrd[1];
	char why[LOAD_WHY_LEN];

	for (unsigned r = 0; r < NELEM(rams); r++)
		for (unsigned i = 0; i < NELEM(initrds); i++) {
			struct load_linux_input in = { img, size, initrd, initrds[i], "x", 1 };
			struct load_plan p;
			struct test_target tt;

			int rc = load_linux_plan(rams[r], &in, &p, why, sizeof(why));

			if (rc)
				fail_msg("ram 0x%llx initrd %llu: %s", (unsigned long long)rams[r],
					 (unsigned long long)initrds[i], why);
			check_plan(&p, rams[r]);
			/* the writes land where the plan says, disjoint; (the
			 * recording target keeps no bytes, so initrd and kernel
			 * need not be that long) */
			if (initrds[i] > sizeof(initrd))
				continue;
			test_target_init(&tt, rams[r], 0);
			assert_int_equal(load_linux_write(&tt.t, &in, &p, why, sizeof(why)), 0);
			test_target_assert_disjoint(&tt);
		}
	free(img);
}

/* Where RAM ends just past the kernel, a 1-byte initrd still fits and
 * one more page does not. */
static void test_initrd_at_the_edge(void **state)
{
	(void)state;
	uint8_t *img;
	uint64_t size = test_bzimage_make(&img, 4096, INIT_SIZE);
	uint64_t kernel_end = TEST_BZ_PREF + INIT_SIZE, ram = kernel_end + 2 * 4096;
	struct load_linux_input in = { img, size, img, 2 * 4096, "", 0 };
	struct load_plan p;
	char why[LOAD_WHY_LEN];

	assert_int_equal(load_linux_plan(ram, &in, &p, why, sizeof(why)), 0);
	assert_int_equal(p.initrd.gpa, kernel_end);
	in.initrd_size = 2 * 4096 + 1;
	assert_int_equal(load_linux_plan(ram, &in, &p, why, sizeof(why)), -LOAD_ERR_INITRD_FIT);
	assert_non_null(strstr(why, "initrd does not fit"));
	/* exactly init_size of RAM past pref_address: the kernel fits alone */
	in.initrd_size = 0;
	assert_int_equal(load_linux_plan(kernel_end, &in, &p, why, sizeof(why)), 0);
	assert_int_equal(load_linux_plan(kernel_end - 4096, &in, &p, why, sizeof(why)),
			 -LOAD_ERR_KERNEL_FIT);
	free(img);
}

/* initrd_addr_max caps the initrd below RAM's end; with
 * XLF_CAN_BE_LOADED_ABOVE_4G the cap is gone. */
static void test_initrd_addr_max(void **state)
{
	(void)state;
	uint8_t *img;
	uint64_t size = test_bzimage_make(&img, 4096, INIT_SIZE);
	struct load_linux_input in = { img, size, img, 5000, "", 0 };
	struct load_plan p;
	char why[LOAD_WHY_LEN];

	assert_int_equal(load_linux_plan(4 * GiB, &in, &p, why, sizeof(why)), 0);
	assert_int_equal(p.initrd.gpa, (0x80000000ull - 5000) & ~0xfffull);
	img[BP_XLOADFLAGS] |= BP_XLF_CAN_BE_LOADED_ABOVE_4G;
	assert_int_equal(load_linux_plan(4 * GiB, &in, &p, why, sizeof(why)), 0);
	assert_int_equal(p.initrd.gpa, (4 * GiB - 5000) & ~0xfffull);
	free(img);
}

/* The identity map as a CPU would walk it: for RAM sizes around the GiB
 * and 2 MiB boundaries, every 2 MiB page below `mapped` maps itself
 * (present, writable, large), nothing above it is present, and `mapped`
 * covers all of RAM. */
static void test_identity_map_walk(void **state)
{
	(void)state;
	static const uint64_t rams[] = { 32 * MiB, 1 * GiB, 1 * GiB + 4096, 1 * GiB + 2 * MiB,
					 3 * GiB + 12288, 17 * GiB, LOAD_MAX_RAM };
	const uint64_t flags_mask = 0xfff, large = 0x83, table = 0x03;
	uint8_t *img;
	uint64_t size = test_bzimage_make(&img, 4096, INIT_SIZE);
	char why[LOAD_WHY_LEN];

	for (unsigned r = 0; r < NELEM(rams); r++) {
		struct load_linux_input in = { img, size, NULL, 0, "", 0 };
		struct test_target tt;
		struct load_plan p;
		uint64_t seen = 0;

		test_target_init_low(&tt, rams[r]);
		assert_int_equal(load_linux(&tt.t, &in, &p, why, sizeof(why)), 0);
		const uint64_t *pml4 = (const uint64_t *)(tt.ram + p.cr3);

		assert_int_equal(pml4[0] & flags_mask, table);
		for (unsigned i = 1; i < 512; i++)
			assert_int_equal(pml4[i], 0);
		const uint64_t *pdpt = (const uint64_t *)(tt.ram + (pml4[0] & ~flags_mask));

		for (unsigned i = 0; i < 512; i++) {
			if (!pdpt[i])
				continue;
			assert_int_equal(pdpt[i] & flags_mask, table);
			const uint64_t *pd = (const uint64_t *)(tt.ram + (pdpt[i] & ~flags_mask));

			/* the tables lie inside the plan's page-table region */
			assert_true((pdpt[i] & ~flags_mask) >= p.page_tables.gpa &&
				    (pdpt[i] & ~flags_mask) < p.page_tables.gpa + p.page_tables.size);
			for (unsigned e = 0; e < 512; e++) {
				uint64_t va = (uint64_t)i << 30 | (uint64_t)e << 21;

				if (va < p.mapped) {
					assert_int_equal(pd[e], va | large);
					seen += 2 * MiB;
				} else {
					assert_int_equal(pd[e], 0);
				}
			}
		}
		assert_int_equal(seen, p.mapped);
		assert_true(p.mapped >= rams[r]);
		test_target_free(&tt);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_shape),
		cmocka_unit_test(test_map_refusals),
		cmocka_unit_test(test_placement_sweep),
		cmocka_unit_test(test_initrd_at_the_edge),
		cmocka_unit_test(test_initrd_addr_max),
		cmocka_unit_test(test_identity_map_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
