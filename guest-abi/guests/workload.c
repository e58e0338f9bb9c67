/* workload: a parallel compile in miniature, the load of the classic tmem
 * evaluation (make clean; make -jN; twice). Its parts are in
 * guest-abi/guests/workload/ (wl.h says what each does): tasks read a
 * tree of source files from the paravirtual disk through the guest's
 * page cache (cleancache beneath it when tmem is on), keep anonymous
 * working memory that spikes (frontswap beneath it), write object files
 * to the disk and delete them again. Every page read back — source,
 * object, swapped memory — is checked; wrong data prints `mismatch` and
 * exits 1.
 *
 * Options (command-line words; sizes in KiB):
 *   tasks=4 rounds=2 src_kb=8192 headers=4 anon_kb=4096 unit_pct=100
 *   spike_kb=2048 spike_every=8 touch_pages=16 obj_pct=50
 *   free_min_kb=256 swap_kb=16384 linger_ms=0 selfballoon (and the
 *   runtime's sb_* and fs_* words). linger_ms keeps a lightly loaded
 *   guest alive after its rounds (the density run), self-ballooning and
 *   reading a page now and then, then checks its objects once more.
 *
 * At the end `result: name=NAME key=N ...` lines (three, as the console
 * breaks longer lines): wall_ms cpu_ms sectors_read sectors_written
 * cache_hits tmem_gets tmem_hits, then tmem_puts swapped_out swapped_in
 * swap_tmem swap_disk verified_pages units, then peak_cache_pages
 * peak_anon_pages disk_retries. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/frontswap.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define MS_PER_S 1000u

struct wl_options wl_opt;
struct wl_counts wl_count;

void wl_mismatch(const char *what, uint64_t a, uint64_t b, uint64_t word, uint64_t got,
		 uint64_t want)
{
	rt_printf("workload: mismatch in %s %llu page %llu word %llu: %llx, want %llx\n", what,
		  (unsigned long long)a, (unsigned long long)b, (unsigned long long)word,
		  (unsigned long long)got, (unsigned long long)want);
	rt_flush();
	hc_exit(1);
}

void wl_fail(const char *why, int64_t err)
{
	rt_printf("workload: failed: %s (%s)\n", why, rt_errname(err));
	rt_flush();
	hc_exit(2);
}

static void read_options(void)
{
	wl_opt = (struct wl_options){
		.tasks = rt_cmdline_u64("tasks", 4),
		.rounds = rt_cmdline_u64("rounds", 2),
		.src_kb = rt_cmdline_u64("src_kb", 8192),
		.headers = rt_cmdline_u64("headers", 4),
		.anon_kb = rt_cmdline_u64("anon_kb", 4096),
		.unit_pct = rt_cmdline_u64("unit_pct", 100),
		.spike_kb = rt_cmdline_u64("spike_kb", 2048),
		.spike_every = rt_cmdline_u64("spike_every", 8),
		.touch_pages = rt_cmdline_u64("touch_pages", 16),
		.obj_pct = rt_cmdline_u64("obj_pct", 50),
		.free_min_kb = rt_cmdline_u64("free_min_kb", 256),
		.swap_kb = rt_cmdline_u64("swap_kb", 16384),
		.linger_ms = rt_cmdline_u64("linger_ms", 0),
		.selfballoon = rt_cmdline_has("selfballoon"),
	};
}

/* Milliseconds on the hypervisor's clock (TSC ticks at tsc_hz). */
static uint64_t ticks_to_ms(uint64_t ticks, uint64_t hz)
{
	return hz ? ticks / (hz / MS_PER_S ? hz / MS_PER_S : 1) : ticks;
}

static uint64_t now_ticks(uint64_t *hz)
{
	struct fallow_time t = { 0, 0 };

	hc_time(&t);
	*hz = t.tsc_hz;
	return t.tsc;
}

static uint64_t cpu_ticks(void)
{
	int64_t t = hc_cpu_time();

	return t > 0 ? (uint64_t)t : 0;
}

