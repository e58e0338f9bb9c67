#include "vmx/caps.h"

#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"

/* Memory type encodings (SDM vol. 3A, 11.3). */
#define MEMTYPE_WB 6

static const char *const feature_names[VMX_FEAT_COUNT] = {
	[VMX_FEAT_VMX] = "vmx",
	[VMX_FEAT_EPT] = "ept",
	[VMX_FEAT_EPT_4LEVEL] = "ept-4level",
	[VMX_FEAT_EPT_WB] = "ept-wb",
	[VMX_FEAT_UNRESTRICTED_GUEST] = "unrestricted-guest",
	[VMX_FEAT_VPID] = "vpid",
	[VMX_FEAT_PREEMPTION_TIMER] = "preemption-timer",
	[VMX_FEAT_MSR_BITMAPS] = "msr-bitmaps",
	[VMX_FEAT_IO_BITMAPS] = "io-bitmaps",
};

const char *vmx_feature_name(enum vmx_feature f)
{
	return (unsigned)f < VMX_FEAT_COUNT ? feature_names[f] : "?";
}

/* A control may be set to 1 when its bit is set in the MSR's high half. */
static bool allowed1(uint64_t ctl_msr, uint32_t bits)
{
	return ((uint32_t)(ctl_msr >> 32) & bits) == bits;
}

static void read_msrs(struct vmx_caps *c)
{
	bool true_ctls;

	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	c->pinbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
				      : MSR_IA32_VMX_PINBASED_CTLS);
	c->procbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
				       : MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	c->entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* These two MSRs exist only when their enabling control can be 1. */
	if (allowed1(c->procbased, PROC_SECONDARY_CONTROLS))
		c->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (allowed1(c->procbased2, PROC2_ENABLE_EPT) ||
	    allowed1(c->procbased2, PROC2_ENABLE_VPID))
		c->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
}

static void decide(struct vmx_caps *c)
{
	bool ept = allowed1(c->procbased2, PROC2_ENABLE_EPT) &&
		   (c->ept_vpid_cap & EPT_CAP_INVEPT);
	bool feat[VMX_FEAT_COUNT] = {
		/* A 64-bit host running 64-bit guests needs these two. */
		[VMX_FEAT_VMX] = allowed1(c->exit, EXIT_HOST_ADDR_SPACE_SIZE) &&
				 allowed1(c->entry, ENTRY_IA32E_MODE_GUEST) &&
				 ((c->basic >> VMX_BASIC_MEMTYPE_SHIFT) &
				  VMX_BASIC_MEMTYPE_MASK) == MEMTYPE_WB,
		[VMX_FEAT_EPT] = ept,
		[VMX_FEAT_EPT_4LEVEL] = ept && (c->ept_vpid_cap & EPT_CAP_WALK_4),
		[VMX_FEAT_EPT_WB] = ept && (c->ept_vpid_cap & EPT_CAP_MEMTYPE_WB),
		[VMX_FEAT_UNRESTRICTED_GUEST] =
			ept && allowed1(c->procbased2, PROC2_UNRESTRICTED_GUEST),
		[VMX_FEAT_VPID] = allowed1(c->procbased2, PROC2_ENABLE_VPID) &&
				  (c->ept_vpid_cap & VPID_CAP_INVVPID),
		[VMX_FEAT_PREEMPTION_TIMER] = allowed1(c->pinbased, PIN_PREEMPTION_TIMER),
		[VMX_FEAT_MSR_BITMAPS] = allowed1(c->procbased, PROC_USE_MSR_BITMAPS),
		[VMX_FEAT_IO_BITMAPS] = allowed1(c->procbased, PROC_USE_IO_BITMAPS),
	};

	for (unsigned f = 0; f < VMX_FEAT_COUNT; f++)
		if (feat[f])
			c->have |= 1u << f;
}

bool vmx_caps_probe(struct vmx_caps *c)
{
	*c = (struct vmx_caps){ 0 };
	c->cpuid_vmx = cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_VMX;
	if (!c->cpuid_vmx)
		return false;
	c->feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL);
	/* Unlocked is fine: VMXON time sets and locks it. Locked without
	 * VMX outside SMX is final until the next reset. */
	c->firmware_blocked = (c->feature_control & FEATURE_CONTROL_LOCKED) &&
			      !(c->feature_control & FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	read_msrs(c);
	decide(c);
	c->usable = !c->firmware_blocked && c->have == (1u << VMX_FEAT_COUNT) - 1;
	return c->usable;
}

static void print_features(uint32_t mask)
{
	for (unsigned f = 0; f < VMX_FEAT_COUNT; f++)
		if (mask & (1u << f))
			kprintf(" %s", feature_names[f]);
}

void vmx_caps_report(const struct vmx_caps *c)
{
	uint32_t all = (1u << VMX_FEAT_COUNT) - 1;

	if (!c->cpuid_vmx) {
		kprintf("vmx: unavailable: CPU lacks VMX (CPUID.1:ECX[5] clear)\n");
	} else if (c->firmware_blocked) {
		kprintf("vmx: unavailable: disabled by firmware "
			"(IA32_FEATURE_CONTROL locked without VMX outside SMX)\n");
	} else if (c->usable) {
		kprintf("vmx: available:");
		print_features(all);
		kprintf("\n");
	} else {
		kprintf("vmx: unavailable: missing");
		print_features(all & ~c->have);
		kprintf("\n");
	}
}
