/* dev/disk/overlay.c (and the store it takes frames from, dev/disk/store.c)
 * over mm/frame.c on a host arena: lookups of unwritten and written
 * chunks, the radix nodes a chunk costs, growth that is all or nothing
 * when frames run out (the free list or a disk_store=), and teardown
 * giving back every frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dev/disk/disk.h"
#include "dev/disk/store.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "tests/unit/support_phys.h"

#define MiB (1024ull * 1024ull)
#define ARENA_SIZE (4 * MiB)
#define LOW_RESERVED MiB /* frame 0 (FRAME_NONE) among it */
#define FANOUT (1u << DISK_OVERLAY_FANOUT_SHIFT)
#define NODES_FIRST_CHUNK DISK_OVERLAY_LEVELS /* root and the nodes below it */
#define HOLD_MAX (ARENA_SIZE / FRAME_SIZE)
#define STORE_FRAMES 8u
#define FILL_TAG 0xd15cull

/* ------------------------------------------------ what vmx/ gives store.c */

void ept_scrub_free(paddr_t pa)
{
	memset(phys_to_virt(pa), 0, FRAME_SIZE);
	assert_int_equal(frame_free(pa), 0);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("panic at %s:%d: %s", file, line, msg);
	abort();
}

/* ------------------------------------------------------------ fixture */

static const struct mem_region map[] = { { 0, ARENA_SIZE, MEM_USABLE } };
static const struct phys_range reserved[] = { { 0, LOW_RESERVED } };

static struct disk d;
static unsigned fills;
static uint64_t last_filled;
static paddr_t held[HOLD_MAX];
static unsigned nheld;

static int setup(void **state)
{
	(void)state;
	test_phys_reset();
	test_phys_map(0, ARENA_SIZE);
	assert_int_equal(frame_init(map, 1, reserved, 1), 0);
	d = (struct disk){ .overlay = FRAME_NONE, .present = true };
	fills = 0;
	nheld = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	disk_overlay_free(&d);
	disk_store_fini();
	while (nheld)
		assert_int_equal(frame_free(held[--nheld]), 0);
	assert_int_equal(frame_verify(), 0);
	test_phys_reset();
	return 0;
}

static uint64_t free_frames(void)
{
	struct frame_stats s;

	frame_get_stats(&s);
	return s.free;
}

/* Allocates frames away until only `left` are free. */
static void leave_free(uint64_t left)
{
	while (free_frames() > left) {
		assert_true(nheld < HOLD_MAX);
		held[nheld] = frame_alloc();
		assert_int_not_equal(held[nheld], FRAME_NONE);
		nheld++;
	}
}

/* A new chunk's frame gets its chunk number, so lookups can be told apart. */
static void fill(const struct disk *disk, uint64_t chunk, uint8_t *frame)
{
	uint64_t tag = FILL_TAG ^ chunk;

	assert_ptr_equal(disk, &d);
	memcpy(frame, &tag, sizeof(tag));
	fills++;
	last_filled = chunk;
}

static uint64_t tag_at(paddr_t pa)
{
	uint64_t tag;

	memcpy(&tag, phys_to_virt(pa), sizeof(tag));
	return tag;
}

/* ------------------------------------------------------------ lookup */

static void test_empty_lookup(void **state)
{
	(void)state;
	assert_int_equal(disk_overlay_lookup(&d, 0), FRAME_NONE);
	assert_int_equal(disk_overlay_lookup(&d, 12345), FRAME_NONE);
	assert_int_equal(d.frames, 0);
}

static void test_first_chunk_builds_path(void **state)
{
	uint64_t before = free_frames();

	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, 7, 7, fill), 0);
	assert_int_equal(d.frames, NODES_FIRST_CHUNK + 1);
	assert_int_equal(before - free_frames(), d.frames);
	assert_int_equal(fills, 1);
	assert_int_equal(last_filled, 7);

	paddr_t pa = disk_overlay_lookup(&d, 7);

	assert_int_not_equal(pa, FRAME_NONE);
	assert_true(frame_is_allocated(pa));
	assert_int_equal(tag_at(pa), FILL_TAG ^ 7);
	assert_int_equal(disk_overlay_lookup(&d, 6), FRAME_NONE);
	assert_int_equal(disk_overlay_lookup(&d, 8), FRAME_NONE);
}

/* A chunk that exists is neither allocated nor filled again. */
static void test_ensure_existing_is_noop(void **state)
{
	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, 3, 3, fill), 0);
	paddr_t pa = disk_overlay_lookup(&d, 3);
	uint64_t frames = d.frames, before = free_frames();

	assert_int_equal(disk_overlay_ensure(&d, 3, 3, fill), 0);
	assert_int_equal(fills, 1);
	assert_int_equal(d.frames, frames);
	assert_int_equal(free_frames(), before);
	assert_int_equal(disk_overlay_lookup(&d, 3), pa);
}

/* A range fills only its new chunks; one leaf node serves FANOUT chunks,
 * the next chunk past it costs a node more. */
static void test_range_and_node_boundary(void **state)
{
	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, 2, 2, fill), 0);
	assert_int_equal(disk_overlay_ensure(&d, 0, 4, fill), 0);
	assert_int_equal(fills, 5);
	assert_int_equal(d.frames, NODES_FIRST_CHUNK + 5);
	for (uint64_t c = 0; c <= 4; c++)
		assert_int_equal(tag_at(disk_overlay_lookup(&d, c)), FILL_TAG ^ c);

	assert_int_equal(disk_overlay_ensure(&d, FANOUT - 1, FANOUT, fill), 0);
	assert_int_equal(d.frames, NODES_FIRST_CHUNK + 5 + 2 + 1); /* two chunks, one node */
	assert_int_equal(tag_at(disk_overlay_lookup(&d, FANOUT)), FILL_TAG ^ FANOUT);

	/* Chunks distinct frames: nothing aliases. */
	assert_int_not_equal(disk_overlay_lookup(&d, FANOUT - 1), disk_overlay_lookup(&d, FANOUT));
}

