/* Bounded work per call (issue 10, section 4): destroying a pool,
 * flushing an object and ending a client take several calls of at most
 * TMEM_WORK_BUDGET pages each, and evicting a blob that thousands of
 * pages share drops only a few of them at once, the rest by the sweep.
 * After every step the indexes and counters must still add up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/err.h"
#include "tmem/evict.h"
#include "test_tmem_env.h"

#define ARENA_FRAMES 4096
#define MANY 3000u   /* pages: three budgets' worth */
#define SHARED 5000u /* pages of one deduplicated blob */
#define OTHER 40u    /* pages elsewhere that must survive */

static int setup(void **state)
{
	*state = env_new(ARENA_FRAMES, 7);
	return 0;
}

static void client(struct env *e, unsigned cid, uint32_t flags)
{
	struct tmem_client_cfg cfg = plain;

	cfg.flags = flags;
	assert_int_equal(tmem_client_create(e->t, cid, &cfg), 0);
}

static void put(struct env *e, unsigned cid, unsigned pool, uint64_t obj,
		uint32_t idx, uint64_t seed)
{
	struct tmem_oid o = oid_of(obj, 0, 0);

	fill_page(e->in, seed);
	assert_int_equal(tmem_put(e->t, cid, pool, &o, idx, e->in), 0);
}

static int get(struct env *e, unsigned cid, unsigned pool, uint64_t obj,
	       uint32_t idx, uint64_t seed)
{
	struct tmem_oid o = oid_of(obj, 0, 0);
	int r = tmem_get(e->t, cid, pool, &o, idx, e->out);

	if (r)
		return r;
	fill_page(e->in, seed);
	return memcmp(e->in, e->out, TMEM_PAGE_SIZE) ? 1 : 0;
}

/* Seeds 1, 2, 3 mod 4 give pages that differ from each other. */
static uint64_t distinct(uint32_t i)
{
	return 4ull * i + 1 + i % 3;
}

static uint64_t pool_pages(struct env *e, unsigned cid, unsigned pool)
{
	return e->t->clients[cid].pools[pool]->npages;
}

static void fill_others(struct env *e)
{
	client(e, 1, 0);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_PERSISTENT, NULL), 0);
	for (uint32_t i = 0; i < OTHER; i++)
		put(e, 1, 0, 9, i, distinct(i));
}

static void others_intact(struct env *e)
{
	for (uint32_t i = 0; i < OTHER; i++)
		assert_int_equal(get(e, 1, 0, 9, i, distinct(i)), 0);
}

static void test_destroy_pool_in_steps(void **state)
{
	struct env *e = *state;
	unsigned steps = 0;
	int r;

	client(e, 0, 0);
	fill_others(e);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 1);
	for (uint32_t i = 0; i < MANY; i++)
		put(e, 0, 0, i % 7, i, distinct(i));
	put(e, 0, 1, 1, 1, distinct(5));
	ok(e);
	do {
		uint64_t before = pool_pages(e, 0, 0);

		r = tmem_pool_destroy(e->t, 0, 0);
		steps++;
		ok(e);
		if (r == -ERR_AGAIN) {
			/* Still there, smaller by exactly one budget. */
			assert_int_equal(before - pool_pages(e, 0, 0), TMEM_WORK_BUDGET);
		}
	} while (r == -ERR_AGAIN);
	assert_int_equal(r, 0);
	assert_int_equal(steps, (MANY + TMEM_WORK_BUDGET - 1) / TMEM_WORK_BUDGET);
	assert_null(e->t->clients[0].pools[0]);
	assert_int_equal(tmem_pool_destroy(e->t, 0, 0), -ERR_NOENT);
	assert_int_equal(e->t->clients[0].pages[TMEM_PERS], 0);
	assert_int_equal(get(e, 0, 1, 1, 1, distinct(5)), 0);
	others_intact(e);
}

static void test_flush_object_in_steps(void **state)
{
	struct env *e = *state;
	struct tmem_oid o = oid_of(3, 0, 0);
	uint64_t flushed = 0;
	unsigned steps = 0;
	int r;

	client(e, 0, 0);
	fill_others(e);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	for (uint32_t i = 0; i < MANY; i++)
		put(e, 0, 0, 3, i * 77, distinct(i));
	put(e, 0, 0, 4, 0, distinct(1));
	do {
		uint64_t before = flushed;

		r = tmem_flush_object_some(e->t, 0, 0, &o, &flushed);
		steps++;
		ok(e);
		assert_true(flushed - before <= TMEM_WORK_BUDGET);
	} while (r == -ERR_AGAIN);
	assert_int_equal(r, 0);
	assert_int_equal(flushed, MANY);
	assert_int_equal(steps, (MANY + TMEM_WORK_BUDGET - 1) / TMEM_WORK_BUDGET);
	assert_int_equal(pool_pages(e, 0, 0), 1);
	assert_int_equal(get(e, 0, 0, 4, 0, distinct(1)), 0);
	/* The object is gone: flushing it again finds nothing. */
	assert_int_equal(tmem_flush_object(e->t, 0, 0, &o), 0);
	others_intact(e);
}

static void test_client_end_in_steps(void **state)
{
	struct env *e = *state;
	unsigned steps = 0;
	int r;

	client(e, 0, 0);
	fill_others(e);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 1);
	for (uint32_t i = 0; i < MANY; i++)
		put(e, 0, i % 2, i, 0, distinct(i));
	do {
		r = tmem_client_destroy_some(e->t, 0);
		steps++;
		ok(e);
		assert_true(e->t->clients[0].active == (r == -ERR_AGAIN));
	} while (r == -ERR_AGAIN);
	assert_int_equal(r, 0);
	assert_true(steps >= 3);
	assert_int_equal(tmem_client_destroy_some(e->t, 0), -ERR_NOENT);
	others_intact(e);
}

