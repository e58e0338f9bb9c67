/* The guest phase from start to summary. */
#include "sched/run.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "guest/clock.h"
#include "dev/disk/disk.h"
#include "dev/disk/model.h"
#include "dev/disk/store.h"
#include "guest/guest.h"
#include "vmx/hv.h"
#include "guest/launch.h"
#include "guest/memcheck.h"
#include "sched/sched.h"
#include "ctl/stats.h"
#include "guest/tmem_client.h"
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

static unsigned guest_modules(const struct boot_info *bi)
{
	unsigned n = 0;

	for (unsigned i = 0; i < bi->nmodules; i++)
		n += !disk_module_is_image(bi->modules[i].cmdline);
	return n;
}

/* Creates a guest per module that is not a disk image, in slots taken in
 * order; returns how many were refused. */
static unsigned create_guests(const struct boot_info *bi)
{
	unsigned refused = 0, slot = 0;

	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct guest_config cfg;
		char why[CFG_WHY_LEN];

		if (disk_module_is_image(m->cmdline))
			continue;
		int err = guest_config_parse(m->cmdline, &cfg, why, sizeof(why));

		if (slot >= GUEST_MAX) {
			kprintf("vmx: guest %s refused: at most %u guests\n",
				err ? "?" : cfg.name, GUEST_MAX);
			refused++;
		} else if (err) {
			kprintf("vmx: guest %s refused: %s (module %u: %s)\n",
				cfg.name[0] ? cfg.name : "?", why, i, m->cmdline);
			refused++;
		} else if (name_taken(cfg.name, slot)) {
			kprintf("vmx: guest %s refused: another guest has that name\n", cfg.name);
			refused++;
		} else if (cfg.start != START_NOW) {
			launch_configure(&guests[slot], slot, m, &cfg);
			slot++;
		} else if (guest_create(&guests[slot], slot, m, &cfg)) {
			refused++;
		} else {
			slot++;
		}
	}
	return refused;
}

/* The guest phase's wall time against the CPU time guests used and the
 * time skipped while every guest waited for its disk. */
static void print_phase_time(void)
{
	const struct disk_model_params *p = disk_model_params();

	kprintf("vmx: guest phase: wall_ms=%llu cpu_ms=%llu skipped_ms=%llu"
		" disk_seek_us=%llu disk_sector_ns=%llu disk_queue=%s disk_wait=%s\n",
		(unsigned long long)clock_ms(),
		(unsigned long long)clock_ticks_to_ms(clock_cpu_total_ticks()),
		(unsigned long long)clock_skipped_ms(), (unsigned long long)p->seek_us,
		(unsigned long long)p->sector_ns, p->private_queue ? "private" : "shared",
		p->spin ? "spin" : "skip");
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
	stats_guest_time_disk(g);
	kprintf(" exit_ms=%llu", (unsigned long long)g->exit_ms);
	kprintf(" hypercalls=%llu", (unsigned long long)g->hypercalls);
	if (g->hc_refused_user) /* like the exit counts: shown once nonzero */
		kprintf(" hc_refused_user=%llu", (unsigned long long)g->hc_refused_user);
	if (g->hc_continued)
		kprintf(" hc_continued=%llu", (unsigned long long)g->hc_continued);
	if (g->cfg.lapic)
		kprintf(" lapic_timer=%llu irqs=%llu reinjected=%llu windows=%llu halts_slept=%llu",
			(unsigned long long)g->lapic.timer_expiries,
			(unsigned long long)g->vcpu.ev.injected,
			(unsigned long long)g->vcpu.ev.reinjected,
			(unsigned long long)g->vcpu.ev.windows,
			(unsigned long long)g->halts_slept);
	kprintf(" pages=%llu released=%llu populated=%llu\n", (unsigned long long)g->pages_owned,
		(unsigned long long)g->released, (unsigned long long)g->populated);
}

/* disk_store=: set aside before the first guest, or no guest starts (the
 * figures of a run on a smaller machine than asked for would mislead). */
static bool set_disk_store(uint64_t bytes, unsigned nguests)
{
	uint64_t frames = (bytes + FRAME_SIZE - 1) / FRAME_SIZE;

	if (!frames)
		return true;
	if (disk_store_init(frames)) {
		kprintf("fallow: disk_store=%lluK does not fit in the free memory,"
			" %u guest module(s) not started\n",
			(unsigned long long)(bytes >> 10), nguests);
		return false;
	}
	kprintf("disk: store of %llu frames (%lluK) set aside for the guests' written chunks\n",
		(unsigned long long)frames, (unsigned long long)(frames * FRAME_SIZE >> 10));
	return true;
}

void vmx_run_guests(const struct boot_info *bi, const struct vmx_caps *caps,
		    const struct vmx_run_params *params)
{
	uint64_t us = params->slice_us;

	struct frame_stats before, after;
	struct tsc_info tsc;
	unsigned refused, started = 0;

	unsigned nguests = guest_modules(bi);

	if (!nguests) {
		kprintf("fallow: %s\n", caps->usable ? "no guests configured"
						     : "VT-x unavailable, nothing to run");
		return;
	}
	if (!caps->usable) {
		kprintf("fallow: VT-x unavailable, %u guest module(s) not started\n", nguests);
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
			nguests);
		return;
	}
	if (!set_disk_store(params->disk_store_bytes, nguests)) {
		vmx_off();
		return;
	}
	memcheck_begin();
	clock_start(tsc.hz);
	disk_model_set_params(&params->disk);
	disk_model_start(hz);
	stats_init(params->stats_interval_s);
	disk_images_register(bi);
	refused = create_guests(bi);
	for (unsigned i = 0; i < GUEST_MAX; i++)
		started += guests[i].state == GUEST_RUNNABLE;
	kprintf("vmx: %u guest(s) running, %u refused, slice %llu us (%llu TSC ticks), %u waiting\n",
		started, refused, (unsigned long long)us,
		(unsigned long long)(us * hz / US_PER_SEC), launch_waiting());
	/* for make bench-linux: where Fallow's own boot ends */
	kprintf("vmx: guest phase starts at tsc %llu\n", (unsigned long long)rdtsc());
	sched_run(us * hz / US_PER_SEC);
	started = 0;
	for (unsigned i = 0; i < GUEST_MAX; i++) {
		if (guests[i].state == GUEST_DEAD || guests[i].state == GUEST_WAITING)
			print_summary(&guests[i]);
		/* pages_owned stays for the summary; 0: killed before it started */
		started += guests[i].state == GUEST_DEAD && guests[i].pages_owned;
	}
	print_phase_time();
	memcheck_now("the guest phase");
	stats_print("final");
	disk_store_fini();
	tmem_glue_fini(); /* its spares and metadata: free again */
	vmx_off();
	frame_get_stats(&after);
	print_stats("after-guests", started);
	kprintf("vmx: free frames before guests %llu, after %llu: %s\n",
		(unsigned long long)before.free, (unsigned long long)after.free,
		before.free == after.free ? "equal" : "MISMATCH (leak)");
}
