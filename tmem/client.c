#include "tmem/client.h"

#include "lib/err.h"
#include "tmem/evict.h"
#include "tmem/lock.h"
#include "tmem/mem.h"
#include "tmem/tmem.h"

struct tmem_client *client_lookup(struct tmem *t, unsigned cid, int *err)
{
	if (cid >= TMEM_MAX_CLIENTS) {
		*err = -ERR_RANGE;
		return NULL;
	}
	if (!t->clients[cid].active) {
		*err = -ERR_NOENT;
		return NULL;
	}
	return &t->clients[cid];
}

unsigned client_id(const struct tmem *t, const struct tmem_client *c)
{
	return (unsigned)(c - t->clients);
}

bool client_granted(const struct tmem_client *c, const struct tmem_uuid *u)
{
	for (unsigned i = 0; i < c->ngrants; i++)
		if (c->grants[i].w[0] == u->w[0] && c->grants[i].w[1] == u->w[1])
			return true;
	return false;
}

static bool cfg_valid(const struct tmem_client_cfg *cfg)
{
	return cfg && !(cfg->flags & ~TMEM_CLIENT_FLAGS);
}

static int client_create_locked(struct tmem *t, unsigned cid,
				const struct tmem_client_cfg *cfg)
{
	struct tmem_client *c;

	if (cid >= TMEM_MAX_CLIENTS)
		return -ERR_RANGE;
	if (!cfg_valid(cfg))
		return -ERR_INVAL;
	c = &t->clients[cid];
	if (c->active)
		return -ERR_EXIST;
	mem_zero(c, sizeof(*c));
	c->active = true;
	c->cfg = *cfg;
	lru_init_head(&c->lru);
	return 0;
}

int tmem_client_create(struct tmem *t, unsigned cid, const struct tmem_client_cfg *cfg)
{
	int ret;

	tmem_lock(t);
	ret = client_create_locked(t, cid, cfg);
	tmem_unlock(t);
	return ret;
}

int tmem_client_configure(struct tmem *t, unsigned cid, const struct tmem_client_cfg *cfg)
{
	struct tmem_client *c;
	int err = 0;

	tmem_lock(t);
	c = client_lookup(t, cid, &err);
	if (c && !cfg_valid(cfg))
		err = -ERR_INVAL;
	else if (c)
		c->cfg = *cfg;
	tmem_unlock(t);
	return err;
}

int client_destroy_step(struct tmem *t, struct tmem_client *c)
{
	uint32_t budget = TMEM_WORK_BUDGET;

	for (unsigned id = 0; id < TMEM_MAX_POOLS; id++)
		if (c->pools[id] && pool_destroy(t, c, id, &budget))
			return -ERR_AGAIN;
	/* What is left is ephemeral data it put into shared pools or blobs
	 * other clients' pages refer to: all of it is on its LRU. */
	for (; budget && !lru_empty(&c->lru); budget--)
		evict_entry(t, c->lru.next);
	/* Its evicted blobs' pages are still charged to it until swept; the
	 * sweep is global, so others' dead pages may go first. */
	while (budget && (c->pages[TMEM_EPH] || c->pages[TMEM_PERS])) {
		uint32_t n = evict_sweep(t, budget);

		if (!n)
			return -ERR_CORRUPT; /* charged pages that no index holds */
		budget -= n;
	}
	if (!lru_empty(&c->lru) || c->pages[TMEM_EPH] || c->pages[TMEM_PERS])
		return -ERR_AGAIN;
	c->active = false;
	return 0;
}

static int destroy_locked(struct tmem *t, unsigned cid, bool all)
{
	int err = 0;
	struct tmem_client *c = client_lookup(t, cid, &err);

	if (!c)
		return err;
	do
		err = client_destroy_step(t, c);
	while (err == -ERR_AGAIN && all);
	return err;
}

int tmem_client_destroy_some(struct tmem *t, unsigned cid)
{
	int err;

	tmem_lock(t);
	err = destroy_locked(t, cid, false);
	tmem_unlock(t);
	return err;
}

int tmem_client_destroy(struct tmem *t, unsigned cid)
{
	int err;

	tmem_lock(t);
	err = destroy_locked(t, cid, true);
	tmem_unlock(t);
	return err;
}

int tmem_grant_uuid(struct tmem *t, unsigned cid, const struct tmem_uuid *uuid)
{
	struct tmem_client *c;
	int err = 0;

	tmem_lock(t);
	c = client_lookup(t, cid, &err);
	if (!c)
		goto out;
	if (!uuid)
		err = -ERR_INVAL;
	else if (client_granted(c, uuid))
		err = -ERR_EXIST;
	else if (c->ngrants == TMEM_MAX_GRANTS)
		err = -ERR_NOSPC;
	else
		c->grants[c->ngrants++] = *uuid;
out:
	tmem_unlock(t);
	return err;
}
