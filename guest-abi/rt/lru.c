/* See lru.h. */
#include "guest-abi/rt/lru.h"

static struct rt_lru_link *at(const struct rt_lru *l, uint32_t i)
{
	return (struct rt_lru_link *)(void *)(l->base + (size_t)i * l->stride);
}

void rt_lru_init(struct rt_lru *l, struct rt_lru_link *first, size_t stride)
{
	*l = (struct rt_lru){ RT_LRU_NONE, RT_LRU_NONE, (uint8_t *)first, stride };
}

void rt_lru_unlink(struct rt_lru *l, uint32_t i)
{
	struct rt_lru_link *e = at(l, i);

	if (e->prev != RT_LRU_NONE)
		at(l, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != RT_LRU_NONE)
		at(l, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
}

void rt_lru_append(struct rt_lru *l, uint32_t i)
{
	struct rt_lru_link *e = at(l, i);

	e->prev = l->tail;
	e->next = RT_LRU_NONE;
	if (l->tail != RT_LRU_NONE)
		at(l, l->tail)->next = i;
	else
		l->head = i;
	l->tail = i;
}

void rt_lru_prepend(struct rt_lru *l, uint32_t i)
{
	struct rt_lru_link *e = at(l, i);

	e->next = l->head;
	e->prev = RT_LRU_NONE;
	if (l->head != RT_LRU_NONE)
		at(l, l->head)->prev = i;
	else
		l->tail = i;
	l->head = i;
}

void rt_lru_touch(struct rt_lru *l, uint32_t i)
{
	rt_lru_unlink(l, i);
	rt_lru_append(l, i);
}
