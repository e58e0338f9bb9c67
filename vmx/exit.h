/* VM exits as vmx/ decodes them: the exit's reason, RIP and qualification
 * from the VMCS, the event an exception exit reports, and what a handler
 * does to the guest's registers (skip the instruction, queue #GP or #UD,
 * read and write a GPR). Which handler an exit goes to, and what it then
 * does, is one vCPU turn's business (sched/exit_table.c). */
#ifndef FALLOW_VMX_EXIT_H
#define FALLOW_VMX_EXIT_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx/vcpu.h"

/* What a handler tells the scheduler to do next. */
enum exit_action {
	EXIT_RESUME, /* re-enter the same guest */
	EXIT_YIELD,  /* end this guest's turn */
	EXIT_GONE,   /* the guest exited or was killed */
};

struct exit_info {
	uint32_t reason; /* full exit-reason field */
	uint64_t qual;   /* exit qualification, where the entry wants it */
	uint64_t rip;
};

/* The reason and guest RIP of the current VMCS's last exit; qual 0 (read
 * it with exit_qualification() where the reason has one). */
void exit_read(struct exit_info *e);
uint64_t exit_qualification(void);

/* What an exception-or-NMI exit reports (SDM 27.2.2, 27.2.4). */
struct exit_exception {
	bool nmi;            /* the host's NMI: nothing of the guest's */
	unsigned vector;
	uint64_t error;      /* 0 when the exception has no error code */
	bool in_delivery;    /* raised while delivering the event below */
	unsigned orig_vector;
	uint64_t orig_error;
};
void exit_read_exception(struct exit_exception *x);

/* The guest-physical address of an EPT violation or misconfiguration. */
uint64_t exit_guest_physical(void);

/* The guest's RFLAGS.IF: whether it takes interrupts. */
bool exit_guest_if(void);

/* Helpers for handlers. */
void exit_skip_instruction(void);
void exit_inject_gp(void);
void exit_inject_ud(void);
/* The current privilege level of the guest of the current VMCS. */
unsigned exit_guest_cpl(void);
/* General register `reg` (enum gpr; RSP is the VMCS's) of v. */
uint64_t exit_gpr_get(const struct vmx_vcpu *v, unsigned reg);
void exit_gpr_set(struct vmx_vcpu *v, unsigned reg, uint64_t val);

#endif
