/* See fpu.h. SDM vol. 1, chapter 13 "Managing State Using the XSAVE
 * Feature Set"; vol. 2 FXSAVE for the 512-byte legacy layout. */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/panic.h"
#include "arch/x86_64/string.h"

/* The legacy region (FXSAVE layout, also XSAVE's first 512 bytes) and the
 * XSAVE header after it. */
#define FXSAVE_FCW 0u
#define FXSAVE_MXCSR 24u
#define FXSAVE_SIZE 512u
#define FCW_INIT 0x037fu   /* every x87 exception masked, 64-bit precision */
#define MXCSR_INIT 0x1f80u /* every SSE exception masked, round to nearest */

/* Components guests may enable. MPX (deprecated) and the supervisor or
 * AMX components stay off: their state would need IA32_XSS or XFD. */
#define XCR0_GUEST_WANTED (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512 | XCR0_PKRU)

static bool have_xsave;
static uint64_t allowed;
static uint32_t area_size = FXSAVE_SIZE;

bool fpu_has_xsave(void)
{
	return have_xsave;
}

uint64_t fpu_xcr0_allowed(void)
{
	return allowed;
}

uint32_t fpu_area_size(void)
{
	return area_size;
}

/* What the CPU supports of the wanted components, consistent as XSETBV
 * demands: AVX only with SSE, AVX-512 only all three with AVX. */
static uint64_t wanted_components(void)
{
	struct cpuid_regs r = cpuid(CPUID_LEAF_XSAVE, 0);
	uint64_t v = (((uint64_t)r.edx << 32) | r.eax) & XCR0_GUEST_WANTED;

	if (!(v & XCR0_SSE))
		v &= ~XCR0_AVX;
	if (!(v & XCR0_AVX) || (v & XCR0_AVX512) != XCR0_AVX512)
		v &= ~XCR0_AVX512;
	return v | XCR0_X87;
}

/* CPUID.0xd.0:EBX is the area size for the XCR0 now loaded. */
static uint32_t size_for(uint64_t xcr0)
{
	xsetbv(XCR_XCR0, xcr0);
	return cpuid(CPUID_LEAF_XSAVE, 0).ebx;
}

void fpu_init(void)
{
	struct cpuid_regs f = cpuid(CPUID_LEAF_FEATURES, 0);

	/* No emulation, no lazy switching (#NM) in the host: XSAVE and
	 * FXSAVE must simply work. */
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	if (!(f.edx & CPUID_1_EDX_FXSR))
		panic("fpu: the CPU has neither XSAVE nor FXSAVE");
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	have_xsave = f.ecx & CPUID_1_ECX_XSAVE;
	if (!have_xsave) {
		kprintf("fpu: guest x87/SSE state switched by FXSAVE, %u-byte area\n", area_size);
		return;
	}
	write_cr4(read_cr4() | CR4_OSXSAVE);
	allowed = wanted_components();
	area_size = size_for(allowed);
	if (area_size > FPU_AREA_MAX) {
		allowed &= ~XCR0_AVX512;
		area_size = size_for(allowed);
	}
	if (area_size > FPU_AREA_MAX || area_size < FXSAVE_SIZE)
		panic("fpu: XSAVE area of %u bytes for XCR0 0x%llx does not fit %u", area_size,
		      (unsigned long long)allowed, FPU_AREA_MAX);
	kprintf("fpu: guest x87/SSE/AVX state switched by XSAVE, XCR0 0x%llx allowed, %u-byte area\n",
		(unsigned long long)allowed, area_size);
}

void fpu_area_reset(struct fpu_area *a)
{
	uint16_t fcw = FCW_INIT;
	uint32_t mxcsr = MXCSR_INIT;

	/* An all-zero XSAVE header (XSTATE_BV 0) makes XRSTOR load every
	 * component's initial state; it still takes MXCSR from here. */
	memset(a, 0, sizeof(*a));
	memcpy(&a->bytes[FXSAVE_FCW], &fcw, sizeof(fcw));
	memcpy(&a->bytes[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
}

/* RFBM all ones: the CPU takes XCR0 & RFBM, i.e. everything allowed. */
#define RFBM_LO 0xffffffffu
#define RFBM_HI 0xffffffffu

void fpu_save(struct fpu_area *a)
{
	if (have_xsave)
		__asm__ volatile("xsave64 %0" : "+m"(*a) : "a"(RFBM_LO), "d"(RFBM_HI) : "memory");
	else
		__asm__ volatile("fxsave64 %0" : "=m"(*a)::"memory");
}

void fpu_restore(const struct fpu_area *a)
{
	if (have_xsave)
		__asm__ volatile("xrstor64 %0" ::"m"(*a), "a"(RFBM_LO), "d"(RFBM_HI) : "memory");
	else
		__asm__ volatile("fxrstor64 %0" ::"m"(*a) : "memory");
}
