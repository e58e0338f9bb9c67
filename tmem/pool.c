#include "tmem/pool.h"

#include "lib/err.h"
#include "tmem/lock.h"
#include "tmem/mem.h"
#include "tmem/object.h"
#include "tmem/store.h"
#include "tmem/tmem.h"

struct tmem_pool *pool_lookup(struct tmem_client *c, unsigned id, int *err)
{
	if (id >= TMEM_MAX_POOLS) {
		*err = -ERR_RANGE;
		return NULL;
	}
	if (!c->pools[id]) {
		*err = -ERR_NOENT;
		return NULL;
	}
	return c->pools[id];
}

static int free_pool_id(const struct tmem_client *c)
{
	for (unsigned id = 0; id < TMEM_MAX_POOLS; id++)
		if (!c->pools[id])
			return (int)id;
	return -ERR_NOSPC;
}

static struct tmem_pool *shared_find(struct tmem *t, const struct tmem_uuid *u)
{
	for (unsigned i = 0; i < TMEM_MAX_SHARED; i++) {
		struct tmem_pool *p = t->shared[i];

		if (p && p->uuid.w[0] == u->w[0] && p->uuid.w[1] == u->w[1])
			return p;
	}
	return NULL;
}

static int shared_free_slot(const struct tmem *t)
{
	for (unsigned i = 0; i < TMEM_MAX_SHARED; i++)
		if (!t->shared[i])
			return (int)i;
	return -ERR_NOSPC;
}

static int pool_join(struct tmem *t, struct tmem_client *c, int id,
		     const struct tmem_uuid *uuid)
{
	struct tmem_pool *p = shared_find(t, uuid);
	uint64_t bit = 1ull << client_id(t, c);

	if (!p)
		return -ERR_NOENT;
	if (p->members & bit)
		return -ERR_EXIST;
	p->members |= bit;
	c->pools[id] = p;
	return id;
}

int pool_new(struct tmem *t, struct tmem_client *c, uint32_t flags,
	     const struct tmem_uuid *uuid)
{
	bool shared = flags & TMEM_POOL_SHARED;
	int id, slot = 0, err;
	struct tmem_pool *p;

	if ((flags & ~TMEM_POOL_FLAGS) ||
	    (shared && (flags & TMEM_POOL_PERSISTENT)) ||
	    ((flags & TMEM_POOL_DEDUP_SHARED) && (flags & TMEM_POOL_PERSISTENT)) ||
	    (shared && !uuid))
		return -ERR_INVAL;
	if (shared && !client_granted(c, uuid))
		return -ERR_PERM;
	id = free_pool_id(c);
	if (id < 0)
		return id;
	if (shared) {
		err = pool_join(t, c, id, uuid);
		if (err != -ERR_NOENT)
			return err;
		slot = shared_free_slot(t);
		if (slot < 0)
			return slot;
	}
	err = slab_reserve(&t->pools, 1, meta_frame_get, t);
	if (err)
		return err;
	p = slab_alloc(&t->pools);
	p->flags = flags;
	p->owner = (uint16_t)client_id(t, c);
	if (shared) {
		p->uuid = *uuid;
		p->shared_slot = (uint16_t)slot;
		p->members = 1ull << client_id(t, c);
		t->shared[slot] = p;
	}
	c->pools[id] = p;
	return id;
}

/* Empties p by at most *budget pages; true once it holds nothing. */
static bool pool_drain_some(struct tmem *t, struct tmem_pool *p, uint32_t *budget)
{
	struct avl_node *n;

	for (unsigned i = 0; i < POOL_OBJ_BUCKETS; i++) {
		while ((n = p->objs[i].root) != NULL) {
			if (!*budget)
				return false;
			obj_destroy_some(t, avl_entry(n, struct tmem_obj, node), budget);
		}
	}
	return true;
}

int pool_destroy(struct tmem *t, struct tmem_client *c, unsigned id, uint32_t *budget)
{
	int err = 0;
	struct tmem_pool *p = pool_lookup(c, id, &err);
	uint64_t bit = 1ull << client_id(t, c);

	if (!p)
		return err;
	/* Leaving a shared pool others still use costs nothing; the last one
	 * out empties it. */
	if ((p->flags & TMEM_POOL_SHARED) && (p->members & ~bit)) {
		p->members &= ~bit;
		c->pools[id] = NULL;
		return 0;
	}
	/* Until it is empty the pool stays where it was: the caller comes
	 * back to the same id for the rest. */
	if (!pool_drain_some(t, p, budget))
		return -ERR_AGAIN;
	c->pools[id] = NULL;
	if (p->flags & TMEM_POOL_SHARED)
		t->shared[p->shared_slot] = NULL;
	slab_free(&t->pools, p);
	return 0;
}

int tmem_pool_new(struct tmem *t, unsigned cid, uint32_t flags,
		  const struct tmem_uuid *uuid)
{
	struct tmem_client *c;
	int ret = 0;

	tmem_lock(t);
	c = client_lookup(t, cid, &ret);
	if (c)
		ret = pool_new(t, c, flags, uuid);
	tmem_unlock(t);
	return ret;
}

int tmem_pool_destroy(struct tmem *t, unsigned cid, unsigned pool)
{
	struct tmem_client *c;
	int ret = 0;

	tmem_lock(t);
	uint32_t budget = TMEM_WORK_BUDGET;

	c = client_lookup(t, cid, &ret);
	if (c)
		ret = pool_destroy(t, c, pool, &budget);
	tmem_unlock(t);
	return ret;
}
