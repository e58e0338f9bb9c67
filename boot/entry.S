/* 32-bit entry from a multiboot2 loader to 64-bit C.
 *
 * The loader leaves us in 32-bit protected mode, paging off, interrupts
 * off, EAX = multiboot2 magic, EBX = physical address of the boot
 * information (checked in C, not here). We check the CPU can run 64-bit
 * code, identity-map the first 4 GiB with 2 MiB pages, enter long mode
 * and call kmain(magic, mbi_pa). arch/x86_64/paging.c extends the map
 * to the rest of RAM once the memory map is known. */

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/msr.h"

#define COM1_DATA 0x3f8
#define COM1_LSR 0x3fd
#define LSR_THR_EMPTY 0x20
#define QEMU_DEBUG_EXIT_PORT 0xf4
#define FALLOW_EXIT_FAILURE 0x11

#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_LM (1 << 29)


#define PTE_PRESENT 0x1
#define PTE_WRITE 0x2
#define PTE_LARGE 0x80
#define PAGE_SIZE 4096
#define LARGE_PAGE_SIZE 0x200000
#define BOOT_MAP_PDS 4     /* one page directory per GiB: 4 GiB */
#define ENTRIES_PER_TABLE 512

#define BOOT_STACK_SIZE 16384

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %ebp			/* keep magic and MBI pointer out of */
	mov %ebx, %esi			/* the way of rep stos */

	/* The loader zeroes .bss, but the page tables must not depend on it. */
	mov $_bss_start, %edi
	mov $_bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb

	mov $boot_stack_top, %esp
	call check_long_mode
	call build_boot_page_tables

	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_IA32_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP | CR0_PE), %eax
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $GDT_KERNEL_CS, $long_mode_entry

/* Returns if CPUID exists and reports long mode; otherwise says so on
 * COM1 and powers off. */
check_long_mode:
	pushfl				/* CPUID exists iff EFLAGS.ID can flip */
	pop %eax
	mov %eax, %ecx
	xor $RFLAGS_ID, %eax
	push %eax
	popfl
	pushfl
	pop %eax
	push %ecx
	popfl
	cmp %eax, %ecx
	je no_long_mode
	mov $CPUID_EXT_MAX, %eax
	cpuid
	cmp $CPUID_EXT_FEATURES, %eax
	jb no_long_mode
	mov $CPUID_EXT_FEATURES, %eax
	cpuid
	test $CPUID_EXT_EDX_LM, %edx
	jz no_long_mode
	ret

no_long_mode:
	mov $no_long_mode_msg, %esi
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %bl
	mov $COM1_LSR, %dx
	mov $100000, %ecx		/* bounded: a missing UART must not hang us */
2:	in %dx, %al
	test $LSR_THR_EMPTY, %al
	jnz 4f
	loop 2b
4:	mov %bl, %al
	mov $COM1_DATA, %dx
	out %al, %dx
	jmp 1b
3:	mov $FALLOW_EXIT_FAILURE, %al
	out %al, $QEMU_DEBUG_EXIT_PORT
5:	cli
	hlt
	jmp 5b

/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
build_boot_page_tables:
	mov $boot_pdpt, %eax
	or $(PTE_PRESENT | PTE_WRITE), %eax
	mov %eax, boot_pml4

	mov $boot_pd, %eax
	or $(PTE_PRESENT | PTE_WRITE), %eax
	xor %ecx, %ecx
1:	mov %eax, boot_pdpt(, %ecx, 8)
	add $PAGE_SIZE, %eax
	inc %ecx
	cmp $BOOT_MAP_PDS, %ecx
	jb 1b

	mov $(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
	xor %ecx, %ecx
2:	mov %eax, boot_pd(, %ecx, 8)
	add $LARGE_PAGE_SIZE, %eax
	inc %ecx
	cmp $(BOOT_MAP_PDS * ENTRIES_PER_TABLE), %ecx
	jb 2b
	ret

	.code64
long_mode_entry:
	mov $GDT_KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	mov %ebp, %edi			/* kmain(magic, mbi_pa) */
	mov %esi, %esi			/* zero-extends the MBI address */
	xor %ebp, %ebp			/* ends the stack walk */
	call kmain
1:	cli
	hlt
	jmp 1b

	.section .rodata
no_long_mode_msg:
	.asciz "fallow: CPU has no long mode (x86_64 required)\r\nfallow: power off (failure)\r\n"

	/* Just enough GDT for the far jump; gdt_init() installs the real one
	 * with the same selectors. */
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* GDT_KERNEL_CS: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* GDT_KERNEL_DS: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.balign PAGE_SIZE
	.globl boot_pml4, boot_pdpt
boot_pml4:
	.skip PAGE_SIZE
boot_pdpt:
	.skip PAGE_SIZE
boot_pd:
	.skip PAGE_SIZE * BOOT_MAP_PDS

	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
