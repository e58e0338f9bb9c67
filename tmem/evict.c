#include "tmem/evict.h"

#include "tmem/dedup.h"
#include "tmem/object.h"
#include "tmem/pool.h"
#include "tmem/store.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

/* Pages and blobs are reached from their LRU links by casting. */
_Static_assert(offsetof(struct tmem_page, lru) == 0, "lru first in a page");
_Static_assert(offsetof(struct tmem_blob, lru) == 0, "lru first in a blob");

/* Weights are clamped so weight * frames cannot overflow 64 bits. */
#define WEIGHT_MAX 0xFFFFu

/* How urgently a client's frames should go: over its cap first, then
 * over its weight share of all ephemeral frames (Xen's rule), then by
 * age alone. */
enum victim_rank { RANK_AGE, RANK_OVER_SHARE, RANK_OVER_CAP };

void lru_touch(struct tmem *t, struct tmem_lru *e)
{
	if (!(e->flags & LRU_F_LINKED) || (e->flags & LRU_F_DEAD))
		return;
	lru_del(e);
	e->stamp = ++t->stamp;
	lru_add_tail(&t->clients[e->client].lru, e);
}

static uint64_t weight_of(const struct tmem_client *c)
{
	return c->cfg.weight > WEIGHT_MAX ? WEIGHT_MAX : c->cfg.weight;
}

static struct tmem_client *pick_victim(struct tmem *t)
{
	uint64_t total_w = 0, total_f = 0;
	struct tmem_client *best = NULL;
	enum victim_rank best_rank = RANK_AGE;

	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++) {
		if (t->clients[i].active) {
			total_w += weight_of(&t->clients[i]);
			total_f += t->clients[i].frames[TMEM_EPH];
		}
	}
	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++) {
		struct tmem_client *c = &t->clients[i];
		uint64_t f = c->frames[TMEM_EPH];
		enum victim_rank rank;

		if (!c->active || lru_empty(&c->lru))
			continue;
		if (f > c->cfg.cap)
			rank = RANK_OVER_CAP;
		else if (f * total_w > weight_of(c) * total_f)
			rank = RANK_OVER_SHARE;
		else
			rank = RANK_AGE;
		if (!best || rank > best_rank ||
		    (rank == best_rank && lru_older(c->lru.next->stamp, best->lru.next->stamp))) {
			best = c;
			best_rank = rank;
		}
	}
	return best;
}

static void count_eviction(struct tmem *t, struct tmem_page *pg)
{
	TMEM_COUNT(t, &t->clients[pg->lru.client], pg->obj->pool, evictions);
}

/* One page of a dead blob goes; the last one frees the blob. */
static void sweep_ref(struct tmem *t, struct tmem_blob *b)
{
	struct tmem_page *pg = (struct tmem_page *)(void *)b->refs.next;

	count_eviction(t, pg);
	page_remove(t, pg);
}

/* Dropping every page of a blob at once is unbounded work (a page
 * deduplicated 47,000 times took 11 ms inside one put). The blob's data
 * goes now, so the frame is free for whoever needed it; its pages become
 * misses at once (page_dead) and are swept a few now and the rest by
 * tmem_poll and by the lookups that meet them. Only ephemeral blobs are
 * on an LRU, so no persistent data ever dies this way. */
static void blob_kill(struct tmem *t, struct tmem_blob *b)
{
	uint32_t n = b->nrefs < EVICT_EAGER_REFS ? b->nrefs : EVICT_EAGER_REFS;

	blob_drop_data(t, b);
	b->lru.flags |= LRU_F_DEAD;
	lru_add_tail(&t->dead, &b->lru);
	/* The last page to go frees the blob: b is not touched after it. */
	while (n--)
		sweep_ref(t, b);
}

void evict_entry(struct tmem *t, struct tmem_lru *e)
{
	t->evict_gen++;
	if (e->kind == LRU_PAGE) {
		struct tmem_page *pg = (struct tmem_page *)(void *)e;

		count_eviction(t, pg);
		page_remove(t, pg);
		return;
	}
	blob_kill(t, (struct tmem_blob *)(void *)e);
}

uint32_t evict_sweep(struct tmem *t, uint32_t budget)
{
	uint32_t n = 0;

	if (!lru_empty(&t->dead))
		t->evict_gen++;
	while (n < budget && !lru_empty(&t->dead)) {
		sweep_ref(t, (struct tmem_blob *)(void *)t->dead.next);
		n++;
	}
	return n;
}

bool evict_one(struct tmem *t, struct tmem_client *only)
{
	struct tmem_client *c = only ? only : pick_victim(t);
	struct tmem_lru *e;

	if (!c || lru_empty(&c->lru))
		return false;
	e = c->lru.next;
	if (e->flags & LRU_F_ZPAGE) {
		void *zf = e->kind == LRU_PAGE ? ((struct tmem_page *)(void *)e)->data
					       : ((struct tmem_blob *)(void *)e)->data;

		zpage_evict_frame(t, zf);
	} else {
		evict_entry(t, e);
	}
	return true;
}
