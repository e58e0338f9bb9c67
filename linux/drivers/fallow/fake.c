// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for Fallow, for testing these drivers on a machine without
 * it (tests/linux/bare-boot.sh boots the kernel under QEMU TCG with
 * fallow.fake=1). Off unless that word is on the command line, first
 * among the fallow words (early parameters are read in order); then
 * fallow_present() says yes and every hypercall lands here instead of
 * VMCALL. It keeps the ABI's contracts where the drivers depend on them:
 *
 *  - CONSOLE_WRITE: bytes out of COM1's data port;
 *  - DISK_*: a RAM disk of fallow.fake_disk_kb, the ABI's limits checked;
 *  - BALLOON_*: a bitmap of released gfns with the ABI's per-entry errors
 *    and stop-at-first-refusal rule; populated pages come back zeroed;
 *  - MEM_TARGET: fallow.fake_target (pages, writable in sysfs), MEM_POST
 *    kept in fallow.fake_posted_actual;
 *  - EXIT: the status to QEMU's isa-debug-exit port (QEMU exits with
 *    status * 2 + 1).
 */
#include <linux/bitmap.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <fallow/fallow.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "fallow."

#define FAKE_COM1_LSR (FALLOW_COM1_PORT + 5)
#define FAKE_LSR_THRE 0x20
#define FAKE_DEBUG_EXIT_PORT 0xf4 /* QEMU -device isa-debug-exit default */
#define FAKE_HYPERCALL_COUNT FALLOW_HC_COUNT

bool fallow_fake_active;

static unsigned long fake_disk_kb = 4096;
module_param(fake_disk_kb, ulong, 0444);
MODULE_PARM_DESC(fake_disk_kb, "fake Fallow: RAM disk size");

static unsigned long fake_target;
module_param(fake_target, ulong, 0644);
MODULE_PARM_DESC(fake_target, "fake Fallow: the console's memory target in pages (0: none)");

static unsigned long fake_posted_actual;
module_param(fake_posted_actual, ulong, 0444);
MODULE_PARM_DESC(fake_posted_actual, "fake Fallow: actual pages of the last MEM_POST");

static u8 *disk;
static u64 disk_sectors;
static unsigned long *released; /* one bit per gfn */
static u64 ram_pages;

static int __init fake_setup(char *arg)
{
	fallow_fake_active = !arg || !strcmp(arg, "1") || !strcmp(arg, "y");
	return 0;
}
early_param("fallow.fake", fake_setup);

/* The ABI's one address check: [gpa, gpa + len) inside RAM (once RAM
 * is known: earlyprintk writes before setup_arch reads the e820 map; the
 * early page-fault handler maps __va() on demand then). */
static void *fake_map(u64 gpa, u64 len)
{
	u64 end = max_pfn ? (u64)max_pfn << PAGE_SHIFT : U64_MAX;

	if (gpa + len < gpa || gpa + len > end)
		return NULL;
	return __va(gpa);
}

static long fake_console(u64 gpa, u64 len)
{
	const char *s;
	u64 i;

	if (len > FALLOW_CONSOLE_MAX)
		return -FALLOW_ERANGE;
	s = fake_map(gpa, len);
	if (!s)
		return -FALLOW_EFAULT;
	for (i = 0; i < len; i++) {
		while (!(inb(FAKE_COM1_LSR) & FAKE_LSR_THRE))
			cpu_relax();
		outb(s[i], FALLOW_COM1_PORT);
	}
	return len;
}

static long fake_disk(unsigned long nr, u64 sector, u64 count, u64 gpa)
{
	void *buf;

	if (!disk)
		return -FALLOW_ENOENT;
	if (!count)
		return -FALLOW_EINVAL;
	if (count > FALLOW_DISK_MAX_SECTORS || sector + count < sector ||
	    sector + count > disk_sectors)
		return -FALLOW_ERANGE;
	buf = fake_map(gpa, count * FALLOW_SECTOR_SIZE);
	if (!buf)
		return -FALLOW_EFAULT;
	if (nr == FALLOW_HC_DISK_READ)
		memcpy(buf, disk + sector * FALLOW_SECTOR_SIZE, count * FALLOW_SECTOR_SIZE);
	else
		memcpy(disk + sector * FALLOW_SECTOR_SIZE, buf, count * FALLOW_SECTOR_SIZE);
	return count;
}

