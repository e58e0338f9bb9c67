#include "tmem/meta.h"

#include "lib/err.h"
#include "tmem/evict.h"
#include "tmem/object.h"
#include "tmem/pool.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

void meta_set_init(struct meta_set *s, struct tmem_frames *f, enum frame_class cls,
		   uint64_t *charge)
{
	slab_init(&s->pages, f, sizeof(struct tmem_page), cls, charge);
	slab_init(&s->objs, f, sizeof(struct tmem_obj), cls, charge);
	slab_init(&s->nodes, f, sizeof(struct radix_node), cls, charge);
	slab_init(&s->blobs, f, sizeof(struct tmem_blob), cls, charge);
	slab_init(&s->zframes, f, sizeof(struct zframe), cls, charge);
}

uint64_t meta_set_frames(const struct meta_set *s)
{
	return s->pages.nframes + s->objs.nframes + s->nodes.nframes +
	       s->blobs.nframes + s->zframes.nframes;
}

uint64_t meta_set_shrink(struct meta_set *s)
{
	return slab_shrink(&s->pages) + slab_shrink(&s->objs) + slab_shrink(&s->nodes) +
	       slab_shrink(&s->blobs) + slab_shrink(&s->zframes);
}

struct meta_set *meta_index_set(struct tmem *t, const struct tmem_pool *p)
{
	if (p->flags & TMEM_POOL_SHARED)
		return &t->shared_meta;
	return &t->clients[p->owner].meta[pool_kind(p)];
}

struct meta_set *meta_data_set(struct tmem *t, unsigned cid, int kind)
{
	return &t->clients[cid].meta[kind];
}

uint64_t meta_pers_charge(const struct tmem_client *c)
{
	return c->frames[TMEM_PERS] + c->meta_frames[TMEM_PERS];
}

uint64_t meta_eph_frames(const struct tmem_client *c)
{
	return c->frames[TMEM_EPH] + c->meta_frames[TMEM_EPH];
}

bool meta_eph_room(struct tmem *t, struct tmem_client *c)
{
	while (c->frames[TMEM_EPH] >= c->cfg.cap)
		if (!evict_one(t, c))
			return false;
	return true;
}

/* A persistent set is paid for by the limit check before it grows; an
 * ephemeral one is freeable and only needs a frame. */
struct grow_ctx {
	struct tmem *t;
	enum frame_class cls;
	int err;
};

static void *grow(void *vctx)
{
	struct grow_ctx *g = vctx;
	void *f;

	while (!(f = frames_get(&g->t->frames, g->cls))) {
		if (!meta_make_room(g->t)) {
			g->err = -ERR_NOMEM;
			return NULL;
		}
	}
	return f;
}

enum { NEED_PAGES, NEED_OBJS, NEED_BLOBS, NEED_ZFRAMES, NEED_NODES, NEEDS };

struct put_plan {
	struct slab_cache *cache[NEEDS];
	uint64_t n[NEEDS];
	uint64_t data; /* data frames the put surely adds */
};

/* Nodes come last: radix_slot uses them before the put can evict
 * again, and a grow of another cache may evict (freeing records in
 * this one, which the cache may then give back down to one frame's
 * worth, fewer than a deep insert can need). */
static void plan(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
		 struct tmem_obj *o, struct tmem_page *pg, uint32_t index,
		 struct put_plan *pl)
{
	int kind = pool_kind(p);
	struct meta_set *ix = meta_index_set(t, p);
	struct meta_set *ds = meta_data_set(t, client_id(t, c), kind);
	bool dedup = (c->cfg.flags & TMEM_CLIENT_DEDUP) || (p->flags & TMEM_POOL_DEDUP_SHARED);
	bool compress = c->cfg.flags & TMEM_CLIENT_COMPRESS;

	pl->cache[NEED_PAGES] = &ix->pages;
	pl->n[NEED_PAGES] = pg ? 0 : 1;
	pl->cache[NEED_OBJS] = &ix->objs;
	pl->n[NEED_OBJS] = o ? 0 : 1;
	pl->cache[NEED_NODES] = &ix->nodes;
	pl->n[NEED_NODES] = o && !pg ? radix_new_nodes(&o->pages, index) : 0;
	/* At most: a dedup hit needs no blob, a chunk that fits the open
	 * zframe no descriptor. */
	pl->cache[NEED_BLOBS] = &ds->blobs;
	pl->n[NEED_BLOBS] = dedup ? 1 : 0;
	pl->cache[NEED_ZFRAMES] = &ds->zframes;
	pl->n[NEED_ZFRAMES] = compress ? 1 : 0;
	/* A raw page needs its frame; a duplicate's old one goes first.
	 * Dedup and compression are charged when they take a frame. */
	pl->data = !pg && !dedup && !compress ? 1 : 0;
}

static uint64_t plan_frames(const struct put_plan *pl)
{
	uint64_t n = pl->data;

	for (unsigned i = 0; i < NEEDS; i++)
		n += slab_frames_needed(pl->cache[i], pl->n[i]);
	return n;
}

static bool plan_fits(const struct tmem_client *c, const struct put_plan *pl)
{
	uint64_t charge = meta_pers_charge(c), add = plan_frames(pl);

	return charge <= c->cfg.limit && add <= c->cfg.limit - charge;
}

int put_prepare(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
		const struct tmem_oid *oid, uint32_t index,
		struct tmem_obj *o, struct tmem_page *pg)
{
	int kind = pool_kind(p);
	struct grow_ctx g = {
		.t = t,
		.cls = kind == TMEM_PERS ? FRAME_PMETA : FRAME_EMETA,
	};
	struct put_plan pl;

	/* Growing may evict ephemeral pages, this pool's among them, which
	 * changes what the put needs: plan again until a pass evicted
	 * nothing. Such a pass freed nothing either, so every count it
	 * reserved still stands. */
	for (;;) {
		uint64_t gen = t->evict_gen;

		plan(t, c, p, o, pg, index, &pl);
		if (kind == TMEM_PERS && !plan_fits(c, &pl)) {
			/* Nothing is reserved for this pass yet: the empty
			 * frames kept for later puts can go first. */
			meta_set_shrink(&c->meta[TMEM_PERS]);
			if (!plan_fits(c, &pl))
				return -ERR_NOSPC;
		}
		for (unsigned i = 0; i < NEEDS; i++) {
			g.err = -ERR_NOMEM;
			if (slab_reserve(pl.cache[i], pl.n[i], grow, &g)) {
				put_failed(t, c, p);
				return g.err;
			}
		}
		if (gen == t->evict_gen)
			return 0;
		o = obj_find(p, oid);
		pg = o ? radix_lookup(&o->pages, index) : NULL;
	}
}

void put_failed(struct tmem *t, struct tmem_client *c, struct tmem_pool *p)
{
	if (pool_kind(p) != TMEM_PERS)
		return; /* ephemeral sets are freeable: reclaim takes them */
	meta_set_shrink(&c->meta[TMEM_PERS]);
	(void)t;
}

bool meta_make_room(struct tmem *t)
{
	return evict_one(t, NULL) || evict_sweep(t, TMEM_WORK_BUDGET);
}

uint64_t meta_shrink_eph(struct tmem *t)
{
	uint64_t n = meta_set_shrink(&t->shared_meta);

	for (unsigned i = 0; i < TMEM_MAX_CLIENTS; i++)
		if (t->clients[i].active)
			n += meta_set_shrink(&t->clients[i].meta[TMEM_EPH]);
	return n;
}
