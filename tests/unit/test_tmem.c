/* tmem semantics, one test per rule of the contract (shared/DESIGN.md,
 * "tmem semantics") and per error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/err.h"
#include "test_tmem_env.h"

#define ARENA_FRAMES 256

static int setup(void **state)
{
	*state = env_new(ARENA_FRAMES, 42);
	return 0;
}

static int put_seed(struct env *e, unsigned cid, unsigned pool, uint64_t obj,
		    uint32_t idx, uint64_t seed)
{
	struct tmem_oid o = oid_of(obj, 0, 0);

	fill_page(e->in, seed);
	return tmem_put(e->t, cid, pool, &o, idx, e->in);
}

/* 0 when the page reads back as seed's contents, else the get's error
 * (or 1 when it returned other data). */
static int get_seed(struct env *e, unsigned cid, unsigned pool, uint64_t obj,
		    uint32_t idx, uint64_t seed)
{
	struct tmem_oid o = oid_of(obj, 0, 0);
	int r = tmem_get(e->t, cid, pool, &o, idx, e->out);

	if (r)
		return r;
	fill_page(e->in, seed);
	return memcmp(e->in, e->out, TMEM_PAGE_SIZE) ? 1 : 0;
}

static int new_client(struct env *e, unsigned cid, uint32_t flags)
{
	struct tmem_client_cfg cfg = plain;

	cfg.flags = flags;
	return tmem_client_create(e->t, cid, &cfg);
}

static void test_init_rejects_bad_platform(void **state)
{
	struct env *e = *state;
	struct tmem_platform p = arena_platform(&e->a);
	struct tmem *t = calloc(1, sizeof(*t));

	assert_int_equal(tmem_init(t, NULL, 0), -ERR_INVAL);
	p.frame_alloc = NULL;
	assert_int_equal(tmem_init(t, &p, 0), -ERR_INVAL);
	p = arena_platform(&e->a);
	p.unlock = NULL;
	assert_int_equal(tmem_init(t, &p, 0), -ERR_INVAL);
	free(t);
}

static void test_client_errors(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg bad = plain;

	assert_int_equal(new_client(e, TMEM_MAX_CLIENTS, 0), -ERR_RANGE);
	assert_int_equal(new_client(e, UINT32_MAX, 0), -ERR_RANGE);
	bad.flags = 0x80;
	assert_int_equal(tmem_client_create(e->t, 1, &bad), -ERR_INVAL);
	assert_int_equal(tmem_client_create(e->t, 1, NULL), -ERR_INVAL);
	assert_int_equal(new_client(e, 1, 0), 0);
	assert_int_equal(new_client(e, 1, 0), -ERR_EXIST);
	assert_int_equal(tmem_client_configure(e->t, 1, &bad), -ERR_INVAL);
	assert_int_equal(tmem_client_configure(e->t, 2, &plain), -ERR_NOENT);
	assert_int_equal(tmem_client_destroy(e->t, 2), -ERR_NOENT);
	assert_int_equal(tmem_client_destroy(e->t, TMEM_MAX_CLIENTS), -ERR_RANGE);
	assert_int_equal(tmem_pool_new(e->t, 3, 0, NULL), -ERR_NOENT);
	assert_int_equal(tmem_client_destroy(e->t, 1), 0);
	assert_int_equal(tmem_client_destroy(e->t, 1), -ERR_NOENT);
}

static void test_pool_ids_bounds_checked(void **state)
{
	struct env *e = *state;
	struct tmem_oid o = oid_of(1, 2, 3);
	int id;

	assert_int_equal(new_client(e, 0, 0), 0);
	for (unsigned i = 0; i < TMEM_MAX_POOLS; i++)
		assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), (int)i);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), -ERR_NOSPC);
	assert_int_equal(tmem_put(e->t, 0, TMEM_MAX_POOLS, &o, 0, e->in), -ERR_RANGE);
	assert_int_equal(tmem_put(e->t, 0, UINT32_MAX, &o, 0, e->in), -ERR_RANGE);
	assert_int_equal(tmem_get(e->t, 0, TMEM_MAX_POOLS, &o, 0, e->out), -ERR_RANGE);
	assert_int_equal(tmem_flush_page(e->t, 0, UINT32_MAX, &o, 0), -ERR_RANGE);
	assert_int_equal(tmem_flush_object(e->t, 0, UINT32_MAX, &o), -ERR_RANGE);
	assert_int_equal(tmem_pool_destroy(e->t, 0, TMEM_MAX_POOLS), -ERR_RANGE);
	assert_int_equal(tmem_pool_destroy(e->t, 0, 5), 0);
	assert_int_equal(tmem_pool_destroy(e->t, 0, 5), -ERR_NOENT);
	assert_int_equal(tmem_put(e->t, 0, 5, &o, 0, e->in), -ERR_NOENT);
	assert_int_equal(tmem_get(e->t, 0, 5, &o, 0, e->out), -ERR_NOENT);
	id = tmem_pool_new(e->t, 0, 0, NULL);
	assert_int_equal(id, 5); /* the freed id is reused */
	assert_int_equal(tmem_put(e->t, 1, 0, &o, 0, e->in), -ERR_NOENT);
	assert_int_equal(tmem_put(e->t, TMEM_MAX_CLIENTS, 0, &o, 0, e->in), -ERR_RANGE);
}

