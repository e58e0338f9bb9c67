/* See vcpu_state.h. The hypervisor itself never uses the x87/SSE state,
 * the debug registers, SYSCALL or SWAPGS, so all of it is switched once
 * per turn rather than at every exit: exit handlers that read or write
 * one of these (MSR, XSETBV) work on the CPU's live value. */
#include "vmx/vcpu_state.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/msr.h"
#include "vmx/hv.h"

/* One XSAVE area per guest slot, reset when the slot gets a guest. */
static struct fpu_area areas[VMX_VCPU_MAX];

/* The host's values, taken before the first guest's state is loaded. */
static struct vcpu_switched host;
static bool host_taken;

static void regs_save(struct vcpu_switched *s)
{
	s->cr2 = read_cr2();
	s->dr[0] = read_dr0();
	s->dr[1] = read_dr1();
	s->dr[2] = read_dr2();
	s->dr[3] = read_dr3();
	s->dr6 = read_dr6();
	s->msr.kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	s->msr.star = rdmsr(MSR_IA32_STAR);
	s->msr.lstar = rdmsr(MSR_IA32_LSTAR);
	s->msr.cstar = rdmsr(MSR_IA32_CSTAR);
	s->msr.fmask = rdmsr(MSR_IA32_FMASK);
}

static void regs_load(const struct vcpu_switched *s)
{
	write_cr2(s->cr2);
	write_dr0(s->dr[0]);
	write_dr1(s->dr[1]);
	write_dr2(s->dr[2]);
	write_dr3(s->dr[3]);
	write_dr6(s->dr6);
	wrmsr(MSR_KERNEL_GS_BASE, s->msr.kernel_gs_base);
	wrmsr(MSR_IA32_STAR, s->msr.star);
	wrmsr(MSR_IA32_LSTAR, s->msr.lstar);
	wrmsr(MSR_IA32_CSTAR, s->msr.cstar);
	wrmsr(MSR_IA32_FMASK, s->msr.fmask);
}

void vcpu_state_init(struct vmx_vcpu *v, unsigned slot)
{
	if (slot >= VMX_VCPU_MAX)
		panic("vcpu: slot %u past the %u save areas", slot, VMX_VCPU_MAX);
	if (!host_taken) {
		regs_save(&host);
		host.xcr0 = fpu_xcr0_allowed();
		host_taken = true;
	}
	v->sw = (struct vcpu_switched){
		.dr6 = DR6_INIT,
		.xcr0 = XCR0_X87,
		.fpu = &areas[slot],
	};
	v->cr8 = 0;
	fpu_area_reset(v->sw.fpu);
}

void vcpu_state_load(struct vmx_vcpu *v)
{
	regs_load(&v->sw);
	/* XRSTOR of every allowed component first (XCR0 is the host's, the
	 * full set), then the guest's own XCR0 for its turn. */
	fpu_restore(v->sw.fpu);
	if (fpu_has_xsave())
		xsetbv(XCR_XCR0, v->sw.xcr0);
}

void vcpu_state_put(struct vmx_vcpu *v)
{
	regs_save(&v->sw);
	/* Back to the full XCR0 before XSAVE: a guest with SSE off in XCR0
	 * still changes the XMM registers, and they must be saved too. */
	if (fpu_has_xsave())
		xsetbv(XCR_XCR0, host.xcr0);
	fpu_save(v->sw.fpu);
	regs_load(&host);
}
