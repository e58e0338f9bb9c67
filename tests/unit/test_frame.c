/* The buddy frame allocator over a host arena standing in for RAM:
 * counts and the free + freeable + owned == total invariant after every
 * operation, reservations honoured, bad frees refused without damage,
 * runs aligned and disjoint, fragmentation and full coalescing, and a
 * long random sequence checked against a simple model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/frame.h"
#include "tests/unit/support_phys.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define ARENA_SIZE (16 * MiB)
#define ARENA_FRAMES (ARENA_SIZE / FRAME_SIZE)
#define TAG_SEED 0x5eed5eed5eed5eedull

/* A PC-like map: low memory below the EBDA, a BIOS hole, 15 MiB above
 * 1 MiB. Reserved: low 1 MiB, kernel, MBI, one module; all unaligned. */
static const struct mem_region pc_map[] = {
	{ 0x0, 0x9fc00, MEM_USABLE },
	{ 0x9fc00, 0x60400, MEM_RESERVED },
	{ 0x100000, 15 * MiB, MEM_USABLE },
};
static const struct phys_range pc_reserved[] = {
	{ 0x0, 0x100000 },             /* low memory: 159 usable frames */
	{ 0x100000, 0x123456 },        /* kernel: 36 frames */
	{ 0x130010, 0x130400 },        /* MBI: 1 frame */
	{ 0x200000, 0x200000 + 5000 }, /* module: 2 frames */
};
#define PC_TOTAL (159 + 3840)
#define PC_META 1
#define PC_RESERVED (159 + 36 + 1 + 2 + PC_META)
#define PC_FREE (PC_TOTAL - PC_RESERVED)
#define PC_META_PA 0x124000 /* first free frame after the kernel */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void check_invariant(void)
{
	struct frame_stats s;

	frame_get_stats(&s);
	assert_int_equal(s.free + s.freeable + s.owned, s.total);
	assert_int_equal(s.owned + s.freeable, s.reserved + s.allocated);
	assert_int_equal(frame_verify(), 0);
}

static void expect_stats(uint64_t total, uint64_t free, uint64_t allocated)
{
	struct frame_stats s;

	frame_get_stats(&s);
	assert_int_equal(s.total, total);
	assert_int_equal(s.free, free);
	assert_int_equal(s.allocated, allocated);
	check_invariant();
}

static void init_pc(void)
{
	test_phys_reset();
	test_phys_map(0, ARENA_SIZE);
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), pc_reserved, NELEM(pc_reserved)), 0);
}

static uint64_t tag_of(paddr_t pa)
{
	return pa ^ TAG_SEED;
}

/* Marks a frame's first and last words, so a later check proves nobody
 * (the allocator's free-list links included) wrote into it meanwhile. */
static void tag_frame(paddr_t pa)
{
	uint64_t *w = phys_to_virt(pa);

	w[0] = tag_of(pa);
	w[FRAME_SIZE / 8 - 1] = ~tag_of(pa);
}

static void check_tag(paddr_t pa)
{
	uint64_t *w = phys_to_virt(pa);

	assert_int_equal(w[0], tag_of(pa));
	assert_int_equal(w[FRAME_SIZE / 8 - 1], ~tag_of(pa));
}

static int teardown(void **state)
{
	(void)state;
	test_phys_reset();
	return 0;
}

/* ------------------------------------------------------------ counts */

static void test_init_counts(void **state)
{
	struct frame_stats s;

	(void)state;
	init_pc();
	frame_get_stats(&s);
	assert_int_equal(s.total, PC_TOTAL);
	assert_int_equal(s.meta, PC_META);
	assert_int_equal(s.reserved, PC_RESERVED);
	assert_int_equal(s.owned, PC_RESERVED);
	assert_int_equal(s.free, PC_FREE);
	assert_int_equal(s.freeable, 0);
	assert_int_equal(s.allocated, 0);
	check_invariant();

	assert_false(frame_is_free(0));
	assert_false(frame_is_free(0x9e000));          /* usable but low */
	assert_false(frame_is_free(0x123000));         /* kernel's last frame */
	assert_false(frame_is_free(PC_META_PA));       /* metadata */
	assert_false(frame_is_allocated(PC_META_PA));
	assert_true(frame_is_free(PC_META_PA + FRAME_SIZE));
	assert_false(frame_is_free(0x130000));         /* MBI */
	assert_true(frame_is_free(0x12f000));
	assert_false(frame_is_free(0x201000));         /* module's 2nd frame */
	assert_true(frame_is_free(0x202000));
	assert_true(frame_is_free(16 * MiB - FRAME_SIZE));
	assert_false(frame_is_free(16 * MiB));         /* past RAM */
}

