/* See guest/tmem_client.h. One CPU, interrupts off during the guest phase: tmem
 * needs no lock, and nothing can enter it while a call is under way
 * except the allocator's reclaim hook, which the `busy` flag turns away. */
#include "guest/tmem_client.h"
#include "lib/uuid.h"
#include "arch/x86_64/cpu.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/frame.h"
#include "vmx/hv.h"

_Static_assert(GUEST_MAX <= TMEM_MAX_CLIENTS, "every guest slot needs a tmem client id");

static struct tmem the_tmem;
static bool ready;
static bool busy; /* inside a tmem call made from here */

/* What each guest's client was last configured with, to skip needless
 * reconfiguring (a balloon call that moved no RAM). */
static struct {
	bool active;
	bool ending; /* guest gone, its client taken apart between turns */
	struct tmem_client_cfg cfg;
} clients[GUEST_MAX];

/* ------------------------------------------------------------ platform */

/* RAM is mapped 1:1 (arch/x86_64/paging.h): a frame's pointer is its
 * physical address. */
static paddr_t virt_to_phys(void *p)
{
	return (paddr_t)(uintptr_t)p;
}

/* Never reclaims: tmem evicts its own pages when this fails. */
static void *plat_frame_alloc(void *ctx)
{
	paddr_t pa = frame_alloc_no_reclaim();

	(void)ctx;
	return pa == FRAME_NONE ? NULL : phys_to_virt(pa);
}

static void plat_frame_free(void *ctx, void *frame)
{
	(void)ctx;
	if (frame_free(virt_to_phys(frame)))
		panic("tmem gave back frame %p that is not allocated", frame);
}

