/* The getters (tmem/info.c): what tmem_totals, tmem_client_info and
 * tmem_frame_counts copy out is what the operations did, adds up the
 * way the hypervisor's accounting relies on, and agrees with the stats
 * lines built from the same counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lib/err.h"
#include "test_tmem_env.h"

#define ARENA_FRAMES 256
#define PERS_PAGES 3u
#define EPH_PAGES 5u

static int setup(void **state)
{
	*state = env_new(ARENA_FRAMES, 11);
	return 0;
}

static void client(struct env *e, unsigned cid, uint32_t flags, uint32_t weight)
{
	struct tmem_client_cfg cfg = plain;

	cfg.flags = flags;
	cfg.weight = weight;
	assert_int_equal(tmem_client_create(e->t, cid, &cfg), 0);
}

static int put(struct env *e, unsigned cid, unsigned pool, uint32_t idx, uint64_t seed)
{
	struct tmem_oid o = oid_of(1, 0, 0);

	fill_page(e->in, seed);
	return tmem_put(e->t, cid, pool, &o, idx, e->in);
}

static int get(struct env *e, unsigned cid, unsigned pool, uint32_t idx)
{
	struct tmem_oid o = oid_of(1, 0, 0);

	return tmem_get(e->t, cid, pool, &o, idx, e->out);
}

/* The `key=N` value in line, which must be there. */
static uint64_t value(const char *line, const char *key)
{
	char pat[64];
	const char *p;
	unsigned long long v;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(pat), "%llu", &v), 1);
	return v;
}

/* Client 0: PERS_PAGES persistent pages; client 1: EPH_PAGES ephemeral
 * ones, one get that hits and one that misses. */
static void fill(struct env *e)
{
	client(e, 0, 0, 2);
	client(e, 1, 0, 5);
	assert_int_equal(tmem_pool_new(e->t, 0, TMEM_POOL_PERSISTENT, NULL), 0);
	assert_int_equal(tmem_pool_new(e->t, 1, 0, NULL), 0);
	for (uint32_t i = 0; i < PERS_PAGES; i++)
		assert_int_equal(put(e, 0, 0, i, i), 0);
	for (uint32_t i = 0; i < EPH_PAGES; i++)
		assert_int_equal(put(e, 1, 0, i, 100 + i), 0);
	assert_int_equal(get(e, 0, 0, 0), 0);
	assert_int_equal(get(e, 0, 0, PERS_PAGES), -ERR_NOENT);
}

static void test_empty(void **state)
{
	struct env *e = *state;
	struct tmem_totals tot;
	struct tmem_client_info ci = { .pers_charge = 77 };
	const struct tmem_data_stats none = { 0 };

	tmem_totals(e->t, &tot);
	assert_int_equal(tot.clients, 0);
	assert_int_equal(tot.pages[TMEM_EPH] + tot.pages[TMEM_PERS], 0);
	assert_int_equal(tot.ops.puts + tot.ops.gets + tot.reclaimed, 0);
	assert_int_equal(tot.frames.freeable + tot.frames.owned, 0);
	assert_int_equal(tmem_comp_pct(&none), 100);
	/* A refused lookup leaves *out as it was. */
	assert_int_equal(tmem_client_info(e->t, 0, &ci), -ERR_NOENT);
	assert_int_equal(tmem_client_info(e->t, TMEM_MAX_CLIENTS, &ci), -ERR_RANGE);
	assert_int_equal(tmem_client_info(e->t, UINT32_MAX, &ci), -ERR_RANGE);
	assert_int_equal(ci.pers_charge, 77);
}