/* ------------------------------------------------------------ exhaustion */

static paddr_t *take_everything(uint64_t *n)
{
	paddr_t *got = calloc(ARENA_FRAMES, sizeof(*got));
	paddr_t pa;

	assert_non_null(got);
	*n = 0;
	while ((pa = frame_alloc()) != FRAME_NONE) {
		assert_true(*n < ARENA_FRAMES);
		got[(*n)++] = pa;
		tag_frame(pa);
	}
	return got;
}

static void test_exhaustion(void **state)
{
	uint64_t before[FRAME_MAX_ORDER + 1], after[FRAME_MAX_ORDER + 1], n;
	unsigned char *seen = calloc(ARENA_FRAMES, 1);
	paddr_t *got;

	(void)state;
	init_pc();
	frame_get_free_blocks(before);
	got = take_everything(&n);
	assert_int_equal(n, PC_FREE);
	expect_stats(PC_TOTAL, 0, PC_FREE);
	assert_int_equal(frame_alloc(), FRAME_NONE);
	assert_int_equal(frame_alloc_run(1), FRAME_NONE);
	for (uint64_t i = 0; i < n; i++) {
		paddr_t pa = got[i];

		assert_int_equal(pa & FRAME_MASK, 0);
		assert_true(pa >= 0x124000 && pa < 16 * MiB); /* past low memory and kernel */
		assert_true(pa < 0x200000 || pa >= 0x202000);  /* not the module */
		assert_int_not_equal(pa, 0x130000);            /* not the MBI */
		assert_int_not_equal(pa, PC_META_PA);
		assert_false(seen[pa / FRAME_SIZE]);
		seen[pa / FRAME_SIZE] = 1;
		assert_true(frame_is_allocated(pa));
		check_tag(pa);
	}
	for (uint64_t i = 0; i < n; i++) {
		check_tag(got[i]);
		assert_int_equal(frame_free(got[i]), 0);
	}
	expect_stats(PC_TOTAL, PC_FREE, 0);
	frame_get_free_blocks(after);
	assert_memory_equal(before, after, sizeof(before)); /* fully coalesced again */
	free(got);
	free(seen);
}

/* ------------------------------------------------------------ bad frees */

