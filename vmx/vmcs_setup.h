/* Filling a new guest's VMCS: controls, host state and the guest's
 * 64-bit start state (ABI.md "Start convention"). */
#ifndef FALLOW_VMX_VMCS_SETUP_H
#define FALLOW_VMX_VMCS_SETUP_H

#include <stdint.h>
#include "guest/guest.h"
#include "guest/loader.h"

/* Allocates and loads g's VMCS and writes every field; the guest starts
 * as its loader said (`entry`: RIP, RSP, RSI, RDI, CR3, GDT, selectors).
 * 0 or a negative ERR_*. */
int vmcs_setup_guest(struct guest *g, const struct guest_entry *entry);

/* Guest CR0/CR4 bits the guest may not change (fixed by VMX or by the
 * 64-bit start convention); a write that changes one exits. */
uint64_t vmcs_cr0_owned(void);
uint64_t vmcs_cr4_owned(void);

#endif
