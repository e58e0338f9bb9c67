/* Who gives way when memory is short. Anonymous memory takes free pages
 * first, then pages the page cache gives up (it keeps nothing dirty, so
 * that costs a later re-read, or a tmem get), then pages the balloon
 * populates; only when all three fail does the caller swap. Self-
 * ballooning is the runtime's: every interval it sets the RAM the guest
 * holds to its committed memory plus headroom. The balloon can only take
 * free pages, so when the cache holds them the cache shrinks to let the
 * balloon reach its target — the "enforced memory asceticism" that costs
 * self-ballooned guests their page cache. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/rt.h"

/* Pages the cache gives up at once for anonymous memory. */
#define ANON_RECLAIM_BATCH 16u

static uint64_t peak_cache;

void *mem_anon_page(void)
{
	if (cache_pages() > peak_cache)
		peak_cache = cache_pages();
	if (!page_free_count())
		cache_shrink(ANON_RECLAIM_BATCH);
	return page_alloc(); /* with nothing free, the balloon populates */
}

/* The balloon's target after a step, as the runtime chose it. */
static uint64_t balloon_goal(void)
{
	int64_t console = hc_mem_target();
	uint64_t goal = sb_figures()->self_target;

	if (console > 0)
		goal = (uint64_t)console;
	if (goal < sb_floor())
		goal = sb_floor();
	return goal;
}

void mem_poll(void)
{
	uint64_t goal, actual;

	if (cache_pages() > peak_cache)
		peak_cache = cache_pages();
	if (!wl_opt.selfballoon || !sb_poll())
		return;
	goal = balloon_goal();
	actual = balloon_actual();
	if (actual <= goal)
		return;
	cache_shrink(actual - goal);
	balloon_set_actual(goal);
}

uint64_t mem_peak_cache(void)
{
	return peak_cache;
}

void *mem_table(uint64_t bytes)
{
	uint64_t pages = (bytes + WL_PAGE - 1) / WL_PAGE;
	uint8_t *first = 0, *prev = 0;

	/* Taken at start, when the allocator's bump pointer hands out
	 * ascending pages: anything else is not one run and will not do. */
	for (uint64_t i = 0; i < pages; i++) {
		uint8_t *p = page_alloc();

		if (!p || (prev && p != prev + WL_PAGE))
			return 0;
		if (!first)
			first = p;
		prev = p;
	}
	if (first)
		memset(first, 0, pages * WL_PAGE);
	return first;
}
