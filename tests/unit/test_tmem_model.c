/* Model-based randomized test: several clients run random operations
 * against tmem and against a plain reference model. Persistent gets must
 * return exactly the model's data; ephemeral gets the last data put or a
 * miss, never anything stale or foreign. After every operation the
 * frames balance (free + freeable + owned == total) and every client's
 * metadata charge matches the record frames it holds; every few thousand
 * the whole structure is rechecked. TMEM_MODEL_OPS sets the number of
 * operations (default 2000000), TMEM_MODEL_SEED the random seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/err.h"
#include "test_tmem_platform.h"

#define FRAMES 384
#define CLIENTS 4
#define POOLS 3 /* 0 ephemeral, 1 persistent, 2 shared (clients 0 and 1) */
#define OBJS 4
#define IDXS 32
#define CHECK_EVERY 4096
#define DEFAULT_OPS 2000000ull

struct model {
	struct arena a;
	struct tmem t;
	uint64_t rng;
	/* 0 = nothing there, else seed + 1. Shared pool: client slot 0. */
	uint64_t val[CLIENTS][POOLS][OBJS][IDXS];
	int pool_id[CLIENTS][POOLS];
	uint8_t in[TMEM_PAGE_SIZE], out[TMEM_PAGE_SIZE];
	uint64_t hits, misses, puts_failed;
};

static const struct tmem_uuid shared_uuid = { { 0x5eed, 0xcafe } };

static uint64_t rnd(struct model *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng;
}

static struct tmem_client_cfg cfg_of(unsigned c)
{
	static const struct tmem_client_cfg cfgs[CLIENTS] = {
		{ 1, 0, TMEM_UNLIMITED, 80 },
		{ 2, TMEM_CLIENT_COMPRESS, 60, 40 },
		{ 1, TMEM_CLIENT_DEDUP, TMEM_UNLIMITED, 60 },
		{ 3, TMEM_CLIENT_COMPRESS | TMEM_CLIENT_DEDUP, TMEM_UNLIMITED, 50 },
	};
	return cfgs[c];
}

static void client_up(struct model *m, unsigned c)
{
	struct tmem_client_cfg cfg = cfg_of(c);

	assert_int_equal(tmem_client_create(&m->t, c, &cfg), 0);
	m->pool_id[c][0] = tmem_pool_new(&m->t, c, 0, NULL);
	m->pool_id[c][1] = tmem_pool_new(&m->t, c, TMEM_POOL_PERSISTENT, NULL);
	assert_true(m->pool_id[c][0] >= 0 && m->pool_id[c][1] >= 0);
	m->pool_id[c][2] = -1;
	if (c < 2) {
		assert_int_equal(tmem_grant_uuid(&m->t, c, &shared_uuid), 0);
		m->pool_id[c][2] = tmem_pool_new(&m->t, c,
			TMEM_POOL_SHARED | TMEM_POOL_DEDUP_SHARED, &shared_uuid);
		assert_true(m->pool_id[c][2] >= 0);
	}
}

/* The model slot a handle maps to: shared pool state is common. */
static uint64_t *slot(struct model *m, unsigned c, unsigned p, unsigned o, unsigned i)
{
	return p == 2 ? &m->val[0][2][o][i] : &m->val[c][p][o][i];
}

static void client_down(struct model *m, unsigned c)
{
	assert_int_equal(tmem_client_destroy(&m->t, c), 0);
	memset(m->val[c][0], 0, sizeof(m->val[c][0]));
	memset(m->val[c][1], 0, sizeof(m->val[c][1]));
	/* Its ephemeral pages in the shared pool may be gone: the model's
	 * shared slots stay, and a miss there is allowed. */
}

static void do_put(struct model *m, unsigned c, unsigned p, unsigned o, unsigned i)
{
	struct tmem_oid oid = oid_of(o, c == 0 ? 1 : 2, 3);
	/* Few seeds, so equal pages (dedup) are common. */
	uint64_t seed = rnd(m) % 48;
	int r;

	if (p == 2)
		oid.w[1] = 9;
	fill_page(m->in, seed);
	r = tmem_put(&m->t, c, (unsigned)m->pool_id[c][p], &oid, i, m->in);
	if (r == 0) {
		*slot(m, c, p, o, i) = seed + 1;
		return;
	}
	/* Failing cleanly is allowed; persistent only at a limit or when
	 * no frame is left. The old data is gone either way. */
	assert_true(r == -ERR_NOSPC || r == -ERR_NOMEM);
	*slot(m, c, p, o, i) = 0;
	m->puts_failed++;
}

