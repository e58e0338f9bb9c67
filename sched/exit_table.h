/* What one vCPU turn does with each VM exit: a table indexed by basic exit
 * reason, from vmx/'s decoding (vmx/exit.h) to the policy that decides
 * (vcpu/, dev/, hcall/) or to the small handlers here. Counters per
 * reason per guest feed the summary. */
#ifndef FALLOW_SCHED_EXIT_TABLE_H
#define FALLOW_SCHED_EXIT_TABLE_H

#include "guest/guest.h"
#include "vmx/exit.h"

/* Reads the exit information of the current VMCS, counts it and runs its
 * handler. */
enum exit_action exit_dispatch(struct guest *g);

#endif
