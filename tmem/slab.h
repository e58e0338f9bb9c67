/* Fixed-size records carved out of whole frames, so tmem never needs a
 * general heap and every byte of its metadata sits in a frame counted as
 * owned (FRAME_META).
 *
 * Growing a cache may need a frame, and getting a frame may mean evicting
 * pages, which edits the very indexes a put is in the middle of changing.
 * So allocation is split: slab_reserve() (may grow, called before a put
 * touches any index) and slab_alloc() (never grows; it takes what was
 * reserved). */
#ifndef FALLOW_TMEM_SLAB_H
#define FALLOW_TMEM_SLAB_H

#include <stdbool.h>
#include <stdint.h>

#include "tmem/frames.h"

/* Header at the start of every slab frame. */
struct slab_frame {
	struct slab_frame *prev, *next; /* on the cache's partial list */
	void *free;                     /* free records in this frame */
	struct slab_cache *cache;
	uint32_t inuse;
};

struct slab_cache {
	struct tmem_frames *frames;
	struct slab_frame *partial; /* frames with at least one free record */
	uint32_t size;              /* record size, a multiple of 8 */
	uint32_t per_frame;
	uint64_t nfree;             /* free records over all frames */
	uint64_t inuse;
	uint64_t nframes;
};

void slab_init(struct slab_cache *c, struct tmem_frames *frames, uint32_t size);
/* Grows the cache until n records are free. Returns 0 or -ERR_NOMEM. The
 * grow callback gets a frame (it may evict); NULL means none. */
typedef void *(*slab_grow_fn)(void *ctx);
int slab_reserve(struct slab_cache *c, uint64_t n, slab_grow_fn grow, void *ctx);
/* A zeroed record, from what was reserved; NULL only if nothing is free. */
void *slab_alloc(struct slab_cache *c);
void slab_free(struct slab_cache *c, void *rec);
/* Returns every frame whose records are all free. */
void slab_shrink(struct slab_cache *c);

#endif
