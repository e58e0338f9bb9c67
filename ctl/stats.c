/* See stats.h. */
#include "ctl/stats.h"
#include "dev/dev.h"
#include "mm/frame.h"
#include "guest/clock.h"
#include "dev/disk/store.h"
#include "vmx/hv.h"
#include "guest/launch.h"
#include "guest/tmem_client.h"
#include "vmx/exit_reason.h"

#define EXIT_KEY_MAX 32 /* longer than every exit-reason name */

static uint64_t interval_ms, next_ms;

void stats_init(uint64_t interval_s)
{
	interval_ms = interval_s * MS_PER_S;
	next_ms = interval_ms;
}

void stats_poll(uint64_t now)
{
	if (!interval_ms || now < next_ms)
		return;
	stats_print("interval");
	/* Skip missed intervals rather than printing a burst. */
	next_ms = (now / interval_ms + 1) * interval_ms;
}

static unsigned running(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++)
		n += guests[i].state == GUEST_RUNNABLE;
	return n;
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

void stats_guest_time_disk(const struct guest *g)
{
	kprintf(" cpu_ms=%llu", ull(clock_ticks_to_ms(clock_cpu_ticks(g))));
	dev_print_stats(g);
}

/* Exits so far, in all and by reason (`exit_NAME=`, the summary's names
 * with `_` for `-`, so every key is one word for tools/): two `stats`
 * lines bracket a window, as make bench-linux's idle figures do. */
static void stats_guest_exits(const struct guest *g)
{
	kprintf(" exits=%llu", ull(g->exits_total));
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		char key[EXIT_KEY_MAX];
		const char *name = exit_reason_name(r);
		unsigned n = 0;

		if (!g->exits[r])
			continue;
		for (; name[n] && n + 1 < sizeof(key); n++)
			key[n] = name[n] == '-' ? '_' : name[n];
		key[n] = 0;
		kprintf(" exit_%s=%llu", key, ull(g->exits[r]));
	}
}

void stats_guest_line(const struct guest *g)
{
	const struct fallow_mem_figures *f = &g->figures;

	kprintf("stats: guest=%s ram=%llu target=%llu maxmem=%llu owned=%llu"
		" released=%llu populated=%llu weight=%u cap=%llu frozen=%u",
		g->cfg.name, ull(g->ept.ram_pages), ull(g->target_pages),
		ull(g->cfg.maxmem / FRAME_SIZE), ull(g->pages_owned), ull(g->released),
		ull(g->populated), g->cfg.weight, ull(g->cap_pages), g->frozen ? 1u : 0u);
	if (g->figures_posted)
		kprintf(" actual=%llu minimum=%llu selftarget=%llu committed=%llu",
			ull(f->actual), ull(f->minimum), ull(f->self_target),
			ull(f->committed));
	tmem_glue_stats_guest(g);
	stats_guest_time_disk(g);
	stats_guest_exits(g);
	kprintf(" uptime_ms=%llu\n", ull(clock_ms()));
}

/* tmem's pages as guests see them (every page put and still held, each
 * guest's own count) against the frames holding their data, so a reader
 * divides one by the other for what dedup and compression gain. */
static void print_tmem_logical_physical(void)
{
	struct tmem *t = tmem_glue();
	struct tmem_totals tot;
	uint64_t logical = 0, physical = 0;

	if (t) {
		tmem_totals(t, &tot);
		logical = tot.pages[TMEM_EPH] + tot.pages[TMEM_PERS];
		physical = tot.frames.eph + tot.frames.pers;
	}
	kprintf(" tmem_logical=%llu tmem_physical=%llu", ull(logical), ull(physical));
}

void stats_print(const char *at)
{
	struct frame_stats st;

	frame_get_stats(&st);
	kprintf("stats: total=%llu free=%llu freeable=%llu owned=%llu running=%u waiting=%u",
		ull(st.total), ull(st.free), ull(st.freeable), ull(st.owned), running(),
		launch_waiting());
	tmem_glue_stats_global();
	print_tmem_logical_physical();
	if (disk_store_frames())
		kprintf(" disk_store=%llu disk_store_lent=%llu", ull(disk_store_frames()),
			ull(disk_store_lent()));
	kprintf(" cpu_ms=%llu skipped_ms=%llu uptime_ms=%llu at=%s\n",
		ull(clock_ticks_to_ms(clock_cpu_total_ticks())), ull(clock_skipped_ms()),
		ull(clock_ms()), at);
	for (unsigned i = 0; i < GUEST_MAX; i++)
		if (guests[i].state == GUEST_RUNNABLE)
			stats_guest_line(&guests[i]);
	tmem_glue_stats_order();
}
