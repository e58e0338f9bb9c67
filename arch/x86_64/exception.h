/* CPU exceptions: the frame isr.S builds, and the handler that prints
 * everything needed to debug from a serial log, then powers off. */
#ifndef FALLOW_ARCH_EXCEPTION_H
#define FALLOW_ARCH_EXCEPTION_H

#include <stdint.h>

/* Exception vectors (SDM vol. 3A, table 6-1), the ones code names. */
#define VECTOR_NMI 2u
#define VECTOR_UD 6u  /* invalid opcode */
#define VECTOR_DF 8u  /* double fault */
#define VECTOR_GP 13u /* general protection */
#define VECTOR_PF 14u /* page fault */
#define VECTOR_MC 18u /* machine check */

/* In memory order, lowest address first: the registers isr_common pushed
 * (last pushed first), the stub's vector and error code, then what the CPU
 * pushed. */
struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Called from isr.S. Does not return today; when some vector is later
 * handled and resumed, returning resumes the interrupted code. */
void exception_handle(struct exception_frame *f);

/* The mnemonic of exception vector `vector` mod 32 ("#GP"), for messages
 * about a guest's exceptions as well as the hypervisor's. */
const char *exception_mnemonic(unsigned vector);

#endif
