/* Self-ballooning: every interval the guest sets its own balloon from
 * its committed memory (what the page allocator has handed out, plus the
 * image), moving down a fraction of the gap per step and up at once, so
 * a passing dip costs little and a demand spike is met quickly. A floor
 * that grows with RAM keeps it from ballooning itself into starvation.
 * The console's target (FALLOW_HC_MEM_TARGET), when set, replaces the
 * self target. The figures go to the hypervisor after each step. */
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/frontswap.h"
#include "guest-abi/rt/rt.h"

#define US_PER_S 1000000ull
#define KB_PER_PAGE (FALLOW_PAGE_SIZE / 1024u)

static struct sb_options opt;
static struct fallow_mem_figures fig;
static uint64_t interval_ticks, last_step;

/* An option that must be at least 1 (a divisor). */
static uint64_t positive(const char *key, uint64_t def)
{
	uint64_t v = rt_cmdline_u64(key, def);

	return v ? v : def;
}

int sb_init(void)
{
	const struct fallow_start_info *si = rt_start_info();
	uint64_t hz = si->tsc_hz ? si->tsc_hz : US_PER_S; /* unknown: 1 tick = 1 us */

	opt = (struct sb_options){
		.interval_us = rt_cmdline_u64("sb_interval_us", SB_INTERVAL_US_DEFAULT),
		.down = positive("sb_down", SB_DOWN_DEFAULT),
		.up = positive("sb_up", SB_UP_DEFAULT),
		.reserve_kb = rt_cmdline_u64("sb_reserve_kb", SB_RESERVE_KB_DEFAULT),
		.floor_kb = rt_cmdline_u64("sb_floor_kb", SB_FLOOR_KB_DEFAULT),
		.floor_div = positive("sb_floor_div", SB_FLOOR_DIV_DEFAULT),
	};
	interval_ticks = opt.interval_us * (hz / US_PER_S ? hz / US_PER_S : 1);
	last_step = rt_rdtsc();
	return balloon_init();
}

const struct sb_options *sb_options(void)
{
	return &opt;
}

const struct fallow_mem_figures *sb_figures(void)
{
	return &fig;
}

uint64_t sb_committed(void)
{
	return rt_start_info()->free_start / FALLOW_PAGE_SIZE + page_used_count();
}

uint64_t sb_floor(void)
{
	uint64_t ram = balloon_ram_pages();
	uint64_t floor = opt.floor_kb / KB_PER_PAGE + ram / opt.floor_div;

	return floor < ram ? floor : ram;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* The hysteresis: a fraction of the gap per step, at least one page. */
static uint64_t self_target(uint64_t cur, uint64_t goal)
{
	uint64_t t;

	if (cur > goal)
		t = cur - ceil_div(cur - goal, opt.down);
	else
		t = cur + ceil_div(goal - cur, opt.up);
	if (t < sb_floor())
		t = sb_floor();
	return t < balloon_ram_pages() ? t : balloon_ram_pages();
}

void sb_step(void)
{
	uint64_t committed = sb_committed();
	uint64_t goal = committed + opt.reserve_kb / KB_PER_PAGE;
	uint64_t self = self_target(balloon_actual(), goal);
	int64_t console = hc_mem_target();
	uint64_t target = self;

	if (console > 0) {
		target = (uint64_t)console < sb_floor() ? sb_floor() : (uint64_t)console;
		if (target > balloon_ram_pages())
			target = balloon_ram_pages();
	}
	balloon_set_actual(target);
	fig = (struct fallow_mem_figures){
		.actual = balloon_actual(),
		.minimum = sb_floor(),
		.self_target = self,
		.committed = committed,
	};
	hc_mem_post(&fig);
	frontswap_selfshrink(); /* idle swap pages leave tmem too */
	last_step = rt_rdtsc();
}

bool sb_poll(void)
{
	if (rt_rdtsc() - last_step < interval_ticks)
		return false;
	sb_step();
	return true;
}
