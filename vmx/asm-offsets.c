/* The numbers vmx/entry.S needs from C: where each general register sits
 * in struct vmx_vcpu, where `launched` sits, and the HOST_RSP field
 * encoding. Never linked: the Makefile compiles it with -S and turns each
 * DEFINE's `.ascii "->NAME VALUE"` line into `#define NAME VALUE` in
 * $(BUILD)/gen/asm-offsets.h (as Linux does), so the stub cannot drift
 * from the struct. */
#include <stddef.h>
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define GPR(reg) DEFINE(VCPU_##reg, offsetof(struct vmx_vcpu, gpr[GPR_##reg]))

void asm_offsets(void);

void asm_offsets(void)
{
	GPR(RAX);
	GPR(RCX);
	GPR(RDX);
	GPR(RBX);
	GPR(RBP);
	GPR(RSI);
	GPR(RDI);
	GPR(R8);
	GPR(R9);
	GPR(R10);
	GPR(R11);
	GPR(R12);
	GPR(R13);
	GPR(R14);
	GPR(R15);
	DEFINE(VCPU_LAUNCHED, offsetof(struct vmx_vcpu, launched));
	_Static_assert(sizeof(((struct vmx_vcpu *)0)->launched) == 1, "entry.S tests a byte");
	DEFINE(VMCS_HOST_RSP, HOST_RSP);
}