static void test_pool_flag_errors(void **state)
{
	struct env *e = *state;
	struct tmem_uuid u = { { 1, 2 } };

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0x100, NULL), -ERR_INVAL);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, NULL), -ERR_INVAL);
	assert_int_equal(tmem_grant_uuid(e->t, 0, &u), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED | TMEM_POOL_PERSISTENT, &u),
			 -ERR_INVAL);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_DEDUP_SHARED | TMEM_POOL_PERSISTENT,
				       NULL), -ERR_INVAL);
}

static void test_null_arguments(void **state)
{
	struct env *e = *state;
	struct tmem_oid o = oid_of(1, 0, 0);

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_put(e->t, 0, 0, NULL, 0, e->in), -ERR_INVAL);
	assert_int_equal(tmem_put(e->t, 0, 0, &o, 0, NULL), -ERR_INVAL);
	assert_int_equal(tmem_get(e->t, 0, 0, &o, 0, NULL), -ERR_INVAL);
	assert_int_equal(tmem_get(e->t, 0, 0, NULL, 0, e->out), -ERR_INVAL);
	assert_int_equal(tmem_grant_uuid(e->t, 0, NULL), -ERR_INVAL);
}

static void test_persistent_kept_and_get_not_exclusive(void **state)
{
	struct env *e = *state;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	for (uint32_t i = 0; i < 50; i++)
		assert_int_equal(put_seed(e, 0, 0, 7, i, i + 100), 0);
	/* Memory pressure does not touch persistent pages. */
	tmem_reclaim(e->t, 1000);
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < 50; i++)
			assert_int_equal(get_seed(e, 0, 0, 7, i, i + 100), 0);
	assert_int_equal(get_seed(e, 0, 0, 7, 50, 0), -ERR_NOENT);
	assert_int_equal(get_seed(e, 0, 0, 8, 0, 0), -ERR_NOENT);
	ok(e);
}

static void test_ephemeral_get_is_exclusive(void **state)
{
	struct env *e = *state;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 3, 9), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 3, 9), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 3, 9), -ERR_NOENT);
	ok(e);
}

static void test_duplicate_put_replaces(void **state)
{
	struct env *e = *state;
	uint32_t flags[] = { 0, TMEM_CLIENT_COMPRESS, TMEM_CLIENT_DEDUP,
			     TMEM_CLIENT_COMPRESS | TMEM_CLIENT_DEDUP };

	for (unsigned f = 0; f < 4; f++) {
		assert_int_equal(new_client(e, f, flags[f]), 0);
		assert_int_equal(tmem_pool_new(e->t, f, TMEM_POOL_PERSISTENT, NULL), 0);
		assert_int_equal(tmem_pool_new(e->t, f, 0, NULL), 1);
		for (unsigned pool = 0; pool < 2; pool++) {
			for (uint64_t s = 0; s < 8; s++)
				assert_int_equal(put_seed(e, f, pool, 1, 0, s), 0);
			assert_int_equal(get_seed(e, f, pool, 1, 0, 7), 0);
		}
		ok(e);
	}
}

static void test_failed_duplicate_put_drops_old(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg cfg = plain;

	cfg.flags = TMEM_CLIENT_COMPRESS;
	/* One data frame and a frame each of page records, objects and
	 * zframe descriptors. */
	cfg.limit = 4;
	assert_int_equal(tmem_client_create(e->t, 0, &cfg), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	/* Two compressible pages share the one data frame the limit allows. */
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 1), 0);
	assert_int_equal(put_seed(e, 0, 0, 2, 0, 5), 0);
	assert_int_equal(meta_pers_charge(&e->t->clients[0]), 4);
	/* A random page needs a raw frame: over the limit. */
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 2), -ERR_NOSPC);
	assert_int_equal(get_seed(e, 0, 0, 1, 0, 1), -ERR_NOENT);
	assert_int_equal(get_seed(e, 0, 0, 2, 0, 5), 0);
	ok(e);
}

