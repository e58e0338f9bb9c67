#include "arch/x86_64/gdt.h"

#include "arch/x86_64/stacks.h"

/* Segment descriptor bits (SDM vol. 3A, 3.4.5). */
#define DESC_ACCESSED (1ull << 40)
#define DESC_WRITABLE (1ull << 41)  /* data: writable; code: readable */
#define DESC_CODE (1ull << 43)
#define DESC_CODE_DATA (1ull << 44) /* S: code/data rather than system */
#define DESC_PRESENT (1ull << 47)
#define DESC_LONG (1ull << 53)      /* L: 64-bit code */
#define DESC_DB (1ull << 54)
#define DESC_GRAN (1ull << 55)
#define DESC_LIMIT_MAX (0xffffull | (0xfull << 48))
#define DESC_TSS_AVAILABLE (0x9ull << 40)

#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */

/* The 64-bit TSS (SDM vol. 3A, 8.7): only the stack pointers matter. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   DESC_TSS_AVAILABLE | DESC_PRESENT |
			   ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
	struct descriptor_ptr ptr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	gdt[GDT_KERNEL_CS / 8] = DESC_LIMIT_MAX | DESC_ACCESSED | DESC_WRITABLE |
				 DESC_CODE | DESC_CODE_DATA | DESC_PRESENT |
				 DESC_LONG | DESC_GRAN;
	gdt[GDT_KERNEL_DS / 8] = DESC_LIMIT_MAX | DESC_ACCESSED | DESC_WRITABLE |
				 DESC_CODE_DATA | DESC_PRESENT | DESC_DB | DESC_GRAN;
	for (unsigned i = 1; i <= IST_COUNT; i++)
		tss.ist[i - 1] = stack_ist_top(i);
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	set_tss_descriptor();

	/* Reload CS with a far return, the data segments by hand, then TR. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(GDT_TSS)
			 : "rax", "memory");
}

uint64_t gdt_base(void)
{
	return (uint64_t)(uintptr_t)gdt;
}

uint64_t gdt_tss_base(void)
{
	return (uint64_t)(uintptr_t)&tss;
}
