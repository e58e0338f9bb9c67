/* The Fallow guest ABI: the one header a paravirtualized guest includes.
 * It is self-contained (only <stdint.h>) so guests never see hypervisor
 * headers. guest-abi/ABI.md explains every call and the start convention.
 *
 * Hypercall convention: VMCALL with RAX = call number and arguments in
 * RDI, RSI, RDX, R10, R8, R9 (the Linux syscall order). The result comes
 * back in RAX: >= 0 success, negative = -FALLOW_E*. Every other register
 * is preserved. */
#ifndef FALLOW_ABI_H
#define FALLOW_ABI_H

#include <stdint.h>

/* Bumped whenever a call, structure or the start convention changes in a
 * way an older guest could notice. */
#define FALLOW_ABI_VERSION 1u

/* ---------------------------------------------------------------- calls */
enum fallow_hypercall {
	FALLOW_HC_ABI_VERSION = 0,  /* () -> FALLOW_ABI_VERSION; the null call */
	FALLOW_HC_ABI_INFO = 1,     /* (struct fallow_abi_info *, len) -> version */
	FALLOW_HC_CONSOLE_WRITE = 2,/* (buf, len) -> bytes written */
	FALLOW_HC_YIELD = 3,        /* () -> 0 */
	FALLOW_HC_EXIT = 4,         /* (int status) -> does not return */
	FALLOW_HC_TIME = 5,         /* (struct fallow_time *, len) -> 0 */
	/* tmem: a pool handle is (pool id, 192-bit object id, 32-bit index);
	 * the object id travels in three registers, the page as a guest-
	 * physical address of a page-aligned 4 KiB frame. */
	FALLOW_HC_TMEM_NEW_POOL = 6,     /* (flags, uuid_lo, uuid_hi) -> pool id */
	FALLOW_HC_TMEM_DESTROY_POOL = 7, /* (pool) -> 0 */
	FALLOW_HC_TMEM_PUT = 8,          /* (pool, oid0, oid1, oid2, index, gpa) -> 0 */
	FALLOW_HC_TMEM_GET = 9,          /* (pool, oid0, oid1, oid2, index, gpa) -> 0 */
	FALLOW_HC_TMEM_FLUSH_PAGE = 10,  /* (pool, oid0, oid1, oid2, index) -> 0 */
	FALLOW_HC_TMEM_FLUSH_OBJECT = 11,/* (pool, oid0, oid1, oid2) -> pages flushed */
	/* ballooning and memory targets, in 4 KiB pages */
	FALLOW_HC_BALLOON_RELEASE = 12,  /* (gpa of uint64_t gfn[], count) -> released */
	FALLOW_HC_BALLOON_POPULATE = 13, /* (gpa of uint64_t gfn[], count) -> populated */
	FALLOW_HC_MEM_TARGET = 14,       /* () -> target pages set by the console, 0 none */
	FALLOW_HC_MEM_POST = 15,         /* (struct fallow_mem_figures *, len) -> 0 */
	/* the paravirtual disk: 512-byte sectors moved to or from a guest-
	 * physical range; the call returns once the modelled latency has
	 * passed, while other guests run */
	FALLOW_HC_DISK_INFO = 16,        /* (struct fallow_disk_info *, len) -> 0 */
	FALLOW_HC_DISK_READ = 17,        /* (sector, count, gpa) -> sectors read */
	FALLOW_HC_DISK_WRITE = 18,       /* (sector, count, gpa) -> sectors written */
	FALLOW_HC_CPU_TIME = 19,         /* () -> this guest's CPU time in TSC ticks */
	FALLOW_HC_CONSOLE_READ = 20,     /* (buf, len) -> bytes typed for this guest, 0 none */
	FALLOW_HC_COUNT             /* first number that is not a call */
};

/* FALLOW_HC_TMEM_NEW_POOL flags. */
#define FALLOW_TMEM_PERSISTENT 0x1u /* else ephemeral */
#define FALLOW_TMEM_SHARED 0x2u     /* found by UUID; ephemeral only */

/* Most gfns one FALLOW_HC_BALLOON_RELEASE or _POPULATE takes: one page
 * of uint64_t. */
#define FALLOW_BALLOON_BATCH_MAX 512u
/* Pages below this gfn (the start-info page and the boot page tables, in
 * the low 512 KiB) can never be released. */
#define FALLOW_BALLOON_FIRST_GFN (FALLOW_STACK_BOTTOM / FALLOW_PAGE_SIZE)

#define FALLOW_SECTOR_SIZE 512u
#define FALLOW_DISK_MAX_SECTORS 128u /* per read or write call: 64 KiB */

/* FALLOW_HC_DISK_INFO fills this. */
struct fallow_disk_info {
	uint64_t sectors;      /* the disk is sectors [0, sectors) */
	uint64_t sector_size;  /* FALLOW_SECTOR_SIZE */
	uint64_t image_sectors;/* how many come from the shared image (the rest read as zero until written) */
	char image[32];        /* the image's name, "" for a blank disk */
};

