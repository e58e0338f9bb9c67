/* What the CPU offers of VT-x, read once at boot, and the verdict on each
 * feature Fallow relies on. Reading only: nothing here enables VMX. */
#ifndef FALLOW_VMX_CAPS_H
#define FALLOW_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/msr.h" /* the VMX capability MSRs */

/* IA32_VMX_BASIC fields. */
#define VMX_BASIC_REVISION_MASK 0x7fffffffull
#define VMX_BASIC_VMCS_SIZE_SHIFT 32
#define VMX_BASIC_VMCS_SIZE_MASK 0x1fffull
#define VMX_BASIC_MEMTYPE_SHIFT 50
#define VMX_BASIC_MEMTYPE_MASK 0xfull
#define VMX_BASIC_TRUE_CTLS (1ull << 55)

/* Control bits Fallow needs (allowed-1 is the MSR's high half). */
#define PIN_PREEMPTION_TIMER (1u << 6)
#define PROC_USE_IO_BITMAPS (1u << 25)
#define PROC_USE_MSR_BITMAPS (1u << 28)
#define PROC_SECONDARY_CONTROLS (1u << 31)
#define PROC2_ENABLE_EPT (1u << 1)
#define PROC2_ENABLE_VPID (1u << 5)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define ENTRY_IA32E_MODE_GUEST (1u << 9)

/* IA32_VMX_EPT_VPID_CAP bits. */
#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_MEMTYPE_WB (1ull << 14)
#define EPT_CAP_INVEPT (1ull << 20)
#define VPID_CAP_INVVPID (1ull << 32)

/* The features Fallow uses, in the order the `vmx:` line names them. */
enum vmx_feature {
	VMX_FEAT_VMX,
	VMX_FEAT_EPT,
	VMX_FEAT_EPT_4LEVEL,
	VMX_FEAT_EPT_WB,
	VMX_FEAT_UNRESTRICTED_GUEST,
	VMX_FEAT_VPID,
	VMX_FEAT_PREEMPTION_TIMER,
	VMX_FEAT_MSR_BITMAPS,
	VMX_FEAT_IO_BITMAPS,
	VMX_FEAT_COUNT
};

struct vmx_caps {
	bool cpuid_vmx;        /* CPUID.1:ECX.VMX[bit 5] */
	bool firmware_blocked; /* FEATURE_CONTROL locked with VMX off */
	uint64_t feature_control;
	uint64_t basic;
	/* Control MSRs; the TRUE_* values where BASIC bit 55 says they exist. */
	uint64_t pinbased, procbased, procbased2, exit, entry;
	uint64_t misc, ept_vpid_cap;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t have;    /* bit per enum vmx_feature */
	bool usable;      /* every feature present and VMX allowed */
};

/* Reads CPUID and (when VMX exists) the VMX MSRs into *c. Returns true
 * when Fallow can use VT-x. */
bool vmx_caps_probe(struct vmx_caps *c);

/* Prints the one `vmx:` line. */
void vmx_caps_report(const struct vmx_caps *c);

const char *vmx_feature_name(enum vmx_feature f);

#endif
