/* RDMSR/WRMSR from guests: every MSR exits (the bitmap is all ones) and
 * only the few that are part of the guest's own state are allowed.
 * Anything else gets #GP, as on a CPU without that MSR. A value lives in
 * a VMCS field, or, for the MSRs the VMCS does not switch, in the CPU
 * itself while the guest's turn runs (vmx/vcpu_state.c saves it after).
 * MSRs a device of the guest's declares (dev/dev.h) go to it: with a
 * vLAPIC, the x2APIC MSRs, IA32_APIC_BASE and IA32_TSC_DEADLINE go to
 * dev/x2apic.c, which refuses with #GP what an x2APIC would. */
#include "vcpu/exits.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "dev/dev.h"
#include "vmx/vmcs.h"

#define CANONICAL_SHIFT 47
#define FMASK_RESERVED 0xffffffff00000000ull

enum msr_home {
	IN_VMCS, /* a guest-state field of the VMCS */
	IN_CPU,  /* the MSR itself, the guest's during its turn */
	FIXED,   /* a constant: writing it back is accepted, changing it #GP */
};

struct msr_rule {
	uint32_t msr;
	enum msr_home home;
	enum vmcs_field field; /* IN_VMCS only */
	int writable;
	uint64_t value;        /* FIXED only */
};

/* Fast strings on; no branch trace store, no PEBS (the guest has no
 * performance monitoring). Linux's decompressor reads it before it has
 * an IDT, so a #GP there is a triple fault. */
#define MISC_ENABLE_GUEST (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE | \
			   MISC_ENABLE_PEBS_UNAVAILABLE)

static const struct msr_rule allowed[] = {
	{ MSR_IA32_EFER, IN_VMCS, GUEST_IA32_EFER, 1, 0 },
	{ MSR_FS_BASE, IN_VMCS, GUEST_FS_BASE, 1, 0 },
	{ MSR_GS_BASE, IN_VMCS, GUEST_GS_BASE, 1, 0 },
	{ MSR_IA32_SYSENTER_CS, IN_VMCS, GUEST_SYSENTER_CS, 1, 0 },
	{ MSR_IA32_SYSENTER_ESP, IN_VMCS, GUEST_SYSENTER_ESP, 1, 0 },
	{ MSR_IA32_SYSENTER_EIP, IN_VMCS, GUEST_SYSENTER_EIP, 1, 0 },
	{ MSR_KERNEL_GS_BASE, IN_CPU, 0, 1, 0 },
	{ MSR_IA32_STAR, IN_CPU, 0, 1, 0 },
	{ MSR_IA32_LSTAR, IN_CPU, 0, 1, 0 },
	{ MSR_IA32_CSTAR, IN_CPU, 0, 1, 0 },
	{ MSR_IA32_FMASK, IN_CPU, 0, 1, 0 },
	{ MSR_IA32_MISC_ENABLE, FIXED, 0, 0, MISC_ENABLE_GUEST },
};

static const struct msr_rule *find_rule(uint32_t msr)
{
	for (unsigned i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].msr == msr)
			return &allowed[i];
	return 0;
}

static int canonical(uint64_t v)
{
	uint64_t top = v >> CANONICAL_SHIFT;

	return top == 0 || top == (~0ull >> CANONICAL_SHIFT);
}

/* Values a guest may store; EFER must stay in long mode. The IN_CPU ones
 * are written with WRMSR here, so whatever the CPU would refuse with #GP
 * is refused first. */
static int value_ok(uint32_t msr, uint64_t v)
{
	switch (msr) {
	case MSR_IA32_EFER:
		return !(v & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) &&
		       (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA);
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_IA32_LSTAR:
	case MSR_IA32_CSTAR:
		return canonical(v);
	case MSR_IA32_FMASK:
		return !(v & FMASK_RESERVED);
	default:
		return 1;
	}
}

enum exit_action exit_rdmsr(struct guest *g, const struct exit_info *e)
{
	uint32_t msr = (uint32_t)g->vcpu.gpr[GPR_RCX];
	const struct msr_rule *r = find_rule(msr);
	const struct dev_msrs *dev = dev_find_msr(g, msr);
	uint64_t v;

	(void)e;
	if (msr == MSR_IA32_TSC) {
		v = rdtsc();
	} else if (dev) {
		if (dev->rdmsr(g, msr, &v)) {
			exit_inject_gp();
			return EXIT_RESUME;
		}
	} else if (r) {
		v = r->home == FIXED ? r->value : r->home == IN_CPU ? rdmsr(msr) : vmcs_read(r->field);
	} else {
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
	const struct msr_rule *r = find_rule(msr);
	const struct dev_msrs *dev = dev_find_msr(g, msr);

	(void)e;
	if (dev) {
		if (dev->wrmsr(g, msr, v))
			exit_inject_gp();
		else
			exit_skip_instruction();
		return EXIT_RESUME;
	}
	if (r && r->home == FIXED && v == r->value) {
		exit_skip_instruction();
		return EXIT_RESUME;
	}
	if (!r || !r->writable || !value_ok(msr, v)) {
		exit_inject_gp();
		return EXIT_RESUME;
	}
	if (r->home == IN_CPU)
		wrmsr(msr, v);
	else
		vmcs_write(r->field, v);
	exit_skip_instruction();
	return EXIT_RESUME;
}
