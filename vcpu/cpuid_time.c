/* See cpuid_time.h. Leaf 0x15 states the crystal as the APIC timer's
 * clock, which is how Linux reads it (it takes ECX as the local APIC
 * timer's frequency), and the ratio as 2^apic_shift / 1, so
 * ECX * EBX / EAX gives the TSC back to within 2^apic_shift Hz. */
#include "vcpu/cpuid_time.h"
#include "dev/lapic.h"
#include "guest-abi/fallow_abi.h"

#define HZ_PER_MHZ 1000000u
#define HZ_PER_KHZ 1000u
#define LEAF_16_MHZ_MAX 0xffffu /* the fields are 16 bits wide */

void cpuid_time_init(struct cpuid_time *t, uint64_t tsc_hz)
{
	t->tsc_hz = tsc_hz;
	t->apic_shift = lapic_clock_shift(tsc_hz);
	t->apic_hz = tsc_hz >> t->apic_shift;
}

static uint32_t mhz(uint64_t hz)
{
	uint64_t v = hz / HZ_PER_MHZ;

	return v > LEAF_16_MHZ_MAX ? LEAF_16_MHZ_MAX : (uint32_t)v;
}

static uint32_t khz(uint64_t hz)
{
	uint64_t v = hz / HZ_PER_KHZ;

	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

bool cpuid_time_leaf(const struct cpuid_time *t, uint32_t leaf, uint32_t r[4])
{
	switch (leaf) {
	case CPUID_TIME_LEAF_TSC:
		r[0] = 1;
		r[1] = 1u << t->apic_shift;
		r[2] = (uint32_t)t->apic_hz;
		r[3] = 0;
		return true;
	case CPUID_TIME_LEAF_FREQ:
		r[0] = r[1] = mhz(t->tsc_hz);
		r[2] = mhz(t->apic_hz);
		r[3] = 0;
		return true;
	case FALLOW_CPUID_TIMING:
		r[0] = khz(t->tsc_hz);
		r[1] = khz(t->apic_hz);
		r[2] = r[3] = 0;
		return true;
	default:
		return false;
	}
}
