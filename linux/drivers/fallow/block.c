// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/fallowblk0: the guest's paravirtual disk (guest-abi/ABI.md,
 * "Paravirtual disk") as a blk-mq device with one queue.
 *
 * Fallow models a latency per call, so each request becomes one
 * FALLOW_HC_DISK_READ or _WRITE of up to FALLOW_DISK_MAX_SECTORS: its
 * segments are gathered into a physically contiguous bounce buffer of
 * that size in guest RAM (the call takes one guest-physical range). The
 * call returns once the modelled time has passed, so a request is done
 * when queue_rq returns; a write is durable then, so flushes are no-ops.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <fallow/fallow.h>

#define FALLOW_BLK_NAME "fallowblk"
#define FALLOW_BLK_QUEUE_DEPTH 16
#define BOUNCE_BYTES (FALLOW_DISK_MAX_SECTORS * FALLOW_SECTOR_SIZE)
/* blk-mq sectors (blk_rq_pos) are Fallow sectors */
static_assert(FALLOW_SECTOR_SIZE == SECTOR_SIZE);

struct fallow_blk {
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	void *bounce;          /* BOUNCE_BYTES, physically contiguous */
	spinlock_t bounce_lock; /* one request in the bounce at a time */
	int major;
};

static struct fallow_blk fblk;

static bool copy_segments(struct request *rq, void *bounce, bool to_bounce)
{
	struct req_iterator iter;
	struct bio_vec bv;
	size_t off = 0;

	rq_for_each_segment(bv, rq, iter) {
		if (off + bv.bv_len > BOUNCE_BYTES)
			return false;
		if (to_bounce)
			memcpy_from_page(bounce + off, bv.bv_page, bv.bv_offset,
					 bv.bv_len);
		else
			memcpy_to_page(bv.bv_page, bv.bv_offset, bounce + off,
				       bv.bv_len);
		off += bv.bv_len;
	}
	return true;
}

static blk_status_t fallow_blk_rw(struct request *rq, bool write)
{
	unsigned int bytes = blk_rq_bytes(rq);
	unsigned long count = bytes >> SECTOR_SHIFT;
	blk_status_t st = BLK_STS_OK;
	long r;

	if (bytes % FALLOW_SECTOR_SIZE || count > FALLOW_DISK_MAX_SECTORS)
		return BLK_STS_IOERR; /* the queue limits forbid it */
	spin_lock(&fblk.bounce_lock);
	if (write && !copy_segments(rq, fblk.bounce, true)) {
		st = BLK_STS_IOERR;
		goto out;
	}
	r = fallow_hypercall3(write ? FALLOW_HC_DISK_WRITE : FALLOW_HC_DISK_READ,
			      blk_rq_pos(rq), count, fallow_gpa(fblk.bounce));
	if (r != (long)count) {
		pr_err_ratelimited("fallowblk0: %s of %lu sectors at %llu: error %ld\n",
				   write ? "write" : "read", count,
				   (unsigned long long)blk_rq_pos(rq), r);
		st = r == -FALLOW_ENOSPC || r == -FALLOW_ENOMEM ? BLK_STS_NOSPC
								: BLK_STS_IOERR;
		goto out;
	}
	if (!write && !copy_segments(rq, fblk.bounce, false))
		st = BLK_STS_IOERR;
out:
	spin_unlock(&fblk.bounce_lock);
	return st;
}

static blk_status_t fallow_blk_queue_rq(struct blk_mq_hw_ctx *hctx,
					const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	blk_status_t st;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_READ:
		st = fallow_blk_rw(rq, false);
		break;
	case REQ_OP_WRITE:
		st = fallow_blk_rw(rq, true);
		break;
	case REQ_OP_FLUSH:
		st = BLK_STS_OK;
		break;
	default:
		st = BLK_STS_NOTSUPP;
		break;
	}
	blk_mq_end_request(rq, st);
	return BLK_STS_OK;
}

static const struct blk_mq_ops fallow_blk_mq_ops = {
	.queue_rq = fallow_blk_queue_rq,
};

static const struct block_device_operations fallow_blk_fops = {
	.owner = THIS_MODULE,
};

/* 0 with the disk's size filled, or -ENOENT when the guest has none. */
static int fallow_blk_info(struct fallow_disk_info *info)
{
	long r = fallow_hypercall3(FALLOW_HC_DISK_INFO, fallow_gpa(info),
				   sizeof(*info), 0);

	if (r == -FALLOW_ENOENT)
		return -ENOENT;
	if (r < 0 || info->sector_size != FALLOW_SECTOR_SIZE) {
		pr_err("fallowblk: disk info refused (%ld, sector size %llu)\n",
		       r, (unsigned long long)info->sector_size);
		return -EIO;
	}
	return 0;
}

static int fallow_blk_add(const struct fallow_disk_info *info)
{
	struct gendisk *disk;
	int err;

	err = blk_mq_alloc_sq_tag_set(&fblk.tag_set, &fallow_blk_mq_ops,
				      FALLOW_BLK_QUEUE_DEPTH, BLK_MQ_F_SHOULD_MERGE);
	if (err)
		return err;
	disk = blk_mq_alloc_disk(&fblk.tag_set, &fblk);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto free_tags;
	}
	blk_queue_logical_block_size(disk->queue, FALLOW_SECTOR_SIZE);
	blk_queue_max_hw_sectors(disk->queue, FALLOW_DISK_MAX_SECTORS);
	blk_queue_max_segment_size(disk->queue, BOUNCE_BYTES);
	disk->major = fblk.major;
	disk->first_minor = 0;
	disk->minors = 1;
	disk->fops = &fallow_blk_fops;
	disk->private_data = &fblk;
	snprintf(disk->disk_name, DISK_NAME_LEN, FALLOW_BLK_NAME "0");
	set_capacity(disk, info->sectors);
	err = add_disk(disk);
	if (err)
		goto put_disk;
	fblk.disk = disk;
	return 0;
put_disk:
	put_disk(disk);
free_tags:
	blk_mq_free_tag_set(&fblk.tag_set);
	return err;
}

static int __init fallow_blk_init(void)
{
	struct fallow_disk_info *info;
	int err;

	if (!fallow_present())
		return 0;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	err = fallow_blk_info(info);
	if (err == -ENOENT) {
		pr_info("fallowblk: the guest has no disk\n");
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	err = -ENOMEM;
	fblk.bounce = (void *)__get_free_pages(GFP_KERNEL,
					       get_order(BOUNCE_BYTES));
	if (!fblk.bounce)
		goto out;
	spin_lock_init(&fblk.bounce_lock);
	fblk.major = register_blkdev(0, FALLOW_BLK_NAME);
	if (fblk.major < 0) {
		err = fblk.major;
		goto free_bounce;
	}
	err = fallow_blk_add(info);
	if (err)
		goto unregister;
	info->image[sizeof(info->image) - 1] = '\0';
	pr_info("fallowblk0: %llu sectors (%llu from image \"%s\")\n",
		(unsigned long long)info->sectors,
		(unsigned long long)info->image_sectors, info->image);
	goto out;
unregister:
	unregister_blkdev(fblk.major, FALLOW_BLK_NAME);
free_bounce:
	free_pages((unsigned long)fblk.bounce, get_order(BOUNCE_BYTES));
	fblk.bounce = NULL;
out:
	if (err)
		pr_err("fallowblk: not registered: %d\n", err);
	kfree(info);
	return err;
}
device_initcall(fallow_blk_init);
