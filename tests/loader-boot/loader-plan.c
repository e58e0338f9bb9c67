/* The host half of the loader-boot check: runs guest/load/'s Linux loader
 * over a target that keeps every written extent, then leaves in OUTDIR
 *   ext-N.bin   each contiguous extent the loader wrote,
 *   qemu-args   one QEMU argument a line: -device loader for each extent
 *               at its guest-physical address, -bios for the ROM,
 *   rom.bin     tests/loader-boot/rom.S's ROM with the plan's entry, RSI,
 *               CR3, GDT and selectors written into its parameter block,
 *   expect      lines Linux must print if it used the plan: its e820 map,
 *               RAMDISK range and command line.
 *   loader-plan ROM BZIMAGE INITRD MEM_MIB CMDLINE OUTDIR */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/load/bootparam.h"
#include "guest/load/e820.h"
#include "guest/load/load.h"
#include "tests/loader-boot/rom.h"

#define MAX_EXTENTS 64

struct extent {
	uint64_t gpa, len;
	uint8_t *bytes;
};

struct recorder {
	unsigned n;
	struct extent ext[MAX_EXTENTS];
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "loader-plan: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

/* Appends to the last extent when the write continues it (page tables,
 * a command line and its NUL), else starts one; overlaps are refused. */
static int record(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct recorder *r = ctx;
	struct extent *last = r->n ? &r->ext[r->n - 1] : NULL;

	for (unsigned i = 0; i < r->n; i++)
		if (gpa < r->ext[i].gpa + r->ext[i].len && r->ext[i].gpa < gpa + len)
			die("the loader wrote one place twice", NULL);
	if (!last || last->gpa + last->len != gpa) {
		if (r->n == MAX_EXTENTS)
			die("too many extents", NULL);
		last = &r->ext[r->n++];
		*last = (struct extent){ gpa, 0, NULL };
	}
	last->bytes = realloc(last->bytes, last->len + len);
	if (!last->bytes)
		die("out of memory", NULL);
	memcpy(last->bytes + last->len, src, len);
	last->len += len;
	return 0;
}

static uint8_t *read_file(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		die("cannot read", path);
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	*size = (uint64_t)n;
	return buf;
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		die("cannot create", path);
	return f;
}

static void write_rom(const char *template, const char *dir, const struct load_plan *p)
{
	uint64_t size;
	uint8_t *rom = read_file(template, &size);
	FILE *f;

	if (size != ROM_SIZE || memcmp(rom, ROM_MAGIC, ROM_MAGIC_LEN))
		die("not the loader-boot ROM", template);
	if (p->cr3 >> 32)
		die("CR3 above 4 GiB: the ROM loads it in 32-bit mode", NULL);
	bp_put(rom, ROM_P_ENTRY, 8, p->entry);
	bp_put(rom, ROM_P_RSI, 8, p->boot_params);
	bp_put(rom, ROM_P_CR3, 8, p->cr3);
	bp_put(rom, ROM_P_GDTR, 2, p->gdt_limit);
	bp_put(rom, ROM_P_GDTR + 2, 8, p->gdt_base);
	bp_put(rom, ROM_P_DS, 2, p->ds);
	bp_put(rom, ROM_P_FARPTR_CS, 2, p->cs);
	f = create(dir, "rom.bin");
	fwrite(rom, 1, size, f);
	fclose(f);
	free(rom);
}

static void write_expect(const char *dir, const struct load_plan *p, uint64_t ram,
			 const char *cmdline)
{
	static const char *const type_names[] = { [E820_TYPE_RAM] = "usable",
						  [E820_TYPE_RESERVED] = "reserved" };
	struct e820_map m;
	FILE *f = create(dir, "expect");

	if (e820_build(&m, p->low_reserved.size, ram))
		die("no e820 map", NULL);
	/* as arch/x86/kernel/e820.c and setup.c print them (the kernel's %#
	 * prints 0x before a zero too; the RAMDISK end is page-aligned) */
	for (unsigned i = 0; i < m.count; i++)
		fprintf(f, "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
			(unsigned long long)m.entry[i].addr,
			(unsigned long long)(m.entry[i].addr + m.entry[i].size - 1),
			type_names[m.entry[i].type]);
	fprintf(f, "RAMDISK: [mem 0x%08llx-0x%08llx]\n", (unsigned long long)p->initrd.gpa,
		(unsigned long long)(((p->initrd.gpa + p->initrd.size + LOAD_PAGE_SIZE - 1) &
				      ~(LOAD_PAGE_SIZE - 1)) - 1));
	fprintf(f, "Command line: %s\n", cmdline);
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 7)
		die("usage: loader-plan ROM BZIMAGE INITRD MEM_MIB CMDLINE OUTDIR", NULL);
	const char *dir = argv[6];
	uint64_t kernel_size, initrd_size;
	uint8_t *kernel = read_file(argv[2], &kernel_size);
	uint8_t *initrd = read_file(argv[3], &initrd_size);
	struct load_linux_input in = { kernel, kernel_size, initrd, initrd_size,
				       argv[5], strlen(argv[5]) };
	uint64_t ram = strtoull(argv[4], NULL, 0) << 20;
	static struct recorder rec;
	struct load_target t = { &rec, ram, record };
	struct load_plan p;
	char why[LOAD_WHY_LEN];
	FILE *args;

	if (load_linux(&t, &in, &p, why, sizeof(why)))
		die("the loader refused", why);
	args = create(dir, "qemu-args");
	for (unsigned i = 0; i < rec.n; i++) {
		char name[32];
		FILE *f;

		snprintf(name, sizeof(name), "ext-%u.bin", i);
		f = create(dir, name);
		fwrite(rec.ext[i].bytes, 1, rec.ext[i].len, f);
		fclose(f);
		free(rec.ext[i].bytes);
		fprintf(args, "-device\nloader,file=%s/%s,addr=%#llx,force-raw=on\n", dir, name,
			(unsigned long long)rec.ext[i].gpa);
	}
	fprintf(args, "-bios\n%s/rom.bin\n", dir);
	fclose(args);
	write_rom(argv[1], dir, &p);
	write_expect(dir, &p, ram, argv[5]);
	printf("loader-plan: entry %#llx rsi %#llx cr3 %#llx gdt %#llx/%u cs %#x ds %#x; "
	       "kernel [%#llx,+%#llx) initrd [%#llx,+%#llx) cmdline %#llx, %u extents\n",
	       (unsigned long long)p.entry, (unsigned long long)p.boot_params,
	       (unsigned long long)p.cr3, (unsigned long long)p.gdt_base, p.gdt_limit, p.cs, p.ds,
	       (unsigned long long)p.kernel.gpa, (unsigned long long)p.kernel.size,
	       (unsigned long long)p.initrd.gpa, (unsigned long long)p.initrd.size,
	       (unsigned long long)p.cmdline.gpa, rec.n);
	free(kernel);
	free(initrd);
	return 0;
}
