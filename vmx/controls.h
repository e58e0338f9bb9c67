/* The VM-execution, VM-exit and VM-entry controls Fallow runs guests
 * with, each adjusted against what the CPU allows (SDM vol. 3 A.3-A.5). */
#ifndef FALLOW_VMX_CONTROLS_H
#define FALLOW_VMX_CONTROLS_H

#include <stdint.h>
#include "vmx/caps.h" /* some control bits are named there */

/* Pin-based controls (SDM 24.6.1). */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_ACTIVATE_PREEMPTION_TIMER (1u << 6)
/* Primary processor-based controls (SDM 24.6.2). */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2) /* toggled per entry (vmx/event.c) */
#define PROC_HLT_EXITING (1u << 7)
#define PROC_MWAIT_EXITING (1u << 10)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_CR3_LOAD_EXITING (1u << 15)
#define PROC_CR3_STORE_EXITING (1u << 16)
#define PROC_CR8_LOAD_EXITING (1u << 19)
#define PROC_CR8_STORE_EXITING (1u << 20)
#define PROC_MONITOR_EXITING (1u << 29)
/* VM-exit controls (SDM 24.7.1). */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_LOAD_IA32_EFER (1u << 21)
/* VM-entry controls (SDM 24.8.1). */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_LOAD_IA32_EFER (1u << 15)

/* An allowed-settings MSR: bits set in allowed0 must be 1, bits clear in
 * allowed1 must be 0 (SDM A.3.1). */
struct vmx_allowed {
	uint32_t allowed0;
	uint32_t allowed1;
};

/* The capability values the controls are checked against: the TRUE_*
 * MSRs where IA32_VMX_BASIC bit 55 says they exist, else the plain ones
 * (vmx/caps.c already picked them). */
struct vmx_control_caps {
	struct vmx_allowed pin, proc, proc2, exit, entry;
};

/* Splits each capability MSR into its allowed-0 and allowed-1 halves. */
void vmx_control_caps_from(const struct vmx_caps *caps, struct vmx_control_caps *out);

struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
};

/* Fills *out with every control Fallow needs plus whatever the CPU forces
 * on. Returns 0, or -ERR_NOSYS after printing a `vmx:` line naming the
 * first required control the CPU does not allow. */
int vmx_controls_compute(const struct vmx_control_caps *caps,
			 struct vmx_controls *out);

#endif
