/* Pools: a client's ephemeral or persistent, private or shared store of
 * objects. Shared pools are found by UUID. */
#ifndef FALLOW_TMEM_POOL_H
#define FALLOW_TMEM_POOL_H

#include <stdint.h>

#include "tmem/avl.h"
#include "tmem/client.h"
#include "tmem/stats.h"

#define TMEM_MAX_SHARED 32 /* shared pools in the whole system */
/* A pool's objects are spread over small AVL trees by a hash of the
 * object id: a lookup usually meets one or two nodes instead of walking
 * (and mispredicting) log2(objects) levels, and ids a guest picks to fill
 * one bucket still cost O(log n). */
#define POOL_OBJ_BUCKET_BITS 6
#define POOL_OBJ_BUCKETS (1u << POOL_OBJ_BUCKET_BITS)

/* Pool flags. */
#define TMEM_POOL_PERSISTENT 0x1u
#define TMEM_POOL_SHARED 0x2u       /* found by UUID, gets not exclusive */
#define TMEM_POOL_DEDUP_SHARED 0x4u /* dedup across clients (ephemeral only) */
#define TMEM_POOL_FLAGS (TMEM_POOL_PERSISTENT | TMEM_POOL_SHARED | TMEM_POOL_DEDUP_SHARED)

struct tmem_pool {
	struct avl_tree objs[POOL_OBJ_BUCKETS]; /* struct tmem_obj by oid */
	struct tmem_uuid uuid;
	uint32_t flags;
	uint16_t owner;       /* creating client */
	uint16_t shared_slot; /* index in t->shared (shared pools) */
	uint64_t members;     /* bitmap of clients joined (shared pools) */
	uint64_t npages, nobjs;
	struct tmem_op_stats ops;
};

struct tmem;

static inline int pool_kind(const struct tmem_pool *p)
{
	return (p->flags & TMEM_POOL_PERSISTENT) ? TMEM_PERS : TMEM_EPH;
}

/* Client c's pool id, or NULL with *err set. */
struct tmem_pool *pool_lookup(struct tmem_client *c, unsigned id, int *err);
int pool_new(struct tmem *t, struct tmem_client *c, uint32_t flags,
	     const struct tmem_uuid *uuid);
/* Empties pool id by at most *budget pages (taken off it) and, once it
 * is empty, frees it (a shared pool: leaves it, the last one out frees
 * it). 0 when done, -ERR_AGAIN while pages are left, or a lookup error. */
int pool_destroy(struct tmem *t, struct tmem_client *c, unsigned id, uint32_t *budget);

#endif
