// SPDX-License-Identifier: GPL-2.0
/*
 * The Fallow balloon (guest-abi/ABI.md, "Ballooning"): every
 * fallow.balloon_interval_ms it reads the console's target
 * (FALLOW_HC_MEM_TARGET) and moves the RAM the guest holds towards it:
 *
 *  - inflate: take free pages from the page allocator and give them to
 *    Fallow (FALLOW_HC_BALLOON_RELEASE); they stay allocated here, off
 *    MemTotal, and are never touched (Fallow unmapped them).
 *  - deflate: ask for them again (FALLOW_HC_BALLOON_POPULATE) and free
 *    them to the allocator; no target (0) means all RAM.
 *
 * Never below the floor fallow.balloon_floor_kb + RAM/8, and never by
 * force: allocation gives up (no retries, no OOM killer) when Linux has
 * no free pages to spare. After each step it posts its figures
 * (FALLOW_HC_MEM_POST), as the guest runtime's balloon does; Fallow shows
 * them in the guest's stats line. Self-ballooning (issue 13) will set the
 * goal below instead of the console alone.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <fallow/fallow.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "fallow."

#define KB_PER_PAGE (FALLOW_PAGE_SIZE / 1024)
#define FLOOR_DIV 8 /* the floor keeps RAM/8 besides balloon_floor_kb */
/* Most pages moved per step before the work yields the CPU (requeued at
 * once while the goal is not reached). */
#define STEP_PAGES (4 * FALLOW_BALLOON_BATCH_MAX)
#define GFP_BALLOON (GFP_HIGHUSER | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN)

static unsigned int balloon_interval_ms = 1000;
module_param(balloon_interval_ms, uint, 0644);
MODULE_PARM_DESC(balloon_interval_ms, "how often the balloon reads the target (0: never)");

static unsigned long balloon_floor_kb = 8192;
module_param(balloon_floor_kb, ulong, 0644);
MODULE_PARM_DESC(balloon_floor_kb, "RAM kept besides RAM/8 whatever the target");

static unsigned long balloon_held; /* pages released to Fallow now */
module_param(balloon_held, ulong, 0444);
MODULE_PARM_DESC(balloon_held, "pages the balloon holds (released to Fallow)");

static u64 ram_pages;
static LIST_HEAD(held_pages);
static u64 *batch;                        /* one page: the calls' gfn list */
static struct fallow_mem_figures *figures;
static long last_target = -1;
static void balloon_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(balloon_work, balloon_work_fn);

static u64 floor_pages(void)
{
	return READ_ONCE(balloon_floor_kb) / KB_PER_PAGE + ram_pages / FLOOR_DIV;
}

static u64 actual_pages(void)
{
	return ram_pages - balloon_held;
}

/* Releases up to `want` pages in one call; returns how many went. */
static u64 inflate_batch(u64 want)
{
	struct page *page, *next;
	LIST_HEAD(low);
	u64 k = 0, done, i;
	long r;

	while (k < want && k < FALLOW_BALLOON_BATCH_MAX) {
		page = alloc_page(GFP_BALLOON);
		if (!page)
			break;
		if (page_to_pfn(page) < FALLOW_BALLOON_FIRST_GFN) {
			/* never releasable (x86 reserves low memory anyway) */
			list_add(&page->lru, &low);
			continue;
		}
		batch[k++] = page_to_pfn(page);
	}
	list_for_each_entry_safe(page, next, &low, lru)
		__free_page(page);
	if (!k)
		return 0;
	r = fallow_hypercall3(FALLOW_HC_BALLOON_RELEASE, fallow_gpa(batch), k, 0);
	done = r > 0 ? r : 0;
	for (i = 0; i < k; i++) {
		page = pfn_to_page(batch[i]);
		if (i < done) {
			list_add(&page->lru, &held_pages);
			adjust_managed_page_count(page, -1);
		} else {
			__free_page(page); /* refused: still ours and mapped */
		}
	}
	if (done < k)
		pr_warn_ratelimited("fallow-balloon: release of gfn %llu refused: %ld\n",
				    batch[done], r < 0 ? r : 0L);
	balloon_held += done;
	return done;
}

