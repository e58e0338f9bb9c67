/* kmain: from the boot loader's hand-off to a powered-off machine, in the
 * order the console shows it. Each step that can fail says why on one
 * line and powers off with failure. */
#include <stdint.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuinfo.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/tsc.h"
#include "boot/options.h"
#include "lib/cmdline.h"
#include "lib/err.h"
#include "mm/frame.h"
#include "mm/memmap.h"
#include "mm/selftest.h"
#include "vmx/caps.h"
#include "sched/run.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MBI_MAX_BYTES (1u << 20) /* GRUB's is a few KiB; bound a bad one */
#define BOOT_MAPPED_END (4ull << 30)
#define LOW_MEMORY_END (1ull << 20) /* BIOS data, EBDA, option ROMs */
#define KIB 1024ull

/* Below this much usable RAM Fallow refuses to start. The hypervisor
 * itself needs only a few MiB (image, allocator metadata, page tables),
 * but a machine that cannot also hold the smallest useful guest (16 MiB)
 * plus a tmem pool worth having is a configuration error better reported
 * at boot than as an allocation failure later. 48 MiB sits between what
 * QEMU -m 32 leaves usable (~31 MiB, refused) and -m 64 (~63 MiB, boots). */
#define FALLOW_MIN_RAM_KIB (48ull * 1024)

/* An address no mapping covers: canonical, far above any RAM we map. */
#define SELFTEST_FAULT_ADDR 0x00007fffdead0000ull

#define NRESERVED_MAX (4 + MEMMAP_MAX_MODULES)

extern char _kernel_start[], _kernel_end[];

void kmain(uint32_t magic, uint32_t mbi_pa);

static struct boot_info bi;

static void banner(void)
{
	kprintf("Fallow " FALLOW_VERSION
		" (x86_64 VT-x microhypervisor with transcendent memory)\n");
}

/* Before the command line is read the console cannot know whether the
 * user asked for port 0xE9, so a failure that early goes to both. */
static void parse_boot_info(uint32_t magic, uint32_t mbi_pa, struct kernel_options *opts)
{
	const char *why = "";
	char err[CMDLINE_ERR_LEN];
	uint64_t limit = BOOT_MAPPED_END - mbi_pa;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		console_set_e9(true);
		banner();
		kprintf("fallow: not started by a multiboot2 loader (EAX=0x%x, expected 0x%x)\n",
			magic, MB2_BOOTLOADER_MAGIC);
		power_off(false);
	}
	if (memmap_parse(phys_to_virt(mbi_pa), mbi_pa,
			 limit < MBI_MAX_BYTES ? limit : MBI_MAX_BYTES, &bi, &why)) {
		console_set_e9(true);
		banner();
		kprintf("fallow: bad boot information: %s\n", why);
		power_off(false);
	}
	if (options_parse(bi.cmdline, opts, err, sizeof(err))) {
		console_set_e9(true);
		banner();
		kprintf("fallow: bad command line: %s\n", err);
		power_off(false);
	}
	console_set_e9(opts->console_e9);
	banner();
	kprintf("boot: loader '%s', command line '%s'\n", bi.loader_name, bi.cmdline);
}

static void print_memory(void)
{
	for (unsigned i = 0; i < bi.nregions; i++) {
		const struct mem_region *r = &bi.regions[i];

		kprintf("memmap: [0x%016llx, 0x%016llx) %10llu KiB %s\n",
			(unsigned long long)r->base, (unsigned long long)(r->base + r->len),
			(unsigned long long)(r->len / KIB), memmap_type_name(r->type));
	}
	kprintf("memmap: usable RAM %llu KiB\n",
		(unsigned long long)(memmap_usable_bytes(&bi) / KIB));
	for (unsigned i = 0; i < bi.nmodules; i++) {
		const struct boot_module *m = &bi.modules[i];

		kprintf("module %u: [0x%llx, 0x%llx) %llu KiB '%s'\n", i,
			(unsigned long long)m->start, (unsigned long long)m->end,
			(unsigned long long)((m->end - m->start) / KIB), m->cmdline);
	}
}

static struct phys_range kernel_range(void)
{
	return (struct phys_range){ (uintptr_t)_kernel_start, (uintptr_t)_kernel_end };
}

static struct phys_range page_round(paddr_t start, paddr_t end)
{
	return (struct phys_range){ start & ~FRAME_MASK, (end + FRAME_MASK) & ~FRAME_MASK };
}

static void check_ram(void)
{
	const char *why = "";
	uint64_t usable_kib = memmap_usable_bytes(&bi) / KIB;

	if (memmap_check_modules(&bi, kernel_range(), &why)) {
		kprintf("fallow: bad modules: %s\n", why);
		power_off(false);
	}
	if (usable_kib < FALLOW_MIN_RAM_KIB) {
		kprintf("fallow: too little RAM: %llu KiB usable, at least %llu KiB required\n",
			(unsigned long long)usable_kib, FALLOW_MIN_RAM_KIB);
		power_off(false);
	}
}

