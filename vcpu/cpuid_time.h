/* What a guest learns of time from CPUID, so it needs no calibration
 * against a PIT it does not have: the TSC frequency Fallow measured at
 * boot (arch/x86_64/tsc.c) and the vLAPIC timer's input clock
 * (dev/lapic.h), in leaf 0x15 (TSC/crystal ratio and crystal Hz), leaf
 * 0x16 (MHz) and the hypervisor leaf FALLOW_CPUID_TIMING (kHz, the
 * VMware/KVM 0x40000010 layout). Arch-free and host-tested. */
#ifndef FALLOW_VCPU_CPUID_TIME_H
#define FALLOW_VCPU_CPUID_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define CPUID_TIME_LEAF_TSC 0x15u  /* EAX denominator, EBX numerator, ECX crystal Hz */
#define CPUID_TIME_LEAF_FREQ 0x16u /* EAX base MHz, EBX max MHz, ECX bus MHz */

struct cpuid_time {
	uint64_t tsc_hz;
	uint64_t apic_hz;     /* tsc_hz >> apic_shift: the vLAPIC timer's clock */
	unsigned apic_shift;  /* dev/lapic.h clock_shift */
};

/* The picture for a TSC of tsc_hz (nonzero). */
void cpuid_time_init(struct cpuid_time *t, uint64_t tsc_hz);

/* When `leaf` is one of the three time leaves, fills r[0..3] (EAX, EBX,
 * ECX, EDX) and returns true; otherwise leaves r alone. */
bool cpuid_time_leaf(const struct cpuid_time *t, uint32_t leaf, uint32_t r[4]);

#endif
