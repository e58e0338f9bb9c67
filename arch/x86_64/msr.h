/* MSR numbers, control-register and RFLAGS bits, named once (SDM vol. 4 "Model-
 * Specific Registers", vol. 3A 2.5 "Control Registers", 2.6 XCR0). The VMX
 * capability MSRs stay beside the code that decodes them (vmx/caps.h). */
#ifndef FALLOW_ARCH_MSR_H
#define FALLOW_ARCH_MSR_H

/* MSRs */
#define MSR_IA32_TSC 0x10u
#define MSR_IA32_APIC_BASE 0x1bu
#define MSR_IA32_MISC_ENABLE 0x1a0u
#define MSR_IA32_TSC_DEADLINE 0x6e0u
#define MSR_X2APIC_FIRST 0x800u     /* x2APIC registers: 0x800 + MMIO offset / 16 */
#define MSR_X2APIC_LAST 0x8ffu
#define MSR_IA32_SYSENTER_CS 0x174u
#define MSR_IA32_SYSENTER_ESP 0x175u
#define MSR_IA32_SYSENTER_EIP 0x176u
#define MSR_IA32_PAT 0x277u
#define MSR_IA32_EFER 0xc0000080u
#define MSR_IA32_STAR 0xc0000081u   /* SYSCALL/SYSRET selectors */
#define MSR_IA32_LSTAR 0xc0000082u  /* 64-bit SYSCALL target */
#define MSR_IA32_CSTAR 0xc0000083u  /* compatibility-mode SYSCALL target */
#define MSR_IA32_FMASK 0xc0000084u  /* RFLAGS mask on SYSCALL (SFMASK) */
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u /* swapped with GS_BASE by SWAPGS */

/* IA32_MISC_ENABLE (SDM vol. 4, table 2-2) */
#define MISC_ENABLE_FAST_STRINGS (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAILABLE (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAILABLE (1ull << 12)

/* IA32_APIC_BASE (SDM vol. 3A 10.4.4, 10.12.1) */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_DEFAULT 0xfee00000ull

/* IA32_EFER */
#define EFER_SCE (1ull << 0) /* SYSCALL enable */
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* CR0 */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_PG (1ull << 31)

/* CR4 */
#define CR4_PAE (1ull << 5)
#define CR4_PCE (1ull << 8)        /* RDPMC allowed at CPL > 0 */
#define CR4_OSFXSR (1ull << 9)     /* FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT (1ull << 10) /* unmasked SSE exceptions raise #XM */
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)   /* XSAVE, XSETBV/XGETBV, XCR0 */
#define CR4_PKE (1ull << 22)

/* RFLAGS (SDM vol. 1, 3.4.3) */
#define RFLAGS_RESERVED1 (1ull << 1) /* always reads 1 */
#define RFLAGS_IF (1ull << 9)        /* maskable interrupts enabled */

/* CR8: the task-priority class, bits 3:0; the rest is reserved. */
#define CR8_TPR_MASK 0xfull

/* XCR0 state components (SDM vol. 1, 13.1). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_OPMASK (1ull << 5)
#define XCR0_ZMM_HI256 (1ull << 6)
#define XCR0_HI16_ZMM (1ull << 7)
#define XCR0_PKRU (1ull << 9)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

/* DR6 as a CPU leaves it at reset: every reserved bit reads 1. */
#define DR6_INIT 0xffff0ff0ull

#endif
