/* The loader-boot ROM: QEMU's -bios, so nothing but this runs between
 * reset and Linux. It goes from real mode to long mode with the plan's
 * own page tables (they identity-map the first 2 MiB, where this ROM's
 * copy below 1 MiB lives), loads the plan's GDT, enters the plan's CS
 * and jumps to the 64-bit entry with RSI = boot_params, as boot.rst's
 * "64-bit Boot Protocol" asks. The parameters are not assembled in:
 * tests/loader-boot/loader-plan.c writes them into the block below. */
#include "tests/loader-boot/rom.h"
#include "arch/x86_64/msr.h"

#define PORT_SYSCTRL_A 0x92      /* bit 1: fast A20 gate, bit 0: reset */
#define SYSCTRL_A20 0x02
#define SYSCTRL_RESET 0x01
/* Flat 4 GiB descriptors (SDM vol. 3, 3.4.5): base 0, limit 0xfffff pages,
 * present, DPL 0; code execute/read, data read/write. */
#define DESC_CODE32 0x00cf9a000000ffff /* D=1 */
#define DESC_DATA 0x00cf92000000ffff
#define DESC_CODE64 0x00af9a000000ffff /* L=1 */
#define SEL_CODE32 0x08          /* in tmp_gdt */
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

	.text
	.globl _start
_start:
params:
	.ascii ROM_MAGIC
	.org ROM_P_FARPTR
	.long plan_cs                /* the far pointer's offset... */
	.word 0                      /* ...and the plan's CS, filled in */
	.org ROM_PARAMS_SIZE

	.balign 8
tmp_gdt:                         /* only to get into long mode */
	.quad 0
	.quad DESC_CODE32            /* SEL_CODE32 */
	.quad DESC_DATA              /* SEL_DATA */
	.quad DESC_CODE64            /* SEL_CODE64 */
tmp_gdt_end:
tmp_gdtr:
	.word tmp_gdt_end - tmp_gdt - 1
	.long tmp_gdt

	.code16
start16:
	cli
	cld
	inb $PORT_SYSCTRL_A, %al
	orb $SYSCTRL_A20, %al
	andb $~SYSCTRL_RESET, %al
	outb %al, $PORT_SYSCTRL_A
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tmp_gdtr - ROM_BASE
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $start32

	.code32
start32:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl ROM_BASE + ROM_P_CR3, %eax
	movl %eax, %cr3
	movl $MSR_IA32_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $start64

	.code64
start64:
	lgdt ROM_BASE + ROM_P_GDTR
	ljmpl *ROM_BASE + ROM_P_FARPTR
plan_cs:
	movw ROM_BASE + ROM_P_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq ROM_BASE + ROM_P_RSI, %rsi
	movq ROM_BASE + ROM_P_ENTRY, %rax
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %edi, %edi
	jmpq *%rax

	.org ROM_RESET_OFFSET
	.code16
reset:
	ljmp $(ROM_BASE >> 4), $(start16 - ROM_BASE)
	.org ROM_SIZE
