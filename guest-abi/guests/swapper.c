/* swapper: anonymous memory beyond its RAM. It keeps `pages` virtual
 * pages in `resident_pages` frames of RAM and swaps the rest through
 * frontswap: to a persistent tmem pool first, to its own swap area (a
 * stretch of its RAM standing in for a swap disk, area_pages slots) only
 * when a put fails. Each burst rewrites every page with new contents
 * (page number and version); every page coming back from swap, and every
 * page in a final sweep, is checked word for word.
 *
 * Options: pages=N (default twice RAM), resident_pages=N (default a
 * quarter of RAM), area_pages=N (default an eighth of RAM), bursts=N
 * (default 4), selfballoon. Prints `mismatch` and exits 1 on wrong data;
 * exits 3 when tmem and the area are both full. */
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/frontswap.h"
#include "guest-abi/rt/pattern.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define WORDS (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define MAX_PAGES 16384u
#define MAX_RESIDENT 4096u
#define NONE 0xffffffffu

static uint32_t version[MAX_PAGES];  /* 0: never written */
static uint32_t frame_of[MAX_PAGES]; /* resident frame or NONE */
static uint32_t owner[MAX_RESIDENT]; /* page in each frame or NONE */
static void *frames[MAX_RESIDENT];
static uint32_t nresident, hand;

/* The swap area: slots of RAM found through a map, so it can be smaller
 * than the swap space. */
static void *area[MAX_RESIDENT];
static uint32_t area_slot_of[MAX_PAGES]; /* area index or NONE */
static uint32_t area_free[MAX_RESIDENT], narea_free;

static void fill(uint64_t *w, uint32_t page, uint32_t ver)
{
	for (unsigned i = 0; i < WORDS; i++)
		w[i] = rt_pattern_word(page, ver, i);
}

static int check(const uint64_t *w, uint32_t page, uint32_t ver, const char *where)
{
	for (unsigned i = 0; i < WORDS; i++) {
		if (w[i] != rt_pattern_word(page, ver, i)) {
			rt_printf("swapper: mismatch in page %u version %u word %u (%s)\n", page,
				  ver, i, where);
			return -1;
		}
	}
	return 0;
}

static int area_write(void *ctx, uint32_t slot, void *page)
{
	(void)ctx;
	if (area_slot_of[slot] == NONE) {
		if (!narea_free)
			return -FALLOW_ENOSPC;
		area_slot_of[slot] = area_free[--narea_free];
	}
	memcpy(area[area_slot_of[slot]], page, FALLOW_PAGE_SIZE);
	return 0;
}

static int area_read(void *ctx, uint32_t slot, void *page)
{
	(void)ctx;
	if (area_slot_of[slot] == NONE)
		return -FALLOW_ENOENT;
	memcpy(page, area[area_slot_of[slot]], FALLOW_PAGE_SIZE);
	area_free[narea_free++] = area_slot_of[slot];
	area_slot_of[slot] = NONE;
	return 0;
}

/* Makes `page` resident and returns its frame; swaps a victim out. */
static int make_resident(uint32_t page, uint64_t **out)
{
	int err;

	if (frame_of[page] == NONE) {
		uint32_t f = hand;

		hand = (hand + 1) % nresident;
		if (owner[f] != NONE) {
			err = frontswap_store(owner[f], frames[f]);
			if (err) {
				rt_printf("swapper: out of swap: tmem and the area both refused (%s)\n",
					  rt_errname(err));
				return 3;
			}
			frame_of[owner[f]] = NONE;
		}
		owner[f] = page;
		frame_of[page] = f;
		if (version[page]) {
			err = frontswap_load(page, frames[f]);
			if (err) {
				rt_printf("swapper: mismatch: page %u lost in swap (%s)\n", page,
					  rt_errname(err));
				return 1;
			}
			if (check(frames[f], page, version[page], "swap-in"))
				return 1;
		}
	}
	*out = frames[frame_of[page]];
	return 0;
}

static void report(const char *what, uint64_t n)
{
	const struct fs_stats *s = frontswap_stats();

	rt_printf("swapper: %s %llu: tmem_stores=%llu area_stores=%llu tmem_loads=%llu"
		  " area_loads=%llu put_fails=%llu frozen=%llu in_tmem=%llu last_err=%s\n",
		  what, (unsigned long long)n, (unsigned long long)s->tmem_stores,
		  (unsigned long long)s->area_stores, (unsigned long long)s->tmem_loads,
		  (unsigned long long)s->area_loads, (unsigned long long)s->put_fails,
		  (unsigned long long)s->frozen, (unsigned long long)s->in_tmem,
		  rt_errname(s->last_put_err));
}

static int setup(uint64_t pages, uint64_t resident, uint64_t area_pages)
{
	if (pages > MAX_PAGES || !resident || resident > MAX_RESIDENT ||
	    area_pages > MAX_RESIDENT) {
		rt_printf("swapper: pages=%llu resident_pages=%llu area_pages=%llu out of range\n",
			  (unsigned long long)pages, (unsigned long long)resident,
			  (unsigned long long)area_pages);
		return 2;
	}
	for (uint32_t i = 0; i < pages; i++)
		frame_of[i] = area_slot_of[i] = NONE;
	for (nresident = 0; nresident < resident; nresident++) {
		owner[nresident] = NONE;
		if (!(frames[nresident] = page_alloc()))
			return 2;
	}
	for (narea_free = 0; narea_free < area_pages; narea_free++) {
		if (!(area[narea_free] = page_alloc()))
			return 2;
		area_free[narea_free] = narea_free;
	}
	return frontswap_init((uint32_t)pages, area_write, area_read, 0) ? 2 : 0;
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t ram_pages = si->ram_bytes / FALLOW_PAGE_SIZE;
	uint64_t pages = rt_cmdline_u64("pages", 2 * ram_pages);
	uint64_t bursts = rt_cmdline_u64("bursts", 4);
	bool sb = rt_cmdline_has("selfballoon");
	uint64_t *w;
	int err;

	if (sb && sb_init())
		return 2;
	err = setup(pages, rt_cmdline_u64("resident_pages", ram_pages / 4),
		    rt_cmdline_u64("area_pages", ram_pages / 8));
	if (err) {
		rt_printf("swapper: could not set up\n");
		return err;
	}
	rt_printf("swapper: %llu pages in %u frames, area %u pages, %llu bursts, pool %lld\n",
		  (unsigned long long)pages, nresident, narea_free, (unsigned long long)bursts,
		  (long long)frontswap_pool());
	for (uint64_t b = 1; b <= bursts; b++) {
		/* Odd bursts walk up, even ones down: swap order varies. */
		for (uint64_t k = 0; k < pages; k++) {
			uint32_t p = (uint32_t)(b & 1 ? k : pages - 1 - k);

			if ((err = make_resident(p, &w)))
				return err;
			fill(w, p, ++version[p]);
			if (sb)
				sb_poll(); /* which also self-shrinks frontswap */
		}
		report("burst", b);
	}
	for (uint32_t p = 0; p < pages; p++) {
		if ((err = make_resident(p, &w)))
			return err;
		if (check(w, p, version[p], "final sweep"))
			return 1;
	}
	report("done, verified pages", pages);
	return 0;
}
