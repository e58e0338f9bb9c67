#include "arch/x86_64/stacks.h"

#include "arch/x86_64/console.h"
#include "arch/x86_64/gdt.h"

extern char boot_stack_bottom[], boot_stack_top[];

static char ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));

uint64_t stack_ist_top(unsigned ist)
{
	return (uint64_t)(uintptr_t)ist_stacks[ist - 1] + IST_STACK_SIZE;
}

bool stack_containing(uint64_t addr, struct stack_range *out)
{
	struct stack_range r = { (uintptr_t)boot_stack_bottom, (uintptr_t)boot_stack_top };

	if (addr >= r.lo && addr < r.hi) {
		*out = r;
		return true;
	}
	for (unsigned i = 1; i <= IST_COUNT; i++) {
		r.hi = stack_ist_top(i);
		r.lo = r.hi - IST_STACK_SIZE;
		if (addr >= r.lo && addr < r.hi) {
			*out = r;
			return true;
		}
	}
	return false;
}

/* What `push %rbp; mov %rsp, %rbp` leaves: the caller's RBP, then the
 * return address (the code is built with -fno-omit-frame-pointer). */
struct rbp_frame {
	uint64_t next;
	uint64_t ret;
};

void stack_trace_print(uint64_t rbp)
{
	struct stack_range r;
	unsigned n = 0;

	kprintf("  stack trace:");
	while (n < STACK_TRACE_MAX && rbp && !(rbp & 7) && stack_containing(rbp, &r) &&
	       rbp + sizeof(struct rbp_frame) <= r.hi) {
		const struct rbp_frame *f = (const struct rbp_frame *)(uintptr_t)rbp;

		kprintf(" 0x%llx", (unsigned long long)f->ret);
		n++;
		/* Frames of callers lie strictly higher on the same stack. */
		if (f->next <= rbp || f->next >= r.hi)
			break;
		rbp = f->next;
	}
	kprintf(n ? "\n" : " (no frames on a known stack)\n");
}
