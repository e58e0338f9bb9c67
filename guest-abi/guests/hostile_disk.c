/* hostile_disk: attacks the disk hypercalls and checks each attack fails
 * with the documented error (guest-abi/ABI.md, "Paravirtual disk") and
 * changes nothing: counts of 0, above FALLOW_DISK_MAX_SECTORS and near
 * 2^64; sectors at, past and wrapping around the end of the disk; guest
 * ranges past its RAM, straddling its end, wrapping past 2^64, or
 * covering a page it ballooned away; a short info buffer. After each
 * refused write the sectors still read as before, after each refused
 * read the buffer is untouched. Options: nodisk (the guest has no disk:
 * every disk call must be -ENOENT), notmem (the guest runs with tmem=off:
 * every tmem call must be -EPERM), fill (write fresh chunks of a blank
 * disk until the machine runs out of frames: the last write must fail
 * with -ENOMEM and leave its sectors unwritten, earlier ones intact),
 * fill_store (the same against a boot's disk_store=, which must end in
 * -ENOSPC).
 * Exits 0 only when every check passed. */
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define SECTORS_PER_PAGE (FALLOW_PAGE_SIZE / FALLOW_SECTOR_SIZE)
#define BUF_BYTES ((FALLOW_DISK_MAX_SECTORS + SECTORS_PER_PAGE) * FALLOW_SECTOR_SIZE)
#define UNTOUCHED 0xa5u
#define WRITTEN 0x3cu
#define HUGE_COUNT (1ull << 63)

static uint8_t buf[BUF_BYTES] __attribute__((aligned(FALLOW_PAGE_SIZE)));
static uint8_t before[FALLOW_PAGE_SIZE], after[FALLOW_PAGE_SIZE];

static int64_t rd(uint64_t sector, uint64_t count, uint64_t gpa)
{
	return fallow_hypercall3(FALLOW_HC_DISK_READ, sector, count, gpa);
}

static int64_t wr(uint64_t sector, uint64_t count, uint64_t gpa)
{
	return fallow_hypercall3(FALLOW_HC_DISK_WRITE, sector, count, gpa);
}

static bool all(const uint8_t *p, uint64_t n, uint8_t v)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void no_disk(void)
{
	struct fallow_disk_info info;

	rt_expect("info without a disk", disk_info(&info), -FALLOW_ENOENT);
	rt_expect("read without a disk", disk_read(0, 1, buf), -FALLOW_ENOENT);
	rt_expect("write without a disk", disk_write(0, 1, buf), -FALLOW_ENOENT);
}

static void bad_counts(uint64_t sectors)
{
	uint64_t gpa = (uintptr_t)buf;

	rt_expect("read count 0", rd(0, 0, gpa), -FALLOW_EINVAL);
	rt_expect("write count 0", wr(0, 0, gpa), -FALLOW_EINVAL);
	rt_expect("read count max+1", rd(0, FALLOW_DISK_MAX_SECTORS + 1, gpa), -FALLOW_ERANGE);
	rt_expect("write count max+1", wr(0, FALLOW_DISK_MAX_SECTORS + 1, gpa), -FALLOW_ERANGE);
	rt_expect("read count 2^63", rd(0, HUGE_COUNT, gpa), -FALLOW_ERANGE);
	rt_expect("read count 2^64-1", rd(1, UINT64_MAX, gpa), -FALLOW_ERANGE);
	rt_expect("read at the end", rd(sectors, 1, gpa), -FALLOW_ERANGE);
	rt_expect("write at the end", wr(sectors, 1, gpa), -FALLOW_ERANGE);
	rt_expect("read across the end", rd(sectors - 1, 2, gpa), -FALLOW_ERANGE);
	rt_expect("write across the end", wr(sectors - 1, 2, gpa), -FALLOW_ERANGE);
	rt_expect("read at sector 2^64-1", rd(UINT64_MAX, 1, gpa), -FALLOW_ERANGE);
	rt_expect("write wrapping 2^64", wr(UINT64_MAX - 1, FALLOW_DISK_MAX_SECTORS, gpa),
	          -FALLOW_ERANGE);
	rt_expect("read the last sector", rd(sectors - 1, 1, gpa), 1);
}

/* A refused write must leave `sector`'s page as it was. */
static void write_refused(const char *what, uint64_t sector, uint64_t count, uint64_t gpa,
			  int64_t err)
{
	uint64_t page = sector / SECTORS_PER_PAGE * SECTORS_PER_PAGE;

	rt_expect("read before", disk_read(page, SECTORS_PER_PAGE, before), SECTORS_PER_PAGE);
	rt_expect(what, wr(sector, count, gpa), err);
	rt_expect("read after", disk_read(page, SECTORS_PER_PAGE, after), SECTORS_PER_PAGE);
	rt_expect_true("a refused write changed nothing", !memcmp(before, after, sizeof(after)));
}

/* A refused read must leave the part of the range it owns untouched. */
static void read_refused(const char *what, uint64_t count, uint64_t gpa, uint8_t *own,
			 uint64_t own_len)
{
	memset(own, UNTOUCHED, own_len);
	rt_expect(what, rd(0, count, gpa), -FALLOW_EFAULT);
	rt_expect_true("a refused read wrote nothing", all(own, own_len, UNTOUCHED));
}

/* A page handed back to the hypervisor: its address, or 0 if refused. */
static uint64_t balloon_one(void)
{
	uint8_t *p = page_alloc();
	static uint64_t gfn;

	if (!p)
		return 0;
	gfn = (uintptr_t)p / FALLOW_PAGE_SIZE;
	if (hc_balloon_release(&gfn, 1) != 1)
		return 0;
	return gfn * FALLOW_PAGE_SIZE;
}

