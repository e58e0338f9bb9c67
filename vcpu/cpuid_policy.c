/* See cpuid_policy.h. What a guest does not get: nested VMX, performance
 * counters, MONITOR/MWAIT, CET, AMX, INVPCID, RDPID, RDTSCP (their state
 * is not switched or their enable controls stay off); the XSAVE picture
 * is made to match what Fallow switches per guest (arch/x86_64/fpu.h)
 * and the OS-enabled bits mirror the guest's own CR4, not the host's.
 * The bit names are arch/x86_64/cpu.h's (SDM vol. 2A, CPUID). */
#include "vcpu/cpuid_policy.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "guest-abi/fallow_abi.h"

/* Leaf 7 subleaf 0 (SDM vol. 2A, CPUID, table 3-8). */
#define L7_EBX_AVX2 (1u << 5)
#define L7_EBX_INVPCID (1u << 10)
#define L7_EBX_TSC_ADJUST (1u << 1)
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
#define ALL_BITS 0xffffffffu
#define FALLOW_LEAF_LAST (FALLOW_CPUID_BASE | 0xffu)

const struct cpuid_leaf_source cpuid_sources[] = {
	{ CPUID_TIME_LEAF_TSC, CPUID_TIME_LEAF_TSC, CPUID_SRC_TIME },
	{ CPUID_TIME_LEAF_FREQ, CPUID_TIME_LEAF_FREQ, CPUID_SRC_TIME },
	{ FALLOW_CPUID_TIMING, FALLOW_CPUID_TIMING, CPUID_SRC_TIME },
	{ FALLOW_CPUID_BASE, FALLOW_LEAF_LAST, CPUID_SRC_FALLOW },
	{ CPUID_LEAF_XSAVE, CPUID_LEAF_XSAVE, CPUID_SRC_XSAVE },
};

const size_t cpuid_sources_len = sizeof(cpuid_sources) / sizeof(cpuid_sources[0]);

/* RULE's leaf and subleaf may come as one argument (L1, L7): RULE
 * expands it before RULE_ counts. */
#define RULE(...) RULE_(__VA_ARGS__)
#define RULE_(l, s, r, w, c, st, y) \
	{ .leaf = (l), .sub = (s), .reg = (r), .when = (w), .op = CPUID_OP_MASK, \
	  .clear = (c), .set = (st), .why = (y) }
#define APIC_ID(l, r, c, shift) \
	{ .leaf = (l), .sub = CPUID_SUB_ANY, .reg = (r), .when = CPUID_IF_LAPIC, \
	  .op = CPUID_OP_APIC_ID, .clear = (c), .set = (shift), .why = "the vLAPIC's ID" }
#define ZERO(l, r) RULE(l, CPUID_SUB_ANY, r, CPUID_ALWAYS, ALL_BITS, 0, \
			"no performance counters: RDPMC is #GP")
#define L1 CPUID_LEAF_FEATURES, CPUID_SUB_ANY
#define L7 CPUID_LEAF_STRUCT_FEATURES, 0

