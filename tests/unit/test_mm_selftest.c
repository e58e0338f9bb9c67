/* The boot-time allocator self-test on the host arena: it passes on
 * sound memory and leaves the allocator as it found it, and it fails,
 * naming a frame, when two frames alias the same memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/frame.h"
#include "mm/selftest.h"
#include "tests/unit/support_phys.h"

#define MiB (1024ull * 1024)

static const struct mem_region map[] = {
	{ 0x0, 0x9fc00, MEM_USABLE },
	{ 0x100000, 7 * MiB, MEM_USABLE },
};
static const struct phys_range reserved[] = {
	{ 0x0, 0x100000 },
	{ 0x100000, 0x140000 }, /* kernel */
};

static void init(void)
{
	test_phys_reset();
	test_phys_map(0, 8 * MiB);
	assert_int_equal(frame_init(map, 2, reserved, 2), 0);
}

static int teardown(void **state)
{
	(void)state;
	test_phys_reset();
	return 0;
}

static void test_passes_and_restores(void **state)
{
	struct frame_stats before, after;
	uint64_t blocks_before[FRAME_MAX_ORDER + 1], blocks_after[FRAME_MAX_ORDER + 1];
	struct mm_selftest_result r;
	paddr_t held;

	(void)state;
	init();
	held = frame_alloc(); /* frames allocated before the test stay so */
	frame_get_stats(&before);
	frame_get_free_blocks(blocks_before);
	assert_int_equal(mm_selftest(&r), 0);
	assert_int_equal(r.errors, 0);
	assert_null(r.reason);
	assert_int_equal(r.first_bad, FRAME_NONE);
	assert_int_equal(r.frames_tested, before.free);
	assert_int_equal(r.runs_tested, 6);
	frame_get_stats(&after);
	assert_memory_equal(&before, &after, sizeof(before));
	frame_get_free_blocks(blocks_after);
	assert_memory_equal(blocks_before, blocks_after, sizeof(blocks_before));
	assert_true(frame_is_allocated(held));
	assert_int_equal(frame_verify(), 0);
}

static void test_detects_aliasing(void **state)
{
	struct mm_selftest_result r;
	const paddr_t from = 5 * MiB + 3 * 0x1000, to = 5 * MiB + 5 * 0x1000;

	(void)state;
	init();
	test_phys_alias(from, to);
	assert_int_equal(mm_selftest(&r), -ERR_CORRUPT);
	assert_true(r.errors > 0);
	assert_string_equal(r.reason, "pattern mismatch in a single frame");
	assert_true(r.first_bad == from || r.first_bad == to);
	assert_true(r.frames_tested > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_passes_and_restores, teardown),
		cmocka_unit_test_teardown(test_detects_aliasing, teardown),
	};

	return cmocka_run_group_tests_name("mm_selftest", tests, NULL, NULL);
}
