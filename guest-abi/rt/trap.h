/* A guest's own descriptor tables, for guests that test what the
 * hypervisor injects or that run code at CPL 3: a GDT with kernel and
 * user segments laid out for SYSCALL/SYSRET, a TSS whose RSP0 is a trap
 * stack, and an IDT with a handler for every exception vector (0-31) and
 * one vector user code may raise to come back to ring 0, and the
 * interrupt vectors a guest routes to handlers of its own. The hypervisor
 * makes every guest exception exit and kills the guest, so these handlers
 * only ever see events the hypervisor injects and software interrupts. */
#ifndef FALLOW_GUEST_RT_TRAP_H
#define FALLOW_GUEST_RT_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Selectors of the GDT rt_trap_init loads. STAR wants kernel CS, kernel
 * SS = CS + 8, and a user base with SS = base + 8, CS64 = base + 16. */
#define RT_SEL_KERNEL_CS 0x08u
#define RT_SEL_KERNEL_DS 0x10u
#define RT_SEL_USER_BASE 0x18u           /* 32-bit user code, unused */
#define RT_SEL_USER_DS (0x20u | 3u)
#define RT_SEL_USER_CS (0x28u | 3u)
#define RT_SEL_TSS 0x30u
#define RT_VECTOR_RING0 0x80u            /* `int $0x80` from CPL 3: back to ring 0 */

/* What the last trap saw. */
struct rt_trap {
	uint64_t vector, error, rip, cs;
};

extern volatile struct rt_trap rt_trap_last;
extern volatile uint64_t rt_trap_count;
/* Set just before an instruction that may fault: a trap then resumes
 * this many bytes past the faulting RIP (and clears it). A trap while it
 * is 0 is unexpected: it is printed and the guest exits with status
 * RT_TRAP_EXIT_STATUS. */
extern volatile uint64_t rt_trap_skip;
#define RT_TRAP_EXIT_STATUS 99

/* Runs insn(a, b), an instruction of `len` bytes expected to fault:
 * true when it raised exactly one trap, with `vector`. */
bool rt_trap_raises(void (*insn)(uint64_t, uint64_t), uint64_t a, uint64_t b,
		    unsigned len, unsigned vector);

/* An interrupt handler: runs on the trap stack with interrupts off (an
 * interrupt gate), gets its vector, returns with IRET. */
typedef void (*rt_irq_fn)(unsigned vector);

/* Routes `vector` (32-255, not RT_VECTOR_RING0) to fn; after
 * rt_trap_init. */
void rt_irq_set(unsigned vector, rt_irq_fn fn);

/* Loads the GDT, TSS and IDT (CS, SS, DS, ES reloaded; FS and GS, and
 * their bases, left alone). */
void rt_trap_init(void);

/* Lets CPL 3 reach every page of the identity map (U/S set at every
 * level) and flushes the TLB. */
void rt_trap_user_pages(void);

/* Runs fn(arg) at CPL 3 on a user stack; returns once fn has returned.
 * rt_trap_init and rt_trap_user_pages first. fn must not print: every
 * hypercall from CPL 3 is refused. */
void rt_user_run(void (*fn)(void *), void *arg);

#endif