static void test_client_info_counts(void **state)
{
	struct env *e = *state;
	struct tmem_client_info p, q;

	fill(e);
	assert_int_equal(tmem_client_info(e->t, 0, &p), 0);
	assert_int_equal(tmem_client_info(e->t, 1, &q), 0);
	assert_int_equal(p.cfg.weight, 2);
	assert_int_equal(q.cfg.weight, 5);
	assert_int_equal(p.cfg.limit, TMEM_UNLIMITED);
	assert_int_equal(p.pages[TMEM_PERS], PERS_PAGES);
	assert_int_equal(p.pages[TMEM_EPH], 0);
	assert_int_equal(q.pages[TMEM_EPH], EPH_PAGES);
	assert_int_equal(q.pages[TMEM_PERS], 0);
	/* Neither dedup nor compression: one data frame a page. */
	assert_int_equal(p.frames[TMEM_PERS], PERS_PAGES);
	assert_int_equal(q.frames[TMEM_EPH], EPH_PAGES);
	assert_true(p.meta_frames[TMEM_PERS] > 0);
	assert_int_equal(p.meta_frames[TMEM_EPH], 0);
	assert_true(q.meta_frames[TMEM_EPH] > 0);
	assert_int_equal(p.pers_charge, p.frames[TMEM_PERS] + p.meta_frames[TMEM_PERS]);
	assert_int_equal(q.pers_charge, 0);
	assert_int_equal(p.ops.puts, PERS_PAGES);
	assert_int_equal(p.ops.gets, 2);
	assert_int_equal(p.ops.hits, 1);
	assert_int_equal(p.ops.misses, 1);
	assert_int_equal(q.ops.puts, EPH_PAGES);
	assert_int_equal(q.ops.gets, 0);
	assert_int_equal(p.zframes + q.zframes, 0);
}

static void test_totals_add_up(void **state)
{
	struct env *e = *state;
	struct tmem_totals tot;
	struct tmem_frame_counts fc;
	struct tmem_client_info p, q;

	fill(e);
	tmem_totals(e->t, &tot);
	tmem_frame_counts(e->t, &fc);
	assert_int_equal(tmem_client_info(e->t, 0, &p), 0);
	assert_int_equal(tmem_client_info(e->t, 1, &q), 0);
	assert_int_equal(tot.clients, 2);
	assert_int_equal(tot.pages[TMEM_PERS], PERS_PAGES);
	assert_int_equal(tot.pages[TMEM_EPH], EPH_PAGES);
	assert_int_equal(tot.ops.puts, PERS_PAGES + EPH_PAGES);
	assert_int_equal(tot.ops.hits, 1);
	assert_int_equal(tot.ops.misses, 1);
	assert_memory_equal(&tot.frames, &fc, sizeof(fc));
	assert_int_equal(fc.eph, EPH_PAGES);
	assert_int_equal(fc.pers, PERS_PAGES);
	assert_int_equal(fc.pmeta, p.meta_frames[TMEM_PERS]);
	assert_int_equal(fc.emeta, q.meta_frames[TMEM_EPH]);
	assert_true(fc.meta > 0); /* the two pool records */
	assert_int_equal(fc.records, fc.meta + fc.emeta + fc.pmeta);
	assert_int_equal(fc.freeable, fc.eph + fc.spare + fc.emeta);
	assert_int_equal(fc.owned, fc.pers + fc.meta + fc.pmeta);
	/* Every frame tmem took is in exactly one of them. */
	assert_int_equal(fc.freeable + fc.owned, e->a.total - e->a.nfree);
}

/* The stats lines print the getters' numbers. */
static void test_stats_lines_agree(void **state)
{
	struct env *e = *state;
	struct tmem_totals tot;
	struct tmem_client_info p;
	char line[1024];

	fill(e);
	tmem_totals(e->t, &tot);
	assert_int_equal(tmem_client_info(e->t, 0, &p), 0);
	assert_true(tmem_stats_global(e->t, line, sizeof(line)) > 0);
	assert_int_equal(value(line, "clients"), tot.clients);
	assert_int_equal(value(line, "pages"), tot.pages[TMEM_EPH] + tot.pages[TMEM_PERS]);
	assert_int_equal(value(line, "puts"), tot.ops.puts);
	assert_int_equal(value(line, "freeable"), tot.frames.freeable);
	assert_int_equal(value(line, "owned"), tot.frames.owned);
	assert_int_equal(value(line, "meta_frames"), tot.frames.records);
	assert_int_equal(value(line, "pers_meta_frames"), tot.frames.pmeta);
	assert_int_equal(value(line, "spare_frames"), tot.frames.spare);
	assert_int_equal(value(line, "comp_pct"), tmem_comp_pct(&tot.data));
	assert_true(tmem_stats_client(e->t, 0, line, sizeof(line)) > 0);
	assert_int_equal(value(line, "weight"), p.cfg.weight);
	assert_int_equal(value(line, "pers_pages"), p.pages[TMEM_PERS]);
	assert_int_equal(value(line, "pers_frames"), p.frames[TMEM_PERS]);
	assert_int_equal(value(line, "pers_meta_frames"), p.meta_frames[TMEM_PERS]);
	assert_int_equal(value(line, "hits"), p.ops.hits);
	assert_int_equal(value(line, "misses"), p.ops.misses);
}

