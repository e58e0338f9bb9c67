/* MSR numbers, control-register and RFLAGS bits, named once (SDM vol. 4 "Model-
 * Specific Registers", vol. 3A 2.5 "Control Registers", 2.6 XCR0, vol. 1
 * 3.4.3 EFLAGS). The VMX capability MSRs are here too; what their fields
 * mean is decoded in vmx/caps.h. Assembly includes this as well
 * (boot/entry.S), so every number goes through MSR_U/MSR_ULL/MSR_BIT,
 * which drop the C suffixes there. */
#ifndef FALLOW_ARCH_MSR_H
#define FALLOW_ARCH_MSR_H

#ifdef __ASSEMBLER__
#define MSR_U(x) x
#define MSR_ULL(x) x
#define MSR_BIT(n) (1 << (n))
#else
#define MSR_U(x) x##u
#define MSR_ULL(x) x##ull
#define MSR_BIT(n) (1ull << (n))
#endif

/* MSRs */
#define MSR_IA32_TSC MSR_U(0x10)
#define MSR_IA32_FEATURE_CONTROL MSR_U(0x3a)
#define MSR_IA32_APIC_BASE MSR_U(0x1b)
#define MSR_IA32_MISC_ENABLE MSR_U(0x1a0)
#define MSR_IA32_TSC_DEADLINE MSR_U(0x6e0)
#define MSR_X2APIC_FIRST MSR_U(0x800)     /* x2APIC registers: 0x800 + MMIO offset / 16 */
#define MSR_X2APIC_LAST MSR_U(0x8ff)
#define MSR_IA32_SYSENTER_CS MSR_U(0x174)
#define MSR_IA32_SYSENTER_ESP MSR_U(0x175)
#define MSR_IA32_SYSENTER_EIP MSR_U(0x176)
#define MSR_IA32_PAT MSR_U(0x277)
#define MSR_IA32_EFER MSR_U(0xc0000080)
#define MSR_IA32_STAR MSR_U(0xc0000081)   /* SYSCALL/SYSRET selectors */
#define MSR_IA32_LSTAR MSR_U(0xc0000082)  /* 64-bit SYSCALL target */
#define MSR_IA32_CSTAR MSR_U(0xc0000083)  /* compatibility-mode SYSCALL target */
#define MSR_IA32_FMASK MSR_U(0xc0000084)  /* RFLAGS mask on SYSCALL (SFMASK) */
#define MSR_FS_BASE MSR_U(0xc0000100)
#define MSR_GS_BASE MSR_U(0xc0000101)
#define MSR_KERNEL_GS_BASE MSR_U(0xc0000102) /* swapped with GS_BASE by SWAPGS */

/* VMX capabilities (SDM vol. 3D, appendix A) */
#define MSR_IA32_VMX_BASIC MSR_U(0x480)
#define MSR_IA32_VMX_PINBASED_CTLS MSR_U(0x481)
#define MSR_IA32_VMX_PROCBASED_CTLS MSR_U(0x482)
#define MSR_IA32_VMX_EXIT_CTLS MSR_U(0x483)
#define MSR_IA32_VMX_ENTRY_CTLS MSR_U(0x484)
#define MSR_IA32_VMX_MISC MSR_U(0x485)
#define MSR_IA32_VMX_CR0_FIXED0 MSR_U(0x486)
#define MSR_IA32_VMX_CR0_FIXED1 MSR_U(0x487)
#define MSR_IA32_VMX_CR4_FIXED0 MSR_U(0x488)
#define MSR_IA32_VMX_CR4_FIXED1 MSR_U(0x489)
#define MSR_IA32_VMX_PROCBASED_CTLS2 MSR_U(0x48b)
#define MSR_IA32_VMX_EPT_VPID_CAP MSR_U(0x48c)
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS MSR_U(0x48d)
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS MSR_U(0x48e)
#define MSR_IA32_VMX_TRUE_EXIT_CTLS MSR_U(0x48f)
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS MSR_U(0x490)

/* IA32_FEATURE_CONTROL (SDM vol. 3C 23.7) */
#define FEATURE_CONTROL_LOCKED MSR_BIT(0)
#define FEATURE_CONTROL_VMX_IN_SMX MSR_BIT(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX MSR_BIT(2)

/* IA32_MISC_ENABLE (SDM vol. 4, table 2-2) */
#define MISC_ENABLE_FAST_STRINGS MSR_BIT(0)
#define MISC_ENABLE_BTS_UNAVAILABLE MSR_BIT(11)
#define MISC_ENABLE_PEBS_UNAVAILABLE MSR_BIT(12)

/* IA32_APIC_BASE (SDM vol. 3A 10.4.4, 10.12.1) */
#define APIC_BASE_BSP MSR_BIT(8)
#define APIC_BASE_EXTD MSR_BIT(10) /* x2APIC mode */
#define APIC_BASE_EN MSR_BIT(11)
#define APIC_BASE_DEFAULT MSR_ULL(0xfee00000)

/* IA32_EFER */
#define EFER_SCE MSR_BIT(0) /* SYSCALL enable */
#define EFER_LME MSR_BIT(8)
#define EFER_LMA MSR_BIT(10)
#define EFER_NXE MSR_BIT(11)

/* CR0 */
#define CR0_PE MSR_BIT(0)
#define CR0_MP MSR_BIT(1)
#define CR0_EM MSR_BIT(2)
#define CR0_TS MSR_BIT(3)
#define CR0_ET MSR_BIT(4)
#define CR0_NE MSR_BIT(5)
#define CR0_WP MSR_BIT(16)         /* supervisor writes honour read-only pages */
#define CR0_PG MSR_BIT(31)

/* CR4 */
#define CR4_PAE MSR_BIT(5)
#define CR4_PCE MSR_BIT(8)        /* RDPMC allowed at CPL > 0 */
#define CR4_OSFXSR MSR_BIT(9)     /* FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT MSR_BIT(10) /* unmasked SSE exceptions raise #XM */
#define CR4_VMXE MSR_BIT(13)
#define CR4_OSXSAVE MSR_BIT(18)   /* XSAVE, XSETBV/XGETBV, XCR0 */
#define CR4_PKE MSR_BIT(22)

/* RFLAGS (SDM vol. 1, 3.4.3) */
#define RFLAGS_RESERVED1 MSR_BIT(1) /* always reads 1 */
#define RFLAGS_IF MSR_BIT(9)        /* maskable interrupts enabled */
#define RFLAGS_ID MSR_BIT(21)       /* writable exactly when CPUID exists */

/* CR8: the task-priority class, bits 3:0; the rest is reserved. */
#define CR8_TPR_MASK MSR_ULL(0xf)

/* XCR0 state components (SDM vol. 1, 13.1). */
#define XCR0_X87 MSR_BIT(0)
#define XCR0_SSE MSR_BIT(1)
#define XCR0_AVX MSR_BIT(2)
#define XCR0_BNDREGS MSR_BIT(3)
#define XCR0_BNDCSR MSR_BIT(4)
#define XCR0_OPMASK MSR_BIT(5)
#define XCR0_ZMM_HI256 MSR_BIT(6)
#define XCR0_HI16_ZMM MSR_BIT(7)
#define XCR0_PKRU MSR_BIT(9)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

/* DR6 as a CPU leaves it at reset: every reserved bit reads 1. */
#define DR6_INIT MSR_ULL(0xffff0ff0)
/* DR7 at reset: breakpoints off, bit 10 reserved as 1. */
#define DR7_INIT MSR_ULL(0x400)

#endif
