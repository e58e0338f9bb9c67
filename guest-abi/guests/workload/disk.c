/* The workload's disk: whole pages moved with the runtime's disk_read and
 * disk_write, at most one call's worth (FALLOW_DISK_MAX_SECTORS) at a
 * time, and counted as the reference counted its virtual block device's
 * sectors. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h" /* rt_errname */

/* Turns to wait for memory before a disk call's ENOMEM ends the guest. */
#define WL_DISK_RETRIES 100000u

uint8_t wl_bounce[WL_BOUNCE_PAGES * WL_PAGE] __attribute__((aligned(FALLOW_PAGE_SIZE)));

static struct fallow_disk_info info;

int wl_disk_open(void)
{
	int64_t err = disk_info(&info);

	if (err < 0)
		return (int)err;
	if (info.sector_size != FALLOW_SECTOR_SIZE)
		return -FALLOW_EINVAL;
	return 0;
}

uint64_t wl_disk_sectors(void)
{
	return info.sectors;
}

uint64_t wl_disk_image_sectors(void)
{
	return info.image_sectors;
}

static void transfer(bool read, uint64_t sector, uint32_t pages, uint8_t *buf)
{
	uint32_t retries = 0;

	while (pages) {
		uint32_t n = pages < WL_BOUNCE_PAGES ? pages : WL_BOUNCE_PAGES;
		uint64_t count = (uint64_t)n * WL_SECTORS_PER_PAGE;
		int64_t r = read ? disk_read(sector, count, buf) : disk_write(sector, count, buf);

		/* A first write to a chunk needs a frame for the disk's overlay;
		 * when the machine has none this moment (a guest just started on
		 * the last of them and has not ballooned down yet), wait a turn. */
		if (r == -FALLOW_ENOMEM && retries < WL_DISK_RETRIES) {
			retries++;
			wl_count.disk_retries++;
			hc_yield();
			continue;
		}

		if (r != (int64_t)count) {
			rt_printf("workload: disk %s of %llu sectors at %llu returned %lld\n",
				  read ? "read" : "write",
				  (unsigned long long)count, (unsigned long long)sector,
				  (long long)r);
			wl_fail("disk", r < 0 ? r : -FALLOW_ERANGE);
		}
		if (read) {
			wl_count.sectors_read += count;
			wl_count.disk_reads++;
		} else {
			wl_count.sectors_written += count;
			wl_count.disk_writes++;
		}
		sector += count;
		buf += (uint64_t)n * WL_PAGE;
		pages -= n;
	}
}

void wl_disk_read(uint64_t sector, uint32_t pages, void *buf)
{
	transfer(true, sector, pages, buf);
}

void wl_disk_write(uint64_t sector, uint32_t pages, const void *buf)
{
	/* disk_write only reads the buffer: the cast drops const for the
	 * shared loop alone. */
	transfer(false, sector, pages, (uint8_t *)(uintptr_t)buf);
}
