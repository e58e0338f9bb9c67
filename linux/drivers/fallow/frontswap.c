// SPDX-License-Identifier: GPL-2.0
/*
 * The frontswap backend on Fallow's tmem: a private persistent pool per
 * swap device (made at swapon, destroyed at swapoff), pages named (pool,
 * swap type, offset). Fallow keeps every page put until it is flushed;
 * a put it refuses (the guest's RAM plus persistent pages at maxmem, a
 * frozen guest, no memory) makes the store fail, and the page goes to
 * the swap device as frontswap intends. The core has already dropped
 * any older copy at that offset (mm/frontswap.c), so none comes back.
 *
 * Self-shrinking (issue 13; Xen's selfballoon.c frontswap_selfshrink,
 * whose constants these are): a page swapped out and never faulted in
 * again would hold a persistent frame until its process ends. Linux 6.1
 * has no frontswap_shrink, so this driver does it. Every
 * fallow.frontswap_selfshrink_ms while frontswap holds pages, a tick:
 * once the count has not risen for frontswap_inertia ticks, and free
 * memory is above the zones' reserves (high watermarks) plus
 * frontswap_selfshrink_margin_kb, it brings 1/frontswap_hysteresis of
 * the pages (all when no more than frontswap_hysteresis are left, never
 * more than the free memory above that margin) back into guest RAM, then
 * waits frontswap_inertia ticks again. A page comes back only once it has
 * sat in tmem through a whole window of frontswap_inertia ticks (two
 * bitmaps per swap device, of the pages stored in this window and the
 * last; the core's frontswap_map says which offsets are in tmem).
 *
 * Bringing one back: read_swap_cache_async loads it through frontswap
 * into the swap cache, as a swap-in would; under the page lock, still
 * that entry's page, it is marked dirty (the swap slot on disk does not
 * hold it: reclaim must write it out again, not drop it) and the tmem
 * copy is flushed (frontswap_invalidate_page). The owner's next fault
 * finds it in the swap cache. Not done on a SWP_SYNCHRONOUS_IO device,
 * whose faults may read a slot without the swap cache (do_swap_page).
 * A slot freed but still in the swap slots cache's return batch keeps
 * its tmem copy until the core frees that batch; a step that meets one
 * drains the slots cache (as swapoff does) so the copy goes now.
 *
 * Counters in /sys/kernel/mm/frontswap/, named like the old debugfs
 * ones: succ_stores, failed_stores, loads, failed_loads, invalidates
 * (pages), invalidate_areas (swapoffs); stored (pages in tmem now),
 * selfshrunk (pages self-shrinking brought back).
 */
#include <linux/atomic.h>
#include <linux/frontswap.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swap_slots.h>
#include <linux/swapops.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "../../mm/swap.h" /* read_swap_cache_async: built in, never a module */
#include "tmem.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "fallow."

#define KB_PER_PAGE (PAGE_SIZE / 1024)
/* Brings a page back without reclaim (not even kswapd): only free memory. */
#define GFP_SELFSHRINK ((GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | __GFP_NOWARN)

static bool frontswap_selfshrink = true;
module_param(frontswap_selfshrink, bool, 0644);
MODULE_PARM_DESC(frontswap_selfshrink, "bring pages long in frontswap back into RAM when memory allows");

static unsigned int frontswap_selfshrink_ms = 1000;
module_param(frontswap_selfshrink_ms, uint, 0644);
MODULE_PARM_DESC(frontswap_selfshrink_ms, "self-shrinking's tick while frontswap holds pages (0: never)");

static unsigned int frontswap_inertia = 3;
module_param(frontswap_inertia, uint, 0644);
MODULE_PARM_DESC(frontswap_inertia, "ticks without a rise before a step, and a page's least age (0 counts as 1)");

static unsigned int frontswap_hysteresis = 20;
module_param(frontswap_hysteresis, uint, 0644);
MODULE_PARM_DESC(frontswap_hysteresis, "a step brings back 1/this of the pages (0 counts as 1)");

