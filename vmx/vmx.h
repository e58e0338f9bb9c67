/* VMX operation on this CPU: VMXON/VMXOFF and what every guest's VMCS
 * shares (controls, MSR and I/O bitmaps, preemption-timer rate). */
#ifndef FALLOW_VMX_VMX_H
#define FALLOW_VMX_VMX_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/phys.h"
#include "vmx/caps.h"
#include "vmx/controls.h"

struct vmx_cpu {
	bool on;
	uint32_t revision;      /* VMCS revision identifier from IA32_VMX_BASIC */
	paddr_t vmxon_region;
	paddr_t msr_bitmap;     /* all ones: every RDMSR/WRMSR exits */
	paddr_t io_bitmap_a;    /* ports 0x0000-0x7fff, all ones */
	paddr_t io_bitmap_b;    /* ports 0x8000-0xffff, all ones */
	struct vmx_controls ctl;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned preempt_shift; /* timer ticks once per 2^shift TSC ticks */
	bool intr_window;       /* interrupt-window exiting may be turned on */
	bool invept_single, invvpid_single;
	uint64_t saved_cr4;     /* CR4 before VMXON, restored by vmx_off */
};

extern struct vmx_cpu vmx_cpu;

/* Checks the controls, enables VMX in CR0/CR4/FEATURE_CONTROL, allocates
 * the VMXON region and bitmaps and executes VMXON. 0, or a negative ERR_*
 * after a `vmx:` line saying why. */
int vmx_on(const struct vmx_caps *caps);

/* VMXOFF, CR4.VMXE cleared, VMXON region and bitmaps scrubbed and freed. */
void vmx_off(void);

/* Flushes the TLB entries of one EPT / one VPID. */
void vmx_flush_ept(uint64_t eptp);
void vmx_flush_vpid(uint16_t vpid);

#endif
