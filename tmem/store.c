#include "tmem/store.h"

#include "lib/err.h"
#include "tmem/dedup.h"
#include "tmem/evict.h"
#include "tmem/mem.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

int store_reserve(struct tmem *t)
{
	/* The usual case, every cache already holding enough, in one test. */
	if (t->pages.nfree && t->objs.nfree && t->blobs.nfree && t->zframes.nfree &&
	    t->nodes.nfree >= RADIX_MAX_NEW_NODES)
		return 0;

	const struct {
		struct slab_cache *cache;
		uint64_t n;
	} need[] = {
		{ &t->pages, 1 }, { &t->objs, 1 }, { &t->blobs, 1 },
		{ &t->zframes, 1 }, { &t->nodes, RADIX_MAX_NEW_NODES },
	};

	/* Evictions while one cache grows only free records in the others,
	 * and a cache keeps at least one frame's worth when it gives a frame
	 * back, which covers every n here but the nodes': they come last,
	 * and radix_slot uses them before the put can evict again. */
	for (unsigned i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		int err = slab_reserve(need[i].cache, need[i].n, meta_frame_get, t);

		if (err)
			return err;
	}
	return 0;
}

void *meta_frame_get(void *tmem)
{
	struct tmem *t = tmem;
	void *f;

	while (!(f = frames_get(&t->frames, FRAME_META)))
		if (!evict_one(t, NULL))
			return NULL;
	return f;
}

static enum frame_class data_class(int kind)
{
	return kind == TMEM_PERS ? FRAME_PERS : FRAME_EPH;
}

void *data_frame_get(struct tmem *t, struct tmem_client *c, int kind, int *err)
{
	void *f;

	if (kind == TMEM_PERS) {
		if (c->frames[TMEM_PERS] >= c->cfg.limit) {
			*err = -ERR_NOSPC;
			return NULL;
		}
	} else {
		/* At its cap a client recycles its own oldest frame. */
		while (c->frames[TMEM_EPH] >= c->cfg.cap) {
			if (!evict_one(t, c)) {
				*err = -ERR_NOSPC;
				return NULL;
			}
		}
	}
	while (!(f = frames_get(&t->frames, data_class(kind)))) {
		if (!evict_one(t, NULL)) {
			*err = -ERR_NOMEM;
			return NULL;
		}
	}
	c->frames[kind]++;
	return f;
}

void data_frame_put(struct tmem *t, void *frame, unsigned cid, int kind)
{
	t->clients[cid].frames[kind]--;
	frames_put(&t->frames, frame, data_class(kind));
}

static void lru_link(struct tmem *t, struct tmem_lru *e)
{
	e->stamp = ++t->stamp;
	lru_add_tail(&t->clients[e->client].lru, e);
}

/* Where stored bytes live, as kept in a page or a blob. */
struct store_loc {
	void *data;
	uint16_t zoff, zlen;
	uint8_t zflag;
};

/* Stores src compressed when that pays, else raw, for owner. */
static int store_bytes(struct tmem *t, struct tmem_client *c, int kind,
		       const void *src, struct tmem_lru *owner,
		       struct store_loc *loc)
{
	int err = 0;

	if (c->cfg.flags & TMEM_CLIENT_COMPRESS) {
		long n = lz4_compress(&t->lz4, src, TMEM_PAGE_SIZE, t->zbuf, TMEM_ZMAX);

		if (n > 0) {
			struct zframe *zf;

			err = zpage_store(t, c, kind, t->zbuf, (uint32_t)n, owner,
					  &zf, &loc->zoff);
			if (err)
				return err;
			loc->data = zf;
			loc->zlen = (uint16_t)n;
			loc->zflag = LRU_F_ZPAGE;
			TMEM_COUNT_DATA(t, c, compressed, 1);
			TMEM_COUNT_DATA(t, c, comp_in, TMEM_PAGE_SIZE);
			TMEM_COUNT_DATA(t, c, comp_out, (uint64_t)n);
			return 0;
		}
		TMEM_COUNT_DATA(t, c, poor, 1);
	}
	loc->data = data_frame_get(t, c, kind, &err);
	if (!loc->data)
		return err;
	mem_copy(loc->data, src, TMEM_PAGE_SIZE);
	loc->zoff = loc->zlen = 0;
	loc->zflag = 0;
	return 0;
}

static void release_bytes(struct tmem *t, void *data, uint16_t zoff,
			  uint8_t flags, unsigned cid)
{
	if (flags & LRU_F_ZPAGE)
		zpage_release(t, data, zoff);
	else
		data_frame_put(t, data, cid, (flags & LRU_F_PERS) ? TMEM_PERS : TMEM_EPH);
}

