/* Ephemeral data in age order. Each client keeps one list, oldest first;
 * every entry carries a stamp from one global counter, so the globally
 * oldest entry is the oldest of the client list heads: together the lists
 * are the global LRU. The same link type also chains the pages that share
 * one deduplicated blob. */
#ifndef FALLOW_TMEM_LRU_H
#define FALLOW_TMEM_LRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lru_kind {
	LRU_HEAD, /* a list's sentinel */
	LRU_PAGE, /* struct tmem_page */
	LRU_BLOB, /* struct tmem_blob */
};

/* Flags on a page or blob (they share this header). */
#define LRU_F_LINKED 0x01u /* on a list (LRU or a blob's refs) */
#define LRU_F_PERS 0x02u   /* persistent data: never on an LRU */
#define LRU_F_ZPAGE 0x04u  /* data is a compressed chunk in a zframe */
#define LRU_F_BLOB 0x08u   /* page: data is a shared blob */
#define LRU_F_DEAD 0x10u   /* blob: evicted, data gone, pages not yet swept */

struct tmem_lru {
	struct tmem_lru *prev, *next;
	uint32_t stamp;
	uint8_t kind;
	uint8_t flags;
	uint16_t client; /* the client charged for the data */
};

static inline void lru_init_head(struct tmem_lru *h)
{
	h->prev = h->next = h;
	h->kind = LRU_HEAD;
}

static inline bool lru_empty(const struct tmem_lru *h)
{
	return h->next == h;
}

static inline void lru_add_tail(struct tmem_lru *h, struct tmem_lru *e)
{
	e->prev = h->prev;
	e->next = h;
	h->prev->next = e;
	h->prev = e;
	e->flags |= LRU_F_LINKED;
}

static inline void lru_del(struct tmem_lru *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->prev = e->next = NULL;
	e->flags &= (uint8_t)~LRU_F_LINKED;
}

/* Stamps are 32 bits and compared modulo 2^32: ordering stays right while
 * the live entries span fewer than 2^31 puts. */
static inline bool lru_older(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

#endif