static void test_double_free(void **state)
{
	paddr_t pa, other;

	(void)state;
	init_pc();
	pa = frame_alloc();
	other = frame_alloc();
	tag_frame(other);
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(frame_free(pa), 0);
	expect_stats(PC_TOTAL, PC_FREE - 1, 1);
	assert_int_equal(frame_free(pa), -ERR_EXIST);
	expect_stats(PC_TOTAL, PC_FREE - 1, 1);
	/* A frame in the middle of a big free block, never allocated. */
	assert_true(frame_is_free(8 * MiB + 5 * FRAME_SIZE));
	assert_int_equal(frame_free(8 * MiB + 5 * FRAME_SIZE), -ERR_EXIST);
	assert_int_equal(frame_free_run(other, 2), -ERR_EXIST); /* 2nd frame free */
	expect_stats(PC_TOTAL, PC_FREE - 1, 1);
	check_tag(other);
	assert_true(frame_is_allocated(other));
	assert_int_equal(frame_free(other), 0);
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

static void test_bad_frees(void **state)
{
	static const paddr_t bad[] = {
		0, 0x1000, 0x9e000,          /* low memory, reserved */
		0xa0000,                     /* BIOS hole: not RAM */
		0x100000, 0x123000,          /* kernel */
		PC_META_PA, 0x130000,        /* metadata, MBI */
		0x200000, 0x201000,          /* module */
		16 * MiB, 4 * GiB,           /* past RAM */
		UINT64_MAX & ~FRAME_MASK,
	};
	paddr_t pa;

	(void)state;
	init_pc();
	pa = frame_alloc();
	tag_frame(pa);
	for (unsigned i = 0; i < NELEM(bad); i++) {
		assert_int_equal(frame_free(bad[i]), -ERR_INVAL);
		assert_int_equal(frame_free_run(bad[i], 1), -ERR_INVAL);
	}
	assert_int_equal(frame_free(pa + 1), -ERR_INVAL);
	assert_int_equal(frame_free(pa + FRAME_SIZE / 2), -ERR_INVAL);
	assert_int_equal(frame_free_run(pa, 0), -ERR_INVAL);
	assert_int_equal(frame_free_run(pa, UINT64_MAX), -ERR_INVAL);
	assert_int_equal(frame_free_run(16 * MiB - FRAME_SIZE, 2), -ERR_INVAL); /* leaves RAM */
	assert_int_equal(frame_free_run(0x123000, 2), -ERR_INVAL); /* starts in the kernel */
	expect_stats(PC_TOTAL, PC_FREE - 1, 1);
	check_tag(pa);
	assert_int_equal(frame_free(pa), 0);
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

/* ------------------------------------------------------------ runs */

static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void fill_run(paddr_t pa, uint64_t n, unsigned char value)
{
	for (uint64_t i = 0; i < n; i++)
		memset(phys_to_virt(pa + i * FRAME_SIZE), value, FRAME_SIZE);
}

static void check_run(paddr_t pa, uint64_t n, unsigned char value)
{
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *p = phys_to_virt(pa + i * FRAME_SIZE);

		for (uint64_t b = 0; b < FRAME_SIZE; b++)
			assert_int_equal(p[b], value);
	}
}

static void test_runs(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 3, 5, 8, 13, 100, 255, 256, 512, 1000 };
	paddr_t pa[NELEM(sizes)];
	uint64_t used = 0;

	(void)state;
	init_pc();
	for (unsigned i = 0; i < NELEM(sizes); i++) {
		pa[i] = frame_alloc_run(sizes[i]);
		assert_int_not_equal(pa[i], FRAME_NONE);
		assert_int_equal((pa[i] / FRAME_SIZE) % pow2_at_least(sizes[i]), 0);
		for (uint64_t f = 0; f < sizes[i]; f++)
			assert_true(frame_is_allocated(pa[i] + f * FRAME_SIZE));
		/* The tail of the power-of-two block went back. */
		used += sizes[i];
		expect_stats(PC_TOTAL, PC_FREE - used, used);
		fill_run(pa[i], sizes[i], (unsigned char)(i + 1));
	}
	/* Written one after another: overlap would show as a wrong value. */
	for (unsigned i = 0; i < NELEM(sizes); i++)
		check_run(pa[i], sizes[i], (unsigned char)(i + 1));
	for (unsigned i = 0; i < NELEM(sizes); i++) {
		assert_int_equal(frame_free_run(pa[i], sizes[i]), 0);
		used -= sizes[i];
		expect_stats(PC_TOTAL, PC_FREE - used, used);
	}
	assert_int_equal(frame_alloc_run(0), FRAME_NONE);
	assert_int_equal(frame_alloc_run(FRAME_MAX_RUN + 1), FRAME_NONE);
	assert_int_equal(frame_alloc_run(4096), FRAME_NONE); /* no 16 MiB block */
	assert_int_equal(frame_alloc_run(2048), 8 * MiB);     /* the one 8 MiB block */
	assert_int_equal(frame_free_run(8 * MiB, 2048), 0);
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

static void test_run_freed_in_pieces(void **state)
{
	paddr_t pa;

	(void)state;
	init_pc();
	pa = frame_alloc_run(8);
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(frame_free(pa + 3 * FRAME_SIZE), 0);
	assert_int_equal(frame_free_run(pa, 8), -ERR_EXIST); /* hole at 3: nothing freed */
	expect_stats(PC_TOTAL, PC_FREE - 7, 7);
	assert_int_equal(frame_free_run(pa, 3), 0);
	assert_int_equal(frame_free_run(pa + 4 * FRAME_SIZE, 4), 0);
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

static void test_fragmentation(void **state)
{
	uint64_t before[FRAME_MAX_ORDER + 1], blocks[FRAME_MAX_ORDER + 1], n, nfree = 0;
	paddr_t *got, pa;

	(void)state;
	init_pc();
	frame_get_free_blocks(before);
	got = take_everything(&n);
	for (uint64_t i = 0; i < n; i++) {
		if ((got[i] / FRAME_SIZE) % 2 == 0) {
			assert_int_equal(frame_free(got[i]), 0);
			nfree++;
		}
	}
	expect_stats(PC_TOTAL, nfree, n - nfree);
	frame_get_free_blocks(blocks);
	assert_int_equal(blocks[0], nfree);
	for (unsigned o = 1; o <= FRAME_MAX_ORDER; o++)
		assert_int_equal(blocks[o], 0);
	/* Plenty of free frames, no two adjacent. */
	assert_int_equal(frame_alloc_run(2), FRAME_NONE);
	assert_int_equal(frame_alloc_run(3), FRAME_NONE);
	pa = frame_alloc();
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal((pa / FRAME_SIZE) % 2, 0);
	assert_int_equal(frame_free(pa), 0);
	for (uint64_t i = 0; i < n; i++) {
		if ((got[i] / FRAME_SIZE) % 2 == 1) {
			check_tag(got[i]);
			assert_int_equal(frame_free(got[i]), 0);
		}
	}
	expect_stats(PC_TOTAL, PC_FREE, 0);
	frame_get_free_blocks(blocks);
	assert_memory_equal(before, blocks, sizeof(before));
	pa = frame_alloc_run(512);
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(frame_free_run(pa, 512), 0);
	free(got);
}

/* ------------------------------------------------------------ maps */

static void expect_never_handed_out(paddr_t lo, paddr_t hi)
{
	uint64_t n;
	paddr_t *got = take_everything(&n);

	for (uint64_t i = 0; i < n; i++)
		assert_true(got[i] < lo || got[i] >= hi);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(frame_free(got[i]), 0);
	free(got);
}

static void test_reserved_rounded_outward(void **state)
{
	static const struct mem_region map[] = { { 1 * MiB, 7 * MiB, MEM_USABLE } };
	static const struct phys_range res[] = {
		{ 0x200123, 0x203001 }, /* touches frames 0x200..0x203 */
		{ 0x300fff, 0x301000 }, /* one byte: frame 0x300 */
		{ 0x380000, 0x380000 }, /* empty: nothing */
	};

	(void)state;
	test_phys_reset();
	test_phys_map(0, 8 * MiB);
	assert_int_equal(frame_init(map, 1, res, NELEM(res)), 0);
	expect_stats(1792, 1792 - 4 - 1 - PC_META, 0);
	assert_false(frame_is_free(0x200000));
	assert_false(frame_is_free(0x203000));
	assert_true(frame_is_free(0x1ff000));
	assert_true(frame_is_free(0x204000));
	assert_false(frame_is_free(0x300000));
	assert_true(frame_is_free(0x301000));
	assert_true(frame_is_free(0x380000));
	expect_never_handed_out(0x200000, 0x204000);
	expect_never_handed_out(0x300000, 0x301000);
}

static void test_messy_map(void **state)
{
	/* Unsorted, overlapping, unaligned, a reserved entry inside usable
	 * RAM, an empty entry and one that rounds to nothing. */
	static const struct mem_region map[] = {
		{ 0x500000, 0x300000, MEM_USABLE },
		{ 0x100800, 0x1ff800, MEM_USABLE },
		{ 0x280000, 0x300000, MEM_USABLE },
		{ 0x400800, 0x10, MEM_ACPI_NVS },
		{ 0x900000, 0, MEM_USABLE },
		{ 0x800010, 0x1000, MEM_USABLE },
		{ 0xa00000, 0x100000, MEM_BAD },
	};
	const uint64_t total = (0x800000 - 0x101000) / FRAME_SIZE;

	(void)state;
	test_phys_reset();
	test_phys_map(0, 16 * MiB);
	assert_int_equal(frame_init(map, NELEM(map), NULL, 0), 0);
	expect_stats(total, total - 1 - PC_META, 0);
	assert_false(frame_is_free(0x100000));
	assert_true(frame_is_free(0x102000));
	assert_false(frame_is_free(0x400000)); /* the NVS entry wins */
	assert_true(frame_is_free(0x401000));
	assert_false(frame_is_free(0x800000));
	expect_never_handed_out(0x400000, 0x401000);
	expect_never_handed_out(0x800000, UINT64_MAX);
	expect_never_handed_out(0, 0x101000);
}

static void test_holes_and_high_ram(void **state)
{
	static const struct mem_region map[] = {
		{ 4 * GiB, 2 * MiB, MEM_USABLE },
		{ 3 * MiB, 4 * GiB - 3 * MiB, MEM_RESERVED },
		{ 1 * MiB, 2 * MiB, MEM_USABLE },
	};
	uint64_t n, low = 0, high = 0;
	paddr_t *got, run;

	(void)state;
	test_phys_reset();
	test_phys_map(1 * MiB, 2 * MiB);
	test_phys_map(4 * GiB, 2 * MiB);
	assert_int_equal(frame_init(map, NELEM(map), NULL, 0), 0);
	expect_stats(1024, 1024 - PC_META, 0); /* both zones' metadata share a frame */

	run = frame_alloc_run(512); /* only the high zone has an aligned 2 MiB block */
	assert_int_equal(run, 4 * GiB);
	assert_int_equal(frame_alloc_run(512), FRAME_NONE);
	assert_int_equal(frame_free_run(run, 512), 0);

	got = take_everything(&n);
	assert_int_equal(n, 1024 - PC_META);
	for (uint64_t i = 0; i < n; i++) {
		if (got[i] >= 1 * MiB && got[i] < 3 * MiB)
			low++;
		else if (got[i] >= 4 * GiB && got[i] < 4 * GiB + 2 * MiB)
			high++;
		else
			fail_msg("frame 0x%llx outside RAM", (unsigned long long)got[i]);
	}
	assert_int_equal(low, 512 - PC_META);
	assert_int_equal(high, 512);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(frame_free(got[i]), 0);
	expect_stats(1024, 1024 - PC_META, 0);
	free(got);
}

/* Two zones one frame apart: blocks must not merge across the gap even
 * where the buddy arithmetic would pair them. */
static void test_zones_do_not_merge(void **state)
{
	static const struct mem_region map[] = {
		{ 1 * MiB, 1 * MiB - FRAME_SIZE, MEM_USABLE },
		{ 2 * MiB, 2 * MiB, MEM_USABLE },
	};
	uint64_t blocks[FRAME_MAX_ORDER + 1], n;
	paddr_t *got;

	(void)state;
	test_phys_reset();
	test_phys_map(0, 4 * MiB);
	assert_int_equal(frame_init(map, NELEM(map), NULL, 0), 0);
	expect_stats(255 + 512, 255 + 512 - PC_META, 0);
	frame_get_free_blocks(blocks);
	assert_int_equal(blocks[9], 1); /* [2 MiB, 4 MiB) */
	for (unsigned o = 10; o <= FRAME_MAX_ORDER; o++)
		assert_int_equal(blocks[o], 0);
	assert_false(frame_is_free(2 * MiB - FRAME_SIZE));

	/* The last frame of the low zone has the gap frame as its order-0
	 * buddy; the metadata byte just past the low zone's array is the
	 * high zone's first frame. Make that a free order-0 head, then free
	 * the low zone's last frame: it must stay a lone order-0 block. */
	got = take_everything(&n);
	assert_int_equal(frame_free(2 * MiB), 0);
	assert_int_equal(frame_free(2 * MiB - 2 * FRAME_SIZE), 0);
	assert_int_equal(frame_verify(), 0);
	frame_get_free_blocks(blocks);
	assert_int_equal(blocks[0], 2);
	assert_int_equal(blocks[1], 0);
	free(got);
}

static void test_frame_zero_always_reserved(void **state)
{
	static const struct mem_region map[] = { { 0, 1 * MiB, MEM_USABLE } };
	uint64_t n;
	paddr_t *got;

	(void)state;
	test_phys_reset();
	test_phys_map(0, 1 * MiB);
	assert_int_equal(frame_init(map, 1, NULL, 0), 0);
	expect_stats(256, 256 - 1 - PC_META, 0);
	got = take_everything(&n);
	assert_int_equal(n, 254);
	for (uint64_t i = 0; i < n; i++)
		assert_int_not_equal(got[i], 0);
	free(got);
}

static void test_init_errors(void **state)
{
	static const struct mem_region one_frame[] = { { 1 * MiB, FRAME_SIZE, MEM_USABLE } };
	static const struct mem_region wraps[] = { { UINT64_MAX - FRAME_SIZE, 2 * FRAME_SIZE, MEM_USABLE } };
	static const struct phys_range backwards[] = { { 2 * MiB, 1 * MiB } };
	static const struct phys_range all[] = { { 0, 16 * MiB } };
	static struct mem_region many[MEMMAP_MAX_REGIONS + 1];
	static struct phys_range many_res[FRAME_MAX_RESERVED + 1];
	struct frame_stats s;

	(void)state;
	test_phys_reset();
	test_phys_map(0, ARENA_SIZE);
	assert_int_equal(frame_init(NULL, 0, NULL, 0), -ERR_NOMEM);
	assert_int_equal(frame_init(NULL, 1, NULL, 0), -ERR_INVAL);
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), NULL, 1), -ERR_INVAL);
	assert_int_equal(frame_init(many, NELEM(many), NULL, 0), -ERR_INVAL);
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), many_res, NELEM(many_res)), -ERR_INVAL);
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), backwards, 1), -ERR_INVAL);
	assert_int_equal(frame_init(wraps, 1, NULL, 0), -ERR_INVAL);
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), all, 1), -ERR_NOMEM);
	/* One frame of RAM: its metadata takes it, nothing is left. */
	assert_int_equal(frame_init(one_frame, 1, NULL, 0), -ERR_NOMEM);

	/* A failed init leaves an empty, consistent allocator. */
	frame_get_stats(&s);
	assert_int_equal(s.total, 0);
	assert_int_equal(s.free, 0);
	assert_int_equal(frame_alloc(), FRAME_NONE);
	assert_int_equal(frame_free(1 * MiB), -ERR_INVAL);
	check_invariant();

	/* And a later init works. */
	assert_int_equal(frame_init(pc_map, NELEM(pc_map), pc_reserved, NELEM(pc_reserved)), 0);
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

