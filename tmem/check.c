/* tmem_check: walks every index and recounts every counter, so tests can
 * assert after each operation that nothing drifted. */
#include "lib/err.h"
#include "tmem/dedup.h"
#include "tmem/lock.h"
#include "tmem/object.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

/* What the walk found, to compare with what tmem believes. */
struct tally {
	uint64_t pages, objs, nodes, pools, blobs;
	uint64_t client_pages[TMEM_MAX_CLIENTS][TMEM_KINDS];
	uint64_t raw_frames[TMEM_MAX_CLIENTS];
	uint64_t lru_entries[TMEM_MAX_CLIENTS];
	bool bad;
};

/* Remembers the first failing line, for a debugger or a test to print. */
#define CHECK(tl, cond)                            \
	do {                                       \
		if (!(cond) && !(tl)->bad) {       \
			(tl)->bad = true;          \
			tmem_check_line = __LINE__; \
		}                                  \
	} while (0)

int tmem_check_line;

static int avl_height_ok(const struct avl_node *n, const struct avl_node *parent,
			 struct tally *tl)
{
	int l, r;

	if (!n)
		return 0;
	CHECK(tl, n->parent == parent);
	l = avl_height_ok(n->left, n, tl);
	r = avl_height_ok(n->right, n, tl);
	CHECK(tl, l - r <= 1 && r - l <= 1);
	CHECK(tl, n->height == 1 + (l > r ? l : r));
	return n->height;
}

static void check_page(struct tmem *t, struct tmem_page *pg, struct tmem_obj *o,
		       uint32_t index, struct tally *tl)
{
	int kind = pool_kind(o->pool);
	uint16_t cid = pg->lru.client;

	tl->pages++;
	CHECK(tl, pg->obj == o && pg->index == index && pg->data);
	CHECK(tl, cid < TMEM_MAX_CLIENTS && t->clients[cid].active);
	if (cid >= TMEM_MAX_CLIENTS)
		return;
	tl->client_pages[cid][kind]++;
	CHECK(tl, !(pg->lru.flags & LRU_F_PERS) == (kind == TMEM_EPH));
	if (pg->lru.flags & LRU_F_BLOB) {
		struct tmem_blob *b = pg->data;

		CHECK(tl, pg->lru.flags & LRU_F_LINKED);
		CHECK(tl, (b->lru.flags & LRU_F_PERS) == (pg->lru.flags & LRU_F_PERS));
		return;
	}
	CHECK(tl, !!(pg->lru.flags & LRU_F_LINKED) == (kind == TMEM_EPH));
	if (kind == TMEM_EPH)
		tl->lru_entries[cid]++;
	if (!(pg->lru.flags & LRU_F_ZPAGE))
		tl->raw_frames[cid]++;
}

static void check_radix(struct tmem *t, struct radix_node *n, uint32_t level,
			uint32_t base, struct tmem_obj *o, struct tally *tl)
{
	uint32_t count = 0;

	tl->nodes++;
	for (uint32_t i = 0; i < RADIX_SLOTS; i++) {
		uint32_t shift = level * RADIX_BITS;
		uint32_t idx = base | (shift >= 32 ? 0 : i << shift);

		if (!n->slot[i])
			continue;
		count++;
		if (level)
			check_radix(t, n->slot[i], level - 1, idx, o, tl);
		else
			check_page(t, n->slot[i], o, idx, tl);
	}
	CHECK(tl, count == n->count && count > 0);
}

static void check_obj(struct tmem *t, struct tmem_obj *o, struct tmem_pool *p,
		      unsigned bucket, struct tally *tl)
{
	uint64_t before = tl->pages;

	CHECK(tl, o->pool == p && o->pages.root && obj_bucket_index(&o->oid) == bucket);
	if (o->pages.root && o->pages.height == 0)
		check_page(t, o->pages.root, o, o->pages.single, tl);
	else if (o->pages.root)
		check_radix(t, o->pages.root, o->pages.height - 1, 0, o, tl);
	CHECK(tl, tl->pages - before == o->npages);
}

static void check_pool(struct tmem *t, struct tmem_pool *p, struct tally *tl)
{
	uint64_t objs = 0, pages = tl->pages;

	tl->pools++;
	for (unsigned i = 0; i < POOL_OBJ_BUCKETS; i++) {
		avl_height_ok(p->objs[i].root, NULL, tl);
		for (struct avl_node *n = avl_first(&p->objs[i]); n; n = avl_next(n)) {
			check_obj(t, avl_entry(n, struct tmem_obj, node), p, i, tl);
			objs++;
		}
	}
	tl->objs += objs;
	CHECK(tl, objs == p->nobjs && tl->pages - pages == p->npages);
}

