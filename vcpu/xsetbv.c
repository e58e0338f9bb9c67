/* XSETBV from guests (it always exits): the guest's XCR0, checked the way
 * the CPU checks it, against the components Fallow switches per guest
 * (fpu_xcr0_allowed). Accepted values go into the CPU at once (the
 * guest's turn is running) and into its bundle; XGETBV does not exit and
 * so reads the guest's own value. Anything else is #GP, as on the CPU. */
#include "vcpu/exits.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/msr.h"
#include "vmx/vmcs.h"

static bool xcr0_valid(uint64_t v)
{
	uint64_t allowed = fpu_xcr0_allowed();

	if (!allowed || (v & ~allowed) || !(v & XCR0_X87))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if ((v & XCR0_AVX512) && ((v & XCR0_AVX512) != XCR0_AVX512 || !(v & XCR0_AVX)))
		return false;
	return true;
}

enum exit_action exit_xsetbv(struct guest *g, const struct exit_info *e)
{
	uint32_t xcr = (uint32_t)g->vcpu.gpr[GPR_RCX];
	uint64_t v = (g->vcpu.gpr[GPR_RDX] << 32) | (uint32_t)g->vcpu.gpr[GPR_RAX];

	(void)e;
	/* The CPU raises #UD (CR4.OSXSAVE clear) and #GP (CPL > 0) before
	 * the exit; checked again, as it costs nothing. */
	if (xcr != XCR_XCR0 || exit_guest_cpl() != 0 ||
	    !(vmcs_read(GUEST_CR4) & CR4_OSXSAVE) || !xcr0_valid(v)) {
		exit_inject_gp();
		return EXIT_RESUME;
	}
	g->vcpu.sw.xcr0 = v;
	xsetbv(XCR_XCR0, v);
	exit_skip_instruction();
	return EXIT_RESUME;
}