static void test_freeable(void **state)
{
	paddr_t pa[10];
	struct frame_stats s;

	(void)state;
	init_pc();
	for (unsigned i = 0; i < NELEM(pa); i++)
		pa[i] = frame_alloc();
	assert_int_equal(frame_set_freeable(5), 0);
	frame_get_stats(&s);
	assert_int_equal(s.freeable, 5);
	assert_int_equal(s.owned, PC_RESERVED + 10 - 5);
	check_invariant();
	assert_int_equal(frame_set_freeable(11), -ERR_RANGE);
	frame_get_stats(&s);
	assert_int_equal(s.freeable, 5);
	/* Freed before tmem lowered its count: stats clamp, invariant holds. */
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(frame_free(pa[i]), 0);
	frame_get_stats(&s);
	assert_int_equal(s.freeable, 2);
	assert_int_equal(s.free + s.freeable + s.owned, s.total);
	assert_int_equal(frame_verify(), -ERR_CORRUPT); /* but verify says so */
	assert_int_equal(frame_set_freeable(0), 0);
	check_invariant();
}

/* ------------------------------------------------------------ random */

struct model {
	unsigned char state[ARENA_FRAMES]; /* MODEL_* */
	uint64_t nfree, nalloc;
	struct { paddr_t pa; uint64_t n; } runs[ARENA_FRAMES];
	unsigned nruns;
};

