// SPDX-License-Identifier: GPL-2.0
/*
 * Fallow detection. CPUID leaf 0x40000000 carries the signature and
 * 0x40000001 the ABI version (guest-abi/ABI.md, "CPUID"). Nothing is
 * printed unless the signature matches, so the same kernel boots silently
 * on any other machine.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <fallow/fallow.h>

#define CPUID_1_ECX_HYPERVISOR (1u << 31)

enum { STATE_UNKNOWN, STATE_ABSENT, STATE_PRESENT, STATE_OTHER_ABI };

static int state = STATE_UNKNOWN;
static u32 abi_version, hypercall_count;

static int detect(void)
{
	u32 eax, sig[3];

	if (!(cpuid_ecx(1) & CPUID_1_ECX_HYPERVISOR))
		return STATE_ABSENT;
	cpuid(FALLOW_CPUID_BASE, &eax, &sig[0], &sig[1], &sig[2]);
	if (eax < FALLOW_CPUID_VERSION ||
	    memcmp(sig, FALLOW_CPUID_SIGNATURE, sizeof(sig)))
		return STATE_ABSENT;
	cpuid(FALLOW_CPUID_VERSION, &abi_version, &hypercall_count, &eax, &eax);
	return abi_version == FALLOW_ABI_VERSION ? STATE_PRESENT
						  : STATE_OTHER_ABI;
}

bool fallow_present(void)
{
	if (fallow_fake_on())
		return true;
	if (state == STATE_UNKNOWN)
		state = detect();
	return state == STATE_PRESENT;
}

/* The one line that says what was found; only under Fallow. */
static int __init fallow_report(void)
{
	fallow_present();
	if (state == STATE_PRESENT)
		pr_info("fallow: Fallow hypervisor, ABI version %u, %u hypercalls\n",
			abi_version, hypercall_count);
	else if (state == STATE_OTHER_ABI)
		pr_warn("fallow: Fallow hypervisor with ABI version %u, these drivers speak %u: disabled\n",
			abi_version, FALLOW_ABI_VERSION);
	return 0;
}
core_initcall(fallow_report);
