/* Fixed-size records carved out of whole frames, so tmem never needs a
 * general heap and every byte of its metadata sits in a counted frame.
 * A cache's frames are all of one class (FRAME_META, FRAME_EMETA or
 * FRAME_PMETA) and, through `charge`, counted to one owner (tmem/meta.h
 * decides whose), so a record's frame is charged to whoever the record
 * serves.
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
	struct slab_frame *prev, *next; /* on the cache's partial or empty list */
	void *free;                     /* free records in this frame */
	struct slab_cache *cache;
	uint32_t inuse;
};

struct slab_cache {
	struct tmem_frames *frames;
	struct slab_frame *partial; /* frames with records both used and free */
	struct slab_frame *empty;   /* frames with no record used */
	uint64_t *charge;           /* bumped with nframes (NULL: no one's) */
	uint32_t size;              /* record size, a multiple of 8 */
	uint32_t per_frame;
	uint64_t nfree;             /* free records over all frames */
	uint64_t inuse;
	uint64_t nframes, nempty;
	enum frame_class cls;       /* what its frames count as */
};

void slab_init(struct slab_cache *c, struct tmem_frames *frames, uint32_t size,
	       enum frame_class cls, uint64_t *charge);
/* Frames slab_reserve(c, n) would have to add. */
uint64_t slab_frames_needed(const struct slab_cache *c, uint64_t n);
/* Grows the cache until n records are free. Returns 0 or -ERR_NOMEM. The
 * grow callback gets a frame (it may evict); NULL means none. */
typedef void *(*slab_grow_fn)(void *ctx);
int slab_reserve(struct slab_cache *c, uint64_t n, slab_grow_fn grow, void *ctx);
/* A zeroed record, from what was reserved; NULL only if nothing is free. */
void *slab_alloc(struct slab_cache *c);
/* Frees rec into the cache it came from (c names it, for the reader). */
void slab_free(struct slab_cache *c, void *rec);
/* Returns every frame whose records are all free (O(such frames));
 * returns how many. */
uint64_t slab_shrink(struct slab_cache *c);
/* The cache a record was carved for (its frame's header says). */
struct slab_cache *slab_cache_of(const void *rec);

#endif
