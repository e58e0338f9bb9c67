/* A virtual CPU as VT-x runs it: the general registers the entry stub
 * loads and saves, the state no VMCS field switches, the event state and
 * its VMCS. Everything in vmx/ works over this, never over a guest; a
 * guest (guest/guest.h) embeds one. */
#ifndef FALLOW_VMX_VCPU_H
#define FALLOW_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/phys.h"
#include "vmx/event.h"

/* vCPUs there can be at once, one per guest slot: the number of save
 * areas vmx/vcpu_state.c keeps (guest/guest.h checks GUEST_MAX fits). */
#define VMX_VCPU_MAX 32

/* General registers in the SDM's encoding order (exit qualifications name
 * registers by this index). The RSP slot is unused: RSP lives in the VMCS.
 * vmx/entry.S reaches them through vmx/asm-offsets.c. */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

/* The MSRs a 64-bit guest owns that the VMCS does not switch. */
struct vcpu_msrs {
	uint64_t kernel_gs_base; /* SWAPGS exchanges it with GS_BASE, no exit */
	uint64_t star, lstar, cstar, fmask; /* SYSCALL's selectors, targets, mask */
};

struct fpu_area;

/* What a guest can change without a VM exit and the VMCS does not hold.
 * vcpu_state_load puts it in the CPU at the start of the guest's turn and
 * vcpu_state_put saves it at the end (vmx/vcpu_state.c, the one place):
 * during the turn the CPU's registers are the truth, these the copy. */
struct vcpu_switched {
	uint64_t cr2;
	uint64_t dr[4];        /* DR0-DR3; DR7 is in the VMCS */
	uint64_t dr6;
	uint64_t xcr0;         /* set through XSETBV exits (vcpu/xsetbv.c) */
	struct vcpu_msrs msr;  /* WRMSR exits write them live (vcpu/msr.c) */
	struct fpu_area *fpu;  /* x87/SSE/AVX: the XSAVE (or FXSAVE) image */
};

struct vmx_vcpu {
	uint64_t gpr[GPR_COUNT];
	struct vcpu_switched sw;
	uint64_t cr8; /* the guest's TPR without a vLAPIC: CR8 accesses exit (vcpu/cr.c) */
	struct vcpu_events ev; /* vmx/event.c's */
	paddr_t vmcs;
	bool launched;
	uint16_t vpid;
};

#endif
