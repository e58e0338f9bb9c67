/* The exit handlers of what a guest sees of its CPU: CPUID, RDMSR/WRMSR,
 * control-register moves, XSETBV. Each gets the decoded exit (vmx/exit.h)
 * and answers what the turn does next (sched/exit_table.c calls them). */
#ifndef FALLOW_VCPU_EXITS_H
#define FALLOW_VCPU_EXITS_H

#include "guest/guest.h"
#include "vmx/exit.h"

enum exit_action exit_cpuid(struct guest *g, const struct exit_info *e);      /* cpuid.c */
enum exit_action exit_rdmsr(struct guest *g, const struct exit_info *e);      /* msr.c */
enum exit_action exit_wrmsr(struct guest *g, const struct exit_info *e);
enum exit_action exit_cr_access(struct guest *g, const struct exit_info *e);  /* cr.c */
enum exit_action exit_xsetbv(struct guest *g, const struct exit_info *e);     /* xsetbv.c */

#endif