const struct cpuid_rule cpuid_rules[] = {
	{ .leaf = 0, .sub = CPUID_SUB_ANY, .reg = CPUID_EAX, .when = CPUID_ALWAYS,
	  .op = CPUID_OP_AT_LEAST, .set = CPUID_TIME_LEAF_FREQ, .why = "reach the time leaves" },

	/* A local APIC is there only as the vLAPIC: x2APIC with TSC
	 * deadline, its ID in leaf 1 (and in 0xb/0x1f, below). */
	RULE(L1, CPUID_ECX, CPUID_IF_NO_LAPIC, CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE, 0,
	     "no local APIC"),
	RULE(L1, CPUID_EDX, CPUID_IF_NO_LAPIC, CPUID_1_EDX_APIC, 0, "no local APIC"),
	RULE(L1, CPUID_ECX, CPUID_IF_LAPIC, 0, CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE,
	     "the vLAPIC: x2APIC, TSC deadline"),
	RULE(L1, CPUID_EDX, CPUID_IF_LAPIC, 0, CPUID_1_EDX_APIC, "the vLAPIC"),
	APIC_ID(CPUID_LEAF_FEATURES, CPUID_EBX, CPUID_1_EBX_APIC_ID_MASK,
		CPUID_1_EBX_APIC_ID_SHIFT),
	/* No nested VMX, no PERF_CAPABILITIES, no MONITOR/MWAIT (they exit
	 * and are #UD: an idle guest halts); say a hypervisor is here. */
	RULE(L1, CPUID_ECX, CPUID_ALWAYS,
	     CPUID_1_ECX_VMX | CPUID_1_ECX_PDCM | CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_MONITOR,
	     CPUID_1_ECX_HYPERVISOR, "no VMX, PDCM, MONITOR; a hypervisor"),
	RULE(L1, CPUID_ECX, CPUID_IF_NO_XSAVE, CPUID_1_ECX_XSAVE, 0, "FXSAVE switching"),
	RULE(L1, CPUID_ECX, CPUID_IF_NO_AVX,
	     CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C, 0, "AVX state not switched"),
	RULE(L1, CPUID_ECX, CPUID_IF_CR4_OSXSAVE, 0, CPUID_1_ECX_OSXSAVE, "the guest's CR4"),

	RULE(CPUID_LEAF_THERMAL, CPUID_SUB_ANY, CPUID_EAX, CPUID_IF_LAPIC, 0, CPUID_6_EAX_ARAT,
	     "the vLAPIC timer never stops"),
	/* Linux reads APERF/MPERF on every tick and TSC_ADJUST every second
	 * when these say they exist; they are #GP (vcpu/msr_table.c). */
	RULE(CPUID_LEAF_THERMAL, CPUID_SUB_ANY, CPUID_ECX, CPUID_ALWAYS, CPUID_6_ECX_APERFMPERF, 0,
	     "no APERF/MPERF"),
	RULE(L7, CPUID_EBX, CPUID_ALWAYS, L7_EBX_TSC_ADJUST, 0, "no IA32_TSC_ADJUST"),

	RULE(L7, CPUID_EBX, CPUID_IF_NO_AVX, L7_EBX_AVX2, 0, "AVX state not switched"),
	RULE(L7, CPUID_EBX, CPUID_IF_NO_AVX512, L7_EBX_AVX512, 0, "AVX-512 state not switched"),
	RULE(L7, CPUID_ECX, CPUID_IF_NO_AVX512, L7_ECX_AVX512, 0, "AVX-512 state not switched"),
	RULE(L7, CPUID_EDX, CPUID_IF_NO_AVX512, L7_EDX_AVX512, 0, "AVX-512 state not switched"),
	/* CET and AMX state is not switched: not offered. INVPCID and RDPID
	 * are #UD: their enable controls stay off. */
	RULE(L7, CPUID_EBX, CPUID_ALWAYS, L7_EBX_INVPCID, 0, "INVPCID is #UD"),
	RULE(L7, CPUID_ECX, CPUID_ALWAYS, L7_ECX_CET_SS | L7_ECX_OSPKE | L7_ECX_RDPID, 0,
	     "no CET; RDPID is #UD; OSPKE is the guest's"),
	RULE(L7, CPUID_EDX, CPUID_ALWAYS, L7_EDX_CET_IBT | L7_EDX_AMX, 0, "no CET, AMX"),
	RULE(L7, CPUID_ECX, CPUID_IF_NO_PKRU, L7_ECX_PKU, 0, "PKRU not switched"),
	RULE(L7, CPUID_ECX, CPUID_IF_PKRU_CR4_PKE, 0, L7_ECX_OSPKE, "the guest's CR4"),

	ZERO(CPUID_LEAF_PMU, CPUID_EAX),
	ZERO(CPUID_LEAF_PMU, CPUID_EBX),
	ZERO(CPUID_LEAF_PMU, CPUID_ECX),
	ZERO(CPUID_LEAF_PMU, CPUID_EDX),

	APIC_ID(CPUID_LEAF_TOPOLOGY, CPUID_EDX, ALL_BITS, 0),
	APIC_ID(CPUID_LEAF_TOPOLOGY_V2, CPUID_EDX, ALL_BITS, 0),

	RULE(CPUID_LEAF_EXT_FEATURES, CPUID_SUB_ANY, CPUID_EDX, CPUID_ALWAYS, EXT_EDX_RDTSCP, 0,
	     "RDTSCP is #UD: enable-RDTSCP is off"),
};

const size_t cpuid_rules_len = sizeof(cpuid_rules) / sizeof(cpuid_rules[0]);

enum cpuid_source cpuid_policy_source(uint32_t leaf)
{
	for (size_t i = 0; i < cpuid_sources_len; i++)
		if (leaf >= cpuid_sources[i].first && leaf <= cpuid_sources[i].last)
			return cpuid_sources[i].src;
	return CPUID_SRC_HOST;
}