static void test_flush_page_never_returns_data(void **state)
{
	struct env *e = *state;
	struct tmem_oid o = oid_of(4, 0, 0);

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_DEDUP), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 1);
	for (unsigned pool = 0; pool < 2; pool++) {
		assert_int_equal(put_seed(e, 0, pool, 4, 1, 3), 0);
		assert_int_equal(put_seed(e, 0, pool, 4, 2, 3), 0); /* same bytes */
		assert_int_equal(tmem_flush_page(e->t, 0, pool, &o, 1), 1);
		assert_int_equal(tmem_flush_page(e->t, 0, pool, &o, 1), 0);
		assert_int_equal(get_seed(e, 0, pool, 4, 1, 3), -ERR_NOENT);
		assert_int_equal(get_seed(e, 0, pool, 4, 2, 3), 0);
	}
	ok(e);
}

static void test_flush_object(void **state)
{
	struct env *e = *state;
	struct tmem_oid o = oid_of(4, 0, 0);

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(put_seed(e, 0, 0, 4, i * 1000, i), 0);
		assert_int_equal(put_seed(e, 0, 0, 5, i, i), 0);
	}
	assert_int_equal(tmem_flush_object(e->t, 0, 0, &o), 100);
	assert_int_equal(tmem_flush_object(e->t, 0, 0, &o), 0);
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(get_seed(e, 0, 0, 4, i * 1000, i), -ERR_NOENT);
		assert_int_equal(get_seed(e, 0, 0, 5, i, i), 0);
	}
	ok(e);
}

static void test_persistent_limit(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg cfg = plain;
	uint64_t before;

	cfg.limit = 10;
	assert_int_equal(tmem_client_create(e->t, 0, &cfg), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	/* The limit holds the records too: a frame each of page records,
	 * objects and radix nodes, so 7 data frames. */
	for (uint32_t i = 0; i < 7; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
	assert_int_equal(e->t->clients[0].frames[TMEM_PERS], 7);
	assert_int_equal(meta_pers_charge(&e->t->clients[0]), 10);
	before = e->a.nfree;
	/* At the limit: fails cleanly and takes no frame for it. */
	assert_int_equal(put_seed(e, 0, 0, 1, 7, 7), -ERR_NOSPC);
	assert_int_equal(put_seed(e, 0, 0, 2, 0, 7), -ERR_NOSPC);
	assert_int_equal(e->a.nfree, before);
	assert_int_equal(meta_pers_charge(&e->t->clients[0]), 10);
	/* Replacing a page does not need more. */
	assert_int_equal(put_seed(e, 0, 0, 1, 3, 33), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 3, 33), 0);
	struct tmem_oid o = oid_of(1, 0, 0);

	assert_int_equal(tmem_flush_page(e->t, 0, 0, &o, 0), 1);
	assert_int_equal(put_seed(e, 0, 0, 1, 10, 10), 0);
	/* The limit can be lowered below the charge: puts fail, data stays. */
	cfg.limit = 5;
	assert_int_equal(tmem_client_configure(e->t, 0, &cfg), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 11, 11), -ERR_NOSPC);
	assert_int_equal(get_seed(e, 0, 0, 1, 10, 10), 0);
	ok(e);
}

static void test_ephemeral_evicted_oldest_first(void **state)
{
	struct env *e = *state;
	const uint32_t n = ARENA_FRAMES * 2;
	uint32_t first_hit = n;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	/* Twice as many pages as frames: every put still succeeds. */
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
		ok(e);
	}
	assert_true(tmem_check(e->t) == 0);
	for (uint32_t i = 0; i < n; i++) {
		int r = get_seed(e, 0, 0, 1, i, i);

		assert_true(r == 0 || r == -ERR_NOENT);
		if (r == 0 && first_hit == n)
			first_hit = i;
		if (first_hit != n)
			assert_int_equal(r, 0); /* no holes after the oldest kept */
	}
	assert_true(first_hit > ARENA_FRAMES / 2 && first_hit < n);
}

static void test_ephemeral_put_fails_when_no_frame(void **state)
{
	struct env *e = *state;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 1);
	/* Persistent pages fill the arena; nothing is evictable. */
	uint32_t i = 0;
	int r;

	while ((r = put_seed(e, 0, 0, 1, i, i)) == 0)
		i++;
	assert_int_equal(r, -ERR_NOMEM);
	assert_true(i > ARENA_FRAMES - 16);
	assert_int_equal(put_seed(e, 0, 1, 1, 0, 0), -ERR_NOMEM);
	ok(e);
	for (uint32_t k = 0; k < i; k++)
		assert_int_equal(get_seed(e, 0, 0, 1, k, k), 0);
}

