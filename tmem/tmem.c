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
	meta_set_init(&t->shared_meta, &t->frames, FRAME_EMETA, NULL);
	slab_init(&t->pools, &t->frames, sizeof(struct tmem_pool), FRAME_META, NULL);
	dedup_init(t, seed);
	return 0;
}

void tmem_fini(struct tmem *t)
{
	tmem_lock(t);
	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++)
		while (t->clients[i].active &&
		       client_destroy_step(t, &t->clients[i]) == -ERR_AGAIN)
			;
	meta_set_shrink(&t->shared_meta);
	slab_shrink(&t->pools);
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

static uint64_t frames_held(const struct tmem_frames *f)
{
	uint64_t n = 0;

	for (unsigned c = 0; c < FRAME_CLASSES; c++)
		n += f->count[c];
	return n;
}

uint64_t tmem_reclaim(struct tmem *t, uint64_t n)
{
	uint64_t held, freed;

	tmem_lock(t);
	/* Counted by what tmem holds: a frame can also leave straight from
	 * frames_put when the spare list is full. */
	held = frames_held(&t->frames);
	frames_release_spares(&t->frames, n);
	if ((freed = held - frames_held(&t->frames)) < n) {
		meta_shrink_eph(t);
		frames_release_spares(&t->frames, n - freed);
	}
	/* Each eviction empties at least one frame into the spares, and the
	 * records it frees may empty metadata frames too. */
	while ((freed = held - frames_held(&t->frames)) < n && evict_one(t, NULL))
		frames_release_spares(&t->frames, n - freed);
	/* Evicted blobs' pages keep their records until swept, and the
	 * emptied metadata frames a cache keeps are freeable too: with no
	 * data left to evict, sweep for them. Each record swept was put by a
	 * guest once, so the work is paid for; tmem_poll does most of it
	 * between turns. */
	while (freed < n) {
		uint32_t swept = evict_sweep(t, TMEM_WORK_BUDGET);

		meta_shrink_eph(t);
		frames_release_spares(&t->frames, n - freed);
		freed = held - frames_held(&t->frames);
		if (!swept)
			break;
	}
	t->reclaimed += freed;
	tmem_unlock(t);
	return freed;
}
