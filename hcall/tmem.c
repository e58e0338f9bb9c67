/* The tmem hypercalls (guest-abi/ABI.md, "Transcendent memory"). Every
 * argument is hostile: ids wider than tmem's are refused here before
 * they could be truncated, the page is reached only through gmem, and a
 * refused call changes nothing. The client id is the caller's own slot,
 * so a guest can only ever name its own pools. */
#include "hcall/hypercall.h"
#include "guest-abi/fallow_abi.h"
#include "lib/err.h"
#include "vmx/gmem.h"
#include "vmx/hv.h"
#include "guest/tmem_client.h"

_Static_assert(FALLOW_TMEM_PERSISTENT == TMEM_POOL_PERSISTENT &&
		       FALLOW_TMEM_SHARED == TMEM_POOL_SHARED,
	       "guest pool flags must equal tmem's");

#define GUEST_POOL_FLAGS (FALLOW_TMEM_PERSISTENT | FALLOW_TMEM_SHARED)

enum { ARG_POOL, ARG_OID0, ARG_OID1, ARG_OID2, ARG_INDEX, ARG_GPA };

/* A get lands here first, so a failed one writes nothing into the guest. */
static uint8_t bounce[TMEM_PAGE_SIZE];

/* The caller's client, or NULL: no tmem yet, or the guest has none. */
static struct tmem *tmem_of(const struct guest *g)
{
	return g->id < GUEST_MAX ? tmem_glue() : NULL;
}

static int check_pool(uint64_t pool)
{
	return pool > UINT32_MAX ? -ERR_RANGE : 0;
}

static int check_handle(const uint64_t *arg, struct tmem_oid *oid, bool with_index)
{
	if (check_pool(arg[ARG_POOL]) || (with_index && arg[ARG_INDEX] > UINT32_MAX))
		return -ERR_RANGE;
	oid->w[0] = arg[ARG_OID0];
	oid->w[1] = arg[ARG_OID1];
	oid->w[2] = arg[ARG_OID2];
	return 0;
}

/* The tmem call's result, after the accounting catches up with it: the
 * one sync of a call that entered tmem (a call refused before it did
 * changed nothing). No other hypercall syncs. */
static int64_t done(struct guest *g, int err)
{
	tmem_glue_sync(g);
	return err;
}

int64_t hc_tmem_new_pool(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);
	uint64_t flags = arg[0];
	struct tmem_uuid uuid = { { arg[1], arg[2] } };

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if (flags & ~(uint64_t)GUEST_POOL_FLAGS)
		return -ERR_INVAL;
	if (g->cfg.tmem_dedup_shared && !(flags & FALLOW_TMEM_PERSISTENT))
		flags |= TMEM_POOL_DEDUP_SHARED;
	return done(g, tmem_pool_new(t, g->id, (uint32_t)flags,
				     (flags & FALLOW_TMEM_SHARED) ? &uuid : NULL));
}

int64_t hc_tmem_destroy_pool(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if (check_pool(arg[ARG_POOL]))
		return -ERR_RANGE;
	/* Bounded: -ERR_AGAIN while pages are left; the pool is still there
	 * when the guest's VMCALL runs again. */
	return done(g, tmem_pool_destroy(t, g->id, (unsigned)arg[ARG_POOL]));
}

int64_t hc_tmem_put(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);
	struct tmem_oid oid;
	void *page;
	int err;

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if ((err = check_handle(arg, &oid, true)) || (err = gmem_page(&g->ept, arg[ARG_GPA], &page)))
		return err;
	if (g->frozen)
		return -ERR_FROZEN;
	return done(g, tmem_put(t, g->id, (unsigned)arg[ARG_POOL], &oid,
				(uint32_t)arg[ARG_INDEX], page));
}

int64_t hc_tmem_get(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);
	struct tmem_oid oid;
	void *page;
	int err;

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if ((err = check_handle(arg, &oid, true)) || (err = gmem_page(&g->ept, arg[ARG_GPA], &page)))
		return err;
	err = tmem_get(t, g->id, (unsigned)arg[ARG_POOL], &oid, (uint32_t)arg[ARG_INDEX],
		       bounce);
	if (!err)
		vmx_bcopy(page, bounce, TMEM_PAGE_SIZE);
	return done(g, err);
}

int64_t hc_tmem_flush_page(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);
	struct tmem_oid oid;
	int err;

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if ((err = check_handle(arg, &oid, true)))
		return err;
	return done(g, tmem_flush_page(t, g->id, (unsigned)arg[ARG_POOL], &oid,
				       (uint32_t)arg[ARG_INDEX]));
}

int64_t hc_tmem_flush_object(struct guest *g, const uint64_t *arg, enum exit_action *next)
{
	struct tmem *t = tmem_of(g);
	struct tmem_oid oid;
	int err;

	(void)next;
	if (!t)
		return -ERR_NOSYS;
	if ((err = check_handle(arg, &oid, false)))
		return err;
	/* Bounded: -ERR_AGAIN comes back here for the rest (hypercall.c),
	 * with the pages flushed so far in cont.done. */
	err = tmem_flush_object_some(t, g->id, (unsigned)arg[ARG_POOL], &oid, &g->cont.done);
	if (err)
		return done(g, err);
	tmem_glue_sync(g);
	return (int64_t)g->cont.done;
}
