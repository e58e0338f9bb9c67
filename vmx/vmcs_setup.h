/* Filling a new guest's VMCS: controls, host state and the guest's
 * 64-bit start state (ABI.md "Start convention"). */
#ifndef FALLOW_VMX_VMCS_SETUP_H
#define FALLOW_VMX_VMCS_SETUP_H

#include <stdint.h>
#include "vmx/guest.h"

/* Allocates and loads g's VMCS and writes every field. `cr3` is the
 * guest's PML4, `entry` its first RIP. 0 or a negative ERR_*. */
int vmcs_setup_guest(struct guest *g, uint64_t cr3, uint64_t entry);

/* Guest CR0/CR4 bits the guest may not change (fixed by VMX or by the
 * 64-bit start convention); a write that changes one exits. */
uint64_t vmcs_cr0_owned(void);
uint64_t vmcs_cr4_owned(void);

#endif
