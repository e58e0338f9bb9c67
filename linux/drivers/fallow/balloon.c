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
 * them in the guest's stats line.
 *
 * Self-ballooning (fallow.selfballoon=1, issue 13; the policy of the
 * Xen balloon patch in the seeds, and of guest-abi/rt/selfballoon.c):
 * with no console target, every interval the goal is the guest's own
 * need, the committed memory (vm_memory_committed(), Committed_AS) plus
 * the RAM Linux never managed (kernel image, memmap: what Committed_AS
 * leaves out) plus fallow.selfballoon_reserve_kb. The balloon moves
 * towards it by 1/selfballoon_down of the gap per interval (down slowly:
 * a passing dip costs little) and 1/selfballoon_up (default all at once:
 * a demand is met at the next tick), never below the self floor
 * selfballoon_floor_kb + RAM/selfballoon_floor_div (nor the balloon's
 * own floor), which grows with RAM like the patch's minimum_target. A
 * console target, when set, wins (bounded by the balloon's floor only);
 * the self target is still computed and posted.
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

static bool selfballoon; /* off unless asked: Linux here has no swap */
module_param(selfballoon, bool, 0644);
MODULE_PARM_DESC(selfballoon, "set the balloon from committed memory when no console target is set");

static unsigned long selfballoon_reserve_kb = 8192;
module_param(selfballoon_reserve_kb, ulong, 0644);
MODULE_PARM_DESC(selfballoon_reserve_kb, "RAM self-ballooning keeps above the committed memory");

static unsigned long selfballoon_floor_kb = 16384;
module_param(selfballoon_floor_kb, ulong, 0644);
MODULE_PARM_DESC(selfballoon_floor_kb, "self-ballooning's floor, besides RAM/selfballoon_floor_div");

static unsigned int selfballoon_floor_div = 4;
module_param(selfballoon_floor_div, uint, 0644);
MODULE_PARM_DESC(selfballoon_floor_div, "the self floor keeps RAM/this (0 counts as 1)");

static unsigned int selfballoon_down = 8;
module_param(selfballoon_down, uint, 0644);
MODULE_PARM_DESC(selfballoon_down, "inflate by 1/this of the gap per interval (0 counts as 1)");

static unsigned int selfballoon_up = 1;
module_param(selfballoon_up, uint, 0644);
MODULE_PARM_DESC(selfballoon_up, "deflate by 1/this of the gap per interval (0 counts as 1)");

static unsigned long balloon_held; /* pages released to Fallow now */
module_param(balloon_held, ulong, 0444);
MODULE_PARM_DESC(balloon_held, "pages the balloon holds (released to Fallow)");

static u64 ram_pages;
static LIST_HEAD(held_pages);
static u64 *batch;                        /* one page: the calls' gfn list */
static struct fallow_mem_figures *figures;
static long last_target = -1;
static u64 boot_reserved; /* RAM pages Linux never managed (image, memmap) */
static u64 self_goal;     /* the self target of the last interval */
static bool continuing;   /* requeued at once: the same interval's goal */
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

/* The self floor: grows with RAM, never under the balloon's own floor. */
static u64 sb_floor_pages(void)
{
	u64 f = READ_ONCE(selfballoon_floor_kb) / KB_PER_PAGE +
		ram_pages / max(READ_ONCE(selfballoon_floor_div), 1u);

	return min(max(f, floor_pages()), ram_pages);
}

/* This interval's self target: a step of the gap towards the need. */
static u64 sb_self_target(u64 committed)
{
	u64 need = boot_reserved + committed +
		   READ_ONCE(selfballoon_reserve_kb) / KB_PER_PAGE;
	u64 cur = actual_pages(), t;

	if (cur > need)
		t = cur - DIV_ROUND_UP(cur - need, max(READ_ONCE(selfballoon_down), 1u));
	else
		t = cur + DIV_ROUND_UP(need - cur, max(READ_ONCE(selfballoon_up), 1u));
	return clamp_t(u64, t, sb_floor_pages(), ram_pages);
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

static void post_figures(u64 floor, u64 self, u64 committed)
{
	figures->actual = actual_pages();
	figures->minimum = floor;
	figures->self_target = self; /* 0: self-ballooning is off */
	figures->committed = committed;
	fallow_hypercall3(FALLOW_HC_MEM_POST, fallow_gpa(figures),
			  sizeof(*figures), 0);
}

static void balloon_work_fn(struct work_struct *work)
{
	long target = fallow_hypercall0(FALLOW_HC_MEM_TARGET);
	u64 floor = floor_pages(), goal = ram_pages, self = 0;
	u64 committed = vm_memory_committed();
	unsigned int interval = READ_ONCE(balloon_interval_ms);
	bool sb = READ_ONCE(selfballoon), more;

	if (sb) {
		/* one hysteresis step per interval, not per requeue */
		if (!continuing)
			self_goal = sb_self_target(committed);
		self = self_goal;
		floor = sb_floor_pages();
	}
	if (target > 0)
		goal = clamp_t(u64, target, min(floor_pages(), ram_pages), ram_pages);
	else if (sb)
		goal = self;
	more = balloon_step(goal);
	continuing = more;
	if (target != last_target && !more) {
		pr_info("fallow-balloon: target %ld pages: holding %llu of %llu pages (floor %llu)\n",
			target, actual_pages(), ram_pages, floor);
		last_target = target;
	}
	post_figures(floor, self, committed);
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
	boot_reserved = ram_pages > totalram_pages() ? ram_pages - totalram_pages() : 0;
	if (selfballoon)
		pr_info("fallow-balloon: self-ballooning: %llu pages of RAM, %llu never managed, floor %llu, reserve %lu kB, down 1/%u, up 1/%u\n",
			ram_pages, boot_reserved, sb_floor_pages(), selfballoon_reserve_kb,
			max(selfballoon_down, 1u), max(selfballoon_up, 1u));
	queue_delayed_work(system_freezable_wq, &balloon_work, 0);
	return 0;
nomem:
	kfree(info);
	kfree(figures);
	free_page((unsigned long)batch);
	return -ENOMEM;
}
late_initcall(fallow_balloon_init);
