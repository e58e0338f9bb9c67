/* Taking ephemeral frames back: whom to take from, and how to empty a
 * whole frame. */
#ifndef FALLOW_TMEM_EVICT_H
#define FALLOW_TMEM_EVICT_H

#include <stdbool.h>

#include "tmem/client.h"
#include "tmem/lru.h"

struct tmem;

/* Empties one ephemeral data frame: from `only` if given, else from the
 * client the policy picks (over cap, then over weight share, then the
 * globally oldest). Returns false when there was nothing to evict. */
bool evict_one(struct tmem *t, struct tmem_client *only);
/* Evicts a page or blob (a blob takes all its pages with it). */
void evict_entry(struct tmem *t, struct tmem_lru *e);
/* Puts a page or blob at the young end of its owner's LRU. */
void lru_touch(struct tmem *t, struct tmem_lru *e);

#endif
