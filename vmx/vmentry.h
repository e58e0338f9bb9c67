/* VMLAUNCH/VMRESUME with the guest's general registers loaded, returning
 * to C on the next VM exit with them saved. */
#ifndef FALLOW_VMX_VMENTRY_H
#define FALLOW_VMX_VMENTRY_H

#include <stdint.h>

/* Runs the current VMCS's guest until a VM exit. gpr: 16 registers in
 * enum gpr order. Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME
 * itself failed (then VM_INSTRUCTION_ERROR says why). */
int vmx_enter(uint64_t *gpr, int launched);

/* The HOST_RIP of every VMCS: the exit half of vmx_enter. */
void vmx_exit_entry(void);

#endif
