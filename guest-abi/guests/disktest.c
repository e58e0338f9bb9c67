/* disktest: reads its disk image (tools/mkimage.py's format) and checks
 * every byte of every file against the content formula, the zeros after
 * each file and past the image; with `write` it first proves its writes
 * are its own (copy-on-write): a sector in the middle of a file's first
 * page and one past the image read back as written while the sectors
 * around them keep their old contents; the one past the image then gets
 * its zeros back; the file's stays written, and another guest on the
 * same image still reads the original there. Prints any wrong byte as a `mismatch` line.
 * Options: passes=N (full verifications, default 1), write,
 * seeks=N (N one-page reads spread over the disk, each a seek, to make
 * the disk model's latency show), min_wait_us=U (fail unless the guest's
 * wall time is at least U microseconds: the latency it must have waited). */
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h" /* rt_errname */

#define SECTORS_PER_PAGE (FALLOW_PAGE_SIZE / FALLOW_SECTOR_SIZE)
#define BUF_BYTES (FALLOW_DISK_MAX_SECTORS * FALLOW_SECTOR_SIZE)
#define WRITE_SECTOR_IN_PAGE 3u /* the sector of a page the write test writes */
#define PATTERN 0x5au
#define US_PER_S 1000000ull
#define MS_PER_S 1000ull
#define MAX_FILES 4096u

static uint8_t buf[BUF_BYTES] __attribute__((aligned(FALLOW_PAGE_SIZE)));
static struct fallow_disk_info info;
static struct disk_image_header hdr;
static struct disk_image_file table[MAX_FILES] __attribute__((aligned(FALLOW_PAGE_SIZE)));
static uint64_t mismatches, sectors_checked;
static uint64_t written_sector = UINT64_MAX; /* holds PATTERN in this guest's view */

static void must(const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return;
	rt_printf("disktest: FAIL %s: got %lld (%s), want %lld\n", what, (long long)got,
		  rt_errname(got), (long long)want);
	hc_exit(1);
}

static void rd(uint64_t sector, uint64_t count, void *to)
{
	must("disk read", disk_read(sector, count, to), (int64_t)count);
}

static void load_table(void)
{
	uint64_t bytes = (uint64_t)hdr.nfiles * sizeof(*table);
	uint64_t pages = (bytes + FALLOW_PAGE_SIZE - 1) / FALLOW_PAGE_SIZE;

	if (hdr.nfiles > MAX_FILES) {
		rt_printf("disktest: FAIL %u files, at most %u\n", hdr.nfiles, MAX_FILES);
		hc_exit(1);
	}
	for (uint64_t p = 0; p < pages; p++)
		rd(hdr.table_sector + p * SECTORS_PER_PAGE, SECTORS_PER_PAGE,
		   (uint8_t *)table + p * FALLOW_PAGE_SIZE);
}

static void open_disk(void)
{
	must("disk info", disk_info(&info), 0);
	rd(0, 1, buf);
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.magic != DISK_IMAGE_MAGIC || hdr.version != DISK_IMAGE_VERSION ||
	    hdr.entry_size != sizeof(struct disk_image_file) ||
	    hdr.total_sectors != info.image_sectors) {
		rt_printf("disktest: FAIL not a version %u image of %llu sectors\n",
			  DISK_IMAGE_VERSION, (unsigned long long)info.image_sectors);
		hc_exit(1);
	}
	load_table();
	rt_printf("disktest: disk %llu sectors, image '%s' %llu sectors, %u files\n",
		  (unsigned long long)info.sectors, info.image,
		  (unsigned long long)info.image_sectors, hdr.nfiles);
}

static void report(const char *what, uint64_t where, uint64_t at)
{
	if (mismatches++ < 8)
		rt_printf("disktest: mismatch in %s %llu at byte %llu\n", what,
			  (unsigned long long)where, (unsigned long long)at);
}

/* Checks one file, a buffer's worth at a time. */
static void verify_file(uint32_t i)
{
	const struct disk_image_file *f = &table[i];
	uint64_t pages = (f->bytes + FALLOW_PAGE_SIZE - 1) / FALLOW_PAGE_SIZE;
	uint64_t sectors = pages * SECTORS_PER_PAGE;

	for (uint64_t s = 0; s < sectors; s += FALLOW_DISK_MAX_SECTORS) {
		uint64_t n = sectors - s < FALLOW_DISK_MAX_SECTORS ? sectors - s
								  : FALLOW_DISK_MAX_SECTORS;
		uint64_t off = s * FALLOW_SECTOR_SIZE;

		rd(f->sector + s, n, buf);
		for (uint64_t k = 0; k < n; k++) {
			const uint8_t *b = buf + k * FALLOW_SECTOR_SIZE;
			uint64_t at = off + k * FALLOW_SECTOR_SIZE;
			bool mine = f->sector + s + k == written_sector;
			uint64_t bad = mine ? (b[0] == PATTERN && b[FALLOW_SECTOR_SIZE - 1] == PATTERN
					       ? UINT64_MAX : at)
					    : disk_image_check(f, at, b, FALLOW_SECTOR_SIZE);

			if (bad != UINT64_MAX)
				report("file", i, bad);
		}
		sectors_checked += n;
	}
}

