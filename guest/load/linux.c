/* Where a Linux guest's pieces go, and writing them there. The kernel
 * runs where it prefers (pref_address, 16 MiB for Debian's 6.1) or not
 * at all: refusing is clearer than relocating a guest kernel to a place
 * nobody tested. The initrd goes as high as RAM and initrd_addr_max
 * allow, where the kernel's early allocations are least likely to be. */
#include "guest/load/load.h"
#include "guest/load/bootparam.h"
#include "guest/load/e820.h"
#include "guest/load/ident.h"
#include "guest/load/zeropage.h"
#include "lib/fmt.h"

#define MIB(v) ((unsigned long long)((v) >> 20))
#define U64(v) ((unsigned long long)(v))

static int check_ram(uint64_t ram, char *why, size_t whylen)
{
	if (ram % LOAD_PAGE_SIZE) {
		fmt_snprintf(why, whylen, "mem 0x%llx is not a whole number of 4 KiB pages", U64(ram));
		return -LOAD_ERR_MEM;
	}
	if (ram > LOAD_MAX_RAM) {
		fmt_snprintf(why, whylen, "mem %llu MiB is above the loader's %llu MiB",
			     MIB(ram), MIB(LOAD_MAX_RAM));
		return -LOAD_ERR_MEM;
	}
	if (ram <= LOAD_HIGH_RAM_BASE) {
		fmt_snprintf(why, whylen, "mem %llu KiB leaves no RAM above 1 MiB",
			     U64(ram >> 10));
		return -LOAD_ERR_MEM;
	}
	return 0;
}

static int place_kernel(uint64_t ram, struct load_plan *p, char *why, size_t whylen)
{
	uint64_t start = p->bz.pref_address, size = p->bz.init_size;

	if (start < LOAD_HIGH_RAM_BASE) {
		fmt_snprintf(why, whylen, "bad setup header: pref_address 0x%llx is below 1 MiB",
			     U64(start));
		return -LOAD_ERR_BAD_HEADER;
	}
	if (start >= ram || size > ram - start) {
		fmt_snprintf(why, whylen,
			     "kernel does not fit in mem: it needs [0x%llx, 0x%llx) (pref_address + init_size), mem is %llu MiB",
			     U64(start), U64(start + size), MIB(ram));
		return -LOAD_ERR_KERNEL_FIT;
	}
	p->kernel = (struct load_region){ start, size };
	p->entry = start + BP_ENTRY64_OFFSET;
	return 0;
}

static int place_cmdline(const struct load_linux_input *in, struct load_plan *p,
			 char *why, size_t whylen)
{
	uint64_t limit = p->bz.cmdline_size;

	if (limit > LOAD_CMDLINE_ROOM - 1)
		limit = LOAD_CMDLINE_ROOM - 1;
	if (in->cmdline_len > limit) {
		fmt_snprintf(why, whylen, "command line of %llu bytes is too long: at most %llu (cmdline_size %u)",
			     U64(in->cmdline_len), U64(limit), p->bz.cmdline_size);
		return -LOAD_ERR_CMDLINE_LONG;
	}
	p->cmdline = (struct load_region){ LOAD_CMDLINE_GPA, in->cmdline_len + 1 };
	return 0;
}

/* Highest page-aligned place below both RAM's end and initrd_addr_max
 * (the last byte it may occupy), above the kernel's init_size. */
static int place_initrd(uint64_t ram, uint64_t size, struct load_plan *p,
			char *why, size_t whylen)
{
	uint64_t top = ram, floor = p->kernel.gpa + p->kernel.size;

	if (size == 0)
		return 0;
	if (p->bz.initrd_max < top - 1)
		top = p->bz.initrd_max + 1;
	if (size > top || ((top - size) & ~(LOAD_PAGE_SIZE - 1)) < floor) {
		fmt_snprintf(why, whylen,
			     "initrd does not fit: %llu KiB, room between the kernel's end 0x%llx and 0x%llx",
			     U64((size + 1023) >> 10), U64(floor), U64(top));
		return -LOAD_ERR_INITRD_FIT;
	}
	p->initrd = (struct load_region){ (top - size) & ~(LOAD_PAGE_SIZE - 1), size };
	return 0;
}

