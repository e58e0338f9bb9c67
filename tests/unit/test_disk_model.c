/* dev/disk/model.c: a request costs a seek unless it continues the arm's
 * last request on the same disk, plus a time per sector; it waits behind
 * the requests before it on its arm; with disk_queue=shared every disk
 * shares one arm, with disk_queue=private each has its own. Driven with
 * made-up TSC values at 1 GHz, so a tick is a nanosecond. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dev/disk/model.h"

#define TSC_HZ 1000000000ull /* 1 tick = 1 ns */
#define SEEK_US 100u
#define SECTOR_NS 10u
#define SEEK (SEEK_US * 1000ull) /* ticks */
#define SECTOR ((uint64_t)SECTOR_NS)
#define T0 1000000ull /* a first "now" well away from 0 */

static struct disk a, b;

static void start(bool private_queue)
{
	struct disk_model_params p = {
		.seek_us = SEEK_US,
		.sector_ns = SECTOR_NS,
		.private_queue = private_queue,
	};

	disk_model_set_params(&p);
	disk_model_start(TSC_HZ);
	a = (struct disk){ .present = true };
	b = (struct disk){ .present = true };
}

static int setup_shared(void **state)
{
	(void)state;
	start(false);
	return 0;
}

static int setup_private(void **state)
{
	(void)state;
	start(true);
	return 0;
}

/* Before the guest phase sets them: the documented defaults, both
 * queues shared and waits skipped. Runs first, with no setup. */
static void test_defaults(void **state)
{
	const struct disk_model_params *p = disk_model_params();

	(void)state;
	assert_int_equal(p->seek_us, DISK_SEEK_US_DEFAULT);
	assert_int_equal(p->sector_ns, DISK_SECTOR_NS_DEFAULT);
	assert_false(p->private_queue);
	assert_false(p->spin);
}

/* What was set is what is read back. */
static void test_params_round_trip(void **state)
{
	const struct disk_model_params *p = disk_model_params();

	(void)state;
	assert_int_equal(p->seek_us, SEEK_US);
	assert_int_equal(p->sector_ns, SECTOR_NS);
	assert_false(p->private_queue);
	assert_false(p->spin);
}

static void test_first_request_seeks(void **state)
{
	(void)state;
	assert_int_equal(disk_model_request(&a, 100, 8, T0), T0 + SEEK + 8 * SECTOR);
	assert_int_equal(a.count.wait_ticks, SEEK + 8 * SECTOR);
}

/* Time per sector: a request's transfer grows with its length. */
static void test_per_sector_time(void **state)
{
	uint64_t t1, t2;

	(void)state;
	t1 = disk_model_request(&a, 0, 1, T0) - T0;
	t2 = disk_model_request(&a, 5000, 128, 2 * T0) - 2 * T0;
	assert_int_equal(t1, SEEK + SECTOR);
	assert_int_equal(t2, SEEK + 128 * SECTOR);
}

/* A request that starts where the last one ended skips its seek; one
 * that starts anywhere else (even one sector off, or back) pays it. */
static void test_sequential_skips_seek(void **state)
{
	uint64_t done;

	(void)state;
	done = disk_model_request(&a, 64, 16, T0);
	assert_int_equal(disk_model_request(&a, 80, 16, done), done + 16 * SECTOR);
	done += 16 * SECTOR;
	assert_int_equal(disk_model_request(&a, 97, 4, done), done + SEEK + 4 * SECTOR);
	done += SEEK + 4 * SECTOR;
	assert_int_equal(disk_model_request(&a, 64, 4, done), done + SEEK + 4 * SECTOR);
}

/* A request issued while the arm is busy starts when it is free; the
 * guest waits for both, and the wait adds up on its disk. */
static void test_queues_behind_busy_arm(void **state)
{
	uint64_t done1, done2;

	(void)state;
	done1 = disk_model_request(&a, 0, 8, T0);
	done2 = disk_model_request(&a, 8, 8, T0 + 1); /* sequential, queued */
	assert_int_equal(done2, done1 + 8 * SECTOR);
	assert_int_equal(a.count.wait_ticks, (done1 - T0) + (done2 - (T0 + 1)));

	/* Issued after the arm went idle: no queueing. */
	uint64_t later = done2 + 12345;

	assert_int_equal(disk_model_request(&a, 500, 1, later), later + SEEK + SECTOR);
}

/* Shared: another disk's request waits for the arm and, although it
 * starts at the same sector number, seeks (another disk); the first disk
 * then seeks back even where it left off. */
static void test_shared_queue(void **state)
{
	uint64_t done_a, done_b;

	(void)state;
	done_a = disk_model_request(&a, 0, 8, T0);
	done_b = disk_model_request(&b, 8, 8, T0);
	assert_int_equal(done_b, done_a + SEEK + 8 * SECTOR);
	assert_int_equal(b.count.wait_ticks, done_b - T0);
	assert_int_equal(disk_model_request(&a, 8, 8, done_b), done_b + SEEK + 8 * SECTOR);
}

/* Private: each disk has its own arm, so neither waits for the other and
 * a disk continuing its own run skips the seek whatever came between. */
static void test_private_queue(void **state)
{
	uint64_t done_a, done_b;

	(void)state;
	assert_true(disk_model_params()->private_queue);
	done_a = disk_model_request(&a, 0, 8, T0);
	done_b = disk_model_request(&b, 8, 8, T0);
	assert_int_equal(done_a, T0 + SEEK + 8 * SECTOR);
	assert_int_equal(done_b, T0 + SEEK + 8 * SECTOR);
	assert_int_equal(disk_model_request(&a, 8, 8, done_b), done_b + 8 * SECTOR);
	assert_int_equal(a.count.wait_ticks, (done_a - T0) + 8 * SECTOR);
}

/* disk_model_start forgets the shared arm: nothing is sequential after it. */
static void test_start_resets_shared_arm(void **state)
{
	uint64_t done;

	(void)state;
	done = disk_model_request(&a, 0, 8, T0);
	disk_model_start(TSC_HZ);
	assert_int_equal(disk_model_request(&a, 8, 8, done), done + SEEK + 8 * SECTOR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test_setup(test_params_round_trip, setup_shared),
		cmocka_unit_test_setup(test_first_request_seeks, setup_shared),
		cmocka_unit_test_setup(test_per_sector_time, setup_shared),
		cmocka_unit_test_setup(test_sequential_skips_seek, setup_shared),
		cmocka_unit_test_setup(test_queues_behind_busy_arm, setup_shared),
		cmocka_unit_test_setup(test_shared_queue, setup_shared),
		cmocka_unit_test_setup(test_private_queue, setup_private),
		cmocka_unit_test_setup(test_start_resets_shared_arm, setup_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
