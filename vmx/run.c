/* The guest phase from start to summary. */
#include "vmx/run.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "vmx/clock.h"
#include "vmx/guest.h"
#include "vmx/hv.h"
#include "vmx/launch.h"
#include "vmx/memcheck.h"
#include "vmx/sched.h"
#include "vmx/stats.h"
#include "vmx/tmem_glue.h"
#include "vmx/vmx.h"

#define US_PER_SEC 1000000ull
#define CFG_WHY_LEN 160

static void print_stats(const char *phase, unsigned nguests)
{
	struct frame_stats st;

	frame_get_stats(&st);
	kprintf("stats: phase=%s guests=%u total=%llu free=%llu freeable=%llu owned=%llu\n",
		phase, nguests, (unsigned long long)st.total, (unsigned long long)st.free,
		(unsigned long long)st.freeable, (unsigned long long)st.owned);
}

static bool name_taken(const char *name, unsigned upto)
{
	for (unsigned i = 0; i < upto; i++)
		if (guests[i].state != GUEST_EMPTY && !strcmp(guests[i].cfg.name, name))
			return true;
	return false;
}

/* Creates a guest per module; returns how many were refused. */
static unsigned create_guests(const struct boot_info *bi)
{
	unsigned refused = 0;

	for (unsigned i = 0; i < bi->nmodules; i++) {
		struct guest_config cfg;
		char why[CFG_WHY_LEN];
		int err = guest_config_parse(bi->modules[i].cmdline, &cfg, why, sizeof(why));

		if (i >= GUEST_MAX) {
			kprintf("vmx: guest %s refused: at most %u guests\n",
				err ? "?" : cfg.name, GUEST_MAX);
			refused++;
		} else if (err) {
			kprintf("vmx: guest %s refused: %s (module %u: %s)\n",
				cfg.name[0] ? cfg.name : "?", why, i, bi->modules[i].cmdline);
			refused++;
		} else if (name_taken(cfg.name, i)) {
			kprintf("vmx: guest %s refused: another guest has that name\n", cfg.name);
			refused++;
		} else if (cfg.start != START_NOW) {
			launch_configure(&guests[i], i, &bi->modules[i], &cfg);
		} else if (guest_create(&guests[i], i, &bi->modules[i], &cfg)) {
			refused++;
		}
	}
	return refused;
}

static void print_summary(const struct guest *g)
{
	if (g->state == GUEST_WAITING) {
		kprintf("vmx: summary %s: status=never-started\n", g->cfg.name);
		return;
	}
	if (g->killed)
		kprintf("vmx: summary %s: status=killed", g->cfg.name);
	else
		kprintf("vmx: summary %s: status=%d", g->cfg.name, g->exit_status);
	kprintf(" exits=%llu", (unsigned long long)g->exits_total);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		if (g->exits[r])
			kprintf(" %s=%llu", exit_reason_name(r), (unsigned long long)g->exits[r]);
	kprintf(" hypercalls=%llu pages=%llu released=%llu populated=%llu\n",
		(unsigned long long)g->hypercalls, (unsigned long long)g->pages_owned,
		(unsigned long long)g->released, (unsigned long long)g->populated);
}

void vmx_run_guests(const struct boot_info *bi, const struct vmx_caps *caps,
		    const struct vmx_run_params *params)
{
	uint64_t us = params->slice_us;

	struct frame_stats before, after;
	struct tsc_info tsc;
	unsigned refused, started = 0;

	if (!bi->nmodules) {
		kprintf("fallow: %s\n", caps->usable ? "no guests configured"
						     : "VT-x unavailable, nothing to run");
		return;
	}
	if (!caps->usable) {
		kprintf("fallow: VT-x unavailable, %u guest module(s) not started\n",
			bi->nmodules);
		return;
	}
	tsc_init(&tsc);
	vmx_tsc_hz = tsc.hz;
	uint64_t hz = tsc.hz ? tsc.hz : CLOCK_HZ_FALLBACK;

	frame_get_stats(&before);
	print_stats("before-guests", 0);
	int err = vmx_on(caps);

	if (err) {
		kprintf("fallow: VT-x could not be turned on, %u guest module(s) not started\n",
			bi->nmodules);
		return;
	}
	memcheck_begin();
	clock_start(tsc.hz);
	stats_init(params->stats_interval_s);
	refused = create_guests(bi);
	for (unsigned i = 0; i < GUEST_MAX; i++)
		started += guests[i].state == GUEST_RUNNABLE;
	kprintf("vmx: %u guest(s) running, %u refused, slice %llu us (%llu TSC ticks), %u waiting\n",
		started, refused, (unsigned long long)us,
		(unsigned long long)(us * hz / US_PER_SEC), launch_waiting());
	sched_run(us * hz / US_PER_SEC);
	started = 0;
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		if (guests[i].state == GUEST_DEAD || guests[i].state == GUEST_WAITING)
			print_summary(&guests[i]);
		/* pages_owned stays for the summary; 0: killed before it started */
		started += guests[i].state == GUEST_DEAD && guests[i].pages_owned;
	}
	memcheck_now("the guest phase");
	stats_print("final");
	tmem_glue_fini(); /* its spares and metadata: free again */
	vmx_off();
	frame_get_stats(&after);
	print_stats("after-guests", started);
	kprintf("vmx: free frames before guests %llu, after %llu: %s\n",
		(unsigned long long)before.free, (unsigned long long)after.free,
		before.free == after.free ? "equal" : "MISMATCH (leak)");
}