enum { MODEL_OTHER, MODEL_FREE, MODEL_ALLOC };

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(uint64_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % bound;
}

/* Whether some aligned 2^order block is entirely free in the model: the
 * buddy allocator, fully coalesced, must then be able to return one. */
static int model_has_block(const struct model *m, unsigned order)
{
	uint64_t size = (uint64_t)1 << order;

	for (uint64_t b = 0; b + size <= ARENA_FRAMES; b += size) {
		uint64_t i = 0;

		while (i < size && m->state[b + i] == MODEL_FREE)
			i++;
		if (i == size)
			return 1;
	}
	return 0;
}

static void model_take(struct model *m, paddr_t pa, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		paddr_t f = pa + i * FRAME_SIZE;

		assert_true(f / FRAME_SIZE < ARENA_FRAMES);
		assert_int_equal(m->state[f / FRAME_SIZE], MODEL_FREE);
		m->state[f / FRAME_SIZE] = MODEL_ALLOC;
		tag_frame(f);
	}
	m->runs[m->nruns].pa = pa;
	m->runs[m->nruns].n = n;
	m->nruns++;
	m->nfree -= n;
	m->nalloc += n;
}

static void model_alloc(struct model *m, uint64_t n)
{
	unsigned order = 0;
	paddr_t pa = n == 1 && rnd(2) ? frame_alloc() : frame_alloc_run(n);

	while (((uint64_t)1 << order) < n)
		order++;
	if (pa == FRAME_NONE) {
		assert_false(model_has_block(m, order));
		return;
	}
	assert_int_equal((pa / FRAME_SIZE) % ((uint64_t)1 << order), 0);
	model_take(m, pa, n);
}

