/* The world switch (SDM vol. 3C 26 "VM Entries", 27.5 "Loading Host
 * State"). vmx_enter saves the callee-saved registers and the vCPU
 * pointer on the host stack, writes that stack pointer as HOST_RSP, loads
 * the guest registers and enters. On a VM exit the CPU resumes at
 * vmx_exit_entry with RSP = HOST_RSP, so the pointer is at (%rsp).
 * Offsets into struct vmx_vcpu come from vmx/asm-offsets.c. */
#include "asm-offsets.h"

	.text
	.globl vmx_enter
	.type vmx_enter, @function
/* int vmx_enter(struct vmx_vcpu *v): %rdi = v */
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                    /* vCPU pointer, found again at exit */
	movq $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe 3f
	cmpb $0, VCPU_LAUNCHED(%rdi)  /* flags survive the movs below */
	movq VCPU_RAX(%rdi), %rax
	movq VCPU_RCX(%rdi), %rcx
	movq VCPU_RDX(%rdi), %rdx
	movq VCPU_RBX(%rdi), %rbx
	movq VCPU_RBP(%rdi), %rbp
	movq VCPU_RSI(%rdi), %rsi
	movq VCPU_R8(%rdi), %r8
	movq VCPU_R9(%rdi), %r9
	movq VCPU_R10(%rdi), %r10
	movq VCPU_R11(%rdi), %r11
	movq VCPU_R12(%rdi), %r12
	movq VCPU_R13(%rdi), %r13
	movq VCPU_R14(%rdi), %r14
	movq VCPU_R15(%rdi), %r15
	movq VCPU_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	popq %rdi                     /* VMfail: nothing was entered */
	jmp 4f
3:	popq %rdi
4:	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movl $1, %eax
	ret
	.size vmx_enter, .-vmx_enter

	.globl vmx_exit_entry
	.type vmx_exit_entry, @function
vmx_exit_entry:
	pushq %rdi                    /* guest RDI */
	movq 8(%rsp), %rdi            /* vCPU pointer */
	movq %rax, VCPU_RAX(%rdi)
	movq %rcx, VCPU_RCX(%rdi)
	movq %rdx, VCPU_RDX(%rdi)
	movq %rbx, VCPU_RBX(%rdi)
	movq %rbp, VCPU_RBP(%rdi)
	movq %rsi, VCPU_RSI(%rdi)
	movq %r8, VCPU_R8(%rdi)
	movq %r9, VCPU_R9(%rdi)
	movq %r10, VCPU_R10(%rdi)
	movq %r11, VCPU_R11(%rdi)
	movq %r12, VCPU_R12(%rdi)
	movq %r13, VCPU_R13(%rdi)
	movq %r14, VCPU_R14(%rdi)
	movq %r15, VCPU_R15(%rdi)
	popq %rax
	movq %rax, VCPU_RDI(%rdi)
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	xorl %eax, %eax
	ret
	.size vmx_exit_entry, .-vmx_exit_entry

	.section .note.GNU-stack, "", @progbits