static void do_get(struct model *m, unsigned c, unsigned p, unsigned o, unsigned i)
{
	struct tmem_oid oid = oid_of(o, c == 0 ? 1 : 2, 3);
	uint64_t *v = slot(m, c, p, o, i);
	int r;

	if (p == 2)
		oid.w[1] = 9;
	r = tmem_get(&m->t, c, (unsigned)m->pool_id[c][p], &oid, i, m->out);
	if (r == -ERR_NOENT) {
		/* Persistent data never vanishes; ephemeral may. */
		assert_true(p != 1 || *v == 0);
		*v = 0;
		m->misses++;
		return;
	}
	assert_int_equal(r, 0);
	assert_true(*v != 0);
	fill_page(m->in, *v - 1);
	assert_memory_equal(m->in, m->out, TMEM_PAGE_SIZE);
	m->hits++;
	if (p == 0)
		*v = 0; /* exclusive */
}

static void do_flush(struct model *m, unsigned c, unsigned p, unsigned o, unsigned i,
		     bool whole)
{
	struct tmem_oid oid = oid_of(o, c == 0 ? 1 : 2, 3);
	int r;

	if (p == 2)
		oid.w[1] = 9;
	if (!whole) {
		r = tmem_flush_page(&m->t, c, (unsigned)m->pool_id[c][p], &oid, i);
		assert_true(r == 0 || r == 1);
		assert_true(p != 1 || r == (*slot(m, c, p, o, i) != 0));
		*slot(m, c, p, o, i) = 0;
		return;
	}
	r = tmem_flush_object(&m->t, c, (unsigned)m->pool_id[c][p], &oid);
	assert_true(r >= 0);
	for (unsigned k = 0; k < IDXS; k++)
		*slot(m, c, p, o, k) = 0;
}

static void one_op(struct model *m)
{
	uint64_t r = rnd(m);
	unsigned c = r % CLIENTS, p = (r >> 8) % POOLS;
	unsigned o = (r >> 16) % OBJS, i = (r >> 24) % IDXS;
	unsigned what = (r >> 40) % 1000;

	if (p == 2 && m->pool_id[c][2] < 0)
		p = 0;
	if (what < 480)
		do_put(m, c, p, o, i);
	else if (what < 830)
		do_get(m, c, p, o, i);
	else if (what < 940)
		do_flush(m, c, p, o, i, false);
	else if (what < 960)
		do_flush(m, c, p, o, i, true);
	else if (what < 998)
		tmem_reclaim(&m->t, (r >> 50) % 8);
	else if ((r >> 50) % 64 == 0) {
		client_down(m, c);
		client_up(m, c);
	} else {
		/* The hypervisor takes and gives back free frames. */
		m->a.limit = FRAMES - (r >> 52) % 96;
	}
}

static void test_model(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	const char *env = getenv("TMEM_MODEL_OPS");
	const char *senv = getenv("TMEM_MODEL_SEED");
	uint64_t ops = env ? strtoull(env, NULL, 0) : DEFAULT_OPS;
	struct tmem_platform plat;

	(void)state;
	arena_init(&m->a, FRAMES);
	plat = arena_platform(&m->a);
	m->rng = senv ? strtoull(senv, NULL, 0) : 0x1234567;
	if (!m->rng)
		m->rng = 1;
	assert_int_equal(tmem_init(&m->t, &plat, m->rng), 0);
	for (unsigned c = 0; c < CLIENTS; c++)
		client_up(m, c);
	for (uint64_t n = 0; n < ops; n++) {
		one_op(m);
		if (!arena_balanced(&m->a, &m->t))
			fail_msg("frames out of balance after op %llu", (unsigned long long)n);
		for (unsigned c = 0; c < CLIENTS; c++)
			if (meta_pers_charge(&m->t.clients[c]) > cfg_of(c).limit)
				fail_msg("client %u charged past its limit after op %llu", c,
					 (unsigned long long)n);
		if (tmem_check_charges(&m->t))
			fail_msg("metadata charges wrong (check.c line %d) after op %llu",
				 tmem_check_line, (unsigned long long)n);
		if (n % CHECK_EVERY == 0 && tmem_check(&m->t))
			fail_msg("tmem_check failed at line %d after op %llu",
				 tmem_check_line, (unsigned long long)n);
	}
	assert_int_equal(tmem_check(&m->t), 0);
	/* Persistent data survives everything: read it all back. */
	for (unsigned c = 0; c < CLIENTS; c++)
		for (unsigned o = 0; o < OBJS; o++)
			for (unsigned i = 0; i < IDXS; i++)
				if (m->val[c][1][o][i])
					do_get(m, c, 1, o, i);
	print_message("model: %llu ops, %llu hits, %llu misses, %llu failed puts\n",
		      (unsigned long long)ops, (unsigned long long)m->hits,
		      (unsigned long long)m->misses, (unsigned long long)m->puts_failed);
	assert_true(m->hits > ops / 20 && m->misses > 0);
	tmem_fini(&m->t);
	assert_int_equal(m->a.nfree, m->a.total);
	assert_int_equal(m->a.violations, 0);
	arena_fini(&m->a);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("tmem_model", tests, NULL, NULL);
}
