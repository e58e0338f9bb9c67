/* Where a page's bytes live: a dedup reference, a compressed chunk or a
 * raw frame, and the charging of frames to clients. */
#ifndef FALLOW_TMEM_STORE_H
#define FALLOW_TMEM_STORE_H

#include "tmem/client.h"
#include "tmem/dedup.h"
#include "tmem/object.h"
#include "tmem/pool.h"

struct tmem;

/* Records one put may need, reserved before it touches any index. */
int store_reserve(struct tmem *t);
/* Stores src as pg's data (pg has none). May evict other data. */
int store_page(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
	       struct tmem_page *pg, const void *src);
/* 0, -ERR_CORRUPT, or -ERR_NOENT for a page whose blob was evicted. */
int load_page(struct tmem *t, const struct tmem_page *pg, void *dst);
/* Drops pg's data (and its LRU place); pg keeps its index slot. */
void release_page_data(struct tmem *t, struct tmem_page *pg);

/* A page whose shared blob was evicted (evict.c): its data is gone, the
 * record waits for the sweep, and every lookup takes it for a miss. */
static inline bool page_dead(const struct tmem_page *pg)
{
	return (pg->lru.flags & LRU_F_BLOB) &&
	       (((const struct tmem_blob *)pg->data)->lru.flags & LRU_F_DEAD);
}

/* Takes b out of the dedup index and its LRU and frees its bytes; its
 * pages still point at it. */
void blob_drop_data(struct tmem *t, struct tmem_blob *b);

/* A data frame charged to client c, evicting if need be; NULL with *err
 * set (-ERR_NOSPC at the client's limit or cap, -ERR_NOMEM). */
void *data_frame_get(struct tmem *t, struct tmem_client *c, int kind, int *err);
void data_frame_put(struct tmem *t, void *frame, unsigned cid, int kind);
/* Slab grow callback: a metadata frame, evicting if need be. */
void *meta_frame_get(void *tmem);

#endif