/* One blob, SHARED pages on it, in a dedup client's ephemeral pool; the
 * same contents in its persistent pool are a blob of their own. */
static void fill_shared_blob(struct env *e)
{
	client(e, 0, TMEM_CLIENT_DEDUP);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 1);
	for (uint32_t i = 0; i < SHARED; i++)
		put(e, 0, 0, i % 5, i, 8);
	for (uint32_t i = 0; i < OTHER; i++)
		put(e, 0, 1, 1, i, 8);
	ok(e);
	assert_int_equal(META_INUSE(e->t, blobs), 2);
}

static void test_evicted_blob_swept_later(void **state)
{
	struct env *e = *state;
	uint64_t pages = META_INUSE(e->t, pages), polls = 0;

	fill_shared_blob(e);
	pages = META_INUSE(e->t, pages);
	assert_int_equal(pages, SHARED + OTHER);
	/* The blob is the only ephemeral data: reclaim takes its frame. */
	assert_int_equal(tmem_reclaim(e->t, 1), 1);
	ok(e);
	assert_int_equal(pages - META_INUSE(e->t, pages), EVICT_EAGER_REFS);
	assert_int_equal(e->t->frames.count[FRAME_EPH], 0);
	/* Every page of it is a miss at once, swept or not. */
	assert_int_equal(get(e, 0, 0, 20 % 5, 20, 8), -ERR_NOENT);
	assert_int_equal(get(e, 0, 0, 4999 % 5, 4999, 8), -ERR_NOENT);
	struct tmem_oid o = oid_of(4998 % 5, 0, 0);

	assert_int_equal(tmem_flush_page(e->t, 0, 0, &o, 4998), 0);
	/* A put over a dead page replaces it. */
	put(e, 0, 0, 4997 % 5, 4997, distinct(2));
	ok(e);
	while (tmem_poll(e->t)) {
		polls++;
		ok(e);
	}
	ok(e);
	assert_true(polls >= (SHARED - EVICT_EAGER_REFS) / TMEM_WORK_BUDGET);
	assert_true(lru_empty(&e->t->dead));
	assert_int_equal(META_INUSE(e->t, pages), OTHER + 1);
	assert_int_equal(get(e, 0, 0, 4997 % 5, 4997, distinct(2)), 0);
	/* Persistent data shared the contents, never the blob. */
	for (uint32_t i = 0; i < OTHER; i++)
		assert_int_equal(get(e, 0, 1, 1, i, 8), 0);
}

/* An ephemeral put that needs the blob's frame evicts it inside the put:
 * the put drops at most EVICT_EAGER_REFS records. */
static void test_put_evicting_blob_is_bounded(void **state)
{
	struct env *e = *state;
	uint64_t pages;

	fill_shared_blob(e);
	client(e, 1, 0);
	assert_int_equal(tmem_pool_new(e->t, 1, 0, NULL), 0);
	put(e, 1, 0, 1, 0, distinct(2));
	/* No frame left: client 1's next put must evict the oldest data,
	 * the blob (its records come from slabs that have room: a second
	 * object, so no radix node, whose frame would be one more). */
	e->a.limit = e->a.total - e->a.nfree;
	pages = META_INUSE(e->t, pages);
	put(e, 1, 0, 2, 0, distinct(3));
	ok(e);
	assert_true(pages + 1 - META_INUSE(e->t, pages) <= EVICT_EAGER_REFS);
	assert_false(lru_empty(&e->t->dead));
	assert_int_equal(get(e, 1, 0, 2, 0, distinct(3)), 0);
	assert_int_equal(get(e, 1, 0, 1, 0, distinct(2)), 0);
	/* Ending the client that owned the blob sweeps its pages too. */
	while (tmem_client_destroy_some(e->t, 0) == -ERR_AGAIN)
		ok(e);
	ok(e);
	assert_true(lru_empty(&e->t->dead));
	assert_false(e->t->clients[0].active);
}

/* Across clients (a pool deduplicated across guests) pages are charged
 * to the blob's owner; its end must not leave them behind charged to a
 * client that no longer exists. */
static void test_owner_end_sweeps_others_pages(void **state)
{
	struct env *e = *state;
	struct tmem_uuid u = { { 1, 2 } };
	const uint32_t flags = TMEM_POOL_SHARED | TMEM_POOL_DEDUP_SHARED;

	client(e, 0, 0);
	client(e, 1, 0);
	assert_int_equal(tmem_grant_uuid(e->t, 0, &u), 0);
	assert_int_equal(tmem_grant_uuid(e->t, 1, &u), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, flags, &u), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, flags, &u), 0);
	put(e, 0, 0, 1, 0, 8);
	for (uint32_t i = 1; i < SHARED; i++)
		put(e, 1, 0, 1, i, 8);
	ok(e);
	while (tmem_client_destroy_some(e->t, 0) == -ERR_AGAIN)
		ok(e);
	ok(e);
	assert_int_equal(META_INUSE(e->t, pages), 0);
	assert_int_equal(get(e, 1, 0, 1, 7, 8), -ERR_NOENT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, env_teardown)
	const struct CMUnitTest tests[] = {
		T(test_destroy_pool_in_steps),
		T(test_flush_object_in_steps),
		T(test_client_end_in_steps),
		T(test_evicted_blob_swept_later),
		T(test_put_evicting_blob_is_bounded),
		T(test_owner_end_sweeps_others_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