static int setup(const struct fallow_start_info *si)
{
	int err;

	if (wl_opt.selfballoon && (err = sb_init()))
		return rt_printf("workload: self-ballooning could not start\n"), err;
	if ((err = wl_disk_open()))
		return rt_printf("workload: no disk (%s)\n", rt_errname(err)), err;
	if ((err = tree_load()))
		return rt_printf("workload: the disk holds no source tree (%s)\n",
				 rt_errname(err)), err;
	if ((err = obj_layout(tree_end_sector())))
		return err;
	if ((err = cache_init(si->ram_bytes / WL_PAGE)))
		return rt_printf("workload: no page cache (%s)\n", rt_errname(err)), err;
	if ((err = make_init()))
		return rt_printf("workload: cannot set up the compile (%s)\n", rt_errname(err)), err;
	if (obj_end_sector() + wl_opt.swap_kb * 1024 / FALLOW_SECTOR_SIZE > wl_disk_sectors()) {
		rt_printf("workload: disk of %llu sectors too small for objects and swap"
			  " (%llu needed)\n", (unsigned long long)wl_disk_sectors(),
			  (unsigned long long)(obj_end_sector() +
					       wl_opt.swap_kb * 1024 / FALLOW_SECTOR_SIZE));
		return -FALLOW_ENOSPC;
	}
	return 0;
}

/* Lightly loaded: now and then a page of a source file straight from the
 * disk (checked), self-ballooning in between. The guest waits on the disk
 * most of the time, so an emulator skips the time rather than running an
 * idle loop. Then the objects must still read back right. */
static void linger(uint64_t ms, uint64_t hz)
{
	uint64_t t0 = now_ticks(&hz), ticks = ms * (hz / MS_PER_S);
	uint32_t file = 0;

	while (now_ticks(&hz) - t0 < ticks) {
		mem_poll();
		file = (file + 1) % tree_count();
		wl_disk_read(tree_file(file)->sector, 1, wl_bounce);
		tree_verify(file, 0, wl_bounce);
	}
	make_link();
}

static void report_round(uint32_t round)
{
	rt_printf("workload: round %u: units=%llu sectors_read=%llu sectors_written=%llu"
		  " cache_hits=%llu tmem_hits=%llu swapped_out=%llu cache_pages=%llu ram_pages=%llu\n",
		  round, (unsigned long long)wl_count.units,
		  (unsigned long long)wl_count.sectors_read,
		  (unsigned long long)wl_count.sectors_written,
		  (unsigned long long)wl_count.cache_hits, (unsigned long long)wl_count.tmem_hits,
		  (unsigned long long)wl_count.swapped_out, (unsigned long long)cache_pages(),
		  (unsigned long long)(wl_opt.selfballoon ? balloon_actual()
							  : rt_start_info()->ram_bytes / WL_PAGE));
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t hz, t0, cpu0, wall_ms, cpu_ms;
	const struct fs_stats *fs;

	read_options();
	t0 = now_ticks(&hz);
	cpu0 = cpu_ticks();
	if (setup(si))
		return 2;
	rt_printf("workload: %llu rounds, tmem %s, self-ballooning %s\n",
		  (unsigned long long)wl_opt.rounds, cache_has_tmem() ? "on" : "off",
		  wl_opt.selfballoon ? "on" : "off");
	for (uint32_t r = 1; r <= wl_opt.rounds; r++) {
		make_round(r);
		report_round(r);
	}
	if (wl_opt.linger_ms)
		linger(wl_opt.linger_ms, hz);
	wall_ms = ticks_to_ms(now_ticks(&hz) - t0, hz);
	cpu_ms = ticks_to_ms(cpu_ticks() - cpu0, hz);
	fs = frontswap_stats();
	/* The console breaks lines at 200 bytes: the result comes in three. */
	rt_printf("result: name=%s wall_ms=%llu cpu_ms=%llu sectors_read=%llu"
		  " sectors_written=%llu cache_hits=%llu tmem_gets=%llu tmem_hits=%llu\n",
		  si->name, (unsigned long long)wall_ms, (unsigned long long)cpu_ms,
		  (unsigned long long)wl_count.sectors_read,
		  (unsigned long long)wl_count.sectors_written,
		  (unsigned long long)wl_count.cache_hits, (unsigned long long)wl_count.tmem_gets,
		  (unsigned long long)wl_count.tmem_hits);
	rt_printf("result: name=%s tmem_puts=%llu swapped_out=%llu swapped_in=%llu"
		  " swap_tmem=%llu swap_disk=%llu verified_pages=%llu units=%llu\n",
		  si->name, (unsigned long long)wl_count.tmem_puts,
		  (unsigned long long)wl_count.swapped_out, (unsigned long long)wl_count.swapped_in,
		  (unsigned long long)fs->tmem_stores, (unsigned long long)fs->area_stores,
		  (unsigned long long)wl_count.pages_verified, (unsigned long long)wl_count.units);
	rt_printf("result: name=%s peak_cache_pages=%llu peak_anon_pages=%llu disk_retries=%llu\n",
		  si->name, (unsigned long long)mem_peak_cache(), (unsigned long long)anon_peak(),
		  (unsigned long long)wl_count.disk_retries);
	return 0;
}
