/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fallow guest support: detection and the hypercall instruction.
 *
 * The numbers, structures and CPUID leaves come from the project's one
 * ABI header, guest-abi/fallow_abi.h, copied beside this file at build
 * time as <fallow/fallow_abi.h> (linux/build.sh swaps its <stdint.h> for
 * <linux/types.h>, nothing else).
 *
 * Hypercall convention (guest-abi/ABI.md): VMCALL with RAX = number,
 * arguments in RDI RSI RDX R10 R8 R9, result in RAX (>= 0 success,
 * -FALLOW_E* failure); every other register preserved. Addresses passed
 * are guest-physical: use fallow_gpa() on memory from the direct map or
 * the kernel image, never on a stack (vmapped) or vmalloc buffer.
 */
#ifndef _FALLOW_FALLOW_H
#define _FALLOW_FALLOW_H

#include <linux/types.h>
#include <asm/page.h>
#include <fallow/fallow_abi.h>

/* True when CPUID says we run under Fallow with the ABI version these
 * drivers speak. Cheap after the first call; safe from early_param. */
bool fallow_present(void);

static inline u64 fallow_gpa(const void *p)
{
	return __pa(p);
}

#ifdef CONFIG_FALLOW_FAKE
/* The test double (drivers/fallow/fake.c), on with fallow.fake=1. */
extern bool fallow_fake_active;
long fallow_fake_hypercall(unsigned long nr, unsigned long a1,
			   unsigned long a2, unsigned long a3);
#define fallow_fake_on() unlikely(fallow_fake_active)
#else
#define fallow_fake_on() false
#define fallow_fake_hypercall(nr, a1, a2, a3) (-FALLOW_ENOSYS)
#endif

static inline long fallow_hypercall3(unsigned long nr, unsigned long a1,
				     unsigned long a2, unsigned long a3)
{
	long ret;

	if (fallow_fake_on())
		return fallow_fake_hypercall(nr, a1, a2, a3);
	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
		     : "memory");
	return ret;
}

static inline long fallow_hypercall0(unsigned long nr)
{
	return fallow_hypercall3(nr, 0, 0, 0);
}

static inline long fallow_hypercall6(unsigned long nr, unsigned long a1,
				     unsigned long a2, unsigned long a3,
				     unsigned long a4, unsigned long a5,
				     unsigned long a6)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	register unsigned long r9 asm("r9") = a6;
	long ret;

	if (fallow_fake_on()) /* no six-argument call in the fake */
		return -FALLOW_ENOSYS;
	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
		       "r"(r9)
		     : "memory");
	return ret;
}

/* Ends the guest with `status`. Inline, so objtool sees that it never
 * returns (a call to another object's __noreturn function looks to it
 * like falling through). */
static inline void __noreturn fallow_exit(int status)
{
	fallow_hypercall3(FALLOW_HC_EXIT, (unsigned long)(long)status, 0, 0);
	for (;;) /* the hypervisor never resumes an exited guest */
		asm volatile("cli; hlt");
}

#endif