static void test_reclaim(void **state)
{
	struct env *e = *state;
	uint64_t before, got;
	struct tmem_frame_counts fc;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 1);
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
		assert_int_equal(put_seed(e, 0, 1, 1, i, i), 0);
	}
	assert_int_equal(tmem_reclaim(e->t, 0), 0);
	before = e->a.nfree;
	got = tmem_reclaim(e->t, 30);
	assert_int_equal(got, 30);
	assert_int_equal(e->a.nfree, before + 30);
	ok(e);
	/* The oldest went; the newest stay. */
	assert_int_equal(get_seed(e, 0, 0, 1, 0, 0), -ERR_NOENT);
	assert_int_equal(get_seed(e, 0, 0, 1, 99, 99), 0);
	/* Asking for more than there is frees all ephemeral, no persistent. */
	got = tmem_reclaim(e->t, 10000);
	assert_true(got > 0 && got < 10000);
	tmem_frame_counts(e->t, &fc);
	assert_int_equal(fc.eph, 0);
	assert_int_equal(fc.spare, 0);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(get_seed(e, 0, 1, 1, i, i), 0);
	assert_int_equal(tmem_reclaim(e->t, 5), 0);
	ok(e);
}

static void test_reclaim_prefers_client_over_weight_share(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg light = plain, heavy = plain;
	struct tmem_frame_counts fc;
	char line[512];

	light.weight = 1;
	heavy.weight = 3;
	assert_int_equal(tmem_client_create(e->t, 0, &light), 0);
	assert_int_equal(tmem_client_create(e->t, 1, &heavy), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, 0, NULL), 0);
	/* Client 1 puts first (older pages), both hold 60 frames. */
	for (uint32_t i = 0; i < 60; i++)
		assert_int_equal(put_seed(e, 1, 0, 1, i, i), 0);
	for (uint32_t i = 0; i < 60; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
	/* Client 0's share is 1/4 of 120 = 30: it loses frames first even
	 * though client 1's pages are older, until it is at its share. */
	assert_int_equal(tmem_reclaim(e->t, 30), 30);
	assert_int_equal(get_seed(e, 1, 0, 1, 0, 0), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 29, 29), -ERR_NOENT);
	assert_int_equal(get_seed(e, 0, 0, 1, 30, 30), 0);
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, " evictions=30 "));
	tmem_frame_counts(e->t, &fc);
	ok(e);
}

static void test_cap_recycles_own_frames(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg capped = plain;
	struct tmem_frame_counts fc;

	capped.cap = 8;
	assert_int_equal(tmem_client_create(e->t, 0, &capped), 0);
	assert_int_equal(new_client(e, 1, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, 0, NULL), 0);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(put_seed(e, 1, 0, 1, i, i), 0);
	for (uint32_t i = 0; i < 40; i++) {
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
		tmem_frame_counts(e->t, &fc);
		assert_true(fc.eph <= 20 + 8);
	}
	/* Its own oldest went, nobody else's. */
	assert_int_equal(get_seed(e, 0, 0, 1, 31, 31), -ERR_NOENT);
	assert_int_equal(get_seed(e, 0, 0, 1, 39, 39), 0);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(get_seed(e, 1, 0, 1, i, i), 0);
	/* A zero cap refuses ephemeral puts outright. */
	capped.cap = 0;
	assert_int_equal(tmem_client_configure(e->t, 0, &capped), 0);
	assert_int_equal(put_seed(e, 0, 0, 2, 0, 0), -ERR_NOSPC);
	ok(e);
}

static void test_shared_pool_by_uuid(void **state)
{
	struct env *e = *state;
	struct tmem_uuid u = { { 0xabc, 0xdef } }, other = { { 1, 1 } };

	for (unsigned c = 0; c < 3; c++)
		assert_int_equal(new_client(e, c, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, &u), -ERR_PERM);
	assert_int_equal(tmem_grant_uuid(e->t, 0, &u), 0);
	assert_int_equal(tmem_grant_uuid(e->t, 0, &u), -ERR_EXIST);
	assert_int_equal(tmem_grant_uuid(e->t, 1, &u), 0);
	assert_int_equal(tmem_grant_uuid(e->t, 2, &other), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, &u), 1);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, &u), -ERR_EXIST);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_SHARED, &u), 0);
	/* Client 2 has a grant, but not for this UUID. */
	assert_int_equal(tmem_pool_new(e->t, 2, TMEM_POOL_SHARED, &u), -ERR_PERM);
	/* What one member puts the other reads, again and again. */
	assert_int_equal(put_seed(e, 0, 1, 9, 1, 77), 0);
	assert_int_equal(get_seed(e, 1, 0, 9, 1, 77), 0);
	assert_int_equal(get_seed(e, 1, 0, 9, 1, 77), 0);
	assert_int_equal(get_seed(e, 0, 1, 9, 1, 77), 0);
	/* Leaving keeps the pool for the others; the last one out frees it. */
	assert_int_equal(tmem_pool_destroy(e->t, 0, 1), 0);
	assert_int_equal(get_seed(e, 1, 0, 9, 1, 77), 0);
	assert_int_equal(tmem_pool_destroy(e->t, 1, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_SHARED, &u), 0);
	assert_int_equal(get_seed(e, 1, 0, 9, 1, 77), -ERR_NOENT);
	ok(e);
}

