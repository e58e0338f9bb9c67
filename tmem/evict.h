/* Taking ephemeral frames back: whom to take from, and how to empty a
 * whole frame. */
#ifndef FALLOW_TMEM_EVICT_H
#define FALLOW_TMEM_EVICT_H

#include <stdbool.h>

#include "tmem/client.h"
#include "tmem/lru.h"

/* Pages of an evicted blob dropped inside the eviction; the rest wait
 * for evict_sweep. */
#define EVICT_EAGER_REFS 16u

struct tmem;

/* Empties one ephemeral data frame: from `only` if given, else from the
 * client the policy picks (over cap, then over weight share, then the
 * globally oldest). Returns false when there was nothing to evict. */
bool evict_one(struct tmem *t, struct tmem_client *only);
/* Evicts a page or blob. A blob's data goes at once and its pages are
 * misses from then on, but only EVICT_EAGER_REFS of their records go
 * now: the rest stay on t->dead for evict_sweep. */
void evict_entry(struct tmem *t, struct tmem_lru *e);
/* Frees at most budget records of dead blobs' pages; returns how many. */
uint32_t evict_sweep(struct tmem *t, uint32_t budget);
/* Puts a page or blob at the young end of its owner's LRU. */
void lru_touch(struct tmem *t, struct tmem_lru *e);

#endif
