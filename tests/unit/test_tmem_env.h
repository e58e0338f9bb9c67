/* The cmocka fixture the tmem rule tests share (test_tmem.c,
 * test_tmem_bounded.c): one tmem over an arena of frames, with a page
 * buffer in and out. A test ends with every frame back, scrubbed, and
 * nothing drifted. Include after <cmocka.h>. */
#ifndef TEST_TMEM_ENV_H
#define TEST_TMEM_ENV_H

#include "test_tmem_platform.h"

struct env {
	struct arena a;
	struct tmem *t;
	uint8_t in[TMEM_PAGE_SIZE], out[TMEM_PAGE_SIZE];
};

static const struct tmem_client_cfg plain = { 1, 0, TMEM_UNLIMITED, TMEM_UNLIMITED };

static struct env *env_new(uint64_t frames, uint64_t seed)
{
	struct env *e = calloc(1, sizeof(*e));
	struct tmem_platform plat;

	arena_init(&e->a, frames);
	plat = arena_platform(&e->a);
	e->t = calloc(1, sizeof(*e->t));
	assert_int_equal(tmem_init(e->t, &plat, seed), 0);
	return e;
}

/* The indexes and counters add up, and the arena agrees with tmem. */
static void ok(struct env *e)
{
	assert_int_equal(tmem_check(e->t), 0);
	assert_true(arena_balanced(&e->a, e->t));
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	ok(e);
	tmem_fini(e->t);
	assert_int_equal(e->a.nfree, e->a.total);
	assert_int_equal(e->a.violations, 0);
	arena_fini(&e->a);
	free(e->t);
	free(e);
	return 0;
}

#endif