static void blob_attach(struct tmem_blob *b, struct tmem_page *pg)
{
	pg->data = b;
	pg->lru.flags |= LRU_F_BLOB;
	lru_add_tail(&b->refs, &pg->lru);
	b->nrefs++;
}

void blob_drop_data(struct tmem *t, struct tmem_blob *b)
{
	dedup_remove(t, b);
	if (b->lru.flags & LRU_F_LINKED)
		lru_del(&b->lru);
	release_bytes(t, b->data, b->zoff, b->lru.flags, b->lru.client);
	b->data = NULL;
}

static void blob_free(struct tmem *t, struct tmem_blob *b)
{
	if (b->lru.flags & LRU_F_DEAD)
		lru_del(&b->lru); /* off t->dead; its data went when it died */
	else
		blob_drop_data(t, b);
	slab_free(&t->blobs, b);
}

static int store_dedup(struct tmem *t, struct tmem_client *c,
		       struct tmem_pool *p, struct tmem_page *pg, const void *src)
{
	int kind = pool_kind(p);
	uint32_t who = (p->flags & TMEM_POOL_DEDUP_SHARED) ? DEDUP_DOMAIN_SHARED
							   : client_id(t, c);
	uint32_t domain = dedup_domain(who, kind);
	uint64_t fp = dedup_fingerprint(t, src);
	struct tmem_blob *b = dedup_find(t, domain, fp, src);
	struct store_loc loc;
	int err;

	if (b) {
		/* A page is charged to whoever holds its data: across clients
		 * that is the blob's owner, whose end takes the page along. */
		if (b->lru.client != pg->lru.client) {
			t->clients[pg->lru.client].pages[kind]--;
			t->clients[b->lru.client].pages[kind]++;
			pg->lru.client = b->lru.client;
		}
		blob_attach(b, pg);
		lru_touch(t, &b->lru);
		TMEM_COUNT_DATA(t, c, dedup_hits, 1);
		return 0;
	}
	b = slab_alloc(&t->blobs);
	b->lru.kind = LRU_BLOB;
	b->lru.client = (uint16_t)client_id(t, c);
	b->lru.flags = pg->lru.flags & LRU_F_PERS;
	lru_init_head(&b->refs);
	b->fp = fp;
	b->domain = domain;
	err = store_bytes(t, c, kind, src, &b->lru, &loc);
	if (err) {
		slab_free(&t->blobs, b);
		return err;
	}
	b->data = loc.data;
	b->zoff = loc.zoff;
	b->zlen = loc.zlen;
	b->lru.flags |= loc.zflag;
	dedup_insert(t, b);
	if (kind == TMEM_EPH)
		lru_link(t, &b->lru);
	blob_attach(b, pg);
	return 0;
}

int store_page(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
	       struct tmem_page *pg, const void *src)
{
	int kind = pool_kind(p);
	struct store_loc loc;
	int err;

	pg->lru.flags = kind == TMEM_PERS ? LRU_F_PERS : 0;
	if ((c->cfg.flags & TMEM_CLIENT_DEDUP) || (p->flags & TMEM_POOL_DEDUP_SHARED))
		return store_dedup(t, c, p, pg, src);
	err = store_bytes(t, c, kind, src, &pg->lru, &loc);
	if (err)
		return err;
	pg->data = loc.data;
	pg->zoff = loc.zoff;
	pg->zlen = loc.zlen;
	pg->lru.flags |= loc.zflag;
	if (kind == TMEM_EPH)
		lru_link(t, &pg->lru);
	return 0;
}

int load_page(struct tmem *t, const struct tmem_page *pg, void *dst)
{
	const void *data = pg->data;
	uint16_t zoff = pg->zoff, zlen = pg->zlen;
	uint8_t flags = pg->lru.flags;

	(void)t;
	if (page_dead(pg))
		return -ERR_NOENT;
	if (flags & LRU_F_BLOB) {
		const struct tmem_blob *b = data;

		data = b->data;
		zoff = b->zoff;
		zlen = b->zlen;
		flags = b->lru.flags;
	}
	if (flags & LRU_F_ZPAGE)
		return zpage_load((struct zframe *)data, zoff, zlen, dst);
	mem_copy(dst, data, TMEM_PAGE_SIZE);
	return 0;
}

void release_page_data(struct tmem *t, struct tmem_page *pg)
{
	if (!pg->data)
		return;
	if (pg->lru.flags & LRU_F_BLOB) {
		struct tmem_blob *b = pg->data;

		lru_del(&pg->lru);
		if (--b->nrefs == 0)
			blob_free(t, b);
	} else {
		if (pg->lru.flags & LRU_F_LINKED)
			lru_del(&pg->lru);
		release_bytes(t, pg->data, pg->zoff, pg->lru.flags, pg->lru.client);
	}
	pg->data = NULL;
	pg->lru.flags &= LRU_F_PERS;
}
