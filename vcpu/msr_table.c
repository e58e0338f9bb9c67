/* See msr_table.h. The SDM numbers are arch/x86_64/msr.h's; the VMCS
 * field encodings vmx/vmcs.h's (the table holds them as data only). */
#include "vcpu/msr_table.h"
#include "arch/x86_64/msr.h"
#include "vmx/vmcs.h"

#define CANONICAL_SHIFT 47
#define LOW32_RESERVED 0xffffffff00000000ull
#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define EFER_LONG_MODE (EFER_LME | EFER_LMA)

/* Fast strings on; no branch trace store, no PEBS (the guest has no
 * performance monitoring). Linux's decompressor reads it before it has
 * an IDT, so a #GP there is a triple fault. */
#define MISC_ENABLE_GUEST (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE | \
			   MISC_ENABLE_PEBS_UNAVAILABLE)

#define ONE(msr) .first = (msr), .last = (msr), .name = #msr
#define VMCS(f, chk) .read = MSR_READ_HOME, .write = MSR_WRITE_CHECKED, \
	.home = MSR_HOME_VMCS, .check = (chk), .vmcs_field = (f)
#define BUNDLE(chk) .read = MSR_READ_HOME, .write = MSR_WRITE_CHECKED, \
	.home = MSR_HOME_BUNDLE, .check = (chk)
#define LAPIC .read = MSR_READ_HOME, .write = MSR_WRITE_HOME, .home = MSR_HOME_LAPIC

/* Sorted by MSR number; no two entries overlap (the unit test checks). */
const struct msr_entry msr_table[] = {
	{ ONE(MSR_IA32_TSC), .read = MSR_READ_HOME, .write = MSR_WRITE_GP,
	  .home = MSR_HOME_TSC },
	{ ONE(MSR_IA32_APIC_BASE), LAPIC },
	{ ONE(MSR_IA32_BIOS_SIGN_ID), .read = MSR_READ_HOME, .write = MSR_WRITE_IGNORED,
	  .home = MSR_HOME_FIXED, .value = 0 },
	{ ONE(MSR_IA32_SYSENTER_CS), VMCS(GUEST_SYSENTER_CS, MSR_CHECK_NONE) },
	{ ONE(MSR_IA32_SYSENTER_ESP), VMCS(GUEST_SYSENTER_ESP, MSR_CHECK_CANONICAL) },
	{ ONE(MSR_IA32_SYSENTER_EIP), VMCS(GUEST_SYSENTER_EIP, MSR_CHECK_CANONICAL) },
	{ ONE(MSR_IA32_MISC_ENABLE), .read = MSR_READ_HOME, .write = MSR_WRITE_SAME,
	  .home = MSR_HOME_FIXED, .value = MISC_ENABLE_GUEST },
	{ ONE(MSR_IA32_TSC_DEADLINE), LAPIC },
	{ .first = MSR_X2APIC_FIRST, .last = MSR_X2APIC_LAST, .name = "x2APIC registers",
	  LAPIC },
	{ ONE(MSR_IA32_EFER), VMCS(GUEST_IA32_EFER, MSR_CHECK_EFER) },
	{ ONE(MSR_IA32_STAR), BUNDLE(MSR_CHECK_NONE) },
	{ ONE(MSR_IA32_LSTAR), BUNDLE(MSR_CHECK_CANONICAL) },
	{ ONE(MSR_IA32_CSTAR), BUNDLE(MSR_CHECK_CANONICAL) },
	{ ONE(MSR_IA32_FMASK), BUNDLE(MSR_CHECK_LOW32) },
	{ ONE(MSR_FS_BASE), VMCS(GUEST_FS_BASE, MSR_CHECK_CANONICAL) },
	{ ONE(MSR_GS_BASE), VMCS(GUEST_GS_BASE, MSR_CHECK_CANONICAL) },
	{ ONE(MSR_KERNEL_GS_BASE), BUNDLE(MSR_CHECK_CANONICAL) },
};

const size_t msr_table_len = sizeof(msr_table) / sizeof(msr_table[0]);

const struct msr_entry *msr_lookup(uint32_t msr, bool lapic)
{
	for (size_t i = 0; i < msr_table_len; i++) {
		const struct msr_entry *e = &msr_table[i];

		if (msr < e->first || msr > e->last)
			continue;
		return e->home == MSR_HOME_LAPIC && !lapic ? 0 : e;
	}
	return 0;
}

static bool canonical(uint64_t v)
{
	uint64_t top = v >> CANONICAL_SHIFT;

	return top == 0 || top == (~0ull >> CANONICAL_SHIFT);
}

bool msr_value_ok(const struct msr_entry *e, uint64_t v)
{
	switch (e->check) {
	case MSR_CHECK_EFER:
		return !(v & ~EFER_GUEST_BITS) && (v & EFER_LONG_MODE) == EFER_LONG_MODE;
	case MSR_CHECK_CANONICAL:
		return canonical(v);
	case MSR_CHECK_LOW32:
		return !(v & LOW32_RESERVED);
	case MSR_CHECK_NONE:
	default:
		return true;
	}
}
