#include "arch/x86_64/exception.h"

#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/stacks.h"

/* Mnemonic and name of each vector (SDM vol. 3A, table 6-1). */
static const char *const exception_names[IDT_EXCEPTIONS][2] = {
	{ "#DE", "divide error" },
	{ "#DB", "debug" },
	{ "NMI", "non-maskable interrupt" },
	{ "#BP", "breakpoint" },
	{ "#OF", "overflow" },
	{ "#BR", "bound range exceeded" },
	{ "#UD", "invalid opcode" },
	{ "#NM", "device not available" },
	{ "#DF", "double fault" },
	{ "#CSO", "coprocessor segment overrun" },
	{ "#TS", "invalid TSS" },
	{ "#NP", "segment not present" },
	{ "#SS", "stack-segment fault" },
	{ "#GP", "general protection" },
	{ "#PF", "page fault" },
	{ "#15", "reserved" },
	{ "#MF", "x87 floating-point error" },
	{ "#AC", "alignment check" },
	{ "#MC", "machine check" },
	{ "#XM", "SIMD floating-point" },
	{ "#VE", "virtualization exception" },
	{ "#CP", "control protection" },
	{ "#22", "reserved" }, { "#23", "reserved" }, { "#24", "reserved" },
	{ "#25", "reserved" }, { "#26", "reserved" }, { "#27", "reserved" },
	{ "#HV", "hypervisor injection" },
	{ "#VC", "VMM communication" },
	{ "#SX", "security exception" },
	{ "#31", "reserved" },
};

const char *exception_mnemonic(unsigned vector)
{
	return exception_names[vector % IDT_EXCEPTIONS][0];
}

/* Page-fault error code bits (SDM vol. 3A, 4.7). */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_FETCH 0x10

#define X(v) ((unsigned long long)(v))

static void print_registers(const struct exception_frame *f)
{
	kprintf("  RAX 0x%016llx RBX 0x%016llx RCX 0x%016llx\n", X(f->rax), X(f->rbx), X(f->rcx));
	kprintf("  RDX 0x%016llx RSI 0x%016llx RDI 0x%016llx\n", X(f->rdx), X(f->rsi), X(f->rdi));
	kprintf("  RBP 0x%016llx R8  0x%016llx R9  0x%016llx\n", X(f->rbp), X(f->r8), X(f->r9));
	kprintf("  R10 0x%016llx R11 0x%016llx R12 0x%016llx\n", X(f->r10), X(f->r11), X(f->r12));
	kprintf("  R13 0x%016llx R14 0x%016llx R15 0x%016llx\n", X(f->r13), X(f->r14), X(f->r15));
}

static void print_exception(const struct exception_frame *f)
{
	unsigned v = (unsigned)f->vector % IDT_EXCEPTIONS;

	kprintf("EXCEPTION %s (%s), vector %u, error code 0x%llx\n",
		exception_names[v][0], exception_names[v][1], v, X(f->error_code));
	if (v == VECTOR_PF)
		kprintf("  page fault: %s %s of address 0x%llx\n",
			f->error_code & PF_PRESENT ? "protection violation" : "not-present page",
			f->error_code & PF_FETCH ? "on fetch" :
			f->error_code & PF_WRITE ? "on write" : "on read", X(read_cr2()));
	kprintf("  RIP 0x%016llx CS 0x%llx RFLAGS 0x%llx\n", X(f->rip), X(f->cs), X(f->rflags));
	kprintf("  RSP 0x%016llx SS 0x%llx\n", X(f->rsp), X(f->ss));
	kprintf("  CR0 0x%llx CR2 0x%016llx CR3 0x%llx CR4 0x%llx\n", X(read_cr0()),
		X(read_cr2()), X(read_cr3()), X(read_cr4()));
	print_registers(f);
	stack_trace_print(f->rbp);
}

void exception_handle(struct exception_frame *f)
{
	/* An exception while reporting one: say so briefly and stop. A third
	 * (the console itself faulting) just halts. */
	static unsigned depth;

	cli();
	depth++;
	if (depth == 1) {
		print_exception(f);
	} else if (depth == 2) {
		kprintf("EXCEPTION vector %llu at RIP 0x%llx while handling an exception\n",
			X(f->vector), X(f->rip));
	} else {
		cpu_halt_forever();
	}
	power_off(false);
}
