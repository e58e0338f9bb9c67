/* What a guest's CPUID answers, as data: which leaves Fallow answers
 * itself (time, its own hypervisor leaves, the XSAVE picture) and, for
 * the leaves that are the host CPU's, a table of the bits hidden, set or
 * replaced, each under a condition on the guest (its vLAPIC, the XCR0
 * components Fallow switches, its CR4). vcpu/cpuid.c gathers the view
 * and the host's answer and applies this; arch-free and host-tested
 * (tests/unit/test_cpuid_policy.c). guest-abi/ABI.md "CPUID" says the
 * same in words.
 *
 * One policy serves every guest kind: ELF and Linux guests differ only
 * through their view (a Linux guest always has a vLAPIC). */
#ifndef FALLOW_VCPU_CPUID_POLICY_H
#define FALLOW_VCPU_CPUID_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vcpu/cpuid_time.h"

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX, CPUID_REGS };

/* What the answers depend on, gathered at the exit. */
struct cpuid_view {
	uint64_t xcr0_allowed;           /* fpu_xcr0_allowed(): the components switched */
	uint32_t xsave_area;             /* fpu_area_size(): bytes for all of them */
	bool has_xsave;                  /* fpu_has_xsave() */
	uint64_t cr4;                    /* the guest's CR4 */
	bool lapic;                      /* the guest has a vLAPIC */
	uint32_t apic_id;                /* its ID, with lapic */
	const struct cpuid_time *time;   /* Fallow's clock (guest/clock.h) */
};

/* Where a whole leaf's answer comes from. */
enum cpuid_source {
	CPUID_SRC_HOST,   /* the host CPU's, less/plus cpuid_rules */
	CPUID_SRC_TIME,   /* vcpu/cpuid_time.c: leaves 0x15, 0x16, FALLOW_CPUID_TIMING */
	CPUID_SRC_FALLOW, /* Fallow's hypervisor leaves (signature, ABI version; else 0) */
	CPUID_SRC_XSAVE,  /* the host's leaf 0xd recomputed for the switched components */
};

struct cpuid_leaf_source {
	uint32_t first, last; /* leaves, inclusive */
	enum cpuid_source src;
};

/* When a rule applies. */
enum cpuid_when {
	CPUID_ALWAYS,
	CPUID_IF_LAPIC,
	CPUID_IF_NO_LAPIC,
	CPUID_IF_NO_XSAVE,      /* the CPU has no XSAVE (FXSAVE switching) */
	CPUID_IF_NO_AVX,        /* AVX state is not switched */
	CPUID_IF_NO_AVX512,     /* not all three AVX-512 components are switched */
	CPUID_IF_NO_PKRU,       /* PKRU is not switched */
	CPUID_IF_CR4_OSXSAVE,   /* the guest set CR4.OSXSAVE */
	CPUID_IF_PKRU_CR4_PKE,  /* PKRU switched and the guest set CR4.PKE */
};

enum cpuid_op {
	CPUID_OP_MASK,     /* reg = reg & ~clear | set */
	CPUID_OP_APIC_ID,  /* reg = reg & ~clear | apic_id << set */
	CPUID_OP_AT_LEAST, /* reg = max(reg, set) */
};

#define CPUID_SUB_ANY 0xffffffffu /* a rule for every subleaf */

struct cpuid_rule {
	uint32_t leaf, sub;
	enum cpuid_reg reg;
	enum cpuid_when when;
	enum cpuid_op op;
	uint32_t clear, set;
	const char *why;
};

/* The tables, in the order they are applied (rules: in order, each on
 * the result of those before it; sources: the first that holds wins). */
extern const struct cpuid_rule cpuid_rules[];
extern const size_t cpuid_rules_len;
extern const struct cpuid_leaf_source cpuid_sources[];
extern const size_t cpuid_sources_len;

enum cpuid_source cpuid_policy_source(uint32_t leaf);

/* Whether rule r holds for view v. */
bool cpuid_policy_applies(const struct cpuid_rule *r, const struct cpuid_view *v);

/* The guest's answer to CPUID (leaf, sub) in r[0..3] (EAX, EBX, ECX,
 * EDX). r holds the host's answer on entry when cpuid_policy_source
 * (leaf) is CPUID_SRC_HOST or CPUID_SRC_XSAVE; otherwise it is ignored. */
void cpuid_policy_answer(const struct cpuid_view *v, uint32_t leaf, uint32_t sub,
			 uint32_t r[CPUID_REGS]);

#endif