/* Frees a random recorded run whole, or only its first frame. */
static void model_free(struct model *m)
{
	unsigned r;
	paddr_t pa;
	uint64_t n;

	if (m->nruns == 0)
		return;
	r = (unsigned)rnd(m->nruns);
	pa = m->runs[r].pa;
	n = rnd(4) == 0 ? 1 : m->runs[r].n;
	for (uint64_t i = 0; i < n; i++)
		check_tag(pa + i * FRAME_SIZE);
	assert_int_equal(n == 1 ? frame_free(pa) : frame_free_run(pa, n), 0);
	for (uint64_t i = 0; i < n; i++)
		m->state[pa / FRAME_SIZE + i] = MODEL_FREE;
	m->nfree += n;
	m->nalloc -= n;
	m->runs[r].pa += n * FRAME_SIZE;
	m->runs[r].n -= n;
	if (m->runs[r].n == 0)
		m->runs[r] = m->runs[--m->nruns];
}

static void model_bad_free(struct model *m)
{
	uint64_t f = rnd(ARENA_FRAMES);
	paddr_t pa = f * FRAME_SIZE;

	switch (m->state[f]) {
	case MODEL_FREE:
		assert_int_equal(frame_free(pa), -ERR_EXIST);
		break;
	case MODEL_OTHER:
		assert_int_equal(frame_free(pa), -ERR_INVAL);
		break;
	default:
		assert_int_equal(frame_free(pa + 8), -ERR_INVAL);
		assert_true(frame_is_allocated(pa));
		break;
	}
}

