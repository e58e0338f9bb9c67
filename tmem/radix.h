/* The page index of one object: a radix tree over the 32-bit page index,
 * 64 slots a node, as tall as the largest index needs (at most 6 levels).
 * Lookups and inserts cost at most 6 node visits whatever the indexes.
 * An object holding one page (common for small files) needs no node at
 * all: the root points at the page itself. */
#ifndef FALLOW_TMEM_RADIX_H
#define FALLOW_TMEM_RADIX_H

#include <stdint.h>

#include "tmem/slab.h"

#define RADIX_BITS 6
#define RADIX_SLOTS (1u << RADIX_BITS)
#define RADIX_MASK (RADIX_SLOTS - 1)
/* Levels needed for any 32-bit index. */
#define RADIX_MAX_HEIGHT ((32 + RADIX_BITS - 1) / RADIX_BITS)
/* The most nodes one insert adds: a path for the single entry it moves
 * into a tree, and one for the new index. */
#define RADIX_MAX_NEW_NODES (2 * RADIX_MAX_HEIGHT)

struct radix_node {
	void *slot[RADIX_SLOTS];
	uint32_t count; /* non-NULL slots */
};

struct radix_root {
	void *root;      /* a radix_node, or with height 0 the only value */
	uint32_t height; /* 0: empty or one value; h levels index 6*h bits */
	uint32_t single; /* the index of the only value (height 0) */
};

void *radix_lookup(const struct radix_root *r, uint32_t index);
/* The slot for index, creating nodes from `nodes` (which must have
 * RADIX_MAX_NEW_NODES records reserved). A slot returned empty must be
 * filled by the caller before any other radix call on r. */
void **radix_slot(struct radix_root *r, uint32_t index, struct slab_cache *nodes);
/* Empties the slot for index and frees nodes left empty; returns what
 * it held (NULL if nothing). */
void *radix_delete(struct radix_root *r, uint32_t index, struct slab_cache *nodes);
/* The value with the lowest index, or NULL when r is empty: a caller
 * emptying r a bounded number of values at a time takes these. */
void *radix_first(const struct radix_root *r);
/* Calls fn on every value, freeing all nodes; r is empty afterwards. fn
 * must not touch r. */
void radix_drain(struct radix_root *r, struct slab_cache *nodes,
		 void (*fn)(void *ctx, void *value), void *ctx);

#endif