static void test_grant_table_full(void **state)
{
	struct env *e = *state;

	assert_int_equal(new_client(e, 0, 0), 0);
	for (uint64_t i = 0; i < TMEM_MAX_GRANTS; i++) {
		struct tmem_uuid u = { { i, i } };

		assert_int_equal(tmem_grant_uuid(e->t, 0, &u), 0);
	}
	struct tmem_uuid last = { { 99, 99 } };

	assert_int_equal(tmem_grant_uuid(e->t, 0, &last), -ERR_NOSPC);
	assert_int_equal(tmem_grant_uuid(e->t, 5, &last), -ERR_NOENT);
}

static void test_shared_table_full(void **state)
{
	struct env *e = *state;
	const unsigned clients = TMEM_MAX_SHARED / TMEM_MAX_GRANTS;
	struct tmem_uuid u = { { 1000, 1 } };

	/* Each client may hold TMEM_MAX_GRANTS grants: spread the pools. */
	for (unsigned c = 0; c <= clients; c++) {
		assert_int_equal(new_client(e, c, 0), 0);
		for (uint64_t g = 0; g < TMEM_MAX_GRANTS; g++) {
			struct tmem_uuid v = { { c, g } };

			assert_int_equal(tmem_grant_uuid(e->t, c, &v), 0);
			if (c < clients)
				assert_int_equal(tmem_pool_new(e->t, c, TMEM_POOL_SHARED, &v),
						 (int)g);
		}
	}
	u.w[0] = clients;
	u.w[1] = 0;
	assert_int_equal(tmem_pool_new(e->t, clients, TMEM_POOL_SHARED, &u), -ERR_NOSPC);
	/* Freeing one makes room. */
	assert_int_equal(tmem_pool_destroy(e->t, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, clients, TMEM_POOL_SHARED, &u), 0);
	ok(e);
}

static void test_dedup_within_client(void **state)
{
	struct env *e = *state;
	struct tmem_frame_counts fc0, fc1;
	struct tmem_oid o = oid_of(1, 0, 0);
	char line[512];

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_DEDUP), 0);
	assert_int_equal(new_client(e, 1, TMEM_CLIENT_DEDUP), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 6), 0);
	tmem_frame_counts(e->t, &fc0);
	for (uint32_t i = 1; i < 20; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, 6), 0);
	tmem_frame_counts(e->t, &fc1);
	assert_int_equal(fc1.pers, fc0.pers); /* stored once */
	/* Another client's equal page is not shared with it. */
	assert_int_equal(put_seed(e, 1, 0, 1, 0, 6), 0);
	tmem_frame_counts(e->t, &fc1);
	assert_int_equal(fc1.pers, fc0.pers + 1);
	/* Every reference reads back; flushing some keeps the rest. */
	for (uint32_t i = 0; i < 20; i += 2)
		assert_int_equal(tmem_flush_page(e->t, 0, 0, &o, i), 1);
	for (uint32_t i = 1; i < 20; i += 2)
		assert_int_equal(get_seed(e, 0, 0, 1, i, 6), 0);
	/* A duplicate put of other bytes over a shared page leaves the rest. */
	assert_int_equal(put_seed(e, 0, 0, 1, 1, 7), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 1, 7), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 3, 6), 0);
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, " dedup_hits=19 "));
	ok(e);
}

static void test_dedup_across_clients_when_pool_says_so(void **state)
{
	struct env *e = *state;
	struct tmem_frame_counts fc0, fc1;

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(new_client(e, 1, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_DEDUP_SHARED, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_DEDUP_SHARED, NULL), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 6), 0);
	tmem_frame_counts(e->t, &fc0);
	assert_int_equal(put_seed(e, 1, 0, 1, 0, 6), 0);
	tmem_frame_counts(e->t, &fc1);
	assert_int_equal(fc1.eph, fc0.eph);
	/* The owner's exclusive get leaves the other's reference intact. */
	assert_int_equal(get_seed(e, 0, 0, 1, 0, 6), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 0, 6), -ERR_NOENT);
	assert_int_equal(get_seed(e, 1, 0, 1, 0, 6), 0);
	/* Destroying the owner evicts what others shared of its data. */
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 8), 0);
	assert_int_equal(put_seed(e, 1, 0, 1, 0, 8), 0);
	assert_int_equal(tmem_client_destroy(e->t, 0), 0);
	assert_int_equal(get_seed(e, 1, 0, 1, 0, 8), -ERR_NOENT);
	ok(e);
}

