/* The one place for instructions C cannot express: CPUID, MSRs, control
 * registers, port I/O, the TSC and the halt/interrupt-flag primitives.
 * Everything else in the hypervisor calls these instead of writing asm. */
#ifndef FALLOW_ARCH_CPU_H
#define FALLOW_ARCH_CPU_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32)));
}

#define CPU_CR_ACCESSORS(n)                                              \
	static inline uint64_t read_cr##n(void)                          \
	{                                                                \
		uint64_t v;                                              \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));        \
		return v;                                                \
	}                                                                \
	static inline void write_cr##n(uint64_t v)                       \
	{                                                                \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); \
	}
CPU_CR_ACCESSORS(0)
CPU_CR_ACCESSORS(2)
CPU_CR_ACCESSORS(3)
CPU_CR_ACCESSORS(4)
#undef CPU_CR_ACCESSORS

/* Debug registers DR0-DR3 (breakpoint addresses) and DR6 (status). */
#define CPU_DR_ACCESSORS(n)                                              \
	static inline uint64_t read_dr##n(void)                          \
	{                                                                \
		uint64_t v;                                              \
		__asm__ volatile("mov %%db" #n ", %0" : "=r"(v));        \
		return v;                                                \
	}                                                                \
	static inline void write_dr##n(uint64_t v)                       \
	{                                                                \
		__asm__ volatile("mov %0, %%db" #n ::"r"(v) : "memory"); \
	}
CPU_DR_ACCESSORS(0)
CPU_DR_ACCESSORS(1)
CPU_DR_ACCESSORS(2)
CPU_DR_ACCESSORS(3)
CPU_DR_ACCESSORS(6)
#undef CPU_DR_ACCESSORS

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* Stop this CPU for good: interrupts off, halt in a loop (NMIs wake hlt). */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

/* CPUID leaves and bits Fallow reads, SDM vol. 2A "CPUID". */
#define CPUID_LEAF_FEATURES 0x1u
#define CPUID_1_ECX_MONITOR (1u << 3) /* MONITOR/MWAIT */
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_FMA (1u << 12)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_PDCM (1u << 15) /* IA32_PERF_CAPABILITIES */
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27) /* mirrors CR4.OSXSAVE */
#define CPUID_1_ECX_AVX (1u << 28)
#define CPUID_1_ECX_F16C (1u << 29)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_EDX_FXSR (1u << 24)
#define CPUID_1_EBX_APIC_ID_SHIFT 24 /* initial APIC ID, bits 31:24 */
#define CPUID_1_EBX_APIC_ID_MASK (0xffu << CPUID_1_EBX_APIC_ID_SHIFT)
#define CPUID_LEAF_THERMAL 0x6u
#define CPUID_6_EAX_ARAT (1u << 2) /* APIC timer runs in every C-state */
#define CPUID_6_ECX_APERFMPERF (1u << 0) /* IA32_MPERF/IA32_APERF exist */
#define CPUID_LEAF_STRUCT_FEATURES 0x7u /* structured extended features */
#define CPUID_LEAF_PMU 0xau          /* architectural performance monitoring */
#define CPUID_LEAF_TOPOLOGY 0xbu     /* EDX: x2APIC ID */
#define CPUID_LEAF_TOPOLOGY_V2 0x1fu /* EDX: x2APIC ID */
#define CPUID_LEAF_XSAVE 0xdu        /* XSAVE state components */
#define CPUID_XSAVE_SUB_FEATURES 1u  /* leaf 0xd subleaf 1: XSAVEOPT, XSAVEC, ... */
#define CPUID_LEAF_TSC 0x15u
#define CPUID_LEAF_FREQ 0x16u
#define CPUID_LEAF_EXT_MAX 0x80000000u
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
#define CPUID_EXT_EDX_PDPE1GB (1u << 26)
#define CPUID_EXT_EDX_LM (1u << 29)

#endif
