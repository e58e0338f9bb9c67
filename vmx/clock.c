#include "vmx/clock.h"
#include "arch/x86_64/cpu.h"

static uint64_t start_tsc, ticks_per_ms = CLOCK_HZ_FALLBACK / MS_PER_S;

void clock_start(uint64_t hz)
{
	ticks_per_ms = (hz ? hz : CLOCK_HZ_FALLBACK) / MS_PER_S;
	if (!ticks_per_ms)
		ticks_per_ms = 1;
	start_tsc = rdtsc();
}

uint64_t clock_ms(void)
{
	return (rdtsc() - start_tsc) / ticks_per_ms;
}