static void test_compression_packs_pages(void **state)
{
	struct env *e = *state;
	struct tmem_frame_counts fc;
	char line[512];

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_COMPRESS), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	/* seeds 1 mod 4 are text-like, 2 mod 4 random */
	for (uint32_t i = 0; i < 40; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, 4 * i + 1), 0);
	tmem_frame_counts(e->t, &fc);
	assert_true(fc.pers < 10);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(put_seed(e, 0, 0, 2, i, 4 * i + 2), 0);
	for (uint32_t i = 0; i < 40; i++)
		assert_int_equal(get_seed(e, 0, 0, 1, i, 4 * i + 1), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(get_seed(e, 0, 0, 2, i, 4 * i + 2), 0);
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, " compressed=40 "));
	assert_non_null(strstr(line, " poor=8 "));
	ok(e);
}

static void test_reclaim_evicts_whole_zframe(void **state)
{
	struct env *e = *state;
	int gone = 0;

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_COMPRESS), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	for (uint32_t i = 0; i < 40; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, 4 * i + 1), 0);
	struct tmem_frame_counts fc;

	tmem_frame_counts(e->t, &fc);
	assert_true(fc.eph < 20);
	/* The spares, then exactly one data frame. */
	assert_int_equal(tmem_reclaim(e->t, fc.spare + 1), fc.spare + 1);
	for (uint32_t i = 0; i < 40; i++) {
		int r = get_seed(e, 0, 0, 1, i, 4 * i + 1);

		assert_true(r == 0 || r == -ERR_NOENT);
		gone += r != 0;
	}
	/* One frame held several pages: they all went together. */
	assert_true(gone > 1);
	ok(e);
}

static void test_client_destroy_drops_everything(void **state)
{
	struct env *e = *state;
	struct tmem_uuid u = { { 5, 5 } };
	struct tmem_frame_counts fc;

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_COMPRESS | TMEM_CLIENT_DEDUP), 0);
	assert_int_equal(new_client(e, 1, 0), 0);
	assert_int_equal(tmem_grant_uuid(e->t, 0, &u), 0);
	assert_int_equal(tmem_grant_uuid(e->t, 1, &u), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, &u), 1);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_SHARED, &u), 0);
	for (uint32_t i = 0; i < 30; i++) {
		assert_int_equal(put_seed(e, 0, 0, 1, i, i), 0);
		assert_int_equal(put_seed(e, 0, 1, 1, i, i), 0);
		assert_int_equal(put_seed(e, 1, 0, 2, i, i), 0);
	}
	assert_int_equal(tmem_client_destroy(e->t, 0), 0);
	ok(e);
	/* Its pages in the shared pool are gone; the other's stay. */
	for (uint32_t i = 0; i < 30; i++) {
		assert_int_equal(get_seed(e, 1, 0, 1, i, i), -ERR_NOENT);
		assert_int_equal(get_seed(e, 1, 0, 2, i, i), 0);
	}
	tmem_frame_counts(e->t, &fc);
	assert_int_equal(fc.pers, 0);
	/* The id can be reused from scratch. */
	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_SHARED, &u), -ERR_PERM);
}

static void test_hostile_ids_stay_balanced(void **state)
{
	struct env *e = *state;
	static const uint32_t idx[] = { 0, 1, 63, 64, 4095, 4096, 1u << 30,
					UINT32_MAX - 1, UINT32_MAX };

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_DEDUP), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	/* Sequential ids are the worst case for an unbalanced tree. */
	for (uint64_t i = 0; i < 2000; i++) {
		struct tmem_oid o = oid_of(UINT64_MAX, UINT64_MAX, i);

		fill_page(e->in, 0);
		assert_int_equal(tmem_put(e->t, 0, 0, &o, 0, e->in), 0);
	}
	for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		assert_int_equal(put_seed(e, 0, 0, 3, idx[i], 4), 0);
	ok(e); /* includes the AVL height check */
	for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		assert_int_equal(get_seed(e, 0, 0, 3, idx[i], 4), 0);
	assert_int_equal(get_seed(e, 0, 0, 3, 2, 4), -ERR_NOENT);
	struct tmem_oid o3 = oid_of(3, 0, 0);

	assert_int_equal(tmem_flush_object(e->t, 0, 0, &o3), 9);
	ok(e);
}

