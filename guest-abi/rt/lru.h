/* An LRU list of entries named by index, for caches that keep their
 * entries in plain arrays: each entry embeds a struct rt_lru_link, and the
 * list reaches entry i's link at base + i * stride. The head is the least
 * recently used entry. */
#ifndef FALLOW_GUEST_RT_LRU_H
#define FALLOW_GUEST_RT_LRU_H

#include <stddef.h>
#include <stdint.h>

#define RT_LRU_NONE 0xffffffffu

struct rt_lru_link {
	uint32_t prev, next;
};

struct rt_lru {
	uint32_t head, tail;
	uint8_t *base; /* entry 0's link */
	size_t stride; /* bytes from one entry to the next */
};

/* An empty list over the array whose first entry's link is *first. */
void rt_lru_init(struct rt_lru *l, struct rt_lru_link *first, size_t stride);
void rt_lru_unlink(struct rt_lru *l, uint32_t i);
void rt_lru_append(struct rt_lru *l, uint32_t i);  /* most recently used */
void rt_lru_prepend(struct rt_lru *l, uint32_t i); /* first in line to go */
/* Used again: moves it to the tail. */
void rt_lru_touch(struct rt_lru *l, uint32_t i);

#endif