static void bad_ranges(const struct fallow_start_info *si)
{
	/* Fresh pages come in ascending order: own, then the one released. */
	uint8_t *own = page_alloc();
	uint64_t ram = si->ram_bytes, gone = balloon_one();
	/* A page of the guest's own just below the end of RAM. */
	uint8_t *last = (uint8_t *)(uintptr_t)(ram - FALLOW_PAGE_SIZE);

	write_refused("write from past RAM", 8, 1, ram, -FALLOW_EFAULT);
	write_refused("write straddling the end of RAM", 8, 2, ram - FALLOW_SECTOR_SIZE,
		      -FALLOW_EFAULT);
	write_refused("write from a range wrapping 2^64", 8, 2, UINT64_MAX - FALLOW_SECTOR_SIZE + 1,
		      -FALLOW_EFAULT);
	write_refused("write from 2^63", 8, 1, 1ull << 63, -FALLOW_EFAULT);
	read_refused("read straddling the end of RAM", 2, ram - FALLOW_SECTOR_SIZE,
		     last + FALLOW_PAGE_SIZE - FALLOW_SECTOR_SIZE, FALLOW_SECTOR_SIZE);
	read_refused("read into a range wrapping 2^64", 1, UINT64_MAX - 3, buf, 0);
	rt_expect_true("ballooned away the page after one of its own",
		       own && gone == (uintptr_t)own + FALLOW_PAGE_SIZE);
	if (own && gone == (uintptr_t)own + FALLOW_PAGE_SIZE) {
		write_refused("write from a released page", 8, 1, gone, -FALLOW_EFAULT);
		write_refused("write from a range running into a released page", 8,
			      2 * SECTORS_PER_PAGE, (uintptr_t)own, -FALLOW_EFAULT);
		read_refused("read running into a released page", 2 * SECTORS_PER_PAGE,
			     (uintptr_t)own, own, FALLOW_PAGE_SIZE);
	}
	/* Unaligned but owned is fine: sectors need not be page-aligned. */
	rt_expect("read to an unaligned buffer", rd(0, 3, (uintptr_t)buf + 7), 3);
}

static void bad_info(void)
{
	struct fallow_disk_info info;

	rt_expect("info with a short buffer",
	          fallow_hypercall3(FALLOW_HC_DISK_INFO, (uintptr_t)&info, sizeof(info) - 1, 0),
	          -FALLOW_EINVAL);
	rt_expect("info into past RAM",
	          fallow_hypercall3(FALLOW_HC_DISK_INFO, rt_start_info()->ram_bytes, sizeof(info), 0),
	          -FALLOW_EFAULT);
}

/* What a write that succeeds does is visible to this guest at once. */
static void good_write(void)
{
	memset(buf, WRITTEN, FALLOW_SECTOR_SIZE);
	rt_expect("write one sector", disk_write(9, 1, buf), 1);
	memset(buf, 0, FALLOW_SECTOR_SIZE);
	rt_expect("read it back", disk_read(9, 1, buf), 1);
	rt_expect_true("it reads as written", all(buf, FALLOW_SECTOR_SIZE, WRITTEN));
}

static void fill_until_refused(uint64_t sectors, int64_t want, const char *name)
{
	const uint64_t n = FALLOW_DISK_MAX_SECTORS, bytes = n * FALLOW_SECTOR_SIZE;
	uint64_t s = 0;
	int64_t r = 0;

	memset(buf, WRITTEN, bytes);
	for (; s + n <= sectors; s += n)
		if ((r = disk_write(s, n, buf)) != (int64_t)n)
			break;
	rt_expect("filling the disk ends in the expected error", r, want);
	rt_expect("read the refused range", disk_read(s, n, buf), (int64_t)n);
	rt_expect_true("the refused write wrote nothing", all(buf, bytes, 0));
	rt_expect("read the first range", disk_read(0, n, buf), (int64_t)n);
	rt_expect_true("earlier writes are intact", all(buf, bytes, WRITTEN));
	rt_printf("hostile_disk: %llu sectors written before %s\n", (unsigned long long)s, name);
}

static void no_tmem(void)
{
	struct rt_oid oid = { { 1, 2, 3 } };

	rt_expect("tmem=off: new pool", hc_tmem_new_pool(0, 0, 0), -FALLOW_EPERM);
	rt_expect("tmem=off: persistent pool", hc_tmem_new_pool(FALLOW_TMEM_PERSISTENT, 0, 0),
	          -FALLOW_EPERM);
	rt_expect("tmem=off: put", hc_tmem_put(0, &oid, 0, buf), -FALLOW_EPERM);
	rt_expect("tmem=off: get", hc_tmem_get(0, &oid, 0, buf), -FALLOW_EPERM);
}

static void cpu_time(void)
{
	int64_t a = hc_cpu_time(), b = hc_cpu_time();

	rt_expect_true("cpu time is positive and grows", a > 0 && b > a);
}

int guest_main(const struct fallow_start_info *si)
{
	struct fallow_disk_info info;

	rt_check_begin("hostile_disk");
	cpu_time();
	if (rt_cmdline_has("notmem"))
		no_tmem();
	if (rt_cmdline_has("nodisk")) {
		no_disk();
	} else {
		rt_expect("disk info", disk_info(&info), 0);
		bad_counts(info.sectors);
		bad_ranges(si);
		bad_info();
		good_write();
		if (rt_cmdline_has("fill"))
			fill_until_refused(info.sectors, -FALLOW_ENOMEM, "ENOMEM");
		else if (rt_cmdline_has("fill_store"))
			fill_until_refused(info.sectors, -FALLOW_ENOSPC, "ENOSPC");
	}
	return rt_check_end();
}
