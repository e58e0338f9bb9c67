/* The console commands on guests and memory. Settings here are fields of
 * struct guest that the balloon and tmem hypercalls read. */
#include "ctl/ctl.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/hv.h"
#include "guest/launch.h"
#include "ctl/stats.h"
#include "guest/tmem_client.h"

static const char *const state_names[] = {
	[GUEST_EMPTY] = "empty", [GUEST_WAITING] = "waiting",
	[GUEST_RUNNABLE] = "running", [GUEST_DEAD] = "ended",
};

static const char *const start_names[] = {
	[START_NOW] = "now", [START_AFTER] = "after", [START_MANUAL] = "manual",
};

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* A guest whose settings may still change: waiting or running. */
static struct guest *live_guest(const struct ctl_word *w)
{
	struct guest *g = ctl_guest(w);

	if (g && g->state == GUEST_DEAD) {
		ctl_error("guest %s has ended", g->cfg.name);
		return 0;
	}
	return g;
}

void ctl_cmd_stats(const struct ctl_args *a)
{
	(void)a;
	stats_print("console");
}

void ctl_cmd_guests(const struct ctl_args *a)
{
	(void)a;
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		const struct guest *g = &guests[i];

		if (g->state == GUEST_EMPTY)
			continue;
		kprintf("guest: %s state=%s start=%s mem=%lluK maxmem=%lluK ram=%llu target=%llu"
			" weight=%u cap=%llu frozen=%u\n",
			g->cfg.name, state_names[g->state], start_names[g->cfg.start],
			ull(g->cfg.mem >> 10), ull(g->cfg.maxmem >> 10), ull(g->ept.ram_pages),
			ull(g->target_pages), g->cfg.weight, ull(g->cap_pages),
			g->frozen ? 1u : 0u);
	}
}

void ctl_cmd_target(const struct ctl_args *a)
{
	struct guest *g = live_guest(&a->w[1]);
	uint64_t bytes;

	if (!g || !ctl_size(&a->w[2], &bytes))
		return;
	if (bytes > g->cfg.maxmem) {
		ctl_error("target %lluK for guest %s is above its maxmem %lluK",
			  ull(bytes >> 10), g->cfg.name, ull(g->cfg.maxmem >> 10));
		return;
	}
	g->target_pages = bytes / FRAME_SIZE;
	kprintf("ctl: guest %s target=%llu pages\n", g->cfg.name, ull(g->target_pages));
}

void ctl_cmd_weight(const struct ctl_args *a)
{
	struct guest *g = live_guest(&a->w[1]);
	uint64_t w;

	if (!g || !ctl_uint(&a->w[2], 1, GUEST_WEIGHT_MAX, "weight", &w))
		return;
	g->cfg.weight = (uint32_t)w;
	tmem_glue_configure(g);
	kprintf("ctl: guest %s weight=%u\n", g->cfg.name, g->cfg.weight);
}

void ctl_cmd_cap(const struct ctl_args *a)
{
	struct guest *g = live_guest(&a->w[1]);
	uint64_t bytes;

	if (!g || !ctl_size(&a->w[2], &bytes))
		return;
	g->cap_pages = bytes / FRAME_SIZE;
	tmem_glue_configure(g);
	kprintf("ctl: guest %s cap=%llu pages\n", g->cfg.name, ull(g->cap_pages));
}

static void set_frozen(const struct ctl_args *a, bool frozen)
{
	struct guest *g = live_guest(&a->w[1]);

	if (!g)
		return;
	g->frozen = frozen;
	kprintf("ctl: guest %s %s\n", g->cfg.name, frozen ? "frozen" : "thawed");
}

void ctl_cmd_freeze(const struct ctl_args *a)
{
	set_frozen(a, true);
}

void ctl_cmd_thaw(const struct ctl_args *a)
{
	set_frozen(a, false);
}

void ctl_cmd_start(const struct ctl_args *a)
{
	struct guest *g = ctl_guest(&a->w[1]);
	int err;

	if (!g)
		return;
	err = launch_request(g);
	if (err == -ERR_EXIST)
		ctl_error("guest %s is already running", g->cfg.name);
	else if (err)
		ctl_error("guest %s has ended; it cannot start again", g->cfg.name);
	else
		kprintf("ctl: guest %s will start as soon as its memory can be had\n",
			g->cfg.name);
}

void ctl_cmd_kill(const struct ctl_args *a)
{
	struct guest *g = live_guest(&a->w[1]);

	if (!g)
		return;
	if (g->state == GUEST_WAITING) {
		/* It holds no frames yet: nothing to scrub. */
		g->state = GUEST_DEAD;
		g->killed = true;
		kprintf("vmx: guest %s killed from the console before it started\n",
			g->cfg.name);
		return;
	}
	guest_kill(g, "from the console");
}
