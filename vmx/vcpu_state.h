/* The per-guest CPU state no VMCS field switches (struct vcpu_switched),
 * swapped here and nowhere else: at the start and the end of a turn. */
#ifndef FALLOW_VMX_VCPU_STATE_H
#define FALLOW_VMX_VCPU_STATE_H

#include "vmx/vcpu.h"

/* A guest's state as after reset, in the save area of guest slot `slot`:
 * x87/SSE initial, XCR0 x87 only, DR0-DR3 zero, DR6 at its reset value,
 * the SYSCALL MSRs and KERNEL_GS_BASE zero, CR8 zero. */
void vcpu_state_init(struct vmx_vcpu *v, unsigned slot);

/* Start of a turn: the guest's bundle into the CPU. */
void vcpu_state_load(struct vmx_vcpu *v);

/* End of a turn: the CPU's values into the bundle, then the host's
 * values back (XCR0 to fpu_xcr0_allowed(), DRs and MSRs as at boot). */
void vcpu_state_put(struct vmx_vcpu *v);

#endif
