/* balloon: exercises the balloon driver and self-ballooning. It keeps a
 * few pages of data for its whole life and, in phases, self-balloons down
 * while idle, follows a console target (with `console`), allocates a
 * burst (ballooning up on demand) and frees it again. After every phase
 * it checks every byte it wrote: a wrong one prints `mismatch` and exits
 * non-zero. Options: burst_pct=N (percent of RAM in the burst, default
 * 60), settle_steps=N (most self-balloon steps per phase), console,
 * touch_released (write a released page: the hypervisor must kill us),
 * and the sb_* options of guest-abi/rt/balloon.h. */
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/rt.h"

#define WORDS_PER_PAGE (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define KEEP_PAGES 32u
#define BURST_PCT_DEFAULT 60u
#define SETTLE_STEPS_DEFAULT 400u
#define STABLE_STEPS 3u /* unchanged steps that count as settled */
#define SEED_KEEP 0x6b656570ull
#define SEED_FILL 0x66696c6cull
#define SEED_BURST 0x62757273ull

/* Pages of data linked through their first word; the rest is pattern. */
struct chain {
	uint64_t *head;
	uint64_t pages;
	uint64_t seed;
};

static unsigned phases;

static uint64_t pattern(const uint64_t *word, uint64_t seed)
{
	return ((uint64_t)(uintptr_t)word * 0x9e3779b97f4a7c15ull) ^ seed;
}

static uint64_t grow(struct chain *c, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint64_t *p = page_alloc();

		if (!p)
			break;
		for (unsigned w = 1; w < WORDS_PER_PAGE; w++)
			p[w] = pattern(&p[w], c->seed);
		p[0] = (uint64_t)(uintptr_t)c->head;
		c->head = p;
		c->pages++;
	}
	return i;
}

static uint64_t bad_pages(const struct chain *c)
{
	uint64_t bad = 0, seen = 0;

	for (const uint64_t *p = c->head; p && seen < c->pages; seen++) {
		for (unsigned w = 1; w < WORDS_PER_PAGE; w++)
			if (p[w] != pattern(&p[w], c->seed)) {
				bad++;
				break;
			}
		p = (const uint64_t *)(uintptr_t)p[0];
	}
	return bad + (c->pages - seen);
}

static void drop(struct chain *c)
{
	while (c->head) {
		uint64_t *p = c->head;

		c->head = (uint64_t *)(uintptr_t)p[0];
		page_free(p);
	}
	c->pages = 0;
}

/* Checks every chain after a phase; false (and the line the runner
 * fails on) when a byte differs. */
static bool verify(const char *phase, const struct chain *a, const struct chain *b)
{
	uint64_t bad = bad_pages(a) + (b ? bad_pages(b) : 0);

	phases++;
	if (bad) {
		rt_printf("balloon: mismatch after phase %s: %llu bad pages\n", phase,
			  (unsigned long long)bad);
		return false;
	}
	return true;
}

/* Self-balloon steps, one per interval, until the balloon stops moving. */
static unsigned settle(void)
{
	uint64_t max = rt_cmdline_u64("settle_steps", SETTLE_STEPS_DEFAULT);
	uint64_t prev = ~0ull;
	unsigned stable = 0, n;

	for (n = 0; n < max && stable < STABLE_STEPS; n++) {
		while (!sb_poll())
			hc_yield();
		stable = balloon_actual() == prev ? stable + 1 : 0;
		prev = balloon_actual();
	}
	return n;
}

static void report(const char *phase, unsigned steps)
{
	const struct fallow_mem_figures *f = sb_figures();

	rt_printf("balloon: %s: actual %llu of %llu pages after %u steps (floor %llu, committed %llu, self-target %llu, released %llu)\n",
		  phase, (unsigned long long)f->actual,
		  (unsigned long long)balloon_ram_pages(), steps,
		  (unsigned long long)f->minimum, (unsigned long long)f->committed,
		  (unsigned long long)f->self_target, (unsigned long long)balloon_held());
}