int load_linux_plan(uint64_t ram, const struct load_linux_input *in,
		    struct load_plan *p, char *why, size_t whylen)
{
	int err;

	*p = (struct load_plan){ 0 };
	if ((err = check_ram(ram, why, whylen)) ||
	    (err = bzimage_parse(in->kernel, in->kernel_size, &p->bz, why, whylen)) ||
	    (err = place_kernel(ram, p, why, whylen)) ||
	    (err = place_cmdline(in, p, why, whylen)) ||
	    (err = place_initrd(ram, in->initrd ? in->initrd_size : 0, p, why, whylen)))
		return err;
	p->zero_page = (struct load_region){ LOAD_ZERO_PAGE_GPA, BP_ZERO_PAGE_SIZE };
	p->boot_params = LOAD_ZERO_PAGE_GPA;
	p->gdt = (struct load_region){ LOAD_GDT_GPA, IDENT_GDT_BYTES };
	p->gdt_base = LOAD_GDT_GPA;
	p->gdt_limit = IDENT_GDT_BYTES - 1;
	p->cs = LOAD_BOOT_CS;
	p->ds = LOAD_BOOT_DS;
	p->page_tables = (struct load_region){ LOAD_PAGE_TABLES_GPA, ident_tables_size(ram) };
	p->cr3 = LOAD_PAGE_TABLES_GPA;
	p->mapped = ident_mapped(ram);
	p->low_reserved = (struct load_region){
		0, p->page_tables.gpa + p->page_tables.size };
	return 0;
}

static int wrote(int err, const char *what, uint64_t gpa, char *why, size_t whylen)
{
	if (!err)
		return 0;
	fmt_snprintf(why, whylen, "writing the %s at 0x%llx failed (%d)", what, U64(gpa), err);
	return -LOAD_ERR_WRITE;
}

int load_linux_write(const struct load_target *t, const struct load_linux_input *in,
		     const struct load_plan *p, char *why, size_t whylen)
{
	static uint8_t zero_page[BP_ZERO_PAGE_SIZE]; /* loading is never concurrent */
	const uint8_t *image = in->kernel;
	const char nul = '\0';
	struct e820_map map;
	int err = e820_build(&map, p->low_reserved.size, t->ram_bytes);

	if (err) {
		fmt_snprintf(why, whylen, "no e820 map for mem 0x%llx", U64(t->ram_bytes));
		return err;
	}
	zeropage_build(zero_page, image, p, &map);
	if ((err = wrote(t->write(t->ctx, p->zero_page.gpa, zero_page, sizeof(zero_page)),
			 "zero page", p->zero_page.gpa, why, whylen)) ||
	    (in->cmdline_len &&
	     (err = wrote(t->write(t->ctx, p->cmdline.gpa, in->cmdline, in->cmdline_len),
			  "command line", p->cmdline.gpa, why, whylen))) ||
	    (err = wrote(t->write(t->ctx, p->cmdline.gpa + in->cmdline_len, &nul, 1),
			 "command line", p->cmdline.gpa, why, whylen)) ||
	    (err = wrote(ident_write_gdt(t, p->gdt.gpa), "GDT", p->gdt.gpa, why, whylen)) ||
	    (err = wrote(ident_write(t, p->page_tables.gpa, t->ram_bytes), "page tables",
			 p->page_tables.gpa, why, whylen)) ||
	    (err = wrote(t->write(t->ctx, p->kernel.gpa, image + p->bz.kernel_offset,
				  p->bz.kernel_size), "kernel", p->kernel.gpa, why, whylen)))
		return err;
	if (p->initrd.size)
		err = wrote(t->write(t->ctx, p->initrd.gpa, in->initrd, p->initrd.size),
			    "initrd", p->initrd.gpa, why, whylen);
	return err;
}

int load_linux(const struct load_target *t, const struct load_linux_input *in,
	       struct load_plan *plan, char *why, size_t whylen)
{
	int err = load_linux_plan(t->ram_bytes, in, plan, why, whylen);

	return err ? err : load_linux_write(t, in, plan, why, whylen);
}
