/* CPUID from guests: the host's answers, less what a guest does not get
 * (nested VMX, performance counters), with the XSAVE picture made to
 * match what Fallow switches per guest (arch/x86_64/fpu.h) and the
 * OS-enabled bits mirroring the guest's own CR4 rather than the host's.
 * Time (leaves 0x15, 0x16, FALLOW_CPUID_TIMING) is Fallow's clock, and
 * the APIC bits say what the guest's vLAPIC is, if it has one. */
#include "vcpu/exits.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/msr.h"
#include "guest-abi/fallow_abi.h"
#include "vcpu/cpuid_time.h"
#include "guest/clock.h"
#include "vmx/hv.h"
#include "vmx/vmcs.h"

/* Leaf 7 subleaf 0 (SDM vol. 2A, CPUID, table 3-8). */
#define L7_EBX_AVX2 (1u << 5)
#define L7_EBX_INVPCID (1u << 10)
#define L7_ECX_RDPID (1u << 22)
#define L7_EBX_AVX512 ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | \
		       (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31))
#define L7_ECX_AVX512 ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
#define L7_ECX_PKU (1u << 3)
#define L7_ECX_OSPKE (1u << 4) /* mirrors CR4.PKE */
#define L7_ECX_CET_SS (1u << 7)
#define L7_EDX_AVX512 ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23))
#define L7_EDX_CET_IBT (1u << 20)
#define L7_EDX_AMX ((1u << 22) | (1u << 24) | (1u << 25))
#define EXT_EDX_RDTSCP (1u << 27)
/* Leaf 0xd subleaf 1 EAX: XSAVEOPT, XSAVEC, XGETBV with ECX=1. XSAVES
 * (bit 3) needs IA32_XSS, which guests do not get; XFD (bit 4) neither. */
#define XSAVE_SUB1_EAX_KEPT 0x7u
#define XSAVE_COMPONENTS 63u

static void fallow_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	const char *sig = FALLOW_CPUID_SIGNATURE;

	*r = (struct cpuid_regs){ 0 };
	if (leaf == FALLOW_CPUID_BASE) {
		r->eax = FALLOW_CPUID_TIMING;
		memcpy(&r->ebx, sig, 4);
		memcpy(&r->ecx, sig + 4, 4);
		memcpy(&r->edx, sig + 8, 4);
	} else if (leaf == FALLOW_CPUID_VERSION) {
		r->eax = FALLOW_ABI_VERSION;
		r->ebx = FALLOW_HC_COUNT;
	}
}

/* A local APIC is there only as the vLAPIC: x2APIC with TSC deadline,
 * its ID in leaf 1 (and in 0xb/0x1f, below). */
static void apic_features(struct cpuid_regs *r, const struct lapic *l)
{
	if (!l) {
		r->ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		r->edx &= ~CPUID_1_EDX_APIC;
		return;
	}
	r->ecx |= CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;
	r->edx |= CPUID_1_EDX_APIC;
	r->ebx = (r->ebx & ~CPUID_1_EBX_APIC_ID_MASK) | l->id << CPUID_1_EBX_APIC_ID_SHIFT;
}

static void features(struct cpuid_regs *r, uint64_t allowed, uint64_t cr4,
		     const struct lapic *l)
{
	apic_features(r, l);
	/* No nested VMX, no PERF_CAPABILITIES, no MONITOR/MWAIT (they exit
	 * and are #UD: an idle guest halts); say a hypervisor is here. */
	r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_PDCM | CPUID_1_ECX_OSXSAVE |
		    CPUID_1_ECX_MONITOR);
	r->ecx |= CPUID_1_ECX_HYPERVISOR;
	if (!fpu_has_xsave())
		r->ecx &= ~CPUID_1_ECX_XSAVE;
	if (!(allowed & XCR0_AVX))
		r->ecx &= ~(CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
	if (cr4 & CR4_OSXSAVE)
		r->ecx |= CPUID_1_ECX_OSXSAVE;
}

