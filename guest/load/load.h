/* Loading a Linux bzImage for its 64-bit entry (Documentation/x86/boot.rst,
 * "64-bit Boot Protocol"), written over a load target so the same code
 * runs in the hypervisor (target = gmem) and on the host (target = a
 * buffer, for unit tests and the loader-boot check).
 *
 * Two steps: load_linux_plan() checks the image, initrd and command line
 * against the RAM size and decides where everything goes, touching no
 * memory; load_linux_write() then writes kernel, initrd, command line,
 * zero page, page tables and GDT at the planned addresses. A plan that
 * was made is written unless a target write fails.
 *
 * The vCPU then starts in 64-bit mode (CR0.PE|PG, CR4.PAE, EFER.LME|LMA,
 * interrupts off) with CR3 = plan.cr3, GDTR = {plan.gdt_base,
 * plan.gdt_limit}, CS = plan.cs, DS = ES = SS = plan.ds, RIP =
 * plan.entry and RSI = plan.boot_params. */
#ifndef FALLOW_GUEST_LOAD_LOAD_H
#define FALLOW_GUEST_LOAD_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define LOAD_PAGE_SIZE 0x1000ull
#define LOAD_WHY_LEN 160 /* enough for every message below */

/* Guest-physical layout of what the loader adds besides kernel and
 * initrd: one page each below 64 KiB (the zero page must sit below 4 GiB
 * and the command line's pointer is 32-bit plus ext_cmd_line_ptr; low is
 * simplest), the page tables after them. Page 0 stays untouched. */
#define LOAD_GDT_GPA 0x1000ull
#define LOAD_ZERO_PAGE_GPA 0x2000ull
#define LOAD_CMDLINE_GPA 0x3000ull
#define LOAD_CMDLINE_ROOM LOAD_PAGE_SIZE /* bytes, the NUL included */
#define LOAD_PAGE_TABLES_GPA 0x4000ull
/* The identity map (ident.c) uses 2 MiB pages: one PD per GiB. */
#define LOAD_MAX_RAM (64ull << 30)
#define LOAD_LOW_RAM_END 0xa0000ull  /* 640 KiB: legacy VGA and ROMs above */
#define LOAD_HIGH_RAM_BASE 0x100000ull /* 1 MiB */

/* Selectors the 64-bit entry requires (boot.rst). */
#define LOAD_BOOT_CS 0x10
#define LOAD_BOOT_DS 0x18

/* What a load writes into: guest RAM [0, ram_bytes). write() copies
 * len bytes to gpa and returns 0 or a negative error; the loader never
 * writes outside RAM. */
struct load_target {
	void *ctx;
	uint64_t ram_bytes;
	int (*write)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
};

/* Distinct refusals, returned negated; load_error_name() names them. */
enum load_error {
	LOAD_ERR_NOT_BZIMAGE = 1, /* no "HdrS" magic, or not a bzImage */
	LOAD_ERR_PROTOCOL,        /* boot protocol older than 2.12 */
	LOAD_ERR_NOT_64BIT,       /* no XLF_KERNEL_64: no 64-bit entry */
	LOAD_ERR_TRUNCATED,       /* the file ends before what its header says */
	LOAD_ERR_BAD_HEADER,      /* header fields that contradict each other */
	LOAD_ERR_MEM,             /* RAM size unusable (alignment, limit) */
	LOAD_ERR_KERNEL_FIT,      /* kernel at pref_address + init_size not in RAM */
	LOAD_ERR_INITRD_FIT,      /* no room for the initrd below its limit */
	LOAD_ERR_CMDLINE_LONG,    /* longer than cmdline_size or our page */
	LOAD_ERR_WRITE,           /* the target refused a write */
	LOAD_ERR_COUNT
};

const char *load_error_name(int err);

/* A half-open range [gpa, gpa + size) of guest-physical memory. */
struct load_region {
	uint64_t gpa;
	uint64_t size;
};

/* What the setup header says (bzimage.c). */
struct bzimage_info {
	uint16_t protocol;        /* 0x020c for 2.12 */
	uint64_t header_end;      /* file offset past the setup header */
	uint64_t kernel_offset;   /* file offset of the protected-mode code */
	uint64_t kernel_size;     /* its bytes: syssize * 16 */
	uint64_t pref_address;    /* where it runs (and where we load it) */
	uint32_t init_size;       /* bytes it needs from there on */
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint16_t xloadflags;
	uint32_t cmdline_size;    /* most command-line bytes, NUL excluded */
	uint64_t initrd_max;      /* last byte an initrd may occupy */
};

struct load_plan {
	uint64_t entry;       /* RIP: the 64-bit entry, kernel + 0x200 */
	uint64_t boot_params; /* RSI: the zero page */
	uint64_t cr3;         /* the identity map's PML4 */
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;
	uint64_t mapped;      /* the identity map covers [0, mapped) */
	struct load_region kernel;      /* [pref_address, + init_size) */
	struct load_region initrd;      /* size 0: none */
	struct load_region cmdline;     /* with its NUL */
	struct load_region zero_page;
	struct load_region page_tables;
	struct load_region gdt;
	struct load_region low_reserved; /* e820-reserved: [0, end of the above) */
	struct bzimage_info bz;
};

struct load_linux_input {
	const void *kernel; /* the bzImage file */
	uint64_t kernel_size;
	const void *initrd; /* NULL or initrd_size 0: none */
	uint64_t initrd_size;
	const char *cmdline; /* cmdline_len bytes, no NUL needed */
	size_t cmdline_len;
};

/* Checks and places; writes nothing. 0, or -LOAD_ERR_* with a message
 * naming the problem in why[whylen]. */
int load_linux_plan(uint64_t ram_bytes, const struct load_linux_input *in,
		    struct load_plan *plan, char *why, size_t whylen);

/* Writes what plan placed. 0 or -LOAD_ERR_WRITE (message in why). */
int load_linux_write(const struct load_target *t, const struct load_linux_input *in,
		     const struct load_plan *plan, char *why, size_t whylen);

/* Both. */
int load_linux(const struct load_target *t, const struct load_linux_input *in,
	       struct load_plan *plan, char *why, size_t whylen);

/* The setup header of image[0..size): 0 or -LOAD_ERR_* (bzimage.c). */
int bzimage_parse(const void *image, uint64_t size, struct bzimage_info *info,
		  char *why, size_t whylen);

#endif
