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
 * Counters in /sys/kernel/mm/frontswap/, named like the old debugfs
 * ones: succ_stores, failed_stores, loads, failed_loads, invalidates
 * (pages), invalidate_areas (swapoffs).
 */
#include <linux/atomic.h>
#include <linux/frontswap.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/swap.h>
#include <linux/sysfs.h>
#include "tmem.h"

static atomic_long_t succ_stores, failed_stores, loads, failed_loads,
	invalidates, invalidate_areas;

static int pool_of[MAX_SWAPFILES] = { [0 ... MAX_SWAPFILES - 1] = -1 };

static void ffs_init(unsigned int type)
{
	long pool = fallow_tmem_new_pool(FALLOW_TMEM_PERSISTENT);

	if (pool < 0)
		pr_info("fallow: frontswap: no pool for swap %u (%ld)\n", type,
			pool);
	pool_of[type] = pool < 0 ? -1 : pool;
}

static int ffs_store(unsigned int type, pgoff_t offset, struct page *page)
{
	int pool = pool_of[type];

	if (pool < 0 ||
	    fallow_tmem_page(FALLOW_HC_TMEM_PUT, pool, type, offset, page)) {
		atomic_long_inc(&failed_stores);
		return -1;
	}
	atomic_long_inc(&succ_stores);
	return 0;
}

static int ffs_load(unsigned int type, pgoff_t offset, struct page *page)
{
	int pool = pool_of[type];

	if (pool < 0 ||
	    fallow_tmem_page(FALLOW_HC_TMEM_GET, pool, type, offset, page)) {
		atomic_long_inc(&failed_loads);
		return -1;
	}
	atomic_long_inc(&loads);
	return 0;
}

static void ffs_invalidate_page(unsigned int type, pgoff_t offset)
{
	if (pool_of[type] < 0)
		return;
	fallow_tmem_flush_page(pool_of[type], type, offset);
	atomic_long_inc(&invalidates);
}

static void ffs_invalidate_area(unsigned int type)
{
	if (pool_of[type] < 0)
		return;
	fallow_tmem_destroy_pool(pool_of[type]);
	pool_of[type] = -1;
	atomic_long_inc(&invalidate_areas);
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

static struct attribute *ffs_attrs[] = {
	&succ_stores_attr.attr.attr, &failed_stores_attr.attr.attr,
	&loads_attr.attr.attr, &failed_loads_attr.attr.attr,
	&invalidates_attr.attr.attr, &invalidate_areas_attr.attr.attr, NULL,
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
