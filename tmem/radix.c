#include "tmem/radix.h"

#include <stdbool.h>
#include <stddef.h>

static inline unsigned slot_of(uint32_t index, uint32_t level)
{
	uint32_t shift = level * RADIX_BITS;

	return shift >= 32 ? 0 : (index >> shift) & RADIX_MASK;
}

/* Whether index fits a tree of height h. */
static bool fits(uint32_t index, uint32_t h)
{
	uint32_t bits = h * RADIX_BITS;

	return bits >= 32 || (index >> bits) == 0;
}

void *radix_lookup(const struct radix_root *r, uint32_t index)
{
	struct radix_node *n = r->root;

	if (r->height == 0)
		return r->root && r->single == index ? r->root : NULL;
	if (!fits(index, r->height))
		return NULL;
	for (uint32_t level = r->height - 1; level > 0; level--) {
		n = n->slot[slot_of(index, level)];
		if (!n)
			return NULL;
	}
	return n->slot[slot_of(index, 0)];
}

/* The slot for index in a tree (height >= 1), adding nodes on the way. */
static void **tree_slot(struct radix_root *r, uint32_t index, struct slab_cache *nodes)
{
	struct radix_node *n;

	while (!fits(index, r->height)) {
		/* Grow upwards: the old tree becomes slot 0 of a new root. An
		 * empty root just stands for a taller tree. */
		struct radix_node *top;

		if (((struct radix_node *)r->root)->count == 0) {
			r->height++;
			continue;
		}
		top = slab_alloc(nodes);

		if (!top)
			return NULL;
		top->slot[0] = r->root;
		top->count = 1;
		r->root = top;
		r->height++;
	}
	n = r->root;
	for (uint32_t level = r->height - 1; level > 0; level--) {
		void **s = &n->slot[slot_of(index, level)];

		if (!*s) {
			*s = slab_alloc(nodes);
			if (!*s)
				return NULL;
			n->count++;
		}
		n = *s;
	}
	/* The caller fills it; count it now so the path is never pruned. */
	if (!n->slot[slot_of(index, 0)])
		n->count++;
	return &n->slot[slot_of(index, 0)];
}

void **radix_slot(struct radix_root *r, uint32_t index, struct slab_cache *nodes)
{
	void *only = r->root;
	void **s;

	if (r->height == 0) {
		if (!only || r->single == index) {
			r->single = index;
			return &r->root;
		}
		/* A second index: move the only value into a real tree. */
		r->root = slab_alloc(nodes);
		if (!r->root)
			return NULL;
		r->height = 1;
		s = tree_slot(r, r->single, nodes);
		if (!s)
			return NULL;
		*s = only;
	}
	return tree_slot(r, index, nodes);
}

void *radix_delete(struct radix_root *r, uint32_t index, struct slab_cache *nodes)
{
	struct radix_node *path[RADIX_MAX_HEIGHT];
	struct radix_node *n = r->root;
	uint32_t level;
	void *old;

	if (r->height == 0) {
		old = r->root;
		if (!old || r->single != index)
			return NULL;
		r->root = NULL;
		return old;
	}
	if (!fits(index, r->height))
		return NULL;
	for (level = r->height - 1; level > 0; level--) {
		path[level] = n;
		n = n->slot[slot_of(index, level)];
		if (!n)
			return NULL;
	}
	path[0] = n;
	old = n->slot[slot_of(index, 0)];
	if (!old)
		return NULL;
	/* Clear the slot, then free nodes that became empty, bottom up. */
	for (level = 0; level < r->height; level++) {
		n = path[level];
		n->slot[slot_of(index, level)] = NULL;
		if (--n->count)
			return old;
		slab_free(nodes, n);
	}
	r->root = NULL;
	r->height = 0;
	return old;
}

void *radix_first(const struct radix_root *r)
{
	const struct radix_node *n = r->root;

	if (r->height == 0 || !n)
		return r->root;
	/* Nodes left empty are freed, so a non-empty slot always leads to a
	 * value; an empty root that only stands for a taller tree has none. */
	for (uint32_t level = r->height; level > 0; level--) {
		unsigned i = 0;

		while (i < RADIX_SLOTS && !n->slot[i])
			i++;
		if (i == RADIX_SLOTS)
			return NULL;
		if (level == 1)
			return n->slot[i];
		n = n->slot[i];
	}
	return NULL;
}

static void drain_node(struct radix_node *n, uint32_t level,
		       struct slab_cache *nodes,
		       void (*fn)(void *ctx, void *value), void *ctx)
{
	for (unsigned i = 0; i < RADIX_SLOTS && n->count; i++) {
		if (!n->slot[i])
			continue;
		if (level)
			drain_node(n->slot[i], level - 1, nodes, fn, ctx);
		else
			fn(ctx, n->slot[i]);
		n->slot[i] = NULL;
		n->count--;
	}
	slab_free(nodes, n);
}

void radix_drain(struct radix_root *r, struct slab_cache *nodes,
		 void (*fn)(void *ctx, void *value), void *ctx)
{
	struct radix_node *n = r->root;
	uint32_t h = r->height;

	r->root = NULL;
	r->height = 0;
	if (n && h == 0)
		fn(ctx, n);
	else if (n)
		drain_node(n, h - 1, nodes, fn, ctx);
}
