/* A client is one guest's presence in tmem: its pools, its limits, its
 * ephemeral LRU list and what it is charged for. */
#ifndef FALLOW_TMEM_CLIENT_H
#define FALLOW_TMEM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "tmem/lru.h"
#include "tmem/stats.h"

#define TMEM_MAX_CLIENTS 64
#define TMEM_MAX_POOLS 16  /* pool ids per client: 0..15 */
#define TMEM_MAX_GRANTS 8  /* shared-pool UUIDs one client may be granted */
#define TMEM_UNLIMITED UINT64_MAX

/* Client flags. */
#define TMEM_CLIENT_COMPRESS 0x1u /* store pages LZ4-compressed when it pays */
#define TMEM_CLIENT_DEDUP 0x2u    /* store equal pages once */
#define TMEM_CLIENT_FLAGS (TMEM_CLIENT_COMPRESS | TMEM_CLIENT_DEDUP)

enum { TMEM_EPH, TMEM_PERS, TMEM_KINDS };

struct tmem_uuid {
	uint64_t w[2];
};

struct tmem_client_cfg {
	uint32_t weight; /* share of ephemeral frames under pressure */
	uint32_t flags;  /* TMEM_CLIENT_* */
	uint64_t cap;    /* most ephemeral frames it may hold */
	uint64_t limit;  /* most persistent frames it may be charged (maxmem - RAM) */
};

struct zframe;
struct tmem_pool;

struct tmem_client {
	bool active;
	struct tmem_client_cfg cfg;
	struct tmem_pool *pools[TMEM_MAX_POOLS];
	struct tmem_uuid grants[TMEM_MAX_GRANTS];
	unsigned ngrants;
	struct tmem_lru lru;               /* its ephemeral data, oldest first */
	struct zframe *open[TMEM_KINDS];   /* where compressed pages go next */
	uint64_t frames[TMEM_KINDS];       /* data frames charged to it */
	uint64_t pages[TMEM_KINDS];        /* pages it put that are stored */
	uint64_t zframes, zbytes;          /* packed frames, live bytes in them */
	struct tmem_op_stats ops;
	struct tmem_data_stats data;
};

struct tmem;

/* The active client cid, or NULL with *err set (-ERR_RANGE/-ERR_NOENT). */
struct tmem_client *client_lookup(struct tmem *t, unsigned cid, int *err);
unsigned client_id(const struct tmem *t, const struct tmem_client *c);
bool client_granted(const struct tmem_client *c, const struct tmem_uuid *u);
/* Frees at most TMEM_WORK_BUDGET pages of what the client holds; once
 * nothing is left it marks the client inactive and returns 0, before
 * that -ERR_AGAIN. */
int client_destroy_step(struct tmem *t, struct tmem_client *c);

#endif