static void struct_features(uint32_t sub, struct cpuid_regs *r, uint64_t allowed,
			    uint64_t cr4)
{
	if (sub != 0)
		return;
	if (!(allowed & XCR0_AVX))
		r->ebx &= ~L7_EBX_AVX2;
	if ((allowed & XCR0_AVX512) != XCR0_AVX512) {
		r->ebx &= ~L7_EBX_AVX512;
		r->ecx &= ~L7_ECX_AVX512;
		r->edx &= ~L7_EDX_AVX512;
	}
	/* CET and AMX state is not switched: not offered. INVPCID and RDPID
	 * are #UD: their enable controls stay off. */
	r->ebx &= ~L7_EBX_INVPCID;
	r->ecx &= ~(L7_ECX_CET_SS | L7_ECX_OSPKE | L7_ECX_RDPID);
	r->edx &= ~(L7_EDX_CET_IBT | L7_EDX_AMX);
	if (!(allowed & XCR0_PKRU))
		r->ecx &= ~L7_ECX_PKU;
	else if (cr4 & CR4_PKE)
		r->ecx |= L7_ECX_OSPKE;
}

/* The guest's XCR0 is in the CPU during its turn, so the host's EBX
 * (bytes for the XCR0 now enabled) is already the guest's figure. */
static void xsave_leaf(uint32_t sub, struct cpuid_regs *r, uint64_t allowed)
{
	if (sub == 0) {
		r->eax = (uint32_t)allowed;
		r->edx = (uint32_t)(allowed >> 32);
		r->ecx = allowed ? fpu_area_size() : 0;
		if (!allowed)
			r->ebx = 0;
	} else if (sub == CPUID_XSAVE_SUB_FEATURES) {
		r->eax &= allowed ? XSAVE_SUB1_EAX_KEPT : 0;
		r->ecx = r->edx = 0;
	} else if (sub >= XSAVE_COMPONENTS || !(allowed >> sub & 1)) {
		*r = (struct cpuid_regs){ 0 };
	}
}

enum exit_action exit_cpuid(struct guest *g, const struct exit_info *e)
{
	uint32_t leaf = (uint32_t)g->vcpu.gpr[GPR_RAX];
	uint32_t sub = (uint32_t)g->vcpu.gpr[GPR_RCX];
	uint64_t allowed = fpu_xcr0_allowed();
	uint64_t cr4 = vmcs_read(GUEST_CR4);
	struct cpuid_regs r;

	(void)e;
	const struct lapic *l = guest_lapic(g);
	uint32_t time[4];

	if (cpuid_time_leaf(clock_guest_time(), leaf, time)) {
		r = (struct cpuid_regs){ time[0], time[1], time[2], time[3] };
	} else if ((leaf & 0xffffff00u) == FALLOW_CPUID_BASE) {
		fallow_leaf(leaf, &r);
	} else {
		r = cpuid(leaf, sub);
		if (leaf == 0 && r.eax < CPUID_TIME_LEAF_FREQ) /* reach the time leaves */
			r.eax = CPUID_TIME_LEAF_FREQ;
		else if (leaf == CPUID_LEAF_FEATURES)
			features(&r, allowed, cr4, l);
		else if (leaf == CPUID_LEAF_THERMAL && l)
			r.eax |= CPUID_6_EAX_ARAT; /* the vLAPIC timer never stops */
		else if ((leaf == CPUID_LEAF_TOPOLOGY || leaf == CPUID_LEAF_TOPOLOGY_V2) && l)
			r.edx = l->id;
		else if (leaf == CPUID_LEAF_STRUCT_FEATURES)
			struct_features(sub, &r, allowed, cr4);
		else if (leaf == CPUID_LEAF_PMU)
			r = (struct cpuid_regs){ 0 }; /* no counters: RDPMC is #GP */
		else if (leaf == CPUID_LEAF_XSAVE)
			xsave_leaf(sub, &r, allowed);
		else if (leaf == CPUID_LEAF_EXT_FEATURES) /* RDTSCP is #UD: */
			r.edx &= ~EXT_EDX_RDTSCP;          /* enable-RDTSCP is off */
	}
	g->vcpu.gpr[GPR_RAX] = r.eax;
	g->vcpu.gpr[GPR_RBX] = r.ebx;
	g->vcpu.gpr[GPR_RCX] = r.ecx;
	g->vcpu.gpr[GPR_RDX] = r.edx;
	exit_skip_instruction();
	return EXIT_RESUME;
}
