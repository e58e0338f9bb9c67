/* VM-exit handling: one table indexed by basic exit reason. Each handler
 * returns what the scheduler does next; counters per reason per guest
 * feed the summary. */
#ifndef FALLOW_VMX_EXIT_H
#define FALLOW_VMX_EXIT_H

#include <stdint.h>
#include "guest/guest.h"

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

/* Reads the exit information of the current VMCS, counts it and runs its
 * handler. */
enum exit_action exit_dispatch(struct guest *g);

/* Helpers for handlers (exit.c). */
void exit_skip_instruction(void);
void exit_inject_gp(void);
void exit_inject_ud(void);
/* The current privilege level of the guest of the current VMCS. */
unsigned exit_guest_cpl(void);
uint64_t exit_gpr_get(struct guest *g, unsigned reg);
void exit_gpr_set(struct guest *g, unsigned reg, uint64_t v);

/* Handlers that live in their own files. */
enum exit_action exit_io(struct guest *g, const struct exit_info *e);
enum exit_action exit_rdmsr(struct guest *g, const struct exit_info *e);
enum exit_action exit_wrmsr(struct guest *g, const struct exit_info *e);
enum exit_action exit_cr_access(struct guest *g, const struct exit_info *e);
enum exit_action exit_vmcall(struct guest *g, const struct exit_info *e);
enum exit_action exit_cpuid(struct guest *g, const struct exit_info *e);
enum exit_action exit_xsetbv(struct guest *g, const struct exit_info *e);

#endif
