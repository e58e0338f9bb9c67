/* RDMSR/WRMSR from guests: every MSR exits (the bitmap is all ones) and
 * vcpu/msr_table.c says what each allowed MSR does and where its value
 * lives; anything else gets #GP, as on a CPU without that MSR. This file
 * only carries the entry out. A bundle MSR (not switched by the VMCS) is
 * in the CPU itself while the guest's turn runs (vmx/vcpu_state.c saves
 * it after), so it is read and written live. A guest with a vLAPIC has
 * its x2APIC MSRs, IA32_APIC_BASE and IA32_TSC_DEADLINE answered by
 * the vLAPIC device (dev/x2apic.c, through the device table dev/dev.h),
 * which refuses with #GP what an x2APIC would. */
#include "vcpu/exits.h"
#include "arch/x86_64/cpu.h"
#include "dev/dev.h"
#include "lib/err.h"
#include "vcpu/msr_table.h"
#include "vmx/vmcs.h"

/* 0, or a negative ERR_* for #GP. */
static int read_home(struct guest *g, const struct msr_entry *m, uint32_t msr,
		     uint64_t *v)
{
	switch (m->home) {
	case MSR_HOME_VMCS:
		*v = vmcs_read((enum vmcs_field)m->vmcs_field);
		return 0;
	case MSR_HOME_BUNDLE:
		*v = rdmsr(msr);
		return 0;
	case MSR_HOME_LAPIC: {
		const struct dev_msrs *dev = dev_find_msr(g, msr);

		return dev ? dev->rdmsr(g, msr, v) : -ERR_PERM;
	}
	case MSR_HOME_FIXED:
		*v = m->value;
		return 0;
	case MSR_HOME_TSC:
		*v = rdtsc();
		return 0;
	}
	return -ERR_PERM;
}

/* Carries out entry m's write policy: 0, or a negative ERR_* for #GP. */
static int write_home(struct guest *g, const struct msr_entry *m, uint32_t msr,
		      uint64_t v)
{
	switch (m->write) {
	case MSR_WRITE_IGNORED:
		return 0;
	case MSR_WRITE_SAME:
		return v == m->value ? 0 : -ERR_PERM;
	case MSR_WRITE_HOME:
		if (m->home == MSR_HOME_LAPIC) {
			const struct dev_msrs *dev = dev_find_msr(g, msr);

			return dev ? dev->wrmsr(g, msr, v) : -ERR_PERM;
		}
		return -ERR_PERM;
	case MSR_WRITE_CHECKED:
		if (!msr_value_ok(m, v))
			return -ERR_INVAL;
		if (m->home == MSR_HOME_BUNDLE)
			wrmsr(msr, v);
		else if (m->home == MSR_HOME_VMCS)
			vmcs_write((enum vmcs_field)m->vmcs_field, v);
		else
			return -ERR_PERM;
		return 0;
	case MSR_WRITE_GP:
		break;
	}
	return -ERR_PERM;
}

enum exit_action exit_rdmsr(struct guest *g, const struct exit_info *e)
{
	uint32_t msr = (uint32_t)g->vcpu.gpr[GPR_RCX];
	const struct msr_entry *m = msr_lookup(msr, guest_lapic(g) != 0);
	uint64_t v;

	(void)e;
	if (!m || m->read != MSR_READ_HOME || read_home(g, m, msr, &v)) {
		exit_inject_gp();
		return EXIT_RESUME;
	}
	g->vcpu.gpr[GPR_RAX] = (uint32_t)v;
	g->vcpu.gpr[GPR_RDX] = v >> 32;
	exit_skip_instruction();
	return EXIT_RESUME;
}

enum exit_action exit_wrmsr(struct guest *g, const struct exit_info *e)
{
	uint32_t msr = (uint32_t)g->vcpu.gpr[GPR_RCX];
	uint64_t v = (g->vcpu.gpr[GPR_RDX] << 32) | (uint32_t)g->vcpu.gpr[GPR_RAX];
	const struct msr_entry *m = msr_lookup(msr, guest_lapic(g) != 0);

	(void)e;
	if (!m || write_home(g, m, msr, v))
		exit_inject_gp();
	else
		exit_skip_instruction();
	return EXIT_RESUME;
}
