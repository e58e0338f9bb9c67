/* The hypervisor's stacks: the boot stack (boot/entry.S) that kmain runs
 * on, and one interrupt stack per IST slot. Knowing their bounds lets the
 * exception dump walk a stack without faulting on a corrupt one. */
#ifndef FALLOW_ARCH_STACKS_H
#define FALLOW_ARCH_STACKS_H

#include <stdbool.h>
#include <stdint.h>

#define IST_STACK_SIZE 8192

struct stack_range {
	uint64_t lo, hi; /* [lo, hi), hi is the initial stack pointer */
};

/* Top of the stack for IST slot `ist` (1-based). */
uint64_t stack_ist_top(unsigned ist);

/* The known stack that contains `addr`, if any. */
bool stack_containing(uint64_t addr, struct stack_range *out);

/* Prints the return addresses of the RBP frame chain starting at `rbp`,
 * stopping at the first frame that leaves a known stack, does not move
 * up it, or after STACK_TRACE_MAX frames: a corrupt chain cannot fault. */
#define STACK_TRACE_MAX 16
void stack_trace_print(uint64_t rbp);

#endif
