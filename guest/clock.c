/* See clock.h. */
#include "guest/clock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "vcpu/cpuid_time.h"
#include "guest/guest.h"

static uint64_t start_tsc, skipped_ticks, ticks_per_ms = CLOCK_HZ_FALLBACK / MS_PER_S;
static struct cpuid_time guest_time;

void clock_start(uint64_t hz)
{
	cpuid_time_init(&guest_time, hz ? hz : CLOCK_HZ_FALLBACK);
	ticks_per_ms = (hz ? hz : CLOCK_HZ_FALLBACK) / MS_PER_S;
	if (!ticks_per_ms)
		ticks_per_ms = 1;
	start_tsc = rdtsc();
	skipped_ticks = 0;
}

const struct cpuid_time *clock_guest_time(void)
{
	return &guest_time;
}

uint64_t clock_ms(void)
{
	return (rdtsc() - start_tsc) / ticks_per_ms;
}

uint64_t clock_ticks_to_ms(uint64_t ticks)
{
	return ticks / ticks_per_ms;
}

void clock_skip_to(uint64_t tsc)
{
	uint64_t now = rdtsc();

	if (tsc <= now)
		return;
	wrmsr(MSR_IA32_TSC, tsc);
	skipped_ticks += tsc - now;
}

uint64_t clock_skipped_ms(void)
{
	return skipped_ticks / ticks_per_ms;
}

void clock_cpu_begin(struct guest *g)
{
	g->cpu_since = rdtsc();
}

void clock_cpu_end(struct guest *g)
{
	g->cpu_ticks += rdtsc() - g->cpu_since;
	g->cpu_since = 0;
}

uint64_t clock_cpu_ticks(const struct guest *g)
{
	return g->cpu_ticks + (g->cpu_since ? rdtsc() - g->cpu_since : 0);
}

uint64_t clock_cpu_total_ticks(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < GUEST_MAX; i++)
		sum += clock_cpu_ticks(&guests[i]);
	return sum;
}