static void check_blob(struct tmem_blob *b, unsigned bucket, struct tally *tl)
{
	uint32_t refs = 0;

	tl->blobs++;
	CHECK(tl, dedup_bucket_index(b->fp) == bucket && !(b->lru.flags & LRU_F_DEAD));
	for (struct tmem_lru *e = b->refs.next; e != &b->refs; e = e->next) {
		CHECK(tl, ((struct tmem_page *)(void *)e)->data == b);
		refs++;
	}
	CHECK(tl, refs == b->nrefs && refs > 0);
	if (b->lru.client >= TMEM_MAX_CLIENTS)
		return;
	if (!(b->lru.flags & LRU_F_PERS))
		tl->lru_entries[b->lru.client]++;
	if (!(b->lru.flags & LRU_F_ZPAGE))
		tl->raw_frames[b->lru.client]++;
}

/* Evicted blobs: no data, no frame, no LRU place, only pages waiting for
 * the sweep, and never persistent ones. */
static void check_dead(struct tmem *t, struct tally *tl)
{
	for (struct tmem_lru *e = t->dead.next; e != &t->dead; e = e->next) {
		struct tmem_blob *b = (struct tmem_blob *)(void *)e;
		uint32_t refs = 0;

		tl->blobs++;
		CHECK(tl, e->kind == LRU_BLOB && (e->flags & LRU_F_DEAD) &&
			  !(e->flags & LRU_F_PERS) && !b->data);
		for (struct tmem_lru *r = b->refs.next; r != &b->refs; r = r->next) {
			CHECK(tl, ((struct tmem_page *)(void *)r)->data == b);
			refs++;
		}
		CHECK(tl, refs == b->nrefs && refs > 0);
	}
}

static void check_blobs(struct tmem *t, struct tally *tl)
{
	/* Buckets whose bit is clear hold no blob, or the blob count below
	 * comes up short. */
	for (unsigned w = 0; w < DEDUP_BUCKETS / 64; w++) {
		for (uint64_t bits = t->dedup.used[w]; bits; bits &= bits - 1) {
			unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct avl_tree *tree = &t->dedup.bucket[i];

			CHECK(tl, tree->root != NULL);
			avl_height_ok(tree->root, NULL, tl);
			for (struct avl_node *n = avl_first(tree); n; n = avl_next(n))
				check_blob(avl_entry(n, struct tmem_blob, node), i, tl);
		}
	}
}

static void check_client(struct tmem *t, unsigned cid, struct tally *tl)
{
	struct tmem_client *c = &t->clients[cid];
	uint64_t n = 0;
	const struct tmem_lru *prev = NULL;

	for (struct tmem_lru *e = c->lru.next; e != &c->lru; e = e->next) {
		CHECK(tl, e->client == cid && (e->flags & LRU_F_LINKED));
		CHECK(tl, !prev || lru_older(prev->stamp, e->stamp));
		prev = e;
		n++;
	}
	CHECK(tl, n == tl->lru_entries[cid]);
	CHECK(tl, c->pages[TMEM_EPH] == tl->client_pages[cid][TMEM_EPH]);
	CHECK(tl, c->pages[TMEM_PERS] == tl->client_pages[cid][TMEM_PERS]);
	CHECK(tl, c->frames[TMEM_EPH] + c->frames[TMEM_PERS] ==
		  tl->raw_frames[cid] + c->zframes);
}

int tmem_check(struct tmem *t)
{
	static struct tally tally; /* large; tests are single-threaded */
	struct tally *tl = &tally;
	uint64_t eph = 0, pers = 0, zframes = 0;

	tmem_lock(t);
	__builtin_memset(tl, 0, sizeof(*tl));
	for (unsigned cid = 0; cid < TMEM_MAX_CLIENTS; cid++) {
		struct tmem_client *c = &t->clients[cid];

		if (!c->active)
			continue;
		for (unsigned id = 0; id < TMEM_MAX_POOLS; id++)
			if (c->pools[id] && !(c->pools[id]->flags & TMEM_POOL_SHARED))
				check_pool(t, c->pools[id], tl);
	}
	for (unsigned i = 0; i < TMEM_MAX_SHARED; i++)
		if (t->shared[i])
			check_pool(t, t->shared[i], tl);
	check_blobs(t, tl);
	check_dead(t, tl);
	for (unsigned cid = 0; cid < TMEM_MAX_CLIENTS; cid++) {
		struct tmem_client *c = &t->clients[cid];

		if (!c->active)
			continue;
		check_client(t, cid, tl);
		eph += c->frames[TMEM_EPH];
		pers += c->frames[TMEM_PERS];
		zframes += c->zframes;
	}
	CHECK(tl, eph == t->frames.count[FRAME_EPH]);
	CHECK(tl, pers == t->frames.count[FRAME_PERS]);
	CHECK(tl, zframes == t->zframes.inuse);
	CHECK(tl, tl->pages == t->pages.inuse && tl->objs == t->objs.inuse);
	CHECK(tl, tl->nodes == t->nodes.inuse && tl->blobs == t->blobs.inuse);
	CHECK(tl, tl->pools == t->pools.inuse);
	CHECK(tl, t->frames.count[FRAME_META] ==
		  t->pages.nframes + t->objs.nframes + t->nodes.nframes +
		  t->blobs.nframes + t->zframes.nframes + t->pools.nframes);
	tmem_unlock(t);
	return tl->bad ? -ERR_CORRUPT : 0;
}
