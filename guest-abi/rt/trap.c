/* See trap.h. The handlers are compiled general-registers-only like the
 * rest of the guest, so taking a trap leaves the x87/SSE state alone. */
#include "guest-abi/rt/trap.h"
#include "guest-abi/rt/rt.h"

#define GDT_ENTRIES 8           /* null, 5 segments, the 16-byte TSS */
#define DESC_KERNEL_CODE64 0x00af9b000000ffffull
#define DESC_KERNEL_DATA 0x00cf93000000ffffull
#define DESC_USER_CODE32 0x00cffb000000ffffull
#define DESC_USER_DATA 0x00cff3000000ffffull
#define DESC_USER_CODE64 0x00affb000000ffffull
#define DESC_TSS_AVAILABLE 0x89ull /* present, type 9: 64-bit TSS */
#define IDT_VECTORS 256
#define GATE_INTERRUPT 0x8eu       /* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTERRUPT_USER 0xeeu  /* the same, DPL 3: `int` from CPL 3 */
#define EXCEPTION_VECTORS 32
#define STUB_BYTES 16
#define TRAP_STACK_BYTES 8192
#define USER_STACK_BYTES 8192
#define PTE_P 0x1ull
#define PTE_U 0x4ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define PT_ENTRIES 512

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* What rt_trap_common pushes below the CPU's frame. */
struct trap_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

volatile struct rt_trap rt_trap_last;
volatile uint64_t rt_trap_count;
volatile uint64_t rt_trap_skip;

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t trap_stack[TRAP_STACK_BYTES] __attribute__((aligned(16)));
static uint8_t user_stack[USER_STACK_BYTES] __attribute__((aligned(16)));
uint64_t rt_user_kernel_rsp; /* rt_user_run's stack, for the way back */

void rt_trap_handle(struct trap_frame *f);
extern const uint8_t rt_trap_stubs[];
extern const uint8_t rt_irq_stubs[]; /* vectors 32-255, STUB_BYTES apart */
static rt_irq_fn irq_fns[IDT_VECTORS];
void rt_trap_ring0(void);
void rt_trap_reload_segments(void);

/* Exception stubs, STUB_BYTES apart: the vectors where the CPU pushes no
 * error code get a 0, so every frame looks alike. */
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.globl rt_trap_stubs\n"
	"rt_trap_stubs:\n"
	"	.set vec, 0\n"
	"	.rept 32\n"
	"	.balign 16\n"
	"	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)\n"
	"	.else\n"
	"	pushq $0\n"
	"	.endif\n"
	"	pushq $vec\n"
	"	jmp rt_trap_common\n"
	"	.set vec, vec + 1\n"
	"	.endr\n"
	/* Interrupt stubs: no error code, a 0 in its place. */
	"	.balign 16\n"
	"	.globl rt_irq_stubs\n"
	"rt_irq_stubs:\n"
	"	.set vec, 32\n"
	"	.rept 224\n"
	"	.balign 16\n"
	"	pushq $0\n"
	"	pushq $vec\n"
	"	jmp rt_trap_common\n"
	"	.set vec, vec + 1\n"
	"	.endr\n"
	"rt_trap_common:\n"
	"	pushq %rax\n"
	"	pushq %rcx\n"
	"	pushq %rdx\n"
	"	pushq %rsi\n"
	"	pushq %rdi\n"
	"	pushq %r8\n"
	"	pushq %r9\n"
	"	pushq %r10\n"
	"	pushq %r11\n"
	"	movq %rsp, %rdi\n"
	"	cld\n"
	"	call rt_trap_handle\n"
	"	popq %r11\n"
	"	popq %r10\n"
	"	popq %r9\n"
	"	popq %r8\n"
	"	popq %rdi\n"
	"	popq %rsi\n"
	"	popq %rdx\n"
	"	popq %rcx\n"
	"	popq %rax\n"
	"	addq $16, %rsp\n"
	"	iretq\n"
	/* rt_user_run(fn, arg, user_rsp): into CPL 3 at the trampoline. */
	"	.globl rt_user_enter\n"
	"rt_user_enter:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, rt_user_kernel_rsp(%rip)\n"
	"	pushq $0x23\n"                  /* RT_SEL_USER_DS */
	"	pushq %rdx\n"
	"	pushq $0x2\n"                   /* RFLAGS: IF clear */
	"	pushq $0x2b\n"                  /* RT_SEL_USER_CS */
	"	leaq rt_user_trampoline(%rip), %rax\n"
	"	pushq %rax\n"
	"	iretq\n"
	"rt_user_trampoline:\n"
	"	movq %rdi, %rax\n"
	"	movq %rsi, %rdi\n"
	"	call *%rax\n"
	"	int $0x80\n"                    /* RT_VECTOR_RING0 */
	"	ud2\n"
	/* Vector 0x80: back on rt_user_run's stack, frame dropped. */
	"	.globl rt_trap_ring0\n"
	"rt_trap_ring0:\n"
	"	movq rt_user_kernel_rsp(%rip), %rsp\n"
	"	call rt_trap_reload_segments\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	/* CS by a far return, the data segments by moves (not FS, GS). */
	"	.globl rt_trap_reload_segments\n"
	"rt_trap_reload_segments:\n"
	"	movl $0x10, %eax\n"
	"	movl %eax, %ss\n"
	"	movl %eax, %ds\n"
	"	movl %eax, %es\n"
	"	popq %rax\n"
	"	pushq $0x08\n"
	"	pushq %rax\n"
	"	lretq\n");