static void test_stats_lines(void **state)
{
	struct env *e = *state;
	char line[1024], tiny[8];

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 1), 0);
	assert_int_equal(put_seed(e, 0, 0, 1, 0, 1), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 0, 1), 0);
	assert_int_equal(get_seed(e, 0, 0, 1, 1, 1), -ERR_NOENT);
	assert_true(tmem_stats_pool(e->t, 0, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, "kind=persistent"));
	assert_non_null(strstr(line, " puts=2 gets=2 hits=1 misses=1 "));
	assert_non_null(strstr(line, " dup_puts=1 "));
	assert_null(strchr(line, '\n'));
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, "pers_pages=1 "));
	assert_non_null(strstr(line, "pers_frames=1"));
	int n = tmem_stats_global(e->t, line, sizeof(line));

	assert_true(n > 0 && (size_t)n == strlen(line));
	assert_non_null(strstr(line, " owned="));
	assert_non_null(strstr(line, " freeable="));
	assert_non_null(strstr(line, " comp_pct="));
	assert_int_equal(tmem_stats_global(e->t, tiny, sizeof(tiny)), n);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(tmem_stats_pool(e->t, 0, 1, line, sizeof(line)), -ERR_NOENT);
	assert_int_equal(tmem_stats_pool(e->t, 0, TMEM_MAX_POOLS, line, sizeof(line)), -ERR_RANGE);
	assert_int_equal(tmem_stats_client(e->t, 9, line, sizeof(line)), -ERR_NOENT);
}

/* Records of ephemeral pages are freeable, those of persistent pages
 * owned and charged to their client, pool records owned by no one. */
static void test_metadata_charged_by_kind(void **state)
{
	struct env *e = *state;
	struct tmem_frame_counts fc;
	char line[1024];

	assert_int_equal(new_client(e, 0, 0), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 1);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(put_seed(e, 0, 0, i, i * 77, i), 0);
	tmem_frame_counts(e->t, &fc);
	assert_true(fc.emeta > 0 && fc.meta > 0);
	assert_int_equal(fc.pmeta, 0);
	assert_int_equal(fc.owned, fc.meta + fc.pers + fc.pmeta);
	assert_int_equal(fc.freeable, fc.eph + fc.spare + fc.emeta);
	assert_int_equal(fc.eph, 100);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(put_seed(e, 0, 1, i, i * 77, i), 0);
	tmem_frame_counts(e->t, &fc);
	assert_true(fc.pmeta > 0);
	assert_int_equal(fc.pmeta, e->t->clients[0].meta_frames[TMEM_PERS]);
	assert_int_equal(fc.emeta, e->t->clients[0].meta_frames[TMEM_EPH]);
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, " pers_meta_frames="));
	assert_non_null(strstr(line, " eph_meta_frames="));
	ok(e);
	/* Freeable means it: reclaiming everything takes every ephemeral
	 * record's frame back too. */
	tmem_reclaim(e->t, 100000);
	tmem_frame_counts(e->t, &fc);
	assert_int_equal(fc.eph + fc.emeta + fc.spare, 0);
	assert_true(fc.pmeta > 0);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(get_seed(e, 0, 1, i, i * 77, i), 0);
	ok(e);
}

/* The attack of issue 10 in small: one page under many handles, each
 * with its own radix nodes, costs the flooder its own limit and nothing
 * of anyone else's. */
static void test_metadata_flood_refused_at_limit(void **state)
{
	struct env *e = *state;
	struct tmem_client_cfg flooder = plain, victim = plain;
	struct tmem_frame_counts fc;
	uint32_t n;
	int r = 0;

	flooder.flags = TMEM_CLIENT_DEDUP | TMEM_CLIENT_COMPRESS;
	flooder.limit = 64;
	victim.limit = 40;
	assert_int_equal(tmem_client_create(e->t, 0, &flooder), 0);
	assert_int_equal(tmem_client_create(e->t, 1, &victim), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, TMEM_POOL_PERSISTENT, NULL), 0);
	for (n = 0; n < 100000; n++) {
		r = put_seed(e, 0, 0, n / 256, (n % 256) << 24, 7);
		if (r)
			break;
	}
	assert_int_equal(r, -ERR_NOSPC);
	/* About 4 radix nodes (7 to a frame) a handle. */
	assert_true(n > 50);
	assert_true(meta_pers_charge(&e->t->clients[0]) <= flooder.limit);
	tmem_frame_counts(e->t, &fc);
	/* Besides its charge, only the two pool records' frame. */
	assert_true(fc.pers + fc.pmeta <= flooder.limit);
	ok(e);
	for (uint32_t k = 0; k < n; k += 97)
		assert_int_equal(get_seed(e, 0, 0, k / 256, (k % 256) << 24, 7), 0);
	/* The victim's own limit is all there for it. */
	for (uint32_t i = 0; i < 30; i++)
		assert_int_equal(put_seed(e, 1, 0, 1, i, i), 0);
	ok(e);
	/* An ephemeral flood is freeable: a persistent put takes it back. */
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 1);
	for (n = 0; n < 3000; n++) {
		r = put_seed(e, 0, 1, n / 256, (n % 256) << 24, 7);
		assert_true(r == 0 || r == -ERR_NOMEM);
	}
	tmem_frame_counts(e->t, &fc);
	assert_true(fc.emeta > 0);
	e->a.limit = e->a.total - e->a.nfree; /* nothing free any more */
	for (uint32_t i = 30; i < 36; i++)
		assert_int_equal(put_seed(e, 1, 0, 1, i, i), 0);
	ok(e);
	/* All of it, the records of evicted pages still waiting for the
	 * sweep included, is the allocator's to take. */
	tmem_reclaim(e->t, 100000);
	tmem_frame_counts(e->t, &fc);
	assert_int_equal(fc.eph + fc.emeta + fc.spare, 0);
	assert_true(lru_empty(&e->t->dead));
	for (uint32_t i = 0; i < 36; i++)
		assert_int_equal(get_seed(e, 1, 0, 1, i, i), 0);
	ok(e);
}

