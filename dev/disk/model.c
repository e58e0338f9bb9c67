/* See dev/disk/model.h. Requests are served in the order they arrive; one
 * CPU, so arrival order is the order of the hypercalls. */
#include "dev/disk/model.h"

#define NS_PER_S 1000000000ull
#define US_PER_S 1000000ull

static struct disk_model_params params = {
	.seek_us = DISK_SEEK_US_DEFAULT,
	.sector_ns = DISK_SECTOR_NS_DEFAULT,
};
static uint64_t seek_ticks, sector_ticks;
static struct disk_arm shared_arm;

void disk_model_set_params(const struct disk_model_params *p)
{
	params = *p;
}

const struct disk_model_params *disk_model_params(void)
{
	return &params;
}

void disk_model_start(uint64_t tsc_hz)
{
	/* Both products fit: hz < 2^40, seek_us <= 10^6 < 2^20 and
	 * sector_ns <= 10^7 < 2^24. */
	seek_ticks = params.seek_us * tsc_hz / US_PER_S;
	sector_ticks = params.sector_ns * tsc_hz / NS_PER_S;
	shared_arm = (struct disk_arm){ 0 };
}

uint64_t disk_model_request(struct disk *d, uint64_t sector, uint64_t count,
			    uint64_t now)
{
	struct disk_arm *arm = params.private_queue ? &d->arm : &shared_arm;
	uint64_t start = arm->busy_until > now ? arm->busy_until : now;
	bool sequential = arm->last_disk == d && arm->last_end == sector;
	uint64_t done = start + (sequential ? 0 : seek_ticks) + count * sector_ticks;

	arm->busy_until = done;
	arm->last_disk = d;
	arm->last_end = sector + count;
	d->count.wait_ticks += done - now;
	return done;
}
