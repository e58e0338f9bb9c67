#include "tmem/slab.h"

#include <stddef.h>

#include "lib/err.h"
#include "tmem/mem.h"

#define SLAB_ALIGN 8u
/* Records start after the header, rounded so they stay aligned. */
#define SLAB_FIRST (((uint32_t)sizeof(struct slab_frame) + SLAB_ALIGN - 1) & ~(SLAB_ALIGN - 1))

/* A free record's first word links it to the next free record. */
struct slab_free_rec {
	struct slab_free_rec *next;
};

static struct slab_frame *frame_of(void *rec)
{
	return (struct slab_frame *)((uintptr_t)rec & ~(uintptr_t)(TMEM_PAGE_SIZE - 1));
}

static void partial_add(struct slab_cache *c, struct slab_frame *sf)
{
	sf->prev = NULL;
	sf->next = c->partial;
	if (c->partial)
		c->partial->prev = sf;
	c->partial = sf;
}

static void partial_del(struct slab_cache *c, struct slab_frame *sf)
{
	if (sf->prev)
		sf->prev->next = sf->next;
	else
		c->partial = sf->next;
	if (sf->next)
		sf->next->prev = sf->prev;
	sf->prev = sf->next = NULL;
}

void slab_init(struct slab_cache *c, struct tmem_frames *frames, uint32_t size)
{
	mem_zero(c, sizeof(*c));
	c->frames = frames;
	c->size = (size + SLAB_ALIGN - 1) & ~(SLAB_ALIGN - 1);
	c->per_frame = (TMEM_PAGE_SIZE - SLAB_FIRST) / c->size;
}

static void slab_add_frame(struct slab_cache *c, void *frame)
{
	struct slab_frame *sf = frame;
	struct slab_free_rec *list = NULL;

	sf->cache = c;
	sf->inuse = 0;
	for (uint32_t i = c->per_frame; i-- > 0;) {
		struct slab_free_rec *r = (void *)((char *)frame + SLAB_FIRST + i * c->size);

		r->next = list;
		list = r;
	}
	sf->free = list;
	partial_add(c, sf);
	c->nfree += c->per_frame;
	c->nframes++;
}

int slab_reserve(struct slab_cache *c, uint64_t n, slab_grow_fn grow, void *ctx)
{
	while (c->nfree < n) {
		void *frame = grow(ctx);

		if (!frame)
			return -ERR_NOMEM;
		slab_add_frame(c, frame);
	}
	return 0;
}

void *slab_alloc(struct slab_cache *c)
{
	struct slab_frame *sf = c->partial;
	struct slab_free_rec *r;

	if (!sf)
		return NULL;
	r = sf->free;
	sf->free = r->next;
	if (++sf->inuse == c->per_frame)
		partial_del(c, sf);
	c->nfree--;
	c->inuse++;
	mem_zero(r, c->size);
	return r;
}

static void slab_release_frame(struct slab_cache *c, struct slab_frame *sf)
{
	partial_del(c, sf);
	c->nfree -= c->per_frame;
	c->nframes--;
	frames_put(c->frames, sf, FRAME_META);
}

void slab_free(struct slab_cache *c, void *rec)
{
	struct slab_frame *sf = frame_of(rec);
	struct slab_free_rec *r = rec;

	if (sf->inuse == c->per_frame)
		partial_add(c, sf);
	r->next = sf->free;
	sf->free = r;
	sf->inuse--;
	c->nfree++;
	c->inuse--;
	/* Keep one frame's worth of free records so a put/flush cycle at a
	 * frame boundary does not fetch and return a frame every time. */
	if (sf->inuse == 0 && c->nfree >= 2 * (uint64_t)c->per_frame)
		slab_release_frame(c, sf);
}

void slab_shrink(struct slab_cache *c)
{
	struct slab_frame *sf = c->partial;

	while (sf) {
		struct slab_frame *next = sf->next;

		if (sf->inuse == 0)
			slab_release_frame(c, sf);
		sf = next;
	}
}
