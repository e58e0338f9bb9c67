/* cpustate: sets every piece of CPU state a guest changes without an exit
 * to values of its own (x87 with, on `pending`, an unmasked divide-by-zero
 * left pending; XMM/YMM registers and MXCSR; XCR0; DR0-DR3, DR6, DR7; CR8;
 * CR2; KERNEL_GS_BASE through SWAPGS; the SYSCALL MSRs), yields, and
 * checks it all came back, round after round. Run two of them with
 * different seeds: each round the other overwrites everything while this
 * one waits. A leak shows as a changed value, a wrong rounding, the other
 * guest's SYSCALL entry, or a #MF killing the guest that does not pend.
 * Before the rounds: what the hypervisor refuses (bad XCR0 values, RDPMC,
 * CR8 reserved bits, a non-canonical LSTAR) raises #GP, and CPUID/XGETBV
 * describe this guest's XSAVE state, not the host's.
 * Command line: seed=N (1-15), rounds=N, pending. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/cpu.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/trap.h"

#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_AVX (1u << 28)
#define XCR0_X87_SSE_AVX 0x7ull
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_SCE 0x1ull
#define STAR_VALUE ((0x18ull << 48) | (0x08ull << 32))
#define VECTOR_GP 13u
#define FCW_MASKED_CHOP 0x0f7fu /* all masked, round toward zero */
#define FCW_ZE_UNMASKED 0x037bu /* divide-by-zero unmasked */
#define MXCSR_ROUND_UP 0x5f80u
#define MXCSR_ROUND_DOWN 0x3f80u
#define DOUBLE_2_5 0x4004000000000000ull
#define FSAVE_BYTES 108
#define SIMD_REGS 16
#define YMM_BYTES 32
#define XMM_BYTES 16
#define DR6_B_BITS 0xfull
#define XSAVE_LEGACY_HEADER (512 + 64) /* the area for XCR0 = x87 */
#define XSETBV_LEN 3u                  /* instruction bytes, to resume past */
#define RDPMC_LEN 2u
#define MOV_CR8_LEN 4u
#define WRMSR_LEN 2u
#define DR7_INIT 0x400ull
#define DR7_RW0_SHIFT 16 /* breakpoint 0's type: set, never enabled */

struct state {
	uint8_t fsave[FSAVE_BYTES];
	uint8_t simd[SIMD_REGS][YMM_BYTES] __attribute__((aligned(32)));
	uint32_t mxcsr;
	uint64_t dr[4], dr6, dr7, cr8, cr2, xcr0;
	uint64_t gs_base, kernel_gs_base, lstar, cstar, fmask;
};

static uint64_t seed;
static bool pending, have_avx;
static struct state want, got;
volatile uint64_t cpustate_syscall_seen;
static const uint64_t double_2_5 = DOUBLE_2_5;
static const int32_t int_zero;

/* Two SYSCALL entries, one per seed parity: which one ran says whose
 * LSTAR the CPU held. Back to the caller at CPL 0 with its RFLAGS. */
void cpustate_entry_odd(void);
void cpustate_entry_even(void);
__asm__(".text\n"
	".globl cpustate_entry_odd\n"
	"cpustate_entry_odd:\n"
	"	movq $1, cpustate_syscall_seen(%rip)\n"
	"	pushq %r11\n"
	"	popfq\n"
	"	jmpq *%rcx\n"
	".globl cpustate_entry_even\n"
	"cpustate_entry_even:\n"
	"	movq $2, cpustate_syscall_seen(%rip)\n"
	"	pushq %r11\n"
	"	popfq\n"
	"	jmpq *%rcx\n");