/* Populates up to `want` held pages in one call; returns how many came. */
static u64 deflate_batch(u64 want)
{
	struct page *page, *next;
	u64 k = 0, done, i;
	long r;

	list_for_each_entry(page, &held_pages, lru) {
		if (k == want || k == FALLOW_BALLOON_BATCH_MAX)
			break;
		batch[k++] = page_to_pfn(page);
	}
	if (!k)
		return 0;
	r = fallow_hypercall3(FALLOW_HC_BALLOON_POPULATE, fallow_gpa(batch), k, 0);
	done = r > 0 ? r : 0;
	i = 0;
	list_for_each_entry_safe(page, next, &held_pages, lru) {
		if (i++ == done)
			break;
		list_del(&page->lru);
		adjust_managed_page_count(page, 1);
		__free_page(page); /* a fresh zeroed frame from Fallow */
	}
	if (done < k && r != -FALLOW_ENOSPC && r != -FALLOW_ENOMEM)
		pr_warn_ratelimited("fallow-balloon: populate of gfn %llu refused: %ld\n",
				    batch[done], r < 0 ? r : 0L);
	balloon_held -= done;
	return done;
}

/* Moves towards `goal` by at most STEP_PAGES; true if it should go on. */
static bool balloon_step(u64 goal)
{
	u64 moved = 0, got = 1;

	while (moved < STEP_PAGES && got) {
		u64 now = actual_pages();

		if (now > goal)
			got = inflate_batch(min(now - goal, (u64)STEP_PAGES - moved));
		else if (now < goal)
			got = deflate_batch(min(goal - now, (u64)STEP_PAGES - moved));
		else
			return false;
		moved += got;
	}
	return got && actual_pages() != goal;
}

static void post_figures(u64 floor)
{
	figures->actual = actual_pages();
	figures->minimum = floor;
	figures->self_target = 0; /* no self-ballooning yet (issue 13) */
	figures->committed = vm_memory_committed();
	fallow_hypercall3(FALLOW_HC_MEM_POST, fallow_gpa(figures),
			  sizeof(*figures), 0);
}

static void balloon_work_fn(struct work_struct *work)
{
	long target = fallow_hypercall0(FALLOW_HC_MEM_TARGET);
	u64 floor = floor_pages(), goal = ram_pages;
	unsigned int interval = READ_ONCE(balloon_interval_ms);
	bool more;

	if (target > 0)
		goal = clamp_t(u64, target, min(floor, ram_pages), ram_pages);
	more = balloon_step(goal);
	if (target != last_target && !more) {
		pr_info("fallow-balloon: target %ld pages: holding %llu of %llu pages (floor %llu)\n",
			target, actual_pages(), ram_pages, floor);
		last_target = target;
	}
	post_figures(floor);
	if (more)
		queue_delayed_work(system_freezable_wq, &balloon_work, 1);
	else if (interval)
		queue_delayed_work(system_freezable_wq, &balloon_work,
				   msecs_to_jiffies(interval));
}

static int __init fallow_balloon_init(void)
{
	struct fallow_abi_info *info;
	long r;

	if (!fallow_present())
		return 0;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	batch = (u64 *)__get_free_page(GFP_KERNEL);
	figures = kzalloc(sizeof(*figures), GFP_KERNEL);
	if (!info || !batch || !figures)
		goto nomem;
	BUILD_BUG_ON(FALLOW_BALLOON_BATCH_MAX * sizeof(*batch) > PAGE_SIZE);
	r = fallow_hypercall3(FALLOW_HC_ABI_INFO, fallow_gpa(info), sizeof(*info), 0);
	if (r < 0) {
		pr_err("fallow-balloon: ABI info refused: %ld\n", r);
		kfree(info);
		return -EIO;
	}
	ram_pages = info->ram_bytes / FALLOW_PAGE_SIZE;
	kfree(info);
	queue_delayed_work(system_freezable_wq, &balloon_work, 0);
	return 0;
nomem:
	kfree(info);
	kfree(figures);
	free_page((unsigned long)batch);
	return -ENOMEM;
}
late_initcall(fallow_balloon_init);