static void wait_for_target(bool set)
{
	while ((hc_mem_target() > 0) != set)
		hc_yield();
}

/* With `console`: follow a target typed on the console, then wait for it
 * to be cleared. */
static bool console_phase(const struct chain *keep)
{
	rt_printf("balloon: waiting for a console target\n");
	wait_for_target(true);
	unsigned steps = settle();
	uint64_t want = (uint64_t)hc_mem_target();

	if (want < sb_floor())
		want = sb_floor();
	report("console target", steps);
	if (balloon_actual() != want) {
		rt_printf("balloon: FAILED: console target %llu pages, holding %llu\n",
			  (unsigned long long)want, (unsigned long long)balloon_actual());
		return false;
	}
	rt_printf("balloon: waiting for the console target to be cleared\n");
	wait_for_target(false);
	return verify("console", keep, 0);
}

static int touch_released(void)
{
	uint64_t *p = page_alloc();
	uint64_t gfn = (uint64_t)(uintptr_t)p / FALLOW_PAGE_SIZE;

	if (!p || hc_balloon_release(&gfn, 1) != 1) {
		rt_printf("balloon: FAILED: could not release a page to touch\n");
		return 4;
	}
	rt_printf("balloon: writing released page 0x%llx; the hypervisor must kill me\n",
		  (unsigned long long)(uintptr_t)p);
	rt_flush();
	*(volatile uint64_t *)p = 1;
	rt_printf("balloon: FAILED: wrote a released page and lived\n");
	return 5;
}

int guest_main(const struct fallow_start_info *si)
{
	struct chain keep = { .seed = SEED_KEEP }, burst = { .seed = SEED_BURST };
	struct chain fill = { .seed = SEED_FILL };
	uint64_t ram = si->ram_bytes / FALLOW_PAGE_SIZE;
	uint64_t burst_pages = ram * rt_cmdline_u64("burst_pct", BURST_PCT_DEFAULT) / 100;

	if (sb_init()) {
		rt_printf("balloon: FAILED: no memory for the balloon's bitmap\n");
		return 1;
	}
	rt_printf("balloon: %llu pages of RAM, floor %llu, interval %llu us, down 1/%llu, up 1/%llu\n",
		  (unsigned long long)ram, (unsigned long long)sb_floor(),
		  (unsigned long long)sb_options()->interval_us,
		  (unsigned long long)sb_options()->down, (unsigned long long)sb_options()->up);
	if (grow(&keep, KEEP_PAGES) != KEEP_PAGES || grow(&fill, burst_pages / 2) != burst_pages / 2) {
		rt_printf("balloon: FAILED: could not allocate the first pages\n");
		return 1;
	}
	if (!verify("fill", &keep, &fill))
		return 2;
	drop(&fill);
	unsigned steps = settle();

	report("down", steps);
	if (!verify("down", &keep, 0))
		return 2;
	if (balloon_actual() >= ram - burst_pages / 2) {
		rt_printf("balloon: FAILED: did not balloon down\n");
		return 3;
	}
	if (rt_cmdline_has("touch_released"))
		return touch_released();
	if (rt_cmdline_has("console") && !console_phase(&keep))
		return 2;
	if (grow(&burst, burst_pages) != burst_pages) {
		rt_printf("balloon: FAILED: burst got %llu of %llu pages\n",
			  (unsigned long long)burst.pages, (unsigned long long)burst_pages);
		return 3;
	}
	steps = settle();
	report("up", steps);
	if (!verify("up", &keep, &burst))
		return 2;
	if (balloon_actual() < sb_committed()) {
		rt_printf("balloon: FAILED: holds less than it uses\n");
		return 3;
	}
	drop(&burst);
	steps = settle();
	report("down again", steps);
	if (!verify("down again", &keep, 0))
		return 2;
	rt_printf("balloon: all data verified after %u phases\n", phases);
	return 0;
}