/* Maps all RAM, then hands every frame nobody else holds to the allocator. */
static void memory_init(void)
{
	struct phys_range res[NRESERVED_MAX];
	unsigned n = 0;
	struct phys_range tables;
	int rc;

	res[n++] = (struct phys_range){ 0, LOW_MEMORY_END };
	res[n++] = page_round(kernel_range().start, kernel_range().end);
	res[n++] = page_round(bi.mbi_start, bi.mbi_end);
	for (unsigned i = 0; i < bi.nmodules; i++)
		res[n++] = page_round(bi.modules[i].start, bi.modules[i].end);
	rc = paging_map_ram(&bi, res, n, &tables);
	if (rc) {
		kprintf("fallow: cannot map RAM above 4 GiB: %s\n", err_name(rc));
		power_off(false);
	}
	if (tables.end > tables.start)
		res[n++] = tables;
	if (paging_mapped_limit() > BOOT_MAPPED_END)
		kprintf("paging: RAM mapped 1:1 up to 0x%llx (%s pages above 4 GiB)\n",
			(unsigned long long)paging_mapped_limit(),
			paging_uses_1g_pages() ? "1 GiB" : "2 MiB");
	rc = frame_init(bi.regions, bi.nregions, res, n);
	if (rc) {
		kprintf("fallow: frame allocator: %s\n", err_name(rc));
		power_off(false);
	}
}

static void run_selftests(const struct kernel_options *opts)
{
	if (opts->selftest_mm) {
		struct mm_selftest_result r;

		if (mm_selftest(&r)) {
			kprintf("selftest: mm: FAILED: %s (first bad frame 0x%llx, %llu errors)\n",
				r.reason ? r.reason : "?", (unsigned long long)r.first_bad,
				(unsigned long long)r.errors);
			power_off(false);
		}
		kprintf("selftest: mm: %llu frames ok, %llu runs ok\n",
			(unsigned long long)r.frames_tested, (unsigned long long)r.runs_tested);
	}
	if (opts->selftest_fault) {
		kprintf("selftest: fault: reading unmapped address 0x%llx\n",
			SELFTEST_FAULT_ADDR);
		(void)*(volatile uint64_t *)(uintptr_t)SELFTEST_FAULT_ADDR;
		panic("selftest=fault: reading 0x%llx did not fault", SELFTEST_FAULT_ADDR);
	}
}

static void print_stats(void)
{
	struct frame_stats s;

	frame_get_stats(&s);
	kprintf("stats: total=%llu free=%llu freeable=%llu owned=%llu\n",
		(unsigned long long)s.total, (unsigned long long)s.free,
		(unsigned long long)s.freeable, (unsigned long long)s.owned);
	if (s.free + s.freeable + s.owned != s.total)
		panic("memory invariant broken: free %llu + freeable %llu + owned %llu != total %llu",
		      (unsigned long long)s.free, (unsigned long long)s.freeable,
		      (unsigned long long)s.owned, (unsigned long long)s.total);
}

/* `at kmain`: the TSC when the boot loader handed over, so a benchmark
 * can tell firmware and loader time from Fallow's own (make bench-linux). */
static void print_tsc(uint64_t kmain_tsc)
{
	struct tsc_info t;

	tsc_init(&t);
	kprintf("tsc: %llu.%03llu MHz (%s), at kmain %llu\n",
		(unsigned long long)(t.hz / 1000000), (unsigned long long)(t.hz / 1000 % 1000),
		t.source, (unsigned long long)kmain_tsc);
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	uint64_t kmain_tsc = rdtsc();
	struct kernel_options opts;
	struct vmx_caps vmx;

	console_init();
	gdt_init();
	idt_init();
	pic_mask_all();
	parse_boot_info(magic, mbi_pa, &opts);
	print_memory();
	check_ram();
	memory_init();
	kprintf("acpi: %s\n", acpi_init(bi.acpi_rsdp, bi.acpi_rsdp_len)
				      ? "S5 soft-off available"
				      : "no S5 soft-off found");
	cpuinfo_report();
	fpu_init(); /* before any guest: HOST_CR4 and XCR0 are taken from it */
	vmx_caps_probe(&vmx);
	vmx_caps_report(&vmx);
	print_tsc(kmain_tsc);
	run_selftests(&opts);
	print_stats();
	struct vmx_run_params params = {
		.slice_us = opts.slice_us,
		.stats_interval_s = opts.stats_interval_s,
		.disk = opts.disk,
		.disk_store_bytes = opts.disk_store_bytes,
	};

	vmx_run_guests(&bi, &vmx, &params); /* guests, their summary, stats: lines */
	power_off(true);
}
