/* vcpu/cpuid_policy.c: the tables give the answers vcpu/cpuid.c computed
 * by hand before they were tables (the reference below is that code,
 * kept as the record), hide what guest-abi/ABI.md "CPUID" says guests do
 * not get, and every rule is for a leaf that is the host's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "guest-abi/fallow_abi.h"
#include "vcpu/cpuid_policy.h"
#include "vcpu/cpuid_time.h"

#define TSC_HZ 2893000000ull
#define HOST_SAMPLES 24
#define XSAVE_AREA 2696u

/* ---- the reference: vcpu/cpuid.c as it was, on a view */
#define L7_EBX_AVX2 (1u << 5)
#define L7_EBX_INVPCID (1u << 10)
#define L7_ECX_RDPID (1u << 22)
#define L7_EBX_AVX512 ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | \
		       (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31))
#define L7_ECX_AVX512 ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
#define L7_ECX_PKU (1u << 3)
#define L7_ECX_OSPKE (1u << 4)
#define L7_ECX_CET_SS (1u << 7)
#define L7_EDX_AVX512 ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23))
#define L7_EDX_CET_IBT (1u << 20)
#define L7_EDX_AMX ((1u << 22) | (1u << 24) | (1u << 25))
#define EXT_EDX_RDTSCP (1u << 27)

static void ref_fallow_leaf(uint32_t leaf, struct cpuid_regs *r)
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

static void ref_apic_features(struct cpuid_regs *r, const struct cpuid_view *v)
{
	if (!v->lapic) {
		r->ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		r->edx &= ~CPUID_1_EDX_APIC;
		return;
	}
	r->ecx |= CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;
	r->edx |= CPUID_1_EDX_APIC;
	r->ebx = (r->ebx & ~CPUID_1_EBX_APIC_ID_MASK) | v->apic_id << CPUID_1_EBX_APIC_ID_SHIFT;
}

static void ref_features(struct cpuid_regs *r, const struct cpuid_view *v)
{
	ref_apic_features(r, v);
	r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_PDCM | CPUID_1_ECX_OSXSAVE |
		    CPUID_1_ECX_MONITOR);
	r->ecx |= CPUID_1_ECX_HYPERVISOR;
	if (!v->has_xsave)
		r->ecx &= ~CPUID_1_ECX_XSAVE;
	if (!(v->xcr0_allowed & XCR0_AVX))
		r->ecx &= ~(CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
	if (v->cr4 & CR4_OSXSAVE)
		r->ecx |= CPUID_1_ECX_OSXSAVE;
}

static void ref_struct_features(uint32_t sub, struct cpuid_regs *r, const struct cpuid_view *v)
{
	uint64_t allowed = v->xcr0_allowed;

	if (sub != 0)
		return;
	r->ebx &= ~(1u << 1); /* since: no IA32_TSC_ADJUST (its MSR is #GP) */
	if (!(allowed & XCR0_AVX))
		r->ebx &= ~L7_EBX_AVX2;
	if ((allowed & XCR0_AVX512) != XCR0_AVX512) {
		r->ebx &= ~L7_EBX_AVX512;
		r->ecx &= ~L7_ECX_AVX512;
		r->edx &= ~L7_EDX_AVX512;
	}
	r->ebx &= ~L7_EBX_INVPCID;
	r->ecx &= ~(L7_ECX_CET_SS | L7_ECX_OSPKE | L7_ECX_RDPID);
	r->edx &= ~(L7_EDX_CET_IBT | L7_EDX_AMX);
	if (!(allowed & XCR0_PKRU))
		r->ecx &= ~L7_ECX_PKU;
	else if (v->cr4 & CR4_PKE)
		r->ecx |= L7_ECX_OSPKE;
}

static void ref_xsave_leaf(uint32_t sub, struct cpuid_regs *r, const struct cpuid_view *v)
{
	uint64_t allowed = v->xcr0_allowed;

	if (sub == 0) {
		r->eax = (uint32_t)allowed;
		r->edx = (uint32_t)(allowed >> 32);
		r->ecx = allowed ? v->xsave_area : 0;
		if (!allowed)
			r->ebx = 0;
	} else if (sub == CPUID_XSAVE_SUB_FEATURES) {
		r->eax &= allowed ? 0x7u : 0;
		r->ecx = r->edx = 0;
	} else if (sub >= 63u || !(allowed >> sub & 1)) {
		*r = (struct cpuid_regs){ 0 };
	}
}

