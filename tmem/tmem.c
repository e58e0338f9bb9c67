/* Setting up and tearing down the pool, and what it tells the page
 * allocator: frame counts and reclaim. */
#include "tmem/tmem.h"

#include "lib/err.h"
#include "tmem/evict.h"
#include "tmem/lock.h"
#include "tmem/mem.h"
#include "tmem/object.h"
#include "tmem/zpage.h"

int tmem_init(struct tmem *t, const struct tmem_platform *plat, uint64_t seed)
{
	if (!plat || !plat->frame_alloc || !plat->frame_free ||
	    !plat->lock != !plat->unlock)
		return -ERR_INVAL;
	mem_zero(t, sizeof(*t));
	t->plat = *plat;
	frames_init(&t->frames, &t->plat);
	lru_init_head(&t->dead);
	slab_init(&t->pages, &t->frames, sizeof(struct tmem_page));
	slab_init(&t->objs, &t->frames, sizeof(struct tmem_obj));
	slab_init(&t->nodes, &t->frames, sizeof(struct radix_node));
	slab_init(&t->blobs, &t->frames, sizeof(struct tmem_blob));
	slab_init(&t->zframes, &t->frames, sizeof(struct zframe));
	slab_init(&t->pools, &t->frames, sizeof(struct tmem_pool));
	dedup_init(t, seed);
	return 0;
}

static struct slab_cache *cache_at(struct tmem *t, unsigned i)
{
	struct slab_cache *all[] = {
		&t->pages, &t->objs, &t->nodes, &t->blobs, &t->zframes, &t->pools,
	};

	return i < sizeof(all) / sizeof(all[0]) ? all[i] : NULL;
}

void tmem_fini(struct tmem *t)
{
	struct slab_cache *c;

	tmem_lock(t);
	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++)
		while (t->clients[i].active &&
		       client_destroy_step(t, &t->clients[i]) == -ERR_AGAIN)
			;
	for (unsigned i = 0; (c = cache_at(t, i)) != NULL; i++)
		slab_shrink(c);
	frames_release_spares(&t->frames, UINT64_MAX);
	tmem_unlock(t);
}

bool tmem_poll(struct tmem *t)
{
	bool more;

	tmem_lock(t);
	evict_sweep(t, TMEM_WORK_BUDGET);
	more = !lru_empty(&t->dead);
	tmem_unlock(t);
	return more;
}

uint64_t tmem_reclaim(struct tmem *t, uint64_t n)
{
	uint64_t freed;

	tmem_lock(t);
	freed = frames_release_spares(&t->frames, n);
	/* Each eviction empties at least one frame into the spares. */
	while (freed < n && evict_one(t, NULL))
		freed += frames_release_spares(&t->frames, n - freed);
	t->reclaimed += freed;
	tmem_unlock(t);
	return freed;
}

void tmem_frame_counts(struct tmem *t, struct tmem_frame_counts *out)
{
	tmem_lock(t);
	out->eph = t->frames.count[FRAME_EPH];
	out->pers = t->frames.count[FRAME_PERS];
	out->meta = t->frames.count[FRAME_META];
	out->spare = t->frames.count[FRAME_SPARE];
	out->freeable = frames_freeable(&t->frames);
	out->owned = frames_owned(&t->frames);
	tmem_unlock(t);
}