static unsigned long frontswap_selfshrink_margin_kb = 8192;
module_param(frontswap_selfshrink_margin_kb, ulong, 0644);
MODULE_PARM_DESC(frontswap_selfshrink_margin_kb, "free memory kept above the zones' reserves");

static atomic_long_t succ_stores, failed_stores, loads, failed_loads,
	invalidates, invalidate_areas, stored, selfshrunk;

/* One per swap type. pool, slots and fresh change only at init and
 * invalidate_area (swapon, swapoff), under areas_lock, while no store,
 * load or invalidate_page can reach the type; the tick holds the lock. */
struct ffs_area {
	int pool;                /* -1: none */
	unsigned long slots;     /* the device's pages */
	unsigned long *fresh[2]; /* stored in this window, in the last; NULL:
				  * not tracked (never self-shrunk) */
	unsigned long cursor;    /* where the next step looks first */
	atomic_long_t pages;     /* in tmem now */
};

static struct ffs_area areas[MAX_SWAPFILES] = {
	[0 ... MAX_SWAPFILES - 1] = { .pool = -1 },
};
static DEFINE_MUTEX(areas_lock);
static unsigned int window; /* fresh[window] takes this window's stores */

static void shrink_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(shrink_work, shrink_work_fn);

/* The tick runs while frontswap holds pages; a store starts it again. */
static void shrink_kick(void)
{
	unsigned int ms = READ_ONCE(frontswap_selfshrink_ms);

	if (ms)
		queue_delayed_work(system_freezable_wq, &shrink_work,
				   msecs_to_jiffies(ms));
}

static void ffs_init(unsigned int type)
{
	struct swap_info_struct *sis = swp_swap_info(swp_entry(type, 0));
	struct ffs_area *a = &areas[type];
	long pool = fallow_tmem_new_pool(FALLOW_TMEM_PERSISTENT);
	unsigned long longs = BITS_TO_LONGS(sis->max);

	if (pool < 0) {
		pr_info("fallow: frontswap: no pool for swap %u (%ld)\n", type,
			pool);
		return;
	}
	mutex_lock(&areas_lock);
	a->pool = pool;
	a->slots = sis->max;
	a->cursor = 0;
	atomic_long_set(&a->pages, 0);
	a->fresh[0] = NULL;
	if (!(sis->flags & SWP_SYNCHRONOUS_IO))
		a->fresh[0] = kvzalloc(2 * longs * sizeof(long), GFP_KERNEL);
	a->fresh[1] = a->fresh[0] ? a->fresh[0] + longs : NULL;
	mutex_unlock(&areas_lock);
	if (!a->fresh[0])
		pr_info("fallow: frontswap: swap %u never self-shrunk (%s)\n",
			type, sis->flags & SWP_SYNCHRONOUS_IO ? "synchronous" : "no memory");
}

static int ffs_store(unsigned int type, pgoff_t offset, struct page *page)
{
	struct ffs_area *a = &areas[type];

	if (a->pool < 0 ||
	    fallow_tmem_page(FALLOW_HC_TMEM_PUT, a->pool, type, offset, page)) {
		atomic_long_inc(&failed_stores);
		return -1;
	}
	atomic_long_inc(&succ_stores);
	/* The core invalidates an older copy first: each store is new. */
	atomic_long_inc(&a->pages);
	atomic_long_inc(&stored);
	if (a->fresh[0] && offset < a->slots)
		set_bit(offset, a->fresh[READ_ONCE(window)]);
	shrink_kick();
	return 0;
}

static int ffs_load(unsigned int type, pgoff_t offset, struct page *page)
{
	int pool = areas[type].pool;

	if (pool < 0 ||
	    fallow_tmem_page(FALLOW_HC_TMEM_GET, pool, type, offset, page)) {
		atomic_long_inc(&failed_loads);
		return -1;
	}
	atomic_long_inc(&loads);
	return 0;
}