/* The top of the largest disk is reachable. */
static void test_last_chunk(void **state)
{
	uint64_t last = DISK_MAX_BYTES / DISK_CHUNK_SIZE - 1;

	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, last, last, fill), 0);
	assert_int_equal(tag_at(disk_overlay_lookup(&d, last)), FILL_TAG ^ last);
	assert_int_equal(disk_overlay_lookup(&d, 0), FRAME_NONE);
	assert_int_equal(d.frames, NODES_FIRST_CHUNK + 1);
}

/* ------------------------------------------------------------ all or nothing */

/* Out of frames part way: what the call added goes back, what was there
 * stays, and the caller's charge (d.frames) is as before. */
static void test_growth_all_or_nothing(void **state)
{
	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, 0, 0, fill), 0);
	paddr_t first = disk_overlay_lookup(&d, 0);
	uint64_t frames = d.frames;

	/* Chunks 1-3 need three leaves; two frames are there. */
	leave_free(2);
	fills = 0;
	assert_int_equal(disk_overlay_ensure(&d, 1, 3, fill), -ERR_NOMEM);
	assert_int_equal(free_frames(), 2);
	assert_int_equal(d.frames, frames);
	assert_int_equal(disk_overlay_lookup(&d, 0), first);
	assert_int_equal(tag_at(first), FILL_TAG ^ 0);
	for (uint64_t c = 1; c <= 3; c++)
		assert_int_equal(disk_overlay_lookup(&d, c), FRAME_NONE);
	assert_int_equal(frame_verify(), 0);

	/* What fits still works afterwards. */
	assert_int_equal(disk_overlay_ensure(&d, 1, 2, fill), 0);
	assert_int_equal(d.frames, frames + 2);
	assert_int_equal(free_frames(), 0);
}

/* A failure while building the nodes of a fresh tree leaves it empty. */
static void test_fresh_tree_fails_clean(void **state)
{
	(void)state;
	leave_free(NODES_FIRST_CHUNK);
	assert_int_equal(disk_overlay_ensure(&d, 5, 5, fill), -ERR_NOMEM);
	assert_int_equal(d.overlay, FRAME_NONE);
	assert_int_equal(d.frames, 0);
	assert_int_equal(free_frames(), NODES_FIRST_CHUNK);
	assert_int_equal(fills, 0);
}

/* With a disk_store=, a full store is a full disk: ENOSPC, and the store
 * lends out nothing it was not asked for. */
static void test_store_full_is_nospc(void **state)
{
	uint64_t before = free_frames();

	(void)state;
	assert_int_equal(disk_store_init(STORE_FRAMES), 0);
	assert_int_equal(disk_store_frames(), STORE_FRAMES);
	assert_int_equal(free_frames(), before - STORE_FRAMES);

	/* 3 nodes + 5 chunks fill the store exactly. */
	assert_int_equal(disk_overlay_ensure(&d, 0, 4, fill), 0);
	assert_int_equal(disk_store_lent(), STORE_FRAMES);
	assert_int_equal(free_frames(), before - STORE_FRAMES); /* not from the free list */

	assert_int_equal(disk_overlay_ensure(&d, 5, 5, fill), -ERR_NOSPC);
	assert_int_equal(disk_store_lent(), STORE_FRAMES);
	assert_int_equal(d.frames, STORE_FRAMES);

	disk_overlay_free(&d);
	assert_int_equal(disk_store_lent(), 0);
	assert_int_equal(free_frames(), before - STORE_FRAMES);
}

/* A store too big for the free memory sets nothing aside. */
static void test_store_too_big(void **state)
{
	uint64_t before = free_frames();

	(void)state;
	assert_int_equal(disk_store_init(before + 1), -ERR_NOMEM);
	assert_int_equal(disk_store_frames(), 0);
	assert_int_equal(free_frames(), before);
}

/* ------------------------------------------------------------ teardown */

static void test_free_returns_everything(void **state)
{
	uint64_t before = free_frames();

	(void)state;
	assert_int_equal(disk_overlay_ensure(&d, 0, 9, fill), 0);
	assert_int_equal(disk_overlay_ensure(&d, 3 * FANOUT, 3 * FANOUT + 1, fill), 0);
	assert_int_equal(disk_overlay_ensure(&d, FANOUT * FANOUT, FANOUT * FANOUT, fill), 0);
	assert_true(d.frames > 0);
	assert_int_equal(before - free_frames(), d.frames);

	paddr_t pa = disk_overlay_lookup(&d, 9);

	disk_overlay_free(&d);
	assert_int_equal(d.overlay, FRAME_NONE);
	assert_int_equal(d.frames, 0);
	assert_int_equal(free_frames(), before);
	assert_true(frame_is_free(pa));
	assert_int_equal(tag_at(pa), 0); /* scrubbed */
	assert_int_equal(disk_overlay_lookup(&d, 9), FRAME_NONE);
	assert_int_equal(frame_verify(), 0);

	/* Freeing an empty overlay is harmless. */
	disk_overlay_free(&d);
	assert_int_equal(free_frames(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_chunk_builds_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ensure_existing_is_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_and_node_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_tree_fails_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_full_is_nospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_returns_everything, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
