/* libFuzzer target: tmem operation sequences. Each 4-byte group of the
 * input is one operation (client, pool, handle, what); a reference model
 * checks every get, and the frame balance and full structure check run
 * after every operation. Small arena, so eviction and failure paths are
 * exercised constantly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "../unit/test_tmem_platform.h"

#define FRAMES 48
#define CLIENTS 3
#define POOLS 3
#define OBJS 2
#define IDXS 8
#define OP_BYTES 4
#define PERS_LIMIT 10 /* frames, data and metadata */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tmem t;
static uint64_t val[CLIENTS][POOLS][OBJS][IDXS];
static int pool_id[CLIENTS][POOLS];
static uint8_t in[TMEM_PAGE_SIZE], out[TMEM_PAGE_SIZE];
static const struct tmem_uuid uuid = { { 1, 2 } };

static void up(unsigned c)
{
	struct tmem_client_cfg cfg = { 1 + c, c, c == 1 ? 6 : TMEM_UNLIMITED, PERS_LIMIT };

	if (tmem_client_create(&t, c, &cfg))
		abort();
	pool_id[c][0] = tmem_pool_new(&t, c, 0, NULL);
	pool_id[c][1] = tmem_pool_new(&t, c, TMEM_POOL_PERSISTENT, NULL);
	tmem_grant_uuid(&t, c, &uuid);
	pool_id[c][2] = tmem_pool_new(&t, c, TMEM_POOL_SHARED | TMEM_POOL_DEDUP_SHARED, &uuid);
	memset(val[c][0], 0, sizeof(val[c][0]));
	memset(val[c][1], 0, sizeof(val[c][1]));
}

static uint64_t *slot(unsigned c, unsigned p, unsigned o, unsigned i)
{
	return p == 2 ? &val[0][2][o][i] : &val[c][p][o][i];
}

static void op(struct arena *a, const uint8_t *b)
{
	unsigned c = b[0] % CLIENTS, p = (b[0] / CLIENTS) % POOLS;
	unsigned o = b[1] % OBJS, i = (b[1] / OBJS) % IDXS;
	unsigned what = b[2] % 8;
	uint64_t seed = b[3] % 16;
	struct tmem_oid oid = oid_of(o, p == 2 ? 99 : c, 0);
	uint64_t *v = slot(c, p, o, i);
	unsigned pid = (unsigned)pool_id[c][p];
	int r;

	switch (what) {
	case 0: case 1: case 2:
		fill_page(in, seed);
		r = tmem_put(&t, c, pid, &oid, i, in);
		if (r && r != -ERR_NOSPC && r != -ERR_NOMEM)
			abort();
		*v = r ? 0 : seed + 1;
		break;
	case 3: case 4:
		r = tmem_get(&t, c, pid, &oid, i, out);
		if (r == -ERR_NOENT) {
			if (p == 1 && *v)
				abort(); /* persistent data lost */
			*v = 0;
			break;
		}
		fill_page(in, *v - 1);
		if (r || !*v || memcmp(in, out, TMEM_PAGE_SIZE))
			abort(); /* stale, foreign or corrupt data */
		if (p == 0)
			*v = 0;
		break;
	case 5:
		tmem_flush_page(&t, c, pid, &oid, i);
		*v = 0;
		break;
	case 6:
		tmem_reclaim(&t, b[3] % 4);
		break;
	default:
		if (b[3] < 16) {
			tmem_client_destroy(&t, c);
			up(c);
		} else {
			a->limit = FRAMES - b[3] % 16;
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct tmem_platform plat;

	arena_init(&a, FRAMES);
	plat = arena_platform(&a);
	if (tmem_init(&t, &plat, 7))
		abort();
	memset(val, 0, sizeof(val));
	for (unsigned c = 0; c < CLIENTS; c++)
		up(c);
	for (size_t k = 0; k + OP_BYTES <= size; k += OP_BYTES) {
		op(&a, data + k);
		if (!arena_balanced(&a, &t) || tmem_check(&t) || a.violations)
			abort();
		for (unsigned c = 0; c < CLIENTS; c++)
			if (meta_pers_charge(&t.clients[c]) > PERS_LIMIT)
				abort();
	}
	tmem_fini(&t);
	if (a.nfree != a.total || a.violations)
		abort();
	arena_fini(&a);
	return 0;
}
