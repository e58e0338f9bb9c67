/* The paravirtual disk as a device of the table (dev/dev.h): every guest
 * attaches it, and a guest whose module line asked for no disk has one
 * that is not `present` (its disk hypercalls fail with NOENT), so the
 * counters on its lines read zero. The disk itself is dev/disk/disk.c. */
#include "dev/dev.h"
#include "dev/disk/disk.h"
#include "guest/clock.h"
#include "guest/guest.h"
#include "vmx/hv.h"

static int attach(struct guest *g, char *why, size_t whylen)
{
	return disk_attach(&g->disk, &g->cfg.disk, why, whylen);
}

static void detach(struct guest *g)
{
	disk_detach(&g->disk); /* its overlay frames go */
}

static uint64_t frames(const struct guest *g)
{
	return g->disk.frames;
}

static void print_started(const struct guest *g)
{
	const struct disk *d = &g->disk;

	if (d->present)
		kprintf(" disk=%s sectors=%llu image_sectors=%llu",
			d->image ? d->image->name : "blank", (unsigned long long)d->sectors,
			(unsigned long long)d->image_sectors);
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* Sectors, calls, ms waited and overlay frames. */
static void stats(const struct guest *g)
{
	const struct disk_counters *c = &g->disk.count;

	kprintf(" disk_read=%llu disk_written=%llu disk_read_calls=%llu"
		" disk_write_calls=%llu disk_wait_ms=%llu disk_frames=%llu",
		ull(c->sectors_read), ull(c->sectors_written), ull(c->read_calls),
		ull(c->write_calls), ull(clock_ticks_to_ms(c->wait_ticks)), ull(g->disk.frames));
}

const struct dev_ops dev_disk_ops = {
	.name = "disk",
	.attach = attach,
	.detach = detach,
	.frames = frames,
	.print_started = print_started,
	.stats = stats,
};
