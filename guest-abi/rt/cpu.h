/* The few privileged and identification instructions guests that probe
 * the virtual CPU use, as inline functions (guests run at CPL 0). */
#ifndef FALLOW_GUEST_RT_CPU_H
#define FALLOW_GUEST_RT_CPU_H

#include <stdint.h>

struct rt_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct rt_cpuid rt_cpuid(uint32_t leaf, uint32_t sub)
{
	struct rt_cpuid r;

	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t rt_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void rt_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* XCR0; #UD unless CR4.OSXSAVE is set. */
static inline uint64_t rt_xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

#endif
