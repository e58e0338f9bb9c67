/* The FPU/SSE/AVX register state as the hypervisor handles it: never used,
 * only saved and restored for guests (XSAVE, or FXSAVE where the CPU has
 * no XSAVE), plus XCR0. These inline instructions are the hypervisor's
 * only touch of that state; it is compiled general-registers-only. */
#ifndef FALLOW_ARCH_FPU_H
#define FALLOW_ARCH_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* One save area. XSAVE wants 64-byte alignment; the size in use comes
 * from CPUID leaf 0xd (fpu_area_size) and fpu_init trims the components
 * Fallow switches until it fits here. */
#define FPU_AREA_MAX 4096u
struct fpu_area {
	uint8_t bytes[FPU_AREA_MAX];
} __attribute__((aligned(64)));

static inline uint64_t xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t xcr, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

#define XCR_XCR0 0u

/* Boot: CR0.EM/TS clear, CR4.OSFXSR and (with XSAVE) CR4.OSXSAVE set,
 * XCR0 = every component guests may use. Prints one `fpu:` line. */
void fpu_init(void);

bool fpu_has_xsave(void);
/* The XCR0 bits a guest may set (x87, SSE, AVX, AVX-512, PKRU where the
 * CPU has them); 0 without XSAVE. Also the host's XCR0 between turns. */
uint64_t fpu_xcr0_allowed(void);
/* Bytes of a save area holding every allowed component. */
uint32_t fpu_area_size(void);

/* A save area as after reset: x87 control word 0x37f, MXCSR 0x1f80,
 * every register empty or zero. */
void fpu_area_reset(struct fpu_area *a);

/* Saves / restores every allowed component. XCR0 must hold
 * fpu_xcr0_allowed() when either runs. */
void fpu_save(struct fpu_area *a);
void fpu_restore(const struct fpu_area *a);

#endif