/* Sectors of the disk past the image read as zeros. */
static void verify_zero_tail(void)
{
	for (uint64_t s = info.image_sectors; s < info.sectors; s += FALLOW_DISK_MAX_SECTORS) {
		uint64_t n = info.sectors - s < FALLOW_DISK_MAX_SECTORS ? info.sectors - s
								       : FALLOW_DISK_MAX_SECTORS;

		rd(s, n, buf);
		for (uint64_t b = 0; b < n * FALLOW_SECTOR_SIZE; b++)
			if (buf[b]) {
				report("sector", s + b / FALLOW_SECTOR_SIZE, b % FALLOW_SECTOR_SIZE);
				break;
			}
		sectors_checked += n;
	}
}

/* Checks the first page of file f (a blank one: bytes 0) but the
 * sector `skip` of it (SECTORS_PER_PAGE: none). */
static void check_page(const struct disk_image_file *f, uint64_t skip)
{
	rd(f->sector, SECTORS_PER_PAGE, buf);
	for (uint64_t s = 0; s < SECTORS_PER_PAGE; s++) {
		uint64_t off = s * FALLOW_SECTOR_SIZE;
		uint64_t bad = disk_image_check(f, off, buf + off, FALLOW_SECTOR_SIZE);

		if (s != skip && bad != UINT64_MAX)
			report("sector beside a write", f->sector + s, bad);
	}
}

/* Writes a sector of pattern into file f's first page: it reads back as
 * written and the sectors beside it keep their contents; with `restore`
 * it then writes the old contents back and checks the whole page again. */
static void write_and_check(const struct disk_image_file *f, bool restore)
{
	uint64_t sector = f->sector + WRITE_SECTOR_IN_PAGE;
	uint8_t old[FALLOW_SECTOR_SIZE];

	rd(sector, 1, old);
	memset(buf, PATTERN, FALLOW_SECTOR_SIZE);
	must("disk write", disk_write(sector, 1, buf), 1);
	rd(sector, 1, buf);
	for (uint64_t b = 0; b < FALLOW_SECTOR_SIZE; b++)
		if (buf[b] != PATTERN) {
			report("written sector", sector, b);
			break;
		}
	check_page(f, WRITE_SECTOR_IN_PAGE);
	if (!restore) {
		written_sector = sector;
		return;
	}
	must("disk write back", disk_write(sector, 1, old), 1);
	check_page(f, SECTORS_PER_PAGE);
}

static void write_test(void)
{
	const struct disk_image_file *f = &table[0];
	const struct disk_image_file blank = { .sector = info.image_sectors };

	write_and_check(f, false);
	if (info.sectors >= info.image_sectors + SECTORS_PER_PAGE)
		write_and_check(&blank, true);
	rt_printf("disktest: wrote sector %llu of file 0 and one past the image\n",
		  (unsigned long long)(f->sector + WRITE_SECTOR_IN_PAGE));
}

/* One-page reads spread over the disk, far apart: each costs a seek. */
static void seek_test(uint64_t seeks)
{
	uint64_t span = info.sectors / SECTORS_PER_PAGE;

	for (uint64_t k = 0; k < seeks; k++) {
		uint64_t page = (k * 7919u + (k & 1) * span / 2) % span;

		rd(page * SECTORS_PER_PAGE, SECTORS_PER_PAGE, buf);
	}
}

static uint64_t now_tsc(uint64_t *hz)
{
	struct fallow_time t;

	must("time", hc_time(&t), 0);
	*hz = t.tsc_hz;
	return t.tsc;
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t passes = rt_cmdline_u64("passes", 1), seeks = rt_cmdline_u64("seeks", 0);
	uint64_t min_wait_us = rt_cmdline_u64("min_wait_us", 0), hz;
	uint64_t t0 = now_tsc(&hz);
	bool write = rt_cmdline_has("write");

	(void)si;
	open_disk();
	if (write)
		write_test();
	seek_test(seeks);
	for (uint64_t p = 1; p <= passes; p++) {
		for (uint32_t i = 0; i < hdr.nfiles; i++)
			verify_file(i);
		verify_zero_tail();
		rt_printf("disktest: pass %llu: %u files, %llu sectors checked, %llu wrong\n",
			  (unsigned long long)p, hdr.nfiles, (unsigned long long)sectors_checked,
			  (unsigned long long)mismatches);
	}
	uint64_t wall = now_tsc(&hz) - t0, cpu = (uint64_t)hc_cpu_time();
	uint64_t wall_us = hz ? wall * US_PER_S / hz : 0;

	rt_printf("disktest: wall_ms=%llu cpu_ms=%llu\n",
		  (unsigned long long)(wall_us / MS_PER_S),
		  (unsigned long long)(hz ? cpu * MS_PER_S / hz : 0));
	if (wall_us < min_wait_us || cpu > wall) {
		rt_printf("disktest: FAIL wall %llu us below the %llu us of disk waits, or cpu above wall\n",
			  (unsigned long long)wall_us, (unsigned long long)min_wait_us);
		return 1;
	}
	if (mismatches)
		return 1;
	rt_printf("disktest: done, every byte as written\n");
	return 0;
}