/* A guest's own memory figures, posted with FALLOW_HC_MEM_POST (pages). */
struct fallow_mem_figures {
	uint64_t actual;      /* pages of RAM the guest holds now */
	uint64_t minimum;     /* the floor it will not balloon below */
	uint64_t self_target; /* what self-ballooning aims for */
	uint64_t committed;   /* its committed-memory estimate */
};

/* Largest buffer one FALLOW_HC_CONSOLE_WRITE accepts. */
#define FALLOW_CONSOLE_MAX 4096u

/* ---------------------------------------------------------------- errors
 * The same numbers as the hypervisor's own error codes, returned negated. */
enum fallow_errno {
	FALLOW_EINVAL = 1,  /* malformed argument */
	FALLOW_ENOMEM = 2,  /* out of memory */
	FALLOW_ENOENT = 3,  /* no such object */
	FALLOW_EEXIST = 4,  /* already exists */
	FALLOW_EPERM = 5,   /* not allowed for this guest */
	FALLOW_ERANGE = 6,  /* a length or value out of bounds */
	FALLOW_EFAULT = 7,  /* an address range not inside the guest's RAM */
	FALLOW_ENOSPC = 8,  /* a limit was reached */
	FALLOW_ECORRUPT = 9,/* input data is corrupt */
	FALLOW_EBUSY = 10,  /* resource busy */
	FALLOW_ENOSYS = 11, /* no such hypercall */
	FALLOW_EFROZEN = 12,/* tmem put refused: the console froze this guest */
};

/* ---------------------------------------------------------------- CPUID
 * Leaf 0x40000000: EAX = highest hypervisor leaf, EBX:ECX:EDX = signature.
 * Leaf 0x40000001: EAX = FALLOW_ABI_VERSION, EBX = FALLOW_HC_COUNT.
 * Leaf 0x40000010: EAX = TSC kHz, EBX = local APIC timer kHz (its clock
 * before the divide register; the VMware/KVM layout). */
#define FALLOW_CPUID_BASE 0x40000000u
#define FALLOW_CPUID_VERSION 0x40000001u
#define FALLOW_CPUID_TIMING 0x40000010u
#define FALLOW_CPUID_SIGNATURE "FallowFallow" /* 12 bytes, EBX ECX EDX */

/* ---------------------------------------------------------------- start
 * The guest starts in 64-bit mode, paging on, with every byte of its RAM
 * identity mapped (guest-virtual == guest-physical), interrupts off,
 * RDI = RSI = FALLOW_START_INFO_GPA and RSP = FALLOW_STACK_TOP. */
#define FALLOW_PAGE_SIZE 4096u
#define FALLOW_START_INFO_GPA 0x1000u  /* struct fallow_start_info */
#define FALLOW_PAGE_TABLES_GPA 0x2000u /* hypervisor-built identity map */
#define FALLOW_STACK_BOTTOM 0x80000u   /* the initial stack's lowest byte */
#define FALLOW_STACK_TOP 0x100000u     /* initial RSP (exclusive top) */
#define FALLOW_IMAGE_BASE 0x100000u    /* lowest address an ELF may load at */
#define FALLOW_MIN_RAM 0x200000u       /* smallest guest RAM */
#define FALLOW_MAX_RAM (64ull << 30)   /* largest guest RAM */

#define FALLOW_START_MAGIC 0x776f6c6c61462121ull /* "!!Fallow" little-endian */
#define FALLOW_NAME_MAX 32u     /* name bytes, NUL included */
#define FALLOW_CMDLINE_MAX 1024u /* command line bytes, NUL included */

struct fallow_start_info {
	uint64_t magic;        /* FALLOW_START_MAGIC */
	uint32_t abi_version;  /* FALLOW_ABI_VERSION */
	uint32_t size;         /* sizeof(struct fallow_start_info) */
	uint64_t ram_bytes;    /* guest RAM is [0, ram_bytes) */
	uint64_t maxmem_bytes; /* the guest's ceiling (maxmem=) */
	uint64_t tsc_hz;       /* TSC ticks per second, 0 if unknown */
	uint64_t image_start;  /* lowest loaded byte of the ELF image */
	uint64_t image_end;    /* first byte past the loaded image */
	uint64_t free_start;   /* first page-aligned byte nobody uses */
	char name[FALLOW_NAME_MAX];       /* NUL-terminated */
	char cmdline[FALLOW_CMDLINE_MAX]; /* the words after name= etc. */
};

/* FALLOW_HC_ABI_INFO fills this (up to the length the guest passes). */
struct fallow_abi_info {
	uint32_t abi_version;
	uint32_t hypercall_count; /* FALLOW_HC_COUNT */
	uint64_t ram_bytes;
	uint64_t maxmem_bytes;
	uint32_t guest_id;        /* 0-based slot number */
	uint32_t weight;
};

/* FALLOW_HC_TIME fills this. */
struct fallow_time {
	uint64_t tsc;    /* the TSC when the call was handled */
	uint64_t tsc_hz; /* ticks per second, 0 if unknown */
};

/* The I/O port guests may write text to, byte by byte (16550 THR). */
#define FALLOW_COM1_PORT 0x3f8u

#endif