bool cpuid_policy_applies(const struct cpuid_rule *r, const struct cpuid_view *v)
{
	switch (r->when) {
	case CPUID_ALWAYS:
		return true;
	case CPUID_IF_LAPIC:
		return v->lapic;
	case CPUID_IF_NO_LAPIC:
		return !v->lapic;
	case CPUID_IF_NO_XSAVE:
		return !v->has_xsave;
	case CPUID_IF_NO_AVX:
		return !(v->xcr0_allowed & XCR0_AVX);
	case CPUID_IF_NO_AVX512:
		return (v->xcr0_allowed & XCR0_AVX512) != XCR0_AVX512;
	case CPUID_IF_NO_PKRU:
		return !(v->xcr0_allowed & XCR0_PKRU);
	case CPUID_IF_CR4_OSXSAVE:
		return v->cr4 & CR4_OSXSAVE;
	case CPUID_IF_PKRU_CR4_PKE:
		return (v->xcr0_allowed & XCR0_PKRU) && (v->cr4 & CR4_PKE);
	}
	return false;
}

static uint32_t sig_word(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 |
	       (uint32_t)(uint8_t)s[2] << 16 | (uint32_t)(uint8_t)s[3] << 24;
}

static void fallow_leaf(uint32_t leaf, uint32_t r[CPUID_REGS])
{
	const char *sig = FALLOW_CPUID_SIGNATURE;

	r[CPUID_EAX] = r[CPUID_EBX] = r[CPUID_ECX] = r[CPUID_EDX] = 0;
	if (leaf == FALLOW_CPUID_BASE) {
		r[CPUID_EAX] = FALLOW_CPUID_TIMING;
		r[CPUID_EBX] = sig_word(sig);
		r[CPUID_ECX] = sig_word(sig + 4);
		r[CPUID_EDX] = sig_word(sig + 8);
	} else if (leaf == FALLOW_CPUID_VERSION) {
		r[CPUID_EAX] = FALLOW_ABI_VERSION;
		r[CPUID_EBX] = FALLOW_HC_COUNT;
	}
}

/* The guest's XCR0 is in the CPU during its turn, so the host's EBX
 * (bytes for the XCR0 now enabled) is already the guest's figure. */
static void xsave_leaf(const struct cpuid_view *v, uint32_t sub, uint32_t r[CPUID_REGS])
{
	uint64_t allowed = v->xcr0_allowed;

	if (sub == 0) {
		r[CPUID_EAX] = (uint32_t)allowed;
		r[CPUID_EDX] = (uint32_t)(allowed >> 32);
		r[CPUID_ECX] = allowed ? v->xsave_area : 0;
		if (!allowed)
			r[CPUID_EBX] = 0;
	} else if (sub == CPUID_XSAVE_SUB_FEATURES) {
		r[CPUID_EAX] &= allowed ? XSAVE_SUB1_EAX_KEPT : 0;
		r[CPUID_ECX] = r[CPUID_EDX] = 0;
	} else if (sub >= XSAVE_COMPONENTS || !(allowed >> sub & 1)) {
		r[CPUID_EAX] = r[CPUID_EBX] = r[CPUID_ECX] = r[CPUID_EDX] = 0;
	}
}

static void apply_rule(const struct cpuid_rule *rule, const struct cpuid_view *v,
		       uint32_t *reg)
{
	switch (rule->op) {
	case CPUID_OP_MASK:
		*reg = (*reg & ~rule->clear) | rule->set;
		break;
	case CPUID_OP_APIC_ID:
		*reg = (*reg & ~rule->clear) | v->apic_id << rule->set;
		break;
	case CPUID_OP_AT_LEAST:
		if (*reg < rule->set)
			*reg = rule->set;
		break;
	}
}

void cpuid_policy_answer(const struct cpuid_view *v, uint32_t leaf, uint32_t sub,
			 uint32_t r[CPUID_REGS])
{
	switch (cpuid_policy_source(leaf)) {
	case CPUID_SRC_TIME:
		cpuid_time_leaf(v->time, leaf, r);
		return;
	case CPUID_SRC_FALLOW:
		fallow_leaf(leaf, r);
		return;
	case CPUID_SRC_XSAVE:
		xsave_leaf(v, sub, r);
		return;
	case CPUID_SRC_HOST:
		break;
	}
	for (size_t i = 0; i < cpuid_rules_len; i++) {
		const struct cpuid_rule *rule = &cpuid_rules[i];

		if (rule->leaf == leaf && (rule->sub == CPUID_SUB_ANY || rule->sub == sub) &&
		    cpuid_policy_applies(rule, v))
			apply_rule(rule, v, &r[rule->reg]);
	}
}