static uint64_t plat_now(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

static const struct tmem_platform platform = {
	.frame_alloc = plat_frame_alloc,
	.frame_free = plat_frame_free,
	.now = plat_now,
};

/* ------------------------------------------------------------ accounting */

static uint64_t freeable_now(void)
{
	struct tmem_frame_counts fc;

	tmem_frame_counts(&the_tmem, &fc);
	return fc.freeable;
}

static void set_freeable(void)
{
	uint64_t freeable = freeable_now();

	if (frame_set_freeable(freeable))
		panic("tmem reports %llu freeable frames, more than are allocated",
		      (unsigned long long)freeable);
}

/* Persistent frames, data and metadata, charged to slot id's client. */
static uint64_t pers_charge(unsigned id)
{
	struct tmem_client_info ci;

	if (tmem_client_info(&the_tmem, id, &ci))
		panic("guest slot %u's tmem client is gone while it is charged", id);
	return ci.pers_charge;
}

/* The allocator's hook: ephemeral frames back, oldest first with weights
 * honoured (tmem_reclaim's order), whichever guest's allocation needed
 * them. It is a tmem call like any other and syncs at its end; the
 * pages it evicts and the records it frees are all ephemeral, which no
 * guest is charged for, so only the freeable count moves. */
static uint64_t reclaim(uint64_t want)
{
	uint64_t freed;

	if (!ready || busy)
		return 0;
	busy = true;
	freed = tmem_reclaim(&the_tmem, want);
	busy = false;
	tmem_glue_sync(NULL);
	return freed;
}

static void init_once(void)
{
	if (ready)
		return;
	/* The TSC differs run to run on hardware; under Bochs it is fixed,
	 * which only makes runs repeatable. */
	if (tmem_init(&the_tmem, &platform, rdtsc()))
		panic("tmem_init refused the hypervisor's platform");
	frame_set_reclaim_hook(reclaim);
	ready = true;
}

struct tmem *tmem_glue(void)
{
	return ready ? &the_tmem : NULL;
}

uint64_t tmem_glue_uncharged_frames(void)
{
	struct tmem_frame_counts fc;
	uint64_t n;

	if (!ready)
		return 0;
	/* Persistent metadata is charged to its guest (persistent_pages). */
	tmem_frame_counts(&the_tmem, &fc);
	n = fc.eph + fc.spare + fc.meta + fc.emeta;
	/* A client still being taken apart holds persistent frames, data
	 * and records, its guest, gone, is no longer charged for. */
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (clients[i].ending)
			n += pers_charge(i);
	return n;
}

uint64_t tmem_glue_freeable(void)
{
	return ready ? freeable_now() : 0;
}

void tmem_glue_sync(struct guest *g)
{
	if (!ready)
		return;
	if (g && g->id < GUEST_MAX && clients[g->id].active) {
		g->persistent_pages = pers_charge(g->id);
		guest_recount(g);
	}
	set_freeable();
}

/* ------------------------------------------------------------ clients */

static struct tmem_client_cfg cfg_of(const struct guest *g)
{
	uint64_t max = g->cfg.maxmem / FRAME_SIZE, ram = g->ept.ram_pages;

	return (struct tmem_client_cfg){
		.weight = g->cfg.weight,
		.flags = (g->cfg.tmem_compress ? TMEM_CLIENT_COMPRESS : 0u) |
			 (g->cfg.tmem_dedup ? TMEM_CLIENT_DEDUP : 0u),
		.cap = g->cap_pages ? g->cap_pages : TMEM_UNLIMITED,
		.limit = max > ram ? max - ram : 0,
	};
}

static bool cfg_equal(const struct tmem_client_cfg *a, const struct tmem_client_cfg *b)
{
	return a->weight == b->weight && a->flags == b->flags && a->cap == b->cap &&
	       a->limit == b->limit;
}

void tmem_glue_configure(struct guest *g)
{
	struct tmem_client_cfg cfg;

	if (!ready || g->id >= GUEST_MAX || !clients[g->id].active)
		return;
	cfg = cfg_of(g);
	if (cfg_equal(&cfg, &clients[g->id].cfg))
		return;
	busy = true;
	int err = tmem_client_configure(&the_tmem, g->id, &cfg);
	busy = false;
	if (err)
		panic("tmem refused guest %s's configuration: %s", g->cfg.name, err_name(err));
	clients[g->id].cfg = cfg;
}

/* One bounded step of ending slot id's client; true once it is gone. */
static bool end_step(unsigned id)
{
	busy = true;
	int err = tmem_client_destroy_some(&the_tmem, id);
	busy = false;
	if (err && err != -ERR_AGAIN)
		panic("tmem could not destroy guest %s's client: %s", guests[id].cfg.name,
		      err_name(err));
	clients[id].ending = err == -ERR_AGAIN;
	set_freeable();
	return !err;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Grants every shared=UUID word of the guest's command line. */
static int grant_all(struct guest *g, char *why, size_t whylen)
{
	const size_t keylen = sizeof(TMEM_GRANT_KEY) - 1;
	const char *p = g->cfg.cmdline;

	while (*p) {
		while (is_space(*p))
			p++;
		const char *w = p;

		while (*p && !is_space(*p))
			p++;
		if ((size_t)(p - w) < keylen || strncmp(w, TMEM_GRANT_KEY, keylen))
			continue;
		struct tmem_uuid u;
		const char *v = w + keylen;
		int err = uuid_parse(v, (size_t)(p - v), &u.w[0], &u.w[1]);

		if (!err)
			err = tmem_grant_uuid(&the_tmem, g->id, &u);
		if (err == -ERR_EXIST)
			err = 0; /* granted twice is granted */
		if (err) {
			fmt_snprintf(why, whylen, "bad %.*s (%s; at most %u UUIDs of %u hex digits)",
				     (int)(p - w), w, err_name(err), TMEM_MAX_GRANTS,
				     UUID_HEX_DIGITS);
			return err;
		}
	}
	return 0;
}

int tmem_glue_guest_start(struct guest *g, char *why, size_t whylen)
{
	struct tmem_client_cfg cfg = cfg_of(g);
	int err;

	init_once();
	if (g->id >= GUEST_MAX)
		return -ERR_RANGE;
	while (clients[g->id].ending) /* the slot's last guest, if any, first */
		end_step(g->id);
	busy = true;
	err = tmem_client_create(&the_tmem, g->id, &cfg);
	if (!err) {
		err = grant_all(g, why, whylen);
		if (err)
			tmem_client_destroy(&the_tmem, g->id);
	} else {
		fmt_snprintf(why, whylen, "no tmem client (%s)", err_name(err));
	}
	busy = false;
	if (err)
		return err;
	clients[g->id].active = true;
	clients[g->id].cfg = cfg;
	tmem_glue_sync(g);
	return 0;
}

void tmem_glue_guest_end(struct guest *g)
{
	if (!ready || g->id >= GUEST_MAX || !clients[g->id].active)
		return;
	clients[g->id].active = false;
	/* pages_owned stays for the summary; the charge itself is gone. */
	g->persistent_pages = 0;
	/* Its first step now; a big client's rest goes in steps between
	 * turns (tmem_glue_poll), not all inside the killing exit. */
	end_step(g->id);
}

bool tmem_glue_poll(void)
{
	if (!ready)
		return false;
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (clients[i].ending) {
			end_step(i);
			return true; /* the next poll looks again */
		}
	busy = true;
	bool more = tmem_poll(&the_tmem);
	busy = false;
	set_freeable();
	return more;
}

void tmem_glue_fini(void)
{
	struct tmem_frame_counts fc;

	if (!ready)
		return;
	busy = true;
	tmem_fini(&the_tmem);
	busy = false;
	set_freeable();
	tmem_frame_counts(&the_tmem, &fc);
	if (fc.freeable + fc.owned)
		kprintf("tmem: %llu frames still held after the guest phase"
			" (eph %llu pers %llu meta %llu emeta %llu pmeta %llu spare %llu)\n",
			(unsigned long long)(fc.freeable + fc.owned),
			(unsigned long long)fc.eph, (unsigned long long)fc.pers,
			(unsigned long long)fc.meta, (unsigned long long)fc.emeta,
			(unsigned long long)fc.pmeta, (unsigned long long)fc.spare);
}
