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

static struct slab_frame *frame_of(const void *rec)
{
	return (struct slab_frame *)((uintptr_t)rec & ~(uintptr_t)(TMEM_PAGE_SIZE - 1));
}

struct slab_cache *slab_cache_of(const void *rec)
{
	return frame_of(rec)->cache;
}

static void list_add(struct slab_frame **head, struct slab_frame *sf)
{
	sf->prev = NULL;
	sf->next = *head;
	if (*head)
		(*head)->prev = sf;
	*head = sf;
}

static void list_del(struct slab_frame **head, struct slab_frame *sf)
{
	if (sf->prev)
		sf->prev->next = sf->next;
	else
		*head = sf->next;
	if (sf->next)
		sf->next->prev = sf->prev;
	sf->prev = sf->next = NULL;
}

void slab_init(struct slab_cache *c, struct tmem_frames *frames, uint32_t size,
	       enum frame_class cls, uint64_t *charge)
{
	mem_zero(c, sizeof(*c));
	c->frames = frames;
	c->charge = charge;
	c->cls = cls;
	c->size = (size + SLAB_ALIGN - 1) & ~(SLAB_ALIGN - 1);
	c->per_frame = (TMEM_PAGE_SIZE - SLAB_FIRST) / c->size;
}

uint64_t slab_frames_needed(const struct slab_cache *c, uint64_t n)
{
	return n > c->nfree ? (n - c->nfree + c->per_frame - 1) / c->per_frame : 0;
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
	list_add(&c->empty, sf);
	c->nempty++;
	c->nfree += c->per_frame;
	c->nframes++;
	if (c->charge)
		(*c->charge)++;
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

	/* Partly used frames first, so empty ones can go back. */
	if (!sf) {
		sf = c->empty;
		if (!sf)
			return NULL;
		list_del(&c->empty, sf);
		c->nempty--;
		list_add(&c->partial, sf);
	}
	r = sf->free;
	sf->free = r->next;
	if (++sf->inuse == c->per_frame)
		list_del(&c->partial, sf);
	c->nfree--;
	c->inuse++;
	mem_zero(r, c->size);
	return r;
}

/* sf is on no list. */
static void slab_release_frame(struct slab_cache *c, struct slab_frame *sf)
{
	c->nfree -= c->per_frame;
	c->nframes--;
	if (c->charge)
		(*c->charge)--;
	frames_put(c->frames, sf, c->cls);
}

void slab_free(struct slab_cache *c, void *rec)
{
	struct slab_frame *sf = frame_of(rec);
	struct slab_free_rec *r = rec;

	/* The record goes back where it came from, whoever frees it: its
	 * frame stays charged to the owner it was carved for until then. */
	c = sf->cache;
	if (sf->inuse == c->per_frame)
		list_add(&c->partial, sf);
	r->next = sf->free;
	sf->free = r;
	sf->inuse--;
	c->nfree++;
	c->inuse--;
	if (sf->inuse)
		return;
	list_del(&c->partial, sf);
	/* Keep one frame's worth of free records so a put/flush cycle at a
	 * frame boundary does not fetch and return a frame every time. */
	if (c->nfree >= 2 * (uint64_t)c->per_frame) {
		slab_release_frame(c, sf);
		return;
	}
	list_add(&c->empty, sf);
	c->nempty++;
}

uint64_t slab_shrink(struct slab_cache *c)
{
	uint64_t n = 0;

	while (c->empty) {
		struct slab_frame *sf = c->empty;

		list_del(&c->empty, sf);
		c->nempty--;
		slab_release_frame(c, sf);
		n++;
	}
	return n;
}
