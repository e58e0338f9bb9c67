// SPDX-License-Identifier: GPL-2.0
/*
 * The cleancache backend on Fallow's tmem (patches/0003-mm-cleancache):
 * a private ephemeral pool per mounted file system that opts in (ext2,
 * ext4), pages named (pool, inode number, page index). Ephemeral pages are a
 * second chance, never a promise: Fallow may drop any, and a get is
 * exclusive (a hit takes the page out of tmem, the page cache holds it
 * again). A miss costs the one hypercall.
 *
 * Counters in /sys/kernel/mm/cleancache/, named like the old debugfs
 * ones: puts, failed_puts (refused: frozen, at cap, no memory),
 * succ_gets, failed_gets, invalidates (page, inode or fs), pools (file
 * systems given one).
 */
#include <linux/atomic.h>
#include <linux/cleancache.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "tmem.h"

static atomic_long_t puts, failed_puts, succ_gets, failed_gets, invalidates,
	pools;

static int fcc_init_fs(void)
{
	long pool = fallow_tmem_new_pool(0); /* private, ephemeral */

	if (pool < 0) {
		pr_info("fallow: cleancache: no pool (%ld)\n", pool);
		return CLEANCACHE_NO_POOL;
	}
	atomic_long_inc(&pools);
	return pool;
}

static int fcc_get_page(int pool, u64 ino, pgoff_t index, struct page *page)
{
	if (fallow_tmem_page(FALLOW_HC_TMEM_GET, pool, ino, index, page)) {
		atomic_long_inc(&failed_gets);
		return -1;
	}
	atomic_long_inc(&succ_gets);
	return 0;
}

static void fcc_put_page(int pool, u64 ino, pgoff_t index, struct page *page)
{
	if (!fallow_tmem_page(FALLOW_HC_TMEM_PUT, pool, ino, index, page)) {
		atomic_long_inc(&puts);
		return;
	}
	/* Refused. A frozen guest's put changes nothing, so an older copy
	 * at this handle would survive it: flush it (flushes still work). */
	atomic_long_inc(&failed_puts);
	fallow_tmem_flush_page(pool, ino, index);
}

static void fcc_invalidate_page(int pool, u64 ino, pgoff_t index)
{
	fallow_tmem_flush_page(pool, ino, index);
	atomic_long_inc(&invalidates);
}

static void fcc_invalidate_inode(int pool, u64 ino)
{
	fallow_tmem_flush_object(pool, ino);
	atomic_long_inc(&invalidates);
}

static void fcc_invalidate_fs(int pool)
{
	fallow_tmem_destroy_pool(pool);
	atomic_long_inc(&invalidates);
}

static const struct cleancache_ops fcc_ops = {
	.init_fs = fcc_init_fs,
	.get_page = fcc_get_page,
	.put_page = fcc_put_page,
	.invalidate_page = fcc_invalidate_page,
	.invalidate_inode = fcc_invalidate_inode,
	.invalidate_fs = fcc_invalidate_fs,
};

static FALLOW_COUNTER(puts_attr, puts);
static FALLOW_COUNTER(failed_puts_attr, failed_puts);
static FALLOW_COUNTER(succ_gets_attr, succ_gets);
static FALLOW_COUNTER(failed_gets_attr, failed_gets);
static FALLOW_COUNTER(invalidates_attr, invalidates);
static FALLOW_COUNTER(pools_attr, pools);

static struct attribute *fcc_attrs[] = {
	&puts_attr.attr.attr, &failed_puts_attr.attr.attr,
	&succ_gets_attr.attr.attr, &failed_gets_attr.attr.attr,
	&invalidates_attr.attr.attr, &pools_attr.attr.attr, NULL,
};
static const struct attribute_group fcc_group = { .attrs = fcc_attrs };

/* Before any file system mounts from user space. */
static int __init fallow_cleancache_init(void)
{
	struct kobject *dir;

	if (!fallow_present())
		return 0;
	if (cleancache_register_ops(&fcc_ops))
		return 0;
	dir = kobject_create_and_add("cleancache", mm_kobj);
	if (!dir || sysfs_create_group(dir, &fcc_group))
		pr_warn("fallow: cleancache: no sysfs counters\n");
	return 0;
}
device_initcall(fallow_cleancache_init);
