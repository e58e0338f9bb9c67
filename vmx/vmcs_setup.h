/* Filling a new guest's VMCS: controls, host state and the guest's
 * 64-bit start state (ABI.md "Start convention"). */
#ifndef FALLOW_VMX_VMCS_SETUP_H
#define FALLOW_VMX_VMCS_SETUP_H

#include <stdint.h>
#include "vmx/ept.h"
#include "vmx/vcpu.h"

/* How a guest's vCPU starts: what its loader chose, what the VMCS and
 * the registers get (vmcs_setup). Always 64-bit mode, paging on,
 * interrupts off; segments flat. */
struct guest_entry {
	uint64_t rip, rsp, rsi, rdi;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds; /* DS = ES = FS = GS = SS */
	uint32_t exception_bitmap; /* guest exceptions that exit (bit = vector) */
};

/* Allocates and loads v's VMCS (v->vmcs; its owner counts the page) and
 * writes every field: v's VPID, the guest memory `ept`, and the start
 * state its loader chose (`entry`: RIP, RSP, RSI, RDI, CR3, GDT,
 * selectors); v's switched state is reset into the save area of guest
 * slot `slot`. 0 or a negative ERR_*. */
int vmcs_setup(struct vmx_vcpu *v, const struct ept *ept, unsigned slot,
	       const struct guest_entry *entry);

/* Guest CR0/CR4 bits the guest may not change (fixed by VMX or by the
 * 64-bit start convention); a write that changes one exits. */
uint64_t vmcs_cr0_owned(void);
uint64_t vmcs_cr4_owned(void);

#endif
