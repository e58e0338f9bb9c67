/* A host stand-in for the hypervisor's frame allocator, shared by the
 * tmem tests and fuzzers: a fixed arena of frames, so "total" is known
 * and free + freeable + owned == total can be checked after every
 * operation. It also checks what tmem promises the allocator: frames
 * come back scrubbed, never twice, and tmem never re-enters its lock. */
#ifndef TEST_TMEM_PLATFORM_H
#define TEST_TMEM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmem/tmem.h"

struct arena {
	uint8_t *base;
	uint64_t total;
	uint64_t nfree;
	uint64_t *stack;  /* free frame numbers */
	bool *used;
	int locked;
	uint64_t violations; /* unscrubbed frees, double frees, re-entry */
	uint64_t limit;      /* frames allocatable right now (tests shrink it) */
};

static void *arena_alloc(void *ctx)
{
	struct arena *a = ctx;

	if (!a->nfree || a->total - a->nfree >= a->limit)
		return NULL;
	uint64_t f = a->stack[--a->nfree];

	a->used[f] = true;
	return a->base + f * TMEM_PAGE_SIZE;
}

static void arena_free(void *ctx, void *page)
{
	struct arena *a = ctx;
	uint64_t f = (uint64_t)((uint8_t *)page - a->base) / TMEM_PAGE_SIZE;
	const uint8_t *p = page;

	if ((uint8_t *)page < a->base || f >= a->total || !a->used[f]) {
		a->violations++;
		return;
	}
	for (unsigned i = 0; i < TMEM_PAGE_SIZE; i++)
		if (p[i]) {
			a->violations++;
			break;
		}
	a->used[f] = false;
	a->stack[a->nfree++] = f;
}

static void arena_lock(void *ctx)
{
	struct arena *a = ctx;

	if (a->locked++)
		a->violations++;
}

static void arena_unlock(void *ctx)
{
	struct arena *a = ctx;

	a->locked--;
}

static uint64_t arena_now(void *ctx)
{
	(void)ctx;
	return 0;
}

static void arena_init(struct arena *a, uint64_t frames)
{
	memset(a, 0, sizeof(*a));
	a->base = aligned_alloc(TMEM_PAGE_SIZE, frames * TMEM_PAGE_SIZE);
	a->stack = calloc(frames, sizeof(*a->stack));
	a->used = calloc(frames, sizeof(*a->used));
	if (!a->base || !a->stack || !a->used)
		abort();
	memset(a->base, 0, frames * TMEM_PAGE_SIZE);
	a->total = frames;
	a->limit = frames;
	for (uint64_t i = 0; i < frames; i++)
		a->stack[a->nfree++] = frames - 1 - i;
}

static void arena_fini(struct arena *a)
{
	free(a->base);
	free(a->stack);
	free(a->used);
}

static struct tmem_platform arena_platform(struct arena *a)
{
	struct tmem_platform p = {
		.ctx = a,
		.frame_alloc = arena_alloc,
		.frame_free = arena_free,
		.lock = arena_lock,
		.unlock = arena_unlock,
		.now = arena_now,
	};
	return p;
}

/* The memory-model invariant: every arena frame is free, freeable or owned. */
static inline bool arena_balanced(struct arena *a, struct tmem *t)
{
	struct tmem_frame_counts fc;

	tmem_frame_counts(t, &fc);
	return a->nfree + fc.freeable + fc.owned == a->total;
}

/* Records of one kind (a struct meta_set member) in use over every
 * client's sets and the shared set. */
static inline uint64_t meta_inuse(const struct tmem *t, size_t member)
{
	uint64_t n = ((const struct slab_cache *)((const char *)&t->shared_meta + member))->inuse;

	for (unsigned c = 0; c < TMEM_MAX_CLIENTS; c++)
		for (unsigned k = 0; k < TMEM_KINDS; k++)
			n += ((const struct slab_cache *)
				      ((const char *)&t->clients[c].meta[k] + member))->inuse;
	return n;
}
#define META_INUSE(t, member) meta_inuse((t), offsetof(struct meta_set, member))

static inline struct tmem_oid oid_of(uint64_t a, uint64_t b, uint64_t c)
{
	struct tmem_oid o = { { a, b, c } };

	return o;
}

/* Page contents of several kinds from one seed: zero, text-like
 * (compressible), random (incompressible) and small-alphabet. */
static inline void fill_page(uint8_t *p, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	static const char words[] = "the tmem pool keeps pages that guests put here ";

	switch (seed % 4) {
	case 0:
		memset(p, 0, TMEM_PAGE_SIZE);
		memcpy(p, &seed, sizeof(seed));
		break;
	case 1:
		for (unsigned i = 0; i < TMEM_PAGE_SIZE; i++)
			p[i] = (uint8_t)words[(i + seed) % (sizeof(words) - 1)];
		memcpy(p + 100, &seed, sizeof(seed));
		break;
	case 2:
		for (unsigned i = 0; i < TMEM_PAGE_SIZE; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(p + i, &x, 8);
		}
		break;
	default:
		for (unsigned i = 0; i < TMEM_PAGE_SIZE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[i] = (uint8_t)('a' + (x & 3));
		}
		break;
	}
}

#endif