/* Since: APERF/MPERF hidden (their MSRs are #GP). */
static void ref_thermal(struct cpuid_regs *r, const struct cpuid_view *v)
{
	if (v->lapic)
		r->eax |= CPUID_6_EAX_ARAT;
	r->ecx &= ~CPUID_6_ECX_APERFMPERF;
}

static struct cpuid_regs reference(const struct cpuid_view *v, uint32_t leaf, uint32_t sub,
				   struct cpuid_regs host)
{
	struct cpuid_regs r;
	uint32_t time[4];

	if (cpuid_time_leaf(v->time, leaf, time)) {
		r = (struct cpuid_regs){ time[0], time[1], time[2], time[3] };
	} else if ((leaf & 0xffffff00u) == FALLOW_CPUID_BASE) {
		ref_fallow_leaf(leaf, &r);
	} else {
		r = host;
		if (leaf == 0 && r.eax < CPUID_TIME_LEAF_FREQ)
			r.eax = CPUID_TIME_LEAF_FREQ;
		else if (leaf == CPUID_LEAF_FEATURES)
			ref_features(&r, v);
		else if (leaf == CPUID_LEAF_THERMAL)
			ref_thermal(&r, v);
		else if ((leaf == CPUID_LEAF_TOPOLOGY || leaf == CPUID_LEAF_TOPOLOGY_V2) && v->lapic)
			r.edx = v->apic_id;
		else if (leaf == CPUID_LEAF_STRUCT_FEATURES)
			ref_struct_features(sub, &r, v);
		else if (leaf == CPUID_LEAF_PMU)
			r = (struct cpuid_regs){ 0 };
		else if (leaf == CPUID_LEAF_XSAVE)
			ref_xsave_leaf(sub, &r, v);
		else if (leaf == CPUID_LEAF_EXT_FEATURES)
			r.edx &= ~EXT_EDX_RDTSCP;
	}
	return r;
}

/* ---- helpers */
static struct cpuid_time clock;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static struct cpuid_regs answer(const struct cpuid_view *v, uint32_t leaf, uint32_t sub,
				struct cpuid_regs host)
{
	uint32_t r[CPUID_REGS] = { host.eax, host.ebx, host.ecx, host.edx };

	cpuid_policy_answer(v, leaf, sub, r);
	return (struct cpuid_regs){ r[CPUID_EAX], r[CPUID_EBX], r[CPUID_ECX], r[CPUID_EDX] };
}

static struct cpuid_view view(bool lapic, uint32_t apic_id, uint64_t xcr0, uint64_t cr4)
{
	return (struct cpuid_view){
		.xcr0_allowed = xcr0,
		.xsave_area = xcr0 ? XSAVE_AREA : 0,
		.has_xsave = xcr0 != 0,
		.cr4 = cr4,
		.lapic = lapic,
		.apic_id = apic_id,
		.time = &clock,
	};
}

static const struct cpuid_regs ALL_ONES = { ~0u, ~0u, ~0u, ~0u };

static int setup(void **state)
{
	(void)state;
	cpuid_time_init(&clock, TSC_HZ);
	return 0;
}

