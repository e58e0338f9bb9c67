/* Where a page's bytes live: a dedup reference, a compressed chunk or a
 * raw frame, and the charging of frames to clients. */
#ifndef FALLOW_TMEM_STORE_H
#define FALLOW_TMEM_STORE_H

#include "tmem/client.h"
#include "tmem/object.h"
#include "tmem/pool.h"

struct tmem;

/* Stores src as pg's data (pg has none). May evict other data. */
int store_page(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
	       struct tmem_page *pg, const void *src);
int load_page(struct tmem *t, const struct tmem_page *pg, void *dst);
/* Drops pg's data (and its LRU place); pg keeps its index slot. */
void release_page_data(struct tmem *t, struct tmem_page *pg);

/* A data frame charged to client c, evicting if need be; NULL with *err
 * set (-ERR_NOSPC at the client's limit or cap, -ERR_NOMEM). */
void *data_frame_get(struct tmem *t, struct tmem_client *c, int kind, int *err);
void data_frame_put(struct tmem *t, void *frame, unsigned cid, int kind);
/* Slab grow callback for the pool records: a FRAME_META frame,
 * evicting if need be. */
void *meta_frame_get(void *tmem);

#endif
