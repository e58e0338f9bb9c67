/* CPUID from guests: the guest's view (its vLAPIC, the XCR0 components
 * Fallow switches, its CR4, Fallow's clock) and, where the answer is
 * based on the host's, the host CPU's answer, handed to the policy
 * (vcpu/cpuid_policy.c), which says what is hidden, set or replaced. */
#include "vcpu/exits.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "guest/clock.h"
#include "vcpu/cpuid_policy.h"
#include "vmx/vmcs.h"

enum exit_action exit_cpuid(struct guest *g, const struct exit_info *e)
{
	uint32_t leaf = (uint32_t)g->vcpu.gpr[GPR_RAX];
	uint32_t sub = (uint32_t)g->vcpu.gpr[GPR_RCX];
	const struct lapic *l = guest_lapic(g);
	struct cpuid_view v = {
		.xcr0_allowed = fpu_xcr0_allowed(),
		.xsave_area = fpu_area_size(),
		.has_xsave = fpu_has_xsave(),
		.cr4 = vmcs_read(GUEST_CR4),
		.lapic = l != 0,
		.apic_id = l ? l->id : 0,
		.time = clock_guest_time(),
	};
	uint32_t r[CPUID_REGS] = { 0 };
	enum cpuid_source src = cpuid_policy_source(leaf);

	(void)e;
	if (src == CPUID_SRC_HOST || src == CPUID_SRC_XSAVE) {
		struct cpuid_regs h = cpuid(leaf, sub);

		r[CPUID_EAX] = h.eax;
		r[CPUID_EBX] = h.ebx;
		r[CPUID_ECX] = h.ecx;
		r[CPUID_EDX] = h.edx;
	}
	cpuid_policy_answer(&v, leaf, sub, r);
	g->vcpu.gpr[GPR_RAX] = r[CPUID_EAX];
	g->vcpu.gpr[GPR_RBX] = r[CPUID_EBX];
	g->vcpu.gpr[GPR_RCX] = r[CPUID_ECX];
	g->vcpu.gpr[GPR_RDX] = r[CPUID_EDX];
	exit_skip_instruction();
	return EXIT_RESUME;
}