static void model_check(const struct model *m)
{
	struct frame_stats s;
	uint64_t f = rnd(ARENA_FRAMES);

	frame_get_stats(&s);
	assert_int_equal(s.free, m->nfree);
	assert_int_equal(s.allocated, m->nalloc);
	assert_int_equal(s.free + s.freeable + s.owned, s.total);
	assert_int_equal(frame_is_free(f * FRAME_SIZE), m->state[f] == MODEL_FREE);
	assert_int_equal(frame_is_allocated(f * FRAME_SIZE), m->state[f] == MODEL_ALLOC);
}

static void test_random_against_model(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t before[FRAME_MAX_ORDER + 1], after[FRAME_MAX_ORDER + 1];

	(void)state;
	assert_non_null(m);
	init_pc();
	frame_get_free_blocks(before);
	for (uint64_t f = 0; f < ARENA_FRAMES; f++) {
		m->state[f] = frame_is_free(f * FRAME_SIZE) ? MODEL_FREE : MODEL_OTHER;
		m->nfree += m->state[f] == MODEL_FREE;
	}
	assert_int_equal(m->nfree, PC_FREE);
	for (unsigned op = 0; op < 20000; op++) {
		uint64_t dice = rnd(100);

		if (dice < 40)
			model_alloc(m, 1);
		else if (dice < 55)
			model_alloc(m, 1 + rnd(rnd(8) == 0 ? 600 : 40));
		else if (dice < 92)
			model_free(m);
		else
			model_bad_free(m);
		model_check(m);
		if (op % 128 == 0)
			assert_int_equal(frame_verify(), 0);
	}
	while (m->nruns > 0)
		model_free(m);
	expect_stats(PC_TOTAL, PC_FREE, 0);
	frame_get_free_blocks(after);
	assert_memory_equal(before, after, sizeof(before));
	free(m);
}

/* ------------------------------------------------------------ reclaim hook */

/* What the fake reclaimer sees and does: it gives back frames the test
 * holds (as tmem gives back its ephemeral frames), optionally after a
 * nested frame_alloc() that must not recurse into it. */
static struct {
	paddr_t *held;
	uint64_t nheld;
	unsigned calls;
	uint64_t last_want;
	bool nest;          /* call frame_alloc() from inside the hook */
	paddr_t nested_got; /* what that nested call returned */
	uint64_t give;      /* frames to free per call (0: refuse) */
} rc;

static uint64_t fake_reclaim(uint64_t want)
{
	uint64_t freed = 0;

	rc.calls++;
	rc.last_want = want;
	if (rc.nest)
		rc.nested_got = frame_alloc();
	while (freed < rc.give && freed < want && rc.nheld > 0) {
		assert_int_equal(frame_free(rc.held[--rc.nheld]), 0);
		freed++;
	}
	return freed;
}

static void hook_setup(uint64_t give, bool nest)
{
	memset(&rc, 0, sizeof(rc));
	init_pc();
	rc.held = take_everything(&rc.nheld);
	assert_int_equal(rc.nheld, PC_FREE);
	rc.give = give;
	rc.nest = nest;
	frame_set_reclaim_hook(fake_reclaim);
}

static void hook_teardown(void)
{
	frame_set_reclaim_hook(NULL);
	while (rc.nheld > 0)
		assert_int_equal(frame_free(rc.held[--rc.nheld]), 0);
	free(rc.held);
}