/* ---- tests */
static void test_matches_todays_answers(void **state)
{
	static const uint32_t leaves[] = {
		0, 1, 2, 4, 6, 7, 0xa, 0xb, 0xd, 0x14, 0x15, 0x16, 0x1f, 0x20,
		FALLOW_CPUID_BASE, FALLOW_CPUID_VERSION, FALLOW_CPUID_BASE + 2,
		FALLOW_CPUID_TIMING, FALLOW_CPUID_BASE + 0xff, FALLOW_CPUID_BASE + 0x100,
		0x80000000u, 0x80000001u, 0x80000008u,
	};
	static const uint32_t subs[] = { 0, 1, 2, 3, 5, 9, 62, 63, 64 };
	static const uint64_t xcr0s[] = {
		0, XCR0_X87 | XCR0_SSE, XCR0_X87 | XCR0_SSE | XCR0_AVX,
		XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512,
		XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512 | XCR0_PKRU,
		XCR0_X87 | XCR0_SSE | XCR0_PKRU,
	};
	static const uint64_t cr4s[] = { 0, CR4_OSXSAVE, CR4_PKE, CR4_OSXSAVE | CR4_PKE };
	static const struct { bool on; uint32_t id; } apics[] = { { false, 0 }, { true, 0 },
								  { true, 5 } };
	unsigned compared = 0;

	(void)state;
	for (size_t a = 0; a < sizeof(apics) / sizeof(apics[0]); a++)
	for (size_t x = 0; x < sizeof(xcr0s) / sizeof(xcr0s[0]); x++)
	for (size_t c = 0; c < sizeof(cr4s) / sizeof(cr4s[0]); c++) {
		struct cpuid_view v = view(apics[a].on, apics[a].id, xcr0s[x], cr4s[c]);

		for (size_t l = 0; l < sizeof(leaves) / sizeof(leaves[0]); l++)
		for (size_t s = 0; s < sizeof(subs) / sizeof(subs[0]); s++)
		for (int h = 0; h < HOST_SAMPLES; h++) {
			struct cpuid_regs host = h == 0 ? ALL_ONES :
				h == 1 ? (struct cpuid_regs){ 0 } :
				(struct cpuid_regs){ rnd(), rnd(), rnd(), rnd() };
			struct cpuid_regs want = reference(&v, leaves[l], subs[s], host);
			struct cpuid_regs got = answer(&v, leaves[l], subs[s], host);

			if (memcmp(&want, &got, sizeof(want)))
				fail_msg("leaf %#x sub %u lapic %d xcr0 %#llx cr4 %#llx: "
					 "%08x %08x %08x %08x, want %08x %08x %08x %08x",
					 leaves[l], subs[s], apics[a].on,
					 (unsigned long long)xcr0s[x], (unsigned long long)cr4s[c],
					 got.eax, got.ebx, got.ecx, got.edx,
					 want.eax, want.ebx, want.ecx, want.edx);
			compared++;
		}
	}
	assert_true(compared > 100000);
}