/* Only for offsets the core saw stored (its frontswap_map). */
static void ffs_invalidate_page(unsigned int type, pgoff_t offset)
{
	struct ffs_area *a = &areas[type];

	if (a->pool < 0)
		return;
	fallow_tmem_flush_page(a->pool, type, offset);
	atomic_long_dec(&a->pages);
	atomic_long_dec(&stored);
	atomic_long_inc(&invalidates);
}

static void ffs_invalidate_area(unsigned int type)
{
	struct ffs_area *a = &areas[type];

	if (a->pool < 0)
		return;
	mutex_lock(&areas_lock);
	fallow_tmem_destroy_pool(a->pool);
	a->pool = -1;
	atomic_long_sub(atomic_long_xchg(&a->pages, 0), &stored);
	kvfree(a->fresh[0]);
	a->fresh[0] = a->fresh[1] = NULL;
	mutex_unlock(&areas_lock);
	atomic_long_inc(&invalidate_areas);
}

/* Pages that may come back now: free memory above the reserves (the
 * zones' high watermarks and lowmem reserves) and the margin. */
static unsigned long shrink_room(void)
{
	unsigned long free = global_zone_page_state(NR_FREE_PAGES);
	unsigned long keep = totalreserve_pages +
			     READ_ONCE(frontswap_selfshrink_margin_kb) / KB_PER_PAGE;

	return free > keep ? free - keep : 0;
}

/* One page into the swap cache, dirty, its tmem copy dropped: 1; not
 * now: 0; no page (a freed slot, or no memory): -1. */
static int bring_back(unsigned int type, pgoff_t offset, unsigned long *map)
{
	swp_entry_t entry = swp_entry(type, offset);
	struct page *page;
	struct folio *folio;
	int done = 0;

	/* Loads it through frontswap, unless the swap cache has it already
	 * (the owner's fault, readahead). */
	page = read_swap_cache_async(entry, GFP_SELFSHRINK, NULL, 0, false, NULL);
	if (!page)
		return -1;
	folio = page_folio(page);
	folio_lock(folio);
	/* Under the lock the slot cannot be freed or stored again. */
	if (folio_test_swapcache(folio) && folio_swap_entry(folio).val == entry.val &&
	    folio_test_uptodate(folio) && !folio_test_writeback(folio) &&
	    test_bit(offset, map)) {
		folio_mark_dirty(folio);
		frontswap_invalidate_page(type, offset);
		done = 1;
	}
	folio_unlock(folio);
	folio_put(folio);
	return done;
}

/* Brings back up to `want` old pages of [from, to); returns how many.
 * *freed: some offset had no page (its slot freed, maybe waiting in the
 * swap slots cache's return batch, whose tmem copy goes only when that
 * batch is freed). */
static unsigned long shrink_range(unsigned int type, struct ffs_area *a,
				  unsigned long *map, unsigned long from,
				  unsigned long to, unsigned long want, bool *freed)
{
	unsigned long off, done = 0;
	int r;

	for (off = find_next_bit(map, to, from); off < to && done < want;
	     off = find_next_bit(map, to, off + 1)) {
		if (test_bit(off, a->fresh[0]) || test_bit(off, a->fresh[1]))
			continue;
		r = bring_back(type, off, map);
		done += r > 0;
		*freed |= r < 0;
		a->cursor = off + 1;
		cond_resched();
	}
	return done;
}