static long fake_disk_info(u64 gpa, u64 len)
{
	struct fallow_disk_info *info;

	if (!disk)
		return -FALLOW_ENOENT;
	if (len < sizeof(*info))
		return -FALLOW_EINVAL;
	info = fake_map(gpa, sizeof(*info));
	if (!info)
		return -FALLOW_EFAULT;
	memset(info, 0, sizeof(*info));
	info->sectors = disk_sectors;
	info->sector_size = FALLOW_SECTOR_SIZE;
	strscpy(info->image, "fake", sizeof(info->image));
	return 0;
}

/* One entry's error, or 0 when it may act. */
static long fake_balloon_entry(bool release, u64 gfn)
{
	if (gfn >= ram_pages)
		return -FALLOW_ERANGE;
	if (release && gfn < FALLOW_BALLOON_FIRST_GFN)
		return -FALLOW_EPERM;
	if (release && test_bit(gfn, released))
		return -FALLOW_ENOENT;
	if (!release && !test_bit(gfn, released))
		return -FALLOW_EEXIST;
	return 0;
}

static long fake_balloon(bool release, u64 gpa, u64 count)
{
	const u64 *gfns;
	u64 i;

	if (!released)
		return -FALLOW_ENOMEM;
	if (count > FALLOW_BALLOON_BATCH_MAX)
		return -FALLOW_ERANGE;
	gfns = fake_map(gpa, count * sizeof(u64));
	if (!gfns)
		return -FALLOW_EFAULT;
	for (i = 0; i < count; i++) {
		long err = fake_balloon_entry(release, gfns[i]);

		if (err)
			return i ? (long)i : err;
		if (release) {
			set_bit(gfns[i], released);
		} else {
			clear_bit(gfns[i], released);
			memset(__va(gfns[i] << PAGE_SHIFT), 0, PAGE_SIZE);
		}
	}
	return count;
}

static long fake_abi_info(u64 gpa, u64 len)
{
	struct fallow_abi_info *info;

	if (len < sizeof(*info))
		return -FALLOW_EINVAL;
	info = fake_map(gpa, sizeof(*info));
	if (!info)
		return -FALLOW_EFAULT;
	memset(info, 0, sizeof(*info));
	info->abi_version = FALLOW_ABI_VERSION;
	info->hypercall_count = FAKE_HYPERCALL_COUNT;
	info->ram_bytes = ram_pages * FALLOW_PAGE_SIZE;
	info->maxmem_bytes = info->ram_bytes;
	return FALLOW_ABI_VERSION;
}

static long fake_mem_post(u64 gpa, u64 len)
{
	const struct fallow_mem_figures *f;

	if (len < sizeof(*f))
		return -FALLOW_EINVAL;
	f = fake_map(gpa, sizeof(*f));
	if (!f)
		return -FALLOW_EFAULT;
	WRITE_ONCE(fake_posted_actual, f->actual);
	return 0;
}

long fallow_fake_hypercall(unsigned long nr, unsigned long a1,
			   unsigned long a2, unsigned long a3)
{
	switch (nr) {
	case FALLOW_HC_ABI_VERSION:
		return FALLOW_ABI_VERSION;
	case FALLOW_HC_ABI_INFO:
		return fake_abi_info(a1, a2);
	case FALLOW_HC_CONSOLE_WRITE:
		return fake_console(a1, a2);
	case FALLOW_HC_EXIT:
		outb((u8)a1, FAKE_DEBUG_EXIT_PORT);
		return 0; /* no isa-debug-exit: fallow_exit halts */
	case FALLOW_HC_BALLOON_RELEASE:
	case FALLOW_HC_BALLOON_POPULATE:
		return fake_balloon(nr == FALLOW_HC_BALLOON_RELEASE, a1, a2);
	case FALLOW_HC_MEM_TARGET:
		return READ_ONCE(fake_target);
	case FALLOW_HC_MEM_POST:
		return fake_mem_post(a1, a2);
	case FALLOW_HC_DISK_INFO:
		return fake_disk_info(a1, a2);
	case FALLOW_HC_DISK_READ:
	case FALLOW_HC_DISK_WRITE:
		return fake_disk(nr, a1, a2, a3);
	default:
		return -FALLOW_ENOSYS;
	}
}

/* The disk and the balloon's bitmap, before the drivers' initcalls. */
static int __init fake_init(void)
{
	if (!fallow_fake_active)
		return 0;
	ram_pages = max_pfn;
	released = bitmap_zalloc(ram_pages, GFP_KERNEL);
	disk_sectors = fake_disk_kb * 2;
	disk = vzalloc(disk_sectors * FALLOW_SECTOR_SIZE);
	pr_info("fallow: fake Fallow (test double): %llu pages of RAM, %llu-sector RAM disk\n",
		ram_pages, disk ? disk_sectors : 0);
	return 0;
}
subsys_initcall(fake_init);