/* ------------------------------------------------ traps expected */
static void do_xsetbv(uint64_t xcr, uint64_t v)
{
	__asm__ volatile(".byte 0x0f, 0x01, 0xd1" /* xsetbv */
			 ::"c"((uint32_t)xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void do_rdpmc(uint64_t counter, uint64_t unused)
{
	uint32_t lo, hi;

	(void)unused;
	__asm__ volatile(".byte 0x0f, 0x33" /* rdpmc */
			 : "=a"(lo), "=d"(hi) : "c"((uint32_t)counter));
}

static void do_cr8(uint64_t v, uint64_t unused)
{
	(void)unused;
	__asm__ volatile(".byte 0x4c, 0x0f, 0x22, 0xc0" /* mov %rax, %cr8 */
			 ::"a"(v));
}

static void do_wrmsr(uint64_t msr, uint64_t v)
{
	__asm__ volatile(".byte 0x0f, 0x30" /* wrmsr */
			 ::"c"((uint32_t)msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* ------------------------------------------------ once, before rounds */
static void enable_sse_and_xsave(void)
{
	struct rt_cpuid f = rt_cpuid(1, 0);
	uint64_t cr4;

	rt_expect_true("CPUID.1 OSXSAVE clear while CR4.OSXSAVE is clear",
		       !(f.ecx & CPUID_1_ECX_OSXSAVE));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (f.ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	if (!(f.ecx & CPUID_1_ECX_XSAVE)) {
		rt_printf("cpustate: no XSAVE: x87/SSE only\n");
		return;
	}
	f = rt_cpuid(1, 0);
	rt_expect_true("CPUID.1 OSXSAVE set with CR4.OSXSAVE", f.ecx & CPUID_1_ECX_OSXSAVE);
	rt_expect("XGETBV before any XSETBV: the guest's reset XCR0", (int64_t)rt_xgetbv0(), 1);
	struct rt_cpuid x = rt_cpuid(0xd, 0), avx = rt_cpuid(0xd, 2);

	have_avx = (f.ecx & CPUID_1_ECX_AVX) && (x.eax & XCR0_X87_SSE_AVX) == XCR0_X87_SSE_AVX;
	rt_expect("CPUID.0xd.0 EBX: area size for XCR0 = x87", x.ebx, XSAVE_LEGACY_HEADER);
	if (!have_avx)
		return;
	do_xsetbv(0, XCR0_X87_SSE_AVX);
	rt_expect("XGETBV after XSETBV 7", (int64_t)rt_xgetbv0(), XCR0_X87_SSE_AVX);
	rt_expect("CPUID.0xd.0 EBX follows the guest's XCR0", rt_cpuid(0xd, 0).ebx,
		  avx.ebx + avx.eax);
}

static bool gp(void (*insn)(uint64_t, uint64_t), uint64_t a, uint64_t b, unsigned len)
{
	return rt_trap_raises(insn, a, b, len, VECTOR_GP);
}

static void refusals(void)
{
	const uint64_t bad_xcr0[] = { 0, 0x2, 0x5, 0x18, 0x21, 1ull << 62, 1ull << 63 };
	struct rt_cpuid pmu = rt_cpuid(0xa, 0);

	if (have_avx) {
		for (unsigned i = 0; i < sizeof(bad_xcr0) / sizeof(bad_xcr0[0]); i++)
			rt_expect_true("XSETBV of an XCR0 Fallow does not allow: #GP",
				       gp(do_xsetbv, 0, bad_xcr0[i], XSETBV_LEN));
		rt_expect_true("XSETBV of XCR1: #GP", gp(do_xsetbv, 1, 1, XSETBV_LEN));
		rt_expect("XCR0 unchanged by refused XSETBVs", (int64_t)rt_xgetbv0(),
			  XCR0_X87_SSE_AVX);
	}
	rt_expect_true("RDPMC: #GP", gp(do_rdpmc, 0, 0, RDPMC_LEN));
	rt_expect_true("RDPMC of a fixed counter: #GP", gp(do_rdpmc, 1u << 30, 0, RDPMC_LEN));
	rt_expect("CPUID.0xa: no performance counters", pmu.eax | pmu.ebx | pmu.ecx | pmu.edx, 0);
	rt_expect_true("CR8 reserved bits: #GP", gp(do_cr8, 16, 0, MOV_CR8_LEN));
	rt_expect_true("non-canonical LSTAR: #GP",
		       gp(do_wrmsr, MSR_LSTAR, 0x8000000000000000ull, WRMSR_LEN));
	rt_expect_true("FMASK reserved bits: #GP", gp(do_wrmsr, MSR_FMASK, 1ull << 32, WRMSR_LEN));
}

/* ------------------------------------------------ each round */
static void make_want(unsigned round)
{
	for (unsigned r = 0; r < SIMD_REGS; r++)
		for (unsigned i = 0; i < YMM_BYTES; i++)
			want.simd[r][i] = (uint8_t)(seed * 0x51 + r * 7 + i * 3 + round);
	want.mxcsr = seed & 1 ? MXCSR_ROUND_UP : MXCSR_ROUND_DOWN;
	for (unsigned i = 0; i < 4; i++)
		want.dr[i] = (seed << 20) + ((uint64_t)round << 8) + i * 8;
	want.dr6 = (seed + round) & DR6_B_BITS;
	want.dr7 = DR7_INIT | ((seed + round) & 3) << DR7_RW0_SHIFT;
	want.cr8 = (seed * 5 + round) & 0xf;
	want.cr2 = (seed << 32) + round;
	want.xcr0 = have_avx ? XCR0_X87_SSE_AVX : 1;
	want.gs_base = (seed << 32) + ((uint64_t)round << 12);
	want.kernel_gs_base = want.gs_base + 0x800;
	want.lstar = (uint64_t)(uintptr_t)(seed & 1 ? cpustate_entry_odd : cpustate_entry_even);
	want.cstar = 0x700000000000ull + (seed << 16) + round;
	want.fmask = seed & 1 ? 0x4700 : 0x0700;
}

static void set_x87(unsigned round)
{
	int64_t v = (int64_t)(seed * 1000000 + round);
	uint16_t cw = pending ? FCW_ZE_UNMASKED : FCW_MASKED_CHOP;

	__asm__ volatile("fninit\n fldcw %0\n fildq %1\n fldpi" ::"m"(cw), "m"(v));
	if (pending) /* 1/0 unmasked: #MF waits for the next waiting x87 insn */
		__asm__ volatile("fld1\n fidivl %0" ::"m"(int_zero));
	/* What the CPU holds now, taken without disturbing it. */
	__asm__ volatile("fnsave %0\n frstor %0" : "+m"(want.fsave));
}

static void set_simd(void)
{
	if (have_avx)
		__asm__ volatile(".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "vmovdqu (\\r * 32)(%0), %%ymm\\r\n"
				 ".endr\n"
				 ::"r"(want.simd) : "memory");
	else
		__asm__ volatile(".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "movdqu (\\r * 32)(%0), %%xmm\\r\n"
				 ".endr\n"
				 ::"r"(want.simd) : "memory");
	__asm__ volatile("ldmxcsr %0" ::"m"(want.mxcsr));
}

static void set_regs(void)
{
	__asm__ volatile("mov %0, %%db0" ::"r"(want.dr[0]));
	__asm__ volatile("mov %0, %%db1" ::"r"(want.dr[1]));
	__asm__ volatile("mov %0, %%db2" ::"r"(want.dr[2]));
	__asm__ volatile("mov %0, %%db3" ::"r"(want.dr[3]));
	__asm__ volatile("mov %0, %%db6" ::"r"(0xffff0ff0ull | want.dr6));
	__asm__ volatile("mov %0, %%db7" ::"r"(want.dr7));
	__asm__ volatile("mov %0, %%cr8" ::"r"(want.cr8));
	__asm__ volatile("mov %0, %%cr2" ::"r"(want.cr2));
	rt_wrmsr(MSR_EFER, rt_rdmsr(MSR_EFER) | EFER_SCE);
	rt_wrmsr(MSR_STAR, STAR_VALUE);
	rt_wrmsr(MSR_LSTAR, want.lstar);
	rt_wrmsr(MSR_CSTAR, want.cstar);
	rt_wrmsr(MSR_FMASK, want.fmask);
	/* KERNEL_GS_BASE by SWAPGS, which does not exit. */
	rt_wrmsr(MSR_GS_BASE, want.kernel_gs_base);
	rt_wrmsr(MSR_KERNEL_GS_BASE, want.gs_base);
	__asm__ volatile("swapgs" ::: "memory");
}

static void get_x87(void)
{
	/* A guest that does not pend runs a waiting instruction first: a
	 * pending exception that is not its own would raise #MF here. */
	if (!pending)
		__asm__ volatile("fwait");
	__asm__ volatile("fnsave %0" : "=m"(got.fsave));
}

static void get_simd(void)
{
	if (have_avx)
		__asm__ volatile(".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "vmovdqu %%ymm\\r, (\\r * 32)(%0)\n"
				 ".endr\n"
				 ::"r"(got.simd) : "memory");
	else
		__asm__ volatile(".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
				 "movdqu %%xmm\\r, (\\r * 32)(%0)\n"
				 ".endr\n"
				 ::"r"(got.simd) : "memory");
	__asm__ volatile("stmxcsr %0" : "=m"(got.mxcsr));
}

static void get_regs(void)
{
	__asm__ volatile("mov %%db0, %0" : "=r"(got.dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(got.dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(got.dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(got.dr[3]));
	__asm__ volatile("mov %%db6, %0" : "=r"(got.dr6));
	got.dr6 &= DR6_B_BITS;
	__asm__ volatile("mov %%db7, %0" : "=r"(got.dr7));
	__asm__ volatile("mov %%cr8, %0" : "=r"(got.cr8));
	__asm__ volatile("mov %%cr2, %0" : "=r"(got.cr2));
	got.xcr0 = have_avx ? rt_xgetbv0() : 1;
	got.gs_base = rt_rdmsr(MSR_GS_BASE);
	got.kernel_gs_base = rt_rdmsr(MSR_KERNEL_GS_BASE);
	got.lstar = rt_rdmsr(MSR_LSTAR);
	got.cstar = rt_rdmsr(MSR_CSTAR);
	got.fmask = rt_rdmsr(MSR_FMASK);
}

/* The conversion MXCSR's rounding decides: 3 rounding up, 2 down. */
static int64_t convert_2_5(void)
{
	int64_t v;

	__asm__ volatile("cvtsd2si %1, %0" : "=r"(v) : "m"(double_2_5));
	return v;
}

static uint64_t do_syscall(void)
{
	cpustate_syscall_seen = 0;
	__asm__ volatile("syscall" ::: "rcx", "r11", "memory");
	return cpustate_syscall_seen;
}

/* FNSAVE's image, less the code and data selectors of the last x87
 * instruction: 64-bit FXSAVE/XSAVE do not keep them (newer CPUs keep
 * them zero), as on any 64-bit OS. */
#define FSAVE_FCS 16
#define FSAVE_FDS 24
#define FSAVE_SEL_BYTES 2

static bool x87_equal(void)
{
	memset(&got.fsave[FSAVE_FCS], 0, FSAVE_SEL_BYTES);
	memset(&want.fsave[FSAVE_FCS], 0, FSAVE_SEL_BYTES);
	memset(&got.fsave[FSAVE_FDS], 0, FSAVE_SEL_BYTES);
	memset(&want.fsave[FSAVE_FDS], 0, FSAVE_SEL_BYTES);
	return !memcmp(got.fsave, want.fsave, sizeof(got.fsave));
}

/* YMM registers whole with AVX, else their XMM halves. */
static bool simd_equal(void)
{
	unsigned bytes = have_avx ? YMM_BYTES : XMM_BYTES;

	for (unsigned r = 0; r < SIMD_REGS; r++)
		if (memcmp(got.simd[r], want.simd[r], bytes))
			return false;
	return true;
}

enum item {
	IT_X87, IT_SIMD, IT_MXCSR, IT_ROUNDING, IT_XCR0, IT_DR, IT_DR6, IT_CR8, IT_CR2,
	IT_KERNEL_GS, IT_GS, IT_SYSCALL_MSRS, IT_SYSCALL_ENTRY, IT_COUNT
};

static const char *const item_what[IT_COUNT] = {
	"rounds where the x87 state changed",
	"rounds where XMM/YMM registers changed",
	"rounds where MXCSR changed",
	"rounds where cvtsd2si(2.5) rounded the other guest's way",
	"rounds where XGETBV read another XCR0",
	"rounds where DR0-DR3 changed",
	"rounds where DR6 or DR7 changed",
	"rounds where CR8 changed",
	"rounds where CR2 changed",
	"rounds where KERNEL_GS_BASE (set by SWAPGS) changed",
	"rounds where GS_BASE changed",
	"rounds where STAR/LSTAR/CSTAR/FMASK changed",
	"rounds where SYSCALL went elsewhere than this guest's LSTAR",
};

static unsigned bad[IT_COUNT];

static void compare(void)
{
	bad[IT_X87] += !x87_equal();
	bad[IT_SIMD] += !simd_equal();
	bad[IT_MXCSR] += got.mxcsr != want.mxcsr;
	bad[IT_ROUNDING] += convert_2_5() != (want.mxcsr == MXCSR_ROUND_UP ? 3 : 2);
	bad[IT_XCR0] += got.xcr0 != want.xcr0;
	bad[IT_DR] += memcmp(got.dr, want.dr, sizeof(got.dr)) != 0;
	bad[IT_DR6] += got.dr6 != want.dr6 || got.dr7 != want.dr7;
	bad[IT_CR8] += got.cr8 != want.cr8;
	bad[IT_CR2] += got.cr2 != want.cr2;
	bad[IT_KERNEL_GS] += got.kernel_gs_base != want.kernel_gs_base;
	bad[IT_GS] += got.gs_base != want.gs_base;
	bad[IT_SYSCALL_MSRS] += rt_rdmsr(MSR_STAR) != STAR_VALUE || got.lstar != want.lstar ||
				got.cstar != want.cstar || got.fmask != want.fmask;
	bad[IT_SYSCALL_ENTRY] += do_syscall() != (seed & 1 ? 1u : 2u);
}

int guest_main(const struct fallow_start_info *si)
{
	unsigned rounds = (unsigned)rt_cmdline_u64("rounds", 200);

	(void)si;
	seed = rt_cmdline_u64("seed", 1);
	pending = rt_cmdline_has("pending");
	rt_check_begin("cpustate");
	rt_trap_init();
	enable_sse_and_xsave();
	refusals();
	rt_printf("cpustate: seed %llu, %u rounds, %s, x87 exception %s\n",
		  (unsigned long long)seed, rounds, have_avx ? "AVX" : "SSE",
		  pending ? "left pending" : "never pending");
	for (unsigned round = 0; round < rounds; round++) {
		make_want(round);
		set_x87(round);
		set_simd();
		set_regs();
		hc_yield();
		get_x87();
		get_simd();
		get_regs();
		compare();
	}
	for (unsigned i = 0; i < IT_COUNT; i++)
		rt_expect(item_what[i], bad[i], 0);
	return rt_check_end();
}
