/* A cleancache-style page cache over a block store: pages live in the
 * guest's RAM; a clean page pushed out of RAM is put into an ephemeral
 * tmem pool, and a read that misses RAM tries tmem before the store.
 * tmem may drop what it holds at any time, so every tmem miss simply
 * costs a store read; a hit is exclusive (the page leaves tmem). One
 * cache per guest; the object id is the "file", the index the block. */
#ifndef FALLOW_GUEST_RT_CLEANCACHE_H
#define FALLOW_GUEST_RT_CLEANCACHE_H

#include <stdint.h>

#define CC_MAX_SLOTS 2048u /* RAM pages the cache may hold */

/* Reads block `block` of the backing store into a page: 0 or -FALLOW_E*. */
typedef int (*cc_read_fn)(void *ctx, uint32_t block, void *page);

struct cc_stats {
	uint64_t ram_hits, tmem_hits, tmem_misses, store_reads;
	uint64_t puts, put_fails;
	int64_t last_put_err; /* the latest refused put's result */
};

/* Takes nslots pages for RAM and creates the pool. Without tmem (the
 * pool refused) the cache still works, from RAM and the store.
 * 0, -FALLOW_ERANGE (nslots 0 or above CC_MAX_SLOTS), -FALLOW_ENOMEM. */
int cleancache_init(uint32_t nslots, uint64_t file_id, cc_read_fn read, void *ctx);

/* The block's contents (valid until the next call), or NULL when the
 * store failed. */
const void *cleancache_read(uint32_t block);

/* The block changed in the store: drop it from RAM and tmem. */
void cleancache_invalidate(uint32_t block);

const struct cc_stats *cleancache_stats(void);
int64_t cleancache_pool(void); /* the pool id, or the error creating it */

#endif