void rt_user_enter(void (*fn)(void *), void *arg, uint64_t user_rsp);

_Static_assert(RT_SEL_USER_DS == 0x23 && RT_SEL_USER_CS == 0x2b &&
		       RT_SEL_KERNEL_CS == 0x08 && RT_SEL_KERNEL_DS == 0x10 &&
		       RT_VECTOR_RING0 == 0x80,
	       "the selectors and vector written in the asm above");

static const char *const trap_names[EXCEPTION_VECTORS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

void rt_trap_handle(struct trap_frame *f)
{
	rt_trap_last.vector = f->vector;
	rt_trap_last.error = f->error;
	rt_trap_last.rip = f->rip;
	rt_trap_last.cs = f->cs;
	if (f->vector >= EXCEPTION_VECTORS && f->vector < IDT_VECTORS && irq_fns[f->vector]) {
		irq_fns[f->vector]((unsigned)f->vector);
		return;
	}
	rt_trap_count++;
	if (rt_trap_skip) {
		f->rip += rt_trap_skip;
		rt_trap_skip = 0;
		return;
	}
	rt_printf("trap: unexpected %s (vector %llu) error 0x%llx at RIP 0x%llx CS 0x%llx\n",
		  f->vector < EXCEPTION_VECTORS ? trap_names[f->vector] : "interrupt", (unsigned long long)f->vector,
		  (unsigned long long)f->error, (unsigned long long)f->rip,
		  (unsigned long long)f->cs);
	hc_exit(RT_TRAP_EXIT_STATUS);
}

bool rt_trap_raises(void (*insn)(uint64_t, uint64_t), uint64_t a, uint64_t b,
		    unsigned len, unsigned vector)
{
	uint64_t before = rt_trap_count;

	rt_trap_skip = len;
	insn(a, b);
	rt_trap_skip = 0;
	return rt_trap_count == before + 1 && rt_trap_last.vector == vector;
}

static void set_gate(unsigned vector, uint64_t handler, uint8_t type)
{
	idt[vector] = (struct gate){
		.offset_lo = (uint16_t)handler,
		.selector = RT_SEL_KERNEL_CS,
		.type = type,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

void rt_irq_set(unsigned vector, rt_irq_fn fn)
{
	if (vector < EXCEPTION_VECTORS || vector >= IDT_VECTORS || vector == RT_VECTOR_RING0)
		return;
	irq_fns[vector] = fn;
	set_gate(vector, (uint64_t)(uintptr_t)(rt_irq_stubs + (vector - EXCEPTION_VECTORS) * STUB_BYTES),
		 GATE_INTERRUPT);
}

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;

	gdt[RT_SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
			      DESC_TSS_AVAILABLE << 40 | ((limit >> 16) & 0xf) << 48 |
			      ((base >> 24) & 0xff) << 56;
	gdt[RT_SEL_TSS / 8 + 1] = base >> 32;
}

void rt_trap_init(void)
{
	struct desc_ptr gp = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	gdt[RT_SEL_KERNEL_CS / 8] = DESC_KERNEL_CODE64;
	gdt[RT_SEL_KERNEL_DS / 8] = DESC_KERNEL_DATA;
	gdt[RT_SEL_USER_BASE / 8] = DESC_USER_CODE32;
	gdt[RT_SEL_USER_DS / 8] = DESC_USER_DATA;
	gdt[RT_SEL_USER_CS / 8] = DESC_USER_CODE64;
	tss.rsp[0] = (uint64_t)(uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	set_tss_descriptor();
	for (unsigned v = 0; v < EXCEPTION_VECTORS; v++)
		set_gate(v, (uint64_t)(uintptr_t)(rt_trap_stubs + v * STUB_BYTES), GATE_INTERRUPT);
	set_gate(RT_VECTOR_RING0, (uint64_t)(uintptr_t)rt_trap_ring0, GATE_INTERRUPT_USER);
	__asm__ volatile("lgdt %0" ::"m"(gp) : "memory");
	rt_trap_reload_segments();
	__asm__ volatile("ltr %w0" ::"r"((uint16_t)RT_SEL_TSS) : "memory");
	__asm__ volatile("lidt %0" ::"m"(ip) : "memory");
}

static void user_table(uint64_t *t, int level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (!(t[i] & PTE_P))
			continue;
		t[i] |= PTE_U;
		if (level > 0 && !(t[i] & PTE_PS))
			user_table((uint64_t *)(uintptr_t)(t[i] & PTE_ADDR), level - 1);
	}
}

void rt_trap_user_pages(void)
{
	uint64_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	user_table((uint64_t *)(uintptr_t)(cr3 & PTE_ADDR), 3);
	__asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

void rt_user_run(void (*fn)(void *), void *arg)
{
	rt_user_enter(fn, arg, (uint64_t)(uintptr_t)(user_stack + sizeof(user_stack)));
}