/* An empty free list asks the hook, and the frame it freed is returned. */
static void test_reclaim_hook_supplies(void **state)
{
	paddr_t want, pa;

	(void)state;
	hook_setup(1, false);
	want = rc.held[rc.nheld - 1]; /* the one the hook will free */
	pa = frame_alloc();
	assert_int_equal(rc.calls, 1);
	assert_true(rc.last_want >= 1);
	assert_int_equal(pa, want);
	assert_true(frame_is_allocated(pa));
	expect_stats(PC_TOTAL, 0, PC_FREE);
	assert_int_equal(frame_free(pa), 0);
	hook_teardown();
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

/* A hook that frees nothing: FRAME_NONE, counts unchanged. */
static void test_reclaim_hook_refuses(void **state)
{
	(void)state;
	hook_setup(0, false);
	assert_int_equal(frame_alloc(), FRAME_NONE);
	assert_int_equal(rc.calls, 1);
	assert_int_equal(frame_alloc(), FRAME_NONE);
	assert_int_equal(rc.calls, 2);
	expect_stats(PC_TOTAL, 0, PC_FREE);
	hook_teardown();
}

/* frame_alloc() inside the hook returns FRAME_NONE without calling the
 * hook again; the outer call still gets the frame the hook freed. */
static void test_reclaim_hook_no_recursion(void **state)
{
	paddr_t pa;

	(void)state;
	hook_setup(1, true);
	rc.nested_got = 1; /* anything but FRAME_NONE */
	pa = frame_alloc();
	assert_int_equal(rc.calls, 1);
	assert_int_equal(rc.nested_got, FRAME_NONE);
	assert_int_not_equal(pa, FRAME_NONE);
	rc.held[rc.nheld++] = pa; /* the list stays empty */
	/* The guard was lifted: the next empty-list alloc asks again. */
	rc.nest = false;
	pa = frame_alloc();
	assert_int_equal(rc.calls, 2);
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(frame_free(pa), 0);
	hook_teardown();
	expect_stats(PC_TOTAL, PC_FREE, 0);
}

/* The hook is only for an empty list, never for the no-reclaim path, and
 * frame_init() forgets it. */
static void test_reclaim_hook_only_when_empty(void **state)
{
	paddr_t pa;

	(void)state;
	hook_setup(1, false);
	assert_int_equal(frame_free(rc.held[--rc.nheld]), 0);
	pa = frame_alloc();
	assert_int_not_equal(pa, FRAME_NONE);
	assert_int_equal(rc.calls, 0); /* a free frame was there */
	rc.held[rc.nheld++] = pa;
	assert_int_equal(frame_alloc_no_reclaim(), FRAME_NONE);
	assert_int_equal(rc.calls, 0);
	hook_teardown();
	frame_set_reclaim_hook(fake_reclaim);
	init_pc(); /* clears the hook */
	rc.held = take_everything(&rc.nheld);
	rc.give = 1;
	assert_int_equal(frame_alloc(), FRAME_NONE);
	assert_int_equal(rc.calls, 0);
	hook_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_counts, teardown),
		cmocka_unit_test_teardown(test_exhaustion, teardown),
		cmocka_unit_test_teardown(test_double_free, teardown),
		cmocka_unit_test_teardown(test_bad_frees, teardown),
		cmocka_unit_test_teardown(test_runs, teardown),
		cmocka_unit_test_teardown(test_run_freed_in_pieces, teardown),
		cmocka_unit_test_teardown(test_fragmentation, teardown),
		cmocka_unit_test_teardown(test_reserved_rounded_outward, teardown),
		cmocka_unit_test_teardown(test_messy_map, teardown),
		cmocka_unit_test_teardown(test_holes_and_high_ram, teardown),
		cmocka_unit_test_teardown(test_zones_do_not_merge, teardown),
		cmocka_unit_test_teardown(test_frame_zero_always_reserved, teardown),
		cmocka_unit_test_teardown(test_init_errors, teardown),
		cmocka_unit_test_teardown(test_freeable, teardown),
		cmocka_unit_test_teardown(test_random_against_model, teardown),
		cmocka_unit_test_teardown(test_reclaim_hook_supplies, teardown),
		cmocka_unit_test_teardown(test_reclaim_hook_refuses, teardown),
		cmocka_unit_test_teardown(test_reclaim_hook_no_recursion, teardown),
		cmocka_unit_test_teardown(test_reclaim_hook_only_when_empty, teardown),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
