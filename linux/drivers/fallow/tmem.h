/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tmem calls (guest-abi/ABI.md, "Transcendent memory") as the
 * cleancache and frontswap backends use them: a page is named (pool,
 * object id, index); the object id's first word is the backend's (an
 * inode number, a swap type), the other two are 0. Indexes are 32 bits.
 */
#ifndef _FALLOW_TMEM_H
#define _FALLOW_TMEM_H

#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/mm_types.h>
#include <linux/sysfs.h>
#include <fallow/fallow.h>

#define FALLOW_TMEM_INDEX_MAX 0xffffffffUL

static inline long fallow_tmem_new_pool(unsigned long flags)
{
	return fallow_hypercall3(FALLOW_HC_TMEM_NEW_POOL, flags, 0, 0);
}

static inline long fallow_tmem_destroy_pool(int pool)
{
	return fallow_hypercall3(FALLOW_HC_TMEM_DESTROY_POOL, pool, 0, 0);
}

/* FALLOW_HC_TMEM_PUT or _GET of one page. */
static inline long fallow_tmem_page(unsigned long call, int pool, u64 oid,
				    unsigned long index, struct page *page)
{
	if (index > FALLOW_TMEM_INDEX_MAX)
		return -FALLOW_ERANGE;
	return fallow_hypercall6(call, pool, oid, 0, 0, index,
				 page_to_phys(page));
}

static inline long fallow_tmem_flush_page(int pool, u64 oid,
					  unsigned long index)
{
	if (index > FALLOW_TMEM_INDEX_MAX)
		return 0;
	return fallow_hypercall6(FALLOW_HC_TMEM_FLUSH_PAGE, pool, oid, 0, 0,
				 index, 0);
}

static inline long fallow_tmem_flush_object(int pool, u64 oid)
{
	return fallow_hypercall6(FALLOW_HC_TMEM_FLUSH_OBJECT, pool, oid, 0, 0,
				 0, 0);
}

/* A read-only sysfs file showing one atomic_long_t counter. */
struct fallow_counter_attr {
	struct kobj_attribute attr;
	atomic_long_t *count;
};
static inline ssize_t fallow_counter_show(struct kobject *kobj,
					  struct kobj_attribute *attr, char *buf)
{
	struct fallow_counter_attr *c =
		container_of(attr, struct fallow_counter_attr, attr);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(c->count));
}
#define FALLOW_COUNTER(var, name) \
	struct fallow_counter_attr var = { \
		.attr = __ATTR(name, 0444, fallow_counter_show, NULL), \
		.count = &name, \
	}

#endif
