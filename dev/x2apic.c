/* The virtual x2APIC (dev/lapic.c, arch-free) as a device of the table
 * (dev/dev.h): attached to a guest with lapic=on, it owns the MSRs an
 * x2APIC answers — IA32_APIC_BASE, IA32_TSC_DEADLINE and the registers
 * at 0x800-0x8ff, the set lapic_owns_msr() names — and reads the TSC for
 * them. Its state is g->lapic; guest_lapic() says whether it is live. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "dev/dev.h"
#include "dev/lapic.h"
#include "guest/clock.h"
#include "guest/guest.h"
#include "vcpu/cpuid_time.h"
#include "vmx/hv.h"

#define BSP_APIC_ID 0u /* one vCPU per guest */

static bool wanted(const struct guest *g)
{
	return g->cfg.lapic;
}

static int attach(struct guest *g, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	lapic_reset(&g->lapic, BSP_APIC_ID, clock_guest_time()->apic_shift);
	return 0;
}

static void print_started(const struct guest *g)
{
	(void)g;
	kprintf(" lapic=x2apic");
}

static int rd(struct guest *g, uint32_t msr, uint64_t *out)
{
	return lapic_rdmsr(&g->lapic, msr, rdtsc(), out);
}

static int wr(struct guest *g, uint32_t msr, uint64_t value)
{
	return lapic_wrmsr(&g->lapic, msr, value, rdtsc());
}

static const struct dev_msrs msrs[] = {
	{ MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, rd, wr },
	{ MSR_IA32_TSC_DEADLINE, MSR_IA32_TSC_DEADLINE, rd, wr },
	{ MSR_X2APIC_FIRST, MSR_X2APIC_LAST, rd, wr },
};

const struct dev_ops dev_x2apic_ops = {
	.name = "x2apic",
	.wanted = wanted,
	.attach = attach,
	.msrs = msrs,
	.nmsrs = sizeof(msrs) / sizeof(msrs[0]),
	.print_started = print_started,
};