/* Reclaim and evictions show up where the hypervisor reads them, and
 * never touch a persistent charge. */
static void test_reclaim_counted(void **state)
{
	struct env *e = *state;
	struct tmem_client_info before, after, q;
	struct tmem_totals tot;
	uint64_t freed;

	fill(e);
	assert_int_equal(tmem_client_info(e->t, 0, &before), 0);
	freed = tmem_reclaim(e->t, 2);
	assert_true(freed >= 2);
	tmem_totals(e->t, &tot);
	assert_int_equal(tot.reclaimed, freed);
	assert_int_equal(tmem_client_info(e->t, 1, &q), 0);
	assert_true(q.ops.evictions >= 2);
	assert_int_equal(q.pages[TMEM_EPH], EPH_PAGES - q.ops.evictions);
	assert_int_equal(tot.ops.evictions, q.ops.evictions);
	assert_int_equal(tmem_client_info(e->t, 0, &after), 0);
	assert_int_equal(after.pers_charge, before.pers_charge);
	ok(e);
}

/* Compression: packed frames and the ratio. */
static void test_compressed_counted(void **state)
{
	struct env *e = *state;
	struct tmem_client_info c;
	struct tmem_totals tot;
	struct tmem_oid o = oid_of(1, 0, 0);

	client(e, 2, TMEM_CLIENT_COMPRESS, 1);
	assert_int_equal(tmem_pool_new(e->t, 2, 0, NULL), 0);
	memset(e->in, 'z', TMEM_PAGE_SIZE); /* compresses to almost nothing */
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(tmem_put(e->t, 2, 0, &o, i, e->in), 0);
	assert_int_equal(tmem_client_info(e->t, 2, &c), 0);
	tmem_totals(e->t, &tot);
	assert_int_equal(c.data.compressed, 4);
	assert_true(tmem_comp_pct(&c.data) < 100);
	assert_int_equal(tmem_comp_pct(&tot.data), tmem_comp_pct(&c.data));
	assert_int_equal(c.zframes, 1);
	assert_true(c.zbytes > 0 && c.zbytes < TMEM_PAGE_SIZE);
	assert_int_equal(tot.zframes, c.zframes);
	assert_int_equal(tot.zbytes, c.zbytes);
}

static void test_destroyed_client_gone(void **state)
{
	struct env *e = *state;
	struct tmem_client_info ci;
	struct tmem_totals tot;

	fill(e);
	assert_int_equal(tmem_client_destroy(e->t, 0), 0);
	assert_int_equal(tmem_client_info(e->t, 0, &ci), -ERR_NOENT);
	tmem_totals(e->t, &tot);
	assert_int_equal(tot.clients, 1);
	assert_int_equal(tot.pages[TMEM_PERS], 0);
	assert_int_equal(tot.frames.pers + tot.frames.pmeta, 0);
	/* Global operation counts outlive the client. */
	assert_int_equal(tot.ops.puts, PERS_PAGES + EPH_PAGES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, env_teardown)
		T(test_empty),
		T(test_client_info_counts),
		T(test_totals_add_up),
		T(test_stats_lines_agree),
		T(test_reclaim_counted),
		T(test_compressed_counted),
		T(test_destroyed_client_gone),
#undef T
	};

	return cmocka_run_group_tests_name("tmem getters", tests, NULL, NULL);
}
