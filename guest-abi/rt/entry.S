/* Guest entry: the hypervisor starts us in 64-bit mode with RDI pointing
 * at the start-info page and RSP at FALLOW_STACK_TOP (see ABI.md). */
	.section .text.entry, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp          /* end of the frame-pointer chain */
	andq $-16, %rsp          /* the C ABI wants 16-byte alignment at call */
	call rt_start
	/* rt_start never returns; if it did, exit with a distinctive status. */
	movq $4, %rax            /* FALLOW_HC_EXIT */
	movq $-1, %rdi
	vmcall
1:	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