static unsigned long shrink_step(unsigned long want)
{
	unsigned long done = 0;
	unsigned int type;
	bool freed = false;

	mutex_lock(&areas_lock);
	for (type = 0; type < MAX_SWAPFILES && done < want; type++) {
		struct ffs_area *a = &areas[type];
		unsigned long *map, start;

		if (a->pool < 0 || !a->fresh[0])
			continue;
		map = frontswap_map_get(swp_swap_info(swp_entry(type, 0)));
		if (!map)
			continue;
		start = min(a->cursor, a->slots);
		done += shrink_range(type, a, map, start, a->slots, want - done,
				     &freed);
		if (done < want)
			done += shrink_range(type, a, map, 0, start, want - done,
					     &freed);
	}
	mutex_unlock(&areas_lock);
	/* Freed slots still in tmem: drain the swap slots cache as swapoff
	 * does, so the core frees them (and invalidates their copies) now,
	 * not at some later batch. */
	if (freed) {
		disable_swap_slots_cache_lock();
		reenable_swap_slots_cache_unlock();
	}
	atomic_long_add(done, &selfshrunk);
	return done;
}

/* A new window: the pages of the one before last are old from now on. */
static void next_window(void)
{
	unsigned int next = !window, type;

	mutex_lock(&areas_lock);
	for (type = 0; type < MAX_SWAPFILES; type++)
		if (areas[type].fresh[0])
			bitmap_zero(areas[type].fresh[next], areas[type].slots);
	WRITE_ONCE(window, next);
	mutex_unlock(&areas_lock);
}

static void shrink_work_fn(struct work_struct *work)
{
	static long last;              /* the count at the last tick */
	static unsigned int countdown; /* ticks to the next step */
	static unsigned int ticks;     /* into this window */
	unsigned int inertia = max(READ_ONCE(frontswap_inertia), 1u);
	unsigned int hysteresis = max(READ_ONCE(frontswap_hysteresis), 1u);
	long cur = atomic_long_read(&stored);

	if (cur <= 0) {
		last = 0; /* idle until the next store */
		return;
	}
	if (++ticks >= inertia) {
		ticks = 0;
		next_window();
	}
	if (cur > last || !countdown || countdown > inertia)
		countdown = inertia; /* still swapping out, or knobs changed */
	else if (--countdown == 0) {
		countdown = inertia;
		if (READ_ONCE(frontswap_selfshrink))
			shrink_step(min_t(unsigned long, shrink_room(),
					  cur <= hysteresis ? cur : cur / hysteresis));
		cur = atomic_long_read(&stored);
	}
	last = cur;
	shrink_kick();
}

static const struct frontswap_ops ffs_ops = {
	.init = ffs_init,
	.store = ffs_store,
	.load = ffs_load,
	.invalidate_page = ffs_invalidate_page,
	.invalidate_area = ffs_invalidate_area,
};

static FALLOW_COUNTER(succ_stores_attr, succ_stores);
static FALLOW_COUNTER(failed_stores_attr, failed_stores);
static FALLOW_COUNTER(loads_attr, loads);
static FALLOW_COUNTER(failed_loads_attr, failed_loads);
static FALLOW_COUNTER(invalidates_attr, invalidates);
static FALLOW_COUNTER(invalidate_areas_attr, invalidate_areas);
static FALLOW_COUNTER(stored_attr, stored);
static FALLOW_COUNTER(selfshrunk_attr, selfshrunk);

static struct attribute *ffs_attrs[] = {
	&succ_stores_attr.attr.attr, &failed_stores_attr.attr.attr,
	&loads_attr.attr.attr, &failed_loads_attr.attr.attr,
	&invalidates_attr.attr.attr, &invalidate_areas_attr.attr.attr,
	&stored_attr.attr.attr, &selfshrunk_attr.attr.attr, NULL,
};
static const struct attribute_group ffs_group = { .attrs = ffs_attrs };

/* Before user space can swapon. */
static int __init fallow_frontswap_init(void)
{
	struct kobject *dir;

	if (!fallow_present())
		return 0;
	if (frontswap_register_ops(&ffs_ops))
		return 0;
	dir = kobject_create_and_add("frontswap", mm_kobj);
	if (!dir || sysfs_create_group(dir, &ffs_group))
		pr_warn("fallow: frontswap: no sysfs counters\n");
	return 0;
}
device_initcall(fallow_frontswap_init);