/* What ABI.md "CPUID" promises, from a host that has everything. */
static void test_hides_what_abi_says(void **state)
{
	struct cpuid_view v = view(true, 0, XCR0_X87 | XCR0_SSE, 0);
	struct cpuid_regs r;

	(void)state;
	r = answer(&v, CPUID_LEAF_FEATURES, 0, ALL_ONES);
	assert_false(r.ecx & CPUID_1_ECX_VMX);
	assert_false(r.ecx & CPUID_1_ECX_PDCM);
	assert_false(r.ecx & CPUID_1_ECX_MONITOR);
	assert_false(r.ecx & CPUID_1_ECX_OSXSAVE);       /* the guest's CR4 has none */
	assert_false(r.ecx & (CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C));
	assert_true(r.ecx & CPUID_1_ECX_HYPERVISOR);
	assert_true(r.ecx & CPUID_1_ECX_X2APIC);
	assert_true(r.ecx & CPUID_1_ECX_TSC_DEADLINE);
	assert_true(r.edx & CPUID_1_EDX_APIC);
	assert_int_equal(r.ebx & CPUID_1_EBX_APIC_ID_MASK, 0);

	r = answer(&v, CPUID_LEAF_PMU, 0, ALL_ONES);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);

	r = answer(&v, CPUID_LEAF_STRUCT_FEATURES, 0, ALL_ONES);
	assert_false(r.ebx & (L7_EBX_INVPCID | L7_EBX_AVX2 | L7_EBX_AVX512));
	assert_false(r.ebx & (1u << 1)); /* IA32_TSC_ADJUST: its MSR is #GP */
	assert_false(r.ecx & (L7_ECX_RDPID | L7_ECX_CET_SS | L7_ECX_PKU | L7_ECX_OSPKE));
	assert_false(r.edx & (L7_EDX_CET_IBT | L7_EDX_AMX));

	r = answer(&v, CPUID_LEAF_EXT_FEATURES, 0, ALL_ONES);
	assert_false(r.edx & EXT_EDX_RDTSCP);

	r = answer(&v, CPUID_LEAF_THERMAL, 0, (struct cpuid_regs){ 0 });
	assert_true(r.eax & CPUID_6_EAX_ARAT);
	r = answer(&v, CPUID_LEAF_THERMAL, 0, ALL_ONES);
	assert_false(r.ecx & CPUID_6_ECX_APERFMPERF); /* their MSRs are #GP */
	r = answer(&v, CPUID_LEAF_TOPOLOGY, 0, ALL_ONES);
	assert_int_equal(r.edx, 0);

	r = answer(&v, 0, 0, (struct cpuid_regs){ .eax = 0xd });
	assert_true(r.eax >= CPUID_TIME_LEAF_FREQ);

	/* Without a vLAPIC there is no APIC at all. */
	v = view(false, 0, XCR0_X87 | XCR0_SSE, CR4_OSXSAVE);
	r = answer(&v, CPUID_LEAF_FEATURES, 0, ALL_ONES);
	assert_false(r.ecx & (CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE));
	assert_false(r.edx & CPUID_1_EDX_APIC);
	assert_true(r.ecx & CPUID_1_ECX_OSXSAVE);
	r = answer(&v, CPUID_LEAF_THERMAL, 0, (struct cpuid_regs){ 0 });
	assert_false(r.eax & CPUID_6_EAX_ARAT);

	/* XSAVE: exactly the components switched. */
	v = view(true, 0, XCR0_X87 | XCR0_SSE | XCR0_AVX, 0);
	r = answer(&v, CPUID_LEAF_XSAVE, 0, ALL_ONES);
	assert_int_equal(r.eax, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	assert_int_equal(r.edx, 0);
	assert_int_equal(r.ecx, XSAVE_AREA);
	r = answer(&v, CPUID_LEAF_XSAVE, 1, ALL_ONES);
	assert_int_equal(r.eax, 0x7);                   /* no XSAVES, no XFD */
	r = answer(&v, CPUID_LEAF_XSAVE, 9, ALL_ONES);  /* PKRU: not switched */
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* The time leaves are cpuid_time.c's, the 0x400000xx ones Fallow's. */
static void test_sources(void **state)
{
	static const uint32_t bases[] = { 0, FALLOW_CPUID_BASE - 0x10, 0x80000000u };
	struct cpuid_view v = view(true, 0, XCR0_X87 | XCR0_SSE, 0);
	uint32_t r[CPUID_REGS];

	(void)state;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (uint32_t leaf = bases[b]; leaf < bases[b] + 0x200; leaf++) {
			enum cpuid_source src = cpuid_policy_source(leaf);

			assert_int_equal(src == CPUID_SRC_TIME, cpuid_time_leaf(&clock, leaf, r));
			if (src != CPUID_SRC_TIME)
				assert_int_equal(src == CPUID_SRC_FALLOW,
						 (leaf & 0xffffff00u) == FALLOW_CPUID_BASE);
		}
	assert_int_equal(cpuid_policy_source(CPUID_LEAF_XSAVE), CPUID_SRC_XSAVE);

	memset(r, 0xff, sizeof(r));
	cpuid_policy_answer(&v, FALLOW_CPUID_BASE, 0, r);
	assert_int_equal(r[CPUID_EAX], FALLOW_CPUID_TIMING);
	assert_memory_equal(&r[CPUID_EBX], "Fall", 4);
	assert_memory_equal(&r[CPUID_ECX], "owFa", 4);
	assert_memory_equal(&r[CPUID_EDX], "llow", 4);
	cpuid_policy_answer(&v, FALLOW_CPUID_TIMING, 0, r);
	assert_int_equal(r[CPUID_EAX], TSC_HZ / 1000);
}

/* Every rule is for a leaf whose answer is the host's (one on a
 * replaced leaf would never apply) and says why. */
static void test_rules_well_formed(void **state)
{
	(void)state;
	assert_true(cpuid_rules_len > 0);
	for (size_t i = 0; i < cpuid_rules_len; i++) {
		const struct cpuid_rule *r = &cpuid_rules[i];

		assert_int_equal(cpuid_policy_source(r->leaf), CPUID_SRC_HOST);
		assert_true(r->reg < CPUID_REGS);
		assert_non_null(r->why);
		if (r->op == CPUID_OP_MASK)
			assert_true((r->clear | r->set) != 0);
		if (r->op == CPUID_OP_APIC_ID)
			assert_true(r->set < 32 && r->when == CPUID_IF_LAPIC);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_todays_answers),
		cmocka_unit_test(test_hides_what_abi_says),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_rules_well_formed),
	};

	return cmocka_run_group_tests_name("cpuid_policy", tests, setup, NULL);
}
