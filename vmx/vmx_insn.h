/* The VMX instructions other than VMREAD/VMWRITE (vmcs.c) and
 * VMLAUNCH/VMRESUME (vmx/entry.S). Each returns 0 on success and
 * -ERR_BUSY when the CPU reports VMfailInvalid/VMfailValid (CF or ZF). */
#ifndef FALLOW_VMX_INSN_H
#define FALLOW_VMX_INSN_H

#include <stdint.h>
#include "lib/err.h"

#define VMX_INSN_FAILED(ok) ((ok) ? 0 : -ERR_BUSY)

static inline int vmx_vmxon(uint64_t pa)
{
	uint8_t ok;

	__asm__ volatile("vmxon %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

static inline int vmx_vmxoff(void)
{
	uint8_t ok;

	__asm__ volatile("vmxoff; seta %0" : "=qm"(ok) : : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

static inline int vmx_vmclear(uint64_t pa)
{
	uint8_t ok;

	__asm__ volatile("vmclear %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

static inline int vmx_vmptrld(uint64_t pa)
{
	uint8_t ok;

	__asm__ volatile("vmptrld %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

/* INVEPT/INVVPID take a 128-bit descriptor in memory and the type in a
 * register (SDM vol. 3 "INVEPT", "INVVPID"). */
enum { INVEPT_SINGLE_CONTEXT = 1, INVEPT_ALL_CONTEXT = 2 };
enum { INVVPID_SINGLE_CONTEXT = 1, INVVPID_ALL_CONTEXT = 2 };

static inline int vmx_invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } desc = { eptp, 0 };
	uint8_t ok;

	__asm__ volatile("invept %1, %2; seta %0"
			 : "=qm"(ok) : "m"(desc), "r"(type) : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

static inline int vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct { uint64_t vpid, addr; } desc = { vpid, 0 };
	uint8_t ok;

	__asm__ volatile("invvpid %1, %2; seta %0"
			 : "=qm"(ok) : "m"(desc), "r"(type) : "cc", "memory");
	return VMX_INSN_FAILED(ok);
}

#endif
