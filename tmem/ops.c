/* The guest operations: put, get, flush page, flush object. */
#include "lib/err.h"
#include "tmem/evict.h"
#include "tmem/lock.h"
#include "tmem/object.h"
#include "tmem/store.h"
#include "tmem/tmem.h"

/* The pool a guest names, or NULL with *err set. */
static struct tmem_pool *resolve(struct tmem *t, unsigned cid, unsigned pool,
				 const struct tmem_oid *oid,
				 struct tmem_client **cp, int *err)
{
	struct tmem_client *c = client_lookup(t, cid, err);

	if (!c)
		return NULL;
	if (!oid) {
		*err = -ERR_INVAL;
		return NULL;
	}
	*cp = c;
	return pool_lookup(c, pool, err);
}

static struct tmem_page *page_find(struct tmem_pool *p, const struct tmem_oid *oid,
				   uint32_t index)
{
	struct tmem_obj *o = obj_find(p, oid);

	return o ? radix_lookup(&o->pages, index) : NULL;
}

/* A page record in the slot for (oid, index), data-less, from reserved
 * records; an existing page has its old data dropped (a duplicate put).
 * o and pg are the object and page if the caller already holds them (a
 * NULL pg with a non-NULL o means the object has no such page). */
static struct tmem_page *page_slot(struct tmem *t, struct tmem_client *c,
				   struct tmem_pool *p, struct tmem_obj *o,
				   struct tmem_page *pg,
				   const struct tmem_oid *oid, uint32_t index)
{
	int kind = pool_kind(p);
	void **slot = NULL;

	if (!o)
		o = obj_get(t, p, oid);
	if (!pg) {
		slot = radix_slot(&o->pages, index, &t->nodes);
		pg = *slot;
	}
	if (pg) {
		TMEM_COUNT(t, c, p, dup_puts);
		release_page_data(t, pg);
		t->clients[pg->lru.client].pages[kind]--;
	} else {
		pg = slab_alloc(&t->pages);
		pg->lru.kind = LRU_PAGE;
		pg->obj = o;
		pg->index = index;
		*slot = pg;
		o->npages++;
		p->npages++;
	}
	pg->lru.client = (uint16_t)client_id(t, c);
	c->pages[kind]++;
	return pg;
}

static int put_locked(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
		      const struct tmem_oid *oid, uint32_t index, const void *page)
{
	struct tmem_obj *o = obj_find(p, oid);
	struct tmem_page *pg = o ? radix_lookup(&o->pages, index) : NULL;
	uint64_t gen = t->evict_gen;
	int err;

	/* A put that cannot succeed allocates nothing. */
	if (!pg && pool_kind(p) == TMEM_PERS &&
	    c->frames[TMEM_PERS] >= c->cfg.limit &&
	    !(c->cfg.flags & (TMEM_CLIENT_COMPRESS | TMEM_CLIENT_DEDUP)))
		return -ERR_NOSPC;
	err = store_reserve(t);
	if (err) {
		/* The old data of a failed duplicate put must not survive. */
		pg = page_find(p, oid, index);
		if (pg)
			page_remove(t, pg);
		return err;
	}
	/* Reserving may have evicted (even this object): look again then. */
	if (gen != t->evict_gen) {
		o = NULL;
		pg = NULL;
	}
	pg = page_slot(t, c, p, o, pg, oid, index);
	err = store_page(t, c, p, pg, page);
	if (err)
		page_remove(t, pg);
	return err;
}

int tmem_put(struct tmem *t, unsigned cid, unsigned pool,
	     const struct tmem_oid *oid, uint32_t index, const void *page)
{
	struct tmem_client *c = NULL;
	struct tmem_pool *p;
	int err = 0;

	tmem_lock(t);
	p = resolve(t, cid, pool, oid, &c, &err);
	if (p && !page)
		err = -ERR_INVAL;
	else if (p) {
		TMEM_COUNT(t, c, p, puts);
		err = put_locked(t, c, p, oid, index, page);
		if (err)
			TMEM_COUNT(t, c, p, put_fails);
	}
	tmem_unlock(t);
	return err;
}

static int get_locked(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
		      const struct tmem_oid *oid, uint32_t index, void *page)
{
	struct tmem_page *pg = page_find(p, oid, index);
	int err;

	TMEM_COUNT(t, c, p, gets);
	if (pg && page_dead(pg)) {
		page_remove(t, pg); /* evicted: the sweep's work, done here */
		pg = NULL;
	}
	if (!pg) {
		TMEM_COUNT(t, c, p, misses);
		return -ERR_NOENT;
	}
	err = load_page(t, pg, page);
	if (err)
		return err;
	TMEM_COUNT(t, c, p, hits);
	if (pool_kind(p) == TMEM_PERS)
		return 0;
	if (!(p->flags & TMEM_POOL_SHARED))
		page_remove(t, pg); /* private ephemeral gets are exclusive */
	else if (pg->lru.flags & LRU_F_BLOB)
		lru_touch(t, &((struct tmem_blob *)pg->data)->lru);
	else
		lru_touch(t, &pg->lru);
	return 0;
}

int tmem_get(struct tmem *t, unsigned cid, unsigned pool,
	     const struct tmem_oid *oid, uint32_t index, void *page)
{
	struct tmem_client *c = NULL;
	struct tmem_pool *p;
	int err = 0;

	tmem_lock(t);
	p = resolve(t, cid, pool, oid, &c, &err);
	if (p && !page)
		err = -ERR_INVAL;
	else if (p)
		err = get_locked(t, c, p, oid, index, page);
	tmem_unlock(t);
	return err;
}

int tmem_flush_page(struct tmem *t, unsigned cid, unsigned pool,
		    const struct tmem_oid *oid, uint32_t index)
{
	struct tmem_client *c = NULL;
	struct tmem_pool *p;
	int err = 0;

	tmem_lock(t);
	p = resolve(t, cid, pool, oid, &c, &err);
	if (p) {
		struct tmem_page *pg = page_find(p, oid, index);

		err = 0;
		if (pg) {
			/* An evicted page is gone already: not flushed here. */
			err = !page_dead(pg);
			page_remove(t, pg);
			if (err)
				TMEM_COUNT(t, c, p, flushes);
		}
	}
	tmem_unlock(t);
	return err;
}

int tmem_flush_object_some(struct tmem *t, unsigned cid, unsigned pool,
			   const struct tmem_oid *oid, uint64_t *flushed)
{
	struct tmem_client *c = NULL;
	struct tmem_pool *p;
	int err = 0;

	tmem_lock(t);
	p = resolve(t, cid, pool, oid, &c, &err);
	if (p) {
		struct tmem_obj *o = obj_find(p, oid);
		uint32_t budget = TMEM_WORK_BUDGET;

		err = 0;
		if (o) {
			uint32_t left = o->npages;
			uint32_t n = obj_destroy_some(t, o, &budget);

			/* One flush counted per object, on the step that ends it. */
			if (n == left)
				TMEM_COUNT(t, c, p, obj_flushes);
			*flushed += n;
			err = n == left ? 0 : -ERR_AGAIN;
		}
	}
	tmem_unlock(t);
	return err;
}

int tmem_flush_object(struct tmem *t, unsigned cid, unsigned pool,
		      const struct tmem_oid *oid)
{
	uint64_t n = 0;
	int err = tmem_flush_object_some(t, cid, pool, oid, &n);

	return err ? err : (int)n;
}
