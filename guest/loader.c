/* ELF64 loading with every field distrusted (the module is input), and
 * the guest's initial page tables. All guest writes go through gmem. */
#include "guest/loader.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "mm/phys.h"
#include "vmx/gmem.h"

/* ELF64 (System V ABI, "ELF-64 Object File Format"). */
#define EI_NIDENT 16
#define ELF_MAGIC0 0x7f
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define ELF_MAX_PHDRS 16

struct elf64_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

static int refuse(char *why, size_t whylen, const char *reason)
{
	fmt_snprintf(why, whylen, "bad ELF image: %s", reason);
	return -ERR_CORRUPT;
}

static const char *header_problem(const struct elf64_ehdr *eh, uint64_t size)
{
	if (size < sizeof(*eh))
		return "shorter than an ELF64 header";
	if (eh->e_ident[0] != ELF_MAGIC0 || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
		return "no ELF magic";
	if (eh->e_ident[4] != ELFCLASS64)
		return "not ELFCLASS64";
	if (eh->e_ident[5] != ELFDATA2LSB)
		return "not little-endian";
	if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_type != ET_EXEC)
		return "not ET_EXEC";
	if (eh->e_machine != EM_X86_64)
		return "not x86_64";
	if (eh->e_ehsize != sizeof(*eh))
		return "e_ehsize is not 64";
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return "e_phentsize is not 56";
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return "e_phnum is 0 or more than 16";
	if (eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
		return "program headers outside the file";
	if (eh->e_phoff % 8)
		return "program headers misaligned";
	return 0;
}

static const char *segment_problem(const struct elf64_phdr *ph, uint64_t size,
				   uint64_t ram)
{
	if (ph->p_filesz > ph->p_memsz)
		return "segment p_filesz > p_memsz";
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return "segment data outside the file";
	if (ph->p_vaddr != ph->p_paddr)
		return "segment p_vaddr != p_paddr (guests run identity-mapped)";
	if (ph->p_paddr < FALLOW_IMAGE_BASE)
		return "segment below FALLOW_IMAGE_BASE";
	if (ph->p_paddr >= ram || ph->p_memsz > ram - ph->p_paddr)
		return "segment does not fit in the guest's RAM";
	return 0;
}

int loader_load_elf(struct guest *g, const void *image, uint64_t size,
		    struct guest_image *out, char *why, size_t whylen)
{
	const struct elf64_ehdr *eh = image;
	const char *problem = header_problem(eh, size);
	bool entry_ok = false;

	if (problem)
		return refuse(why, whylen, problem);
	*out = (struct guest_image){ .entry = eh->e_entry, .start = UINT64_MAX };
	const struct elf64_phdr *ph =
		(const struct elf64_phdr *)((const char *)image + eh->e_phoff);

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		problem = segment_problem(&ph[i], size, g->cfg.mem);
		if (problem)
			return refuse(why, whylen, problem);
		/* RAM is zeroed at creation, so the bss needs no writes. */
		if (gmem_write(&g->ept, ph[i].p_paddr, (const char *)image + ph[i].p_offset,
			       ph[i].p_filesz))
			return refuse(why, whylen, "segment write failed");
		if (ph[i].p_paddr < out->start)
			out->start = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_memsz > out->end)
			out->end = ph[i].p_paddr + ph[i].p_memsz;
		if ((ph[i].p_flags & PF_X) && eh->e_entry >= ph[i].p_paddr &&
		    eh->e_entry - ph[i].p_paddr < ph[i].p_memsz)
			entry_ok = true;
	}
	if (out->start == UINT64_MAX)
		return refuse(why, whylen, "no loadable segment");
	if (!entry_ok)
		return refuse(why, whylen, "entry point not in an executable segment");
	return 0;
}

/* x86 page-table entry bits (SDM vol. 3, 4.5). */
#define PTE_PRESENT 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_LARGE 0x80ull
#define PT_ENTRIES 512ull
#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)

static int put_entry(struct guest *g, uint64_t table, uint64_t index, uint64_t val)
{
	return gmem_write(&g->ept, table + index * sizeof(val), &val, sizeof(val));
}

/* Layout at FALLOW_PAGE_TABLES_GPA: PML4, PDPT, one PD per GiB, then one
 * PT for a RAM tail that is not a whole 2 MiB page. */
int64_t loader_build_page_tables(struct guest *g)
{
	uint64_t ram = g->cfg.mem;
	uint64_t pml4 = FALLOW_PAGE_TABLES_GPA, pdpt = pml4 + FRAME_SIZE;
	uint64_t pd0 = pdpt + FRAME_SIZE;
	uint64_t npd = (ram + PAGE_1G - 1) / PAGE_1G;
	uint64_t pt = pd0 + npd * FRAME_SIZE;
	int err = put_entry(g, pml4, 0, pdpt | PTE_PRESENT | PTE_WRITE);

	if (pt + FRAME_SIZE > FALLOW_STACK_BOTTOM)
		return -ERR_RANGE; /* cannot happen below FALLOW_MAX_RAM */
	for (uint64_t i = 0; !err && i < npd; i++)
		err = put_entry(g, pdpt, i, (pd0 + i * FRAME_SIZE) | PTE_PRESENT | PTE_WRITE);
	for (uint64_t a = 0; !err && a + PAGE_2M <= ram; a += PAGE_2M)
		err = put_entry(g, pd0, a / PAGE_2M,
				a | PTE_PRESENT | PTE_WRITE | PTE_LARGE);
	if (!err && ram % PAGE_2M) {
		uint64_t base = ram - ram % PAGE_2M;

		err = put_entry(g, pd0, base / PAGE_2M, pt | PTE_PRESENT | PTE_WRITE);
		for (uint64_t a = base; !err && a < ram; a += FRAME_SIZE)
			err = put_entry(g, pt, (a - base) / FRAME_SIZE,
					a | PTE_PRESENT | PTE_WRITE);
	}
	return err ? err : (int64_t)pml4;
}

int loader_write_start_info(struct guest *g, const struct guest_image *img,
			    uint64_t tsc_hz)
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
	return gmem_write(&g->ept, FALLOW_START_INFO_GPA, &si, sizeof(si));
}

/* The ELF kind: ABI.md's start convention (RDI = RSI = start-info, the
 * stack below FALLOW_STACK_TOP, CS/DS from the VMCS, no GDT). */
#define ELF_CS_SEL 0x08u
#define ELF_DS_SEL 0x10u
/* Every exception exits: a guest without an IDT is killed with the
 * vector named instead of triple-faulting silently. */
#define ELF_EXCEPTIONS_ALL 0xffffffffu

static int load_elf(struct guest *g, const struct boot_module *mod,
		    struct guest_entry *e, char *why, size_t whylen)
{
	struct guest_image img;
	int err = loader_load_elf(g, phys_to_virt(mod->start), mod->end - mod->start,
				  &img, why, whylen);

	if (err)
		return err;
	int64_t cr3 = loader_build_page_tables(g);

	if (cr3 < 0 || (err = loader_write_start_info(g, &img, vmx_tsc_hz))) {
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

static const struct guest_loader loader_elf = { "elf", NULL, load_elf };

static const struct guest_loader *const loaders[GUEST_KIND_COUNT] = {
	[GUEST_KIND_ELF] = &loader_elf,
	[GUEST_KIND_LINUX] = &loader_linux,
};

const struct guest_loader *loader_for(enum guest_kind kind)
{
	return kind < GUEST_KIND_COUNT ? loaders[kind] : NULL;
}
