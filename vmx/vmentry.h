/* VMLAUNCH/VMRESUME with the guest's general registers loaded, returning
 * to C on the next VM exit with them saved (vmx/entry.S). */
#ifndef FALLOW_VMX_VMENTRY_H
#define FALLOW_VMX_VMENTRY_H

#include "vmx/vcpu.h"

/* Runs the current VMCS's guest, v's, until a VM exit: VMLAUNCH unless
 * v->launched, else VMRESUME; v->gpr in and out. Returns 0 after a VM
 * exit, 1 when VMLAUNCH/VMRESUME itself failed (then VM_INSTRUCTION_ERROR
 * says why). */
int vmx_enter(struct vmx_vcpu *v);

/* The HOST_RIP of every VMCS: the exit half of vmx_enter. */
void vmx_exit_entry(void);

#endif
