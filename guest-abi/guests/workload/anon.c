/* Anonymous memory: the compile's heap. Pages are named by id; each
 * carries a version, and its contents are a function of (id, version),
 * so every page that comes back — from RAM, tmem or the disk — is checked
 * word for word before it is rewritten. When no frame can be had the
 * clock hand picks a page that was not touched lately and swaps it out
 * through frontswap: a persistent tmem pool first, the swap area on the
 * disk when tmem refuses (off, or the guest at maxmem). */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/frontswap.h"
#include "guest-abi/rt/pattern.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"


struct apage {
	uint32_t gfn;     /* frame, or WL_NONE when swapped or never used */
	uint32_t version; /* 0: never written */
	uint32_t slot;    /* swap slot, or WL_NONE */
	uint32_t next;    /* free-id list; bit 31 set: referenced lately */
};

#define REFERENCED 0x80000000u

static struct apage *ap;
static uint32_t nids, free_id = WL_NONE, hand;
static uint32_t *free_slot, nfree_slot;
static uint64_t swap_first, resident, peak;

static void *frame(uint32_t gfn)
{
	return (void *)(uintptr_t)((uint64_t)gfn * WL_PAGE);
}

static int area_write(void *ctx, uint32_t slot, void *page)
{
	(void)ctx;
	wl_disk_write(swap_first + (uint64_t)slot * WL_SECTORS_PER_PAGE, 1, page);
	return 0;
}

static int area_read(void *ctx, uint32_t slot, void *page)
{
	(void)ctx;
	wl_disk_read(swap_first + (uint64_t)slot * WL_SECTORS_PER_PAGE, 1, page);
	return 0;
}

int anon_init(uint64_t max_pages, uint64_t swap_first_sector, uint64_t swap_pages)
{
	if (!max_pages || max_pages >= REFERENCED || !swap_pages || swap_pages > FS_MAX_SLOTS)
		return -FALLOW_ERANGE;
	nids = (uint32_t)max_pages;
	ap = mem_table((uint64_t)nids * sizeof(*ap));
	free_slot = mem_table(swap_pages * sizeof(*free_slot));
	if (!ap || !free_slot)
		return -FALLOW_ENOMEM;
	for (uint32_t i = nids; i-- > 0;) {
		ap[i] = (struct apage){ WL_NONE, 0, WL_NONE, free_id };
		free_id = i;
	}
	for (uint32_t s = (uint32_t)swap_pages; s-- > 0;)
		free_slot[nfree_slot++] = s;
	swap_first = swap_first_sector;
	return frontswap_init((uint32_t)swap_pages, area_write, area_read, 0);
}

uint32_t anon_new(void)
{
	uint32_t id = free_id;

	if (id == WL_NONE)
		return WL_NONE;
	free_id = ap[id].next;
	ap[id] = (struct apage){ WL_NONE, 0, WL_NONE, 0 };
	return id;
}

/* The clock: a resident page not referenced since the hand last passed. */
static uint32_t victim(void)
{
	for (uint64_t n = 0; n < 2ull * nids + 1; n++) {
		uint32_t id = hand;

		hand = (hand + 1) % nids;
		if (ap[id].gfn == WL_NONE)
			continue;
		if (ap[id].next & REFERENCED) {
			ap[id].next &= ~REFERENCED;
			continue;
		}
		return id;
	}
	return WL_NONE;
}

/* Swaps a victim out and returns its frame. */
static void *steal_frame(uint32_t keep)
{
	uint32_t id = victim();
	int err;

	if (id == WL_NONE || id == keep)
		wl_fail("no memory and nothing to swap", -FALLOW_ENOMEM);
	if (!nfree_slot)
		wl_fail("swap area full", -FALLOW_ENOSPC);
	ap[id].slot = free_slot[--nfree_slot];
	err = frontswap_store(ap[id].slot, frame(ap[id].gfn));
	if (err)
		wl_fail("swap-out refused by tmem and the disk", err);
	wl_count.swapped_out++;
	void *f = frame(ap[id].gfn);

	ap[id].gfn = WL_NONE;
	resident--;
	return f;
}

static void check(uint32_t id, const uint64_t *w, const char *where)
{
	for (unsigned i = 0; i < WL_WORDS; i++) {
		uint64_t want = rt_pattern_word(id, ap[id].version, i);

		if (w[i] != want) {
			rt_printf("workload: anonymous page wrong after %s\n", where);
			wl_mismatch("anon", id, ap[id].version, i, w[i], want);
		}
	}
	wl_count.pages_verified++;
}

static void make_resident(uint32_t id)
{
	void *f;
	int err;

	if (ap[id].gfn != WL_NONE)
		return;
	f = mem_anon_page();
	if (!f)
		f = steal_frame(id);
	ap[id].gfn = (uint32_t)((uintptr_t)f / WL_PAGE);
	if (++resident > peak)
		peak = resident;
	if (ap[id].slot == WL_NONE)
		return;
	err = frontswap_load(ap[id].slot, f);
	if (err) {
		rt_printf("workload: swap-in of page %u failed (%s)\n", id, rt_errname(err));
		wl_mismatch("swap", id, ap[id].version, 0, 0, 0);
	}
	free_slot[nfree_slot++] = ap[id].slot;
	ap[id].slot = WL_NONE;
	wl_count.swapped_in++;
	check(id, f, "swap-in");
}

void anon_touch(uint32_t id)
{
	uint64_t *w;

	make_resident(id);
	w = frame(ap[id].gfn);
	if (ap[id].version)
		check(id, w, "staying in RAM");
	ap[id].version++;
	for (unsigned i = 0; i < WL_WORDS; i++)
		w[i] = rt_pattern_word(id, ap[id].version, i);
	ap[id].next |= REFERENCED;
}

void anon_free(uint32_t id)
{
	if (ap[id].gfn != WL_NONE) {
		page_free(frame(ap[id].gfn));
		resident--;
	}
	if (ap[id].slot != WL_NONE) {
		frontswap_invalidate(ap[id].slot);
		free_slot[nfree_slot++] = ap[id].slot;
	}
	ap[id] = (struct apage){ WL_NONE, 0, WL_NONE, free_id };
	free_id = id;
}

uint64_t anon_resident(void)
{
	return resident;
}

uint64_t anon_peak(void)
{
	return peak;
}
