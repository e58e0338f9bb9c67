/* RDMSR/WRMSR from guests: every MSR exits (the bitmap is all ones) and
 * only the few that are part of the guest's own VMCS state are allowed.
 * Anything else gets #GP, as on a CPU without that MSR. */
#include "vmx/exit.h"
#include "arch/x86_64/cpu.h"
#include "vmx/vmcs.h"

#define MSR_IA32_TSC 0x10u
#define MSR_IA32_SYSENTER_CS 0x174u
#define MSR_IA32_SYSENTER_ESP 0x175u
#define MSR_IA32_SYSENTER_EIP 0x176u
#define MSR_IA32_EFER 0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define CANONICAL_SHIFT 47

struct msr_rule {
	uint32_t msr;
	enum vmcs_field field; /* where the guest's value lives */
	int writable;
};

static const struct msr_rule allowed[] = {
	{ MSR_IA32_EFER, GUEST_IA32_EFER, 1 },
	{ MSR_FS_BASE, GUEST_FS_BASE, 1 },
	{ MSR_GS_BASE, GUEST_GS_BASE, 1 },
	{ MSR_IA32_SYSENTER_CS, GUEST_SYSENTER_CS, 1 },
	{ MSR_IA32_SYSENTER_ESP, GUEST_SYSENTER_ESP, 1 },
	{ MSR_IA32_SYSENTER_EIP, GUEST_SYSENTER_EIP, 1 },
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

/* Values a guest may store; EFER must stay in long mode. */
static int value_ok(uint32_t msr, uint64_t v)
{
	if (msr == MSR_IA32_EFER)
		return !(v & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) &&
		       (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA);
	if (msr == MSR_FS_BASE || msr == MSR_GS_BASE || msr == MSR_IA32_SYSENTER_ESP ||
	    msr == MSR_IA32_SYSENTER_EIP)
		return canonical(v);
	return 1;
}

enum exit_action exit_rdmsr(struct guest *g, const struct exit_info *e)
{
	uint32_t msr = (uint32_t)g->vcpu.gpr[GPR_RCX];
	const struct msr_rule *r = find_rule(msr);
	uint64_t v;

	(void)e;
	if (msr == MSR_IA32_TSC) {
		v = rdtsc();
	} else if (r) {
		v = vmcs_read(r->field);
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

	(void)e;
	if (!r || !r->writable || !value_ok(msr, v)) {
		exit_inject_gp();
		return EXIT_RESUME;
	}
	vmcs_write(r->field, v);
	exit_skip_instruction();
	return EXIT_RESUME;
}