/* radix_new_nodes predicts exactly what radix_slot takes. */
static void *radix_grow(void *ctx)
{
	return frames_get(ctx, FRAME_META);
}

static void radix_drop(void *ctx, void *value)
{
	(void)ctx;
	(void)value;
}

static void test_radix_new_nodes_exact(void **state)
{
	struct env *e = *state;
	struct tmem_frames *f = &e->t->frames;
	struct slab_cache nodes;
	struct radix_root r = { 0 };
	uint64_t x = 99;
	static int dummy;

	slab_init(&nodes, f, sizeof(struct radix_node), FRAME_META, NULL);
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned k = 0; k < 2000; k++) {
			uint32_t idx;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			switch (round) {
			case 0: idx = k; break;
			case 1: idx = (k % 256) << 24; break;
			case 2: idx = (uint32_t)x; break;
			case 3: idx = (uint32_t)(x % 5000) << (k % 20); break;
			default: idx = (uint32_t)x >> (x % 32); break;
			}
			uint32_t want = radix_new_nodes(&r, idx);
			uint64_t before = nodes.inuse;

			assert_true(want <= RADIX_MAX_NEW_NODES);
			assert_int_equal(slab_reserve(&nodes, RADIX_MAX_NEW_NODES, radix_grow, f), 0);
			void **slot = radix_slot(&r, idx, &nodes);

			assert_non_null(slot);
			if (!*slot)
				*slot = &dummy;
			assert_int_equal(nodes.inuse - before, want);
			assert_int_equal(radix_new_nodes(&r, idx), 0);
			if (x % 3 == 0)
				radix_delete(&r, idx, &nodes);
			/* Fresh trees often: a second value turns a lone one
			 * into a tree, the case with the most paths. */
			if (x % 5 == 0)
				radix_drain(&r, &nodes, radix_drop, NULL);
		}
		radix_drain(&r, &nodes, radix_drop, NULL);
		assert_int_equal(nodes.inuse, 0);
	}
	slab_shrink(&nodes);
	assert_int_equal(nodes.nframes, 0);
}

static void test_scrubbed_on_return(void **state)
{
	struct env *e = *state;

	assert_int_equal(new_client(e, 0, TMEM_CLIENT_COMPRESS), 0);
	assert_int_equal(tmem_pool_new(e->t, 0, 0, NULL), 0);
	for (uint32_t i = 0; i < 300; i++)
		assert_int_equal(put_seed(e, 0, 0, 1, i, i | 2), 0);
	tmem_reclaim(e->t, 100000);
	/* The arena counts any non-zero byte in a returned frame. */
	assert_int_equal(e->a.violations, 0);
	ok(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, env_teardown)
		T(test_init_rejects_bad_platform),
		T(test_client_errors),
		T(test_pool_ids_bounds_checked),
		T(test_pool_flag_errors),
		T(test_null_arguments),
		T(test_persistent_kept_and_get_not_exclusive),
		T(test_ephemeral_get_is_exclusive),
		T(test_duplicate_put_replaces),
		T(test_failed_duplicate_put_drops_old),
		T(test_flush_page_never_returns_data),
		T(test_flush_object),
		T(test_persistent_limit),
		T(test_ephemeral_evicted_oldest_first),
		T(test_ephemeral_put_fails_when_no_frame),
		T(test_reclaim),
		T(test_reclaim_prefers_client_over_weight_share),
		T(test_cap_recycles_own_frames),
		T(test_shared_pool_by_uuid),
		T(test_grant_table_full),
		T(test_shared_table_full),
		T(test_dedup_within_client),
		T(test_dedup_across_clients_when_pool_says_so),
		T(test_compression_packs_pages),
		T(test_reclaim_evicts_whole_zframe),
		T(test_client_destroy_drops_everything),
		T(test_hostile_ids_stay_balanced),
		T(test_stats_lines),
		T(test_metadata_charged_by_kind),
		T(test_metadata_flood_refused_at_limit),
		T(test_radix_new_nodes_exact),
		T(test_scrubbed_on_return),
#undef T
	};

	return cmocka_run_group_tests_name("tmem", tests, NULL, NULL);
}
