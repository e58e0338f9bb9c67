/* The ELF kind's glue: guest/load/elf.c's loader written over the
 * guest's RAM, then the identity-map page tables and the start-info page
 * (ABI.md's start convention). Every guest write goes through the one
 * load target loader_target() makes, onto gmem. */
#include "guest/loader.h"
#include "guest/load/elf.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/phys.h"
#include "vmx/gmem.h"

/* The one way guest/ loads into a guest's RAM: every loader writes
 * through this target. */
static int write_gmem(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return gmem_write(ctx, gpa, src, len);
}

struct load_target loader_target(struct guest *g)
{
	return (struct load_target){ &g->ept, g->cfg.mem, write_gmem };
}

/* x86 page-table entry bits (SDM vol. 3, 4.5). */
#define PTE_PRESENT 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_LARGE 0x80ull
#define PT_ENTRIES 512ull
#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)

static int put_entry(const struct load_target *t, uint64_t table, uint64_t index,
		     uint64_t val)
{
	return t->write(t->ctx, table + index * sizeof(val), &val, sizeof(val));
}

/* Layout at FALLOW_PAGE_TABLES_GPA: PML4, PDPT, one PD per GiB, then one
 * PT for a RAM tail that is not a whole 2 MiB page. */
static int64_t build_page_tables(const struct load_target *t)
{
	uint64_t ram = t->ram_bytes;
	uint64_t pml4 = FALLOW_PAGE_TABLES_GPA, pdpt = pml4 + FRAME_SIZE;
	uint64_t pd0 = pdpt + FRAME_SIZE;
	uint64_t npd = (ram + PAGE_1G - 1) / PAGE_1G;
	uint64_t pt = pd0 + npd * FRAME_SIZE;
	int err = put_entry(t, pml4, 0, pdpt | PTE_PRESENT | PTE_WRITE);

	if (pt + FRAME_SIZE > FALLOW_STACK_BOTTOM)
		return -ERR_RANGE; /* cannot happen below FALLOW_MAX_RAM */
	for (uint64_t i = 0; !err && i < npd; i++)
		err = put_entry(t, pdpt, i, (pd0 + i * FRAME_SIZE) | PTE_PRESENT | PTE_WRITE);
	for (uint64_t a = 0; !err && a + PAGE_2M <= ram; a += PAGE_2M)
		err = put_entry(t, pd0, a / PAGE_2M,
				a | PTE_PRESENT | PTE_WRITE | PTE_LARGE);
	if (!err && ram % PAGE_2M) {
		uint64_t base = ram - ram % PAGE_2M;

		err = put_entry(t, pd0, base / PAGE_2M, pt | PTE_PRESENT | PTE_WRITE);
		for (uint64_t a = base; !err && a < ram; a += FRAME_SIZE)
			err = put_entry(t, pt, (a - base) / FRAME_SIZE,
					a | PTE_PRESENT | PTE_WRITE);
	}
	return err ? err : (int64_t)pml4;
}

static int write_start_info(const struct load_target *t, const struct guest *g,
			    const struct elf_image *img, uint64_t tsc_hz)
{
	static struct fallow_start_info si; /* 1 KiB+: not on the stack */

	si = (struct fallow_start_info){
		.magic = FALLOW_START_MAGIC,
		.abi_version = FALLOW_ABI_VERSION,
		.size = sizeof(si),
		.ram_bytes = g->cfg.mem,
		.maxmem_bytes = g->cfg.maxmem,
		.tsc_hz = tsc_hz,
		.image_start = img->start,
		.image_end = img->end,
		.free_start = (img->end + FRAME_SIZE - 1) & ~(uint64_t)FRAME_MASK,
	};
	fmt_snprintf(si.name, sizeof(si.name), "%s", g->cfg.name);
	fmt_snprintf(si.cmdline, sizeof(si.cmdline), "%s", g->cfg.cmdline);
	return t->write(t->ctx, FALLOW_START_INFO_GPA, &si, sizeof(si));
}

/* The ELF kind: ABI.md's start convention (RDI = RSI = start-info, the
 * stack below FALLOW_STACK_TOP, CS/DS from the VMCS, no GDT). */
#define ELF_CS_SEL 0x08u
#define ELF_DS_SEL 0x10u
/* Every exception exits: a guest without an IDT is killed with the
 * vector named instead of triple-faulting silently. */
#define ELF_EXCEPTIONS_ALL 0xffffffffu

static int load_elf_guest(struct guest *g, const struct boot_module *mod,
			  struct guest_entry *e, char *why, size_t whylen)
{
	struct load_target t = loader_target(g);
	struct elf_image img;
	int err = load_elf(&t, phys_to_virt(mod->start), mod->end - mod->start, &img, why,
			   whylen);

	if (err)
		return err;
	int64_t cr3 = build_page_tables(&t);

	if (cr3 < 0 || (err = write_start_info(&t, g, &img, vmx_tsc_hz))) {
		fmt_snprintf(why, whylen, "could not write page tables or start-info");
		return cr3 < 0 ? (int)cr3 : err;
	}
	*e = (struct guest_entry){
		.rip = img.entry, .rsp = FALLOW_STACK_TOP,
		.rsi = FALLOW_START_INFO_GPA, .rdi = FALLOW_START_INFO_GPA,
		.cr3 = (uint64_t)cr3, .cs = ELF_CS_SEL, .ds = ELF_DS_SEL,
		.exception_bitmap = ELF_EXCEPTIONS_ALL,
	};
	return 0;
}

static const struct guest_loader loader_elf = { "elf", NULL, load_elf_guest };

static const struct guest_loader *const loaders[GUEST_KIND_COUNT] = {
	[GUEST_KIND_ELF] = &loader_elf,
	[GUEST_KIND_LINUX] = &loader_linux,
};

const struct guest_loader *loader_for(enum guest_kind kind)
{
	return kind < GUEST_KIND_COUNT ? loaders[kind] : NULL;
}
