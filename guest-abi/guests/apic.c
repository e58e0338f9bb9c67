/* apic: the virtual x2APIC and its timer, seen from a guest with
 * lapic=on. It checks what CPUID says of time and the APIC, that
 * IA32_APIC_BASE reports x2APIC mode, that refused x2APIC accesses raise
 * #GP, how IRR, ISR, TPR and EOI order self-IPIs, and then takes timer
 * interrupts through its own IDT in one-shot, periodic and TSC-deadline
 * mode, waiting for each with `sti; hlt`, so the hypervisor runs the
 * other guests meanwhile, and once spinning with interrupts on. Times are checked only in ways that cannot
 * flake: an interrupt never comes before its deadline, a periodic timer
 * never fires more often than its period allows, and a stopped one
 * stays quiet.
 * Command line: sleep_ms=N ends with one HLT that long; `off` instead
 * checks a guest without a vLAPIC (lapic=off): no x2APIC in CPUID, #GP
 * for its MSRs. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/cpu.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/trap.h"

#define MSR_APIC_BASE 0x1bu
#define MSR_TSC_DEADLINE 0x6e0u
#define X2APIC(reg) (0x800u + (reg))
#define REG_ID 0x02u
#define REG_VERSION 0x03u
#define REG_TPR 0x08u
#define REG_PPR 0x0au
#define REG_EOI 0x0bu
#define REG_LDR 0x0du
#define REG_SVR 0x0fu
#define REG_ISR0 0x10u
#define REG_IRR0 0x20u
#define REG_LVT_TIMER 0x32u
#define REG_TIMER_INITIAL 0x38u
#define REG_TIMER_CURRENT 0x39u
#define REG_TIMER_DIVIDE 0x3eu
#define REG_SELF_IPI 0x3fu
#define APIC_BASE_X2APIC_ON 0xfee00d00ull /* base, EN, EXTD, BSP */
#define SVR_ENABLE 0x100u
#define SPURIOUS 0xffu
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define DIVIDE_BY_1 0xbu
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_EDX_APIC (1u << 9)
#define VECTOR_GP 13u
#define VECTOR_UD 6u
#define WRMSR_LEN 2u
#define MWAIT_LEN 3u
#define MSR_MISC_ENABLE 0x1a0u
#define MISC_ENABLE_GUEST 0x1801ull /* fast strings, no BTS, no PEBS */
#define CPUID_1_ECX_MONITOR (1u << 3)
#define RDMSR_LEN 2u
#define V_TIMER 0x30u
#define V_PERIODIC 0x31u
#define V_DEADLINE 0x32u
#define V_LOW 0x41u
#define V_MID 0x50u
#define V_HIGH 0x61u
#define V_HELD 0x70u
#define PERIODS 3u
#define WAIT_LIMIT 100000u /* HLTs before a wait counts as lost */
#define ORDER_MAX 8u

static volatile uint64_t count[256], fired_at[256];
static volatile unsigned order[ORDER_MAX], norder;
static volatile uint32_t isr_in_handler;
static volatile bool hold_eoi; /* V_HELD's handler leaves its EOI to the test */
static uint64_t apic_khz, tsc_khz;

static void do_wrmsr(uint64_t msr, uint64_t v)
{
	__asm__ volatile(".byte 0x0f, 0x30" /* wrmsr */
			 ::"c"((uint32_t)msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void do_rdmsr(uint64_t msr, uint64_t unused)
{
	uint32_t lo, hi;

	(void)unused;
	__asm__ volatile(".byte 0x0f, 0x32" /* rdmsr */ : "=a"(lo), "=d"(hi) : "c"((uint32_t)msr));
}

static void do_mwait(uint64_t hints, uint64_t ext)
{
	__asm__ volatile(".byte 0x0f, 0x01, 0xc9" /* mwait */ ::"a"(hints), "c"(ext));
}

static void do_monitor(uint64_t addr, uint64_t unused)
{
	(void)unused;
	__asm__ volatile(".byte 0x0f, 0x01, 0xc8" /* monitor */ ::"a"(addr), "c"(0), "d"(0));
}

static bool gp_on_write(uint32_t msr, uint64_t v)
{
	return rt_trap_raises(do_wrmsr, msr, v, WRMSR_LEN, VECTOR_GP);
}

static bool gp_on_read(uint32_t msr)
{
	return rt_trap_raises(do_rdmsr, msr, 0, RDMSR_LEN, VECTOR_GP);
}

static void on_irq(unsigned v)
{
	fired_at[v] = rt_rdtsc();
	count[v]++;
	if (norder < ORDER_MAX)
		order[norder++] = v;
	isr_in_handler = (uint32_t)rt_rdmsr(X2APIC(REG_ISR0 + v / 32));
	if (!(v == V_HELD && hold_eoi))
		rt_wrmsr(X2APIC(REG_EOI), 0);
}

static void enable_irqs(void)
{
	__asm__ volatile("sti; nop" ::: "memory"); /* the NOP: STI's shadow passes */
}

static void disable_irqs(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* Sleeps with interrupts on until `vector` has come `want` times. */
static bool wait_for(unsigned vector, uint64_t want)
{
	for (unsigned i = 0; i < WAIT_LIMIT && count[vector] < want; i++)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	return count[vector] >= want;
}

/* TSC ticks per APIC timer count at divide-by-1. */
static uint64_t tsc_per_count(void)
{
	return apic_khz ? tsc_khz / apic_khz : 1;
}

static void check_cpuid(void)
{
	struct rt_cpuid f = rt_cpuid(1, 0);
	struct rt_cpuid base = rt_cpuid(0x40000000u, 0);
	struct rt_cpuid timing = rt_cpuid(0x40000010u, 0);
	struct rt_cpuid l15 = rt_cpuid(0x15, 0);
	struct rt_cpuid l16 = rt_cpuid(0x16, 0);

	rt_expect_true("CPUID.1 x2APIC, TSC deadline and APIC set",
		       (f.ecx & CPUID_1_ECX_X2APIC) && (f.ecx & CPUID_1_ECX_TSC_DEADLINE) &&
			       (f.edx & CPUID_1_EDX_APIC));
	rt_expect("CPUID.1 EBX initial APIC ID", f.ebx >> 24, 0);
	rt_expect_true("CPUID 0x40000000 reaches the timing leaf", base.eax >= 0x40000010u);
	tsc_khz = timing.eax;
	apic_khz = timing.ebx;
	rt_expect_true("timing leaf TSC and APIC kHz nonzero", tsc_khz && apic_khz);
	rt_expect_true("leaf 0x15 ratio nonzero", l15.eax && l15.ebx && l15.ecx);
	rt_expect("leaf 0x15 crystal is the APIC timer clock", l15.ecx / 1000, apic_khz);
	uint64_t khz15 = (uint64_t)l15.ecx * l15.ebx / l15.eax / 1000;

	rt_expect_true("leaf 0x15 gives the TSC kHz (to 1 kHz)",
		       khz15 + 1 >= tsc_khz && khz15 <= tsc_khz + 1);
	rt_expect("leaf 0x16 base MHz", l16.eax, tsc_khz / 1000);
	rt_printf("apic: TSC %llu kHz, APIC timer %llu kHz\n", (unsigned long long)tsc_khz,
		  (unsigned long long)apic_khz);
}

/* What Linux meets before it has an IDT, and its idle loop. */
static void check_platform(void)
{
	uint64_t traps = rt_trap_count;

	rt_expect("IA32_MISC_ENABLE", rt_rdmsr(MSR_MISC_ENABLE), MISC_ENABLE_GUEST);
	rt_wrmsr(MSR_MISC_ENABLE, MISC_ENABLE_GUEST);
	rt_expect("writing IA32_MISC_ENABLE back is no fault", rt_trap_count, traps);
	rt_expect_true("changing IA32_MISC_ENABLE is #GP", gp_on_write(MSR_MISC_ENABLE, 0));
	rt_expect_true("CPUID.1 MONITOR/MWAIT clear", !(rt_cpuid(1, 0).ecx & CPUID_1_ECX_MONITOR));
	rt_expect_true("MONITOR is #UD", rt_trap_raises(do_monitor, FALLOW_STACK_BOTTOM, 0,
							 MWAIT_LEN, VECTOR_UD));
	rt_expect_true("MWAIT is #UD", rt_trap_raises(do_mwait, 0, 0, MWAIT_LEN, VECTOR_UD));
}

static void check_registers(void)
{
	rt_expect("IA32_APIC_BASE: x2APIC on, BSP", rt_rdmsr(MSR_APIC_BASE), APIC_BASE_X2APIC_ON);
	rt_expect("x2APIC ID", rt_rdmsr(X2APIC(REG_ID)), 0);
	rt_expect("version", rt_rdmsr(X2APIC(REG_VERSION)) & 0xff, 0x14);
	rt_expect("LDR from the ID", rt_rdmsr(X2APIC(REG_LDR)), 1);
	rt_expect("SVR at reset", rt_rdmsr(X2APIC(REG_SVR)), 0xff);
	rt_expect_true("write to the read-only ID is #GP", gp_on_write(X2APIC(REG_ID), 1));
	rt_expect_true("EOI of a nonzero value is #GP", gp_on_write(X2APIC(REG_EOI), 1));
	rt_expect_true("TPR reserved bits are #GP", gp_on_write(X2APIC(REG_TPR), 0x100));
	rt_expect_true("TPR with EDX set is #GP", gp_on_write(X2APIC(REG_TPR), 1ull << 32));
	rt_expect_true("timer mode 3 is #GP", gp_on_write(X2APIC(REG_LVT_TIMER), 3u << 17));
	rt_expect_true("leaving x2APIC mode is #GP", gp_on_write(MSR_APIC_BASE, 0xfee00900ull));
	rt_expect_true("reading the write-only EOI is #GP", gp_on_read(X2APIC(REG_EOI)));
	rt_expect_true("reading a missing register is #GP", gp_on_read(X2APIC(0x00)));
	rt_expect_true("MSR 0x8ff is #GP", gp_on_read(X2APIC(0xff)));
	rt_wrmsr(X2APIC(REG_SVR), SVR_ENABLE | SPURIOUS);
	rt_expect("SVR enabled", rt_rdmsr(X2APIC(REG_SVR)), SVR_ENABLE | SPURIOUS);
}

/* Self-IPIs with interrupts off sit in IRR; once on, the higher class
 * goes first, and a vector left in service holds the lower ones back
 * until its EOI. TPR holds back what is not above it. */
static void check_priorities(void)
{
	disable_irqs();
	rt_wrmsr(X2APIC(REG_SELF_IPI), V_MID);
	rt_wrmsr(X2APIC(REG_SELF_IPI), V_HIGH);
	rt_expect("IRR holds 0x50", rt_rdmsr(X2APIC(REG_IRR0 + 2)), 1u << (V_MID % 32));
	rt_expect("IRR holds 0x61", rt_rdmsr(X2APIC(REG_IRR0 + 3)), 1u << (V_HIGH % 32));
	rt_expect("nothing delivered with IF=0", count[V_MID] + count[V_HIGH], 0);
	enable_irqs();
	disable_irqs();
	rt_expect("both delivered", count[V_MID] * 10 + count[V_HIGH], 11);
	rt_expect("0x61 first", order[0], V_HIGH);
	rt_expect("then 0x50", order[1], V_MID);
	rt_expect("ISR held the vector in its handler", isr_in_handler, 1u << (V_MID % 32));
	rt_expect("ISR empty after EOI", rt_rdmsr(X2APIC(REG_ISR0 + 2)) |
		  rt_rdmsr(X2APIC(REG_ISR0 + 3)), 0);

	hold_eoi = true;
	enable_irqs();
	rt_wrmsr(X2APIC(REG_SELF_IPI), V_HELD);
	rt_wrmsr(X2APIC(REG_SELF_IPI), V_LOW);
	rt_expect("held vector delivered", count[V_HELD], 1);
	rt_expect("lower vector waits while 0x70 is in service", count[V_LOW], 0);
	rt_expect("PPR is 0x70's class", rt_rdmsr(X2APIC(REG_PPR)), 0x70);
	hold_eoi = false;
	rt_wrmsr(X2APIC(REG_EOI), 0);
	rt_expect("EOI lets it through", count[V_LOW], 1);

	rt_wrmsr(X2APIC(REG_TPR), 0x50);
	rt_wrmsr(X2APIC(REG_SELF_IPI), V_MID);
	rt_expect("TPR 0x50 holds 0x50 back", count[V_MID], 1);
	rt_wrmsr(X2APIC(REG_TPR), 0);
	rt_expect("TPR 0 lets it through", count[V_MID], 2);
	disable_irqs();
}

static void check_one_shot(uint64_t counts)
{
	uint64_t start = rt_rdtsc();

	rt_wrmsr(X2APIC(REG_TIMER_DIVIDE), DIVIDE_BY_1);
	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_TIMER);
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), counts);
	rt_expect_true("one-shot fired", wait_for(V_TIMER, 1));
	rt_expect_true("one-shot not early",
		       fired_at[V_TIMER] - start >= counts * tsc_per_count());
	rt_expect("current count 0 after", rt_rdmsr(X2APIC(REG_TIMER_CURRENT)), 0);
	/* wait two more of its periods on the periodic timer: it stays quiet */
	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_PERIODIC | LVT_PERIODIC);
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), counts);
	rt_expect_true("periodic after one-shot fired", wait_for(V_PERIODIC, 2));
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), 0);
	rt_expect("one-shot fired once", count[V_TIMER], 1);
}

static void check_periodic(uint64_t counts)
{
	enable_irqs(); /* a tick that came before the last stop goes now */
	disable_irqs();
	uint64_t base = count[V_PERIODIC];
	uint64_t start = rt_rdtsc();
	uint64_t period = counts * tsc_per_count();

	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_PERIODIC | LVT_PERIODIC);
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), counts);
	rt_expect_true("periodic fired 3 times", wait_for(V_PERIODIC, base + PERIODS));
	uint64_t n = count[V_PERIODIC] - base, elapsed = fired_at[V_PERIODIC] - start;

	rt_expect_true("periodic not early", elapsed >= n * period);
	rt_expect_true("no more ticks than periods", n <= elapsed / period);
	rt_expect_true("current count within the period",
		       rt_rdmsr(X2APIC(REG_TIMER_CURRENT)) <= counts);
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), 0); /* stop */
	n = count[V_PERIODIC];
	uint64_t until = rt_rdtsc() + 3 * period;

	while (rt_rdtsc() < until) /* the quiet wait spins: nothing wakes a HLT */
		;
	enable_irqs();
	disable_irqs();
	rt_expect("stopped timer stays quiet", count[V_PERIODIC], n);
	rt_printf("apic: periodic %llu ticks in %llu TSC ticks (period %llu)\n",
		  (unsigned long long)(n - base), (unsigned long long)elapsed,
		  (unsigned long long)period);
}

static void check_deadline(uint64_t ticks)
{
	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_DEADLINE | LVT_TSC_DEADLINE);
	uint64_t deadline = rt_rdtsc() + ticks;

	rt_wrmsr(MSR_TSC_DEADLINE, deadline);
	rt_expect("deadline reads back", rt_rdmsr(MSR_TSC_DEADLINE), deadline);
	rt_expect_true("TSC deadline fired", wait_for(V_DEADLINE, 1));
	rt_expect_true("TSC deadline not early", fired_at[V_DEADLINE] >= deadline);
	/* Halted while another guest runs: the scenario wants this far below
	 * a slice (the deadline ends the other guest's turn). */
	rt_printf("apic: halted wait took the interrupt %llu TSC ticks after its deadline\n",
		  (unsigned long long)(fired_at[V_DEADLINE] - deadline));
	rt_expect("deadline reads 0 once fired", rt_rdmsr(MSR_TSC_DEADLINE), 0);
	rt_wrmsr(MSR_TSC_DEADLINE, 1); /* long past: at once */
	enable_irqs();
	disable_irqs();
	rt_expect("a past deadline fires at once", count[V_DEADLINE], 2);
	rt_wrmsr(MSR_TSC_DEADLINE, rt_rdtsc() + ticks);
	rt_wrmsr(MSR_TSC_DEADLINE, 0); /* disarmed */
	uint64_t until = rt_rdtsc() + 2 * ticks;

	while (rt_rdtsc() < until)
		;
	enable_irqs();
	disable_irqs();
	rt_expect("a disarmed deadline stays quiet", count[V_DEADLINE], 2);
}

/* Spinning with IF=1 makes no exit: the interrupt can only come from
 * the VMX-preemption timer armed for the deadline (or the slice end). */
static void check_spinning_wait(uint64_t ticks)
{
	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_DEADLINE | LVT_TSC_DEADLINE);
	uint64_t deadline = rt_rdtsc() + ticks;

	rt_wrmsr(MSR_TSC_DEADLINE, deadline);
	enable_irqs();
	while (count[V_DEADLINE] < 3 && rt_rdtsc() < deadline + WAIT_LIMIT * ticks)
		;
	disable_irqs();
	rt_expect("deadline taken while spinning", count[V_DEADLINE], 3);
	rt_expect_true("and not early", fired_at[V_DEADLINE] >= deadline);
	rt_printf("apic: spinning wait took the interrupt %llu TSC ticks after its deadline\n",
		  (unsigned long long)(fired_at[V_DEADLINE] - deadline));
	rt_wrmsr(X2APIC(REG_LVT_TIMER), LVT_MASKED);
}

/* One long HLT: once the other guests are done, nothing runs until the
 * deadline and the hypervisor idles to it (the summary's skipped_ms). */
static void check_long_sleep(uint64_t ms)
{
	if (!ms)
		return;
	uint64_t start = rt_rdtsc(), counts = ms * apic_khz;

	rt_wrmsr(X2APIC(REG_LVT_TIMER), V_TIMER);
	rt_wrmsr(X2APIC(REG_TIMER_INITIAL), counts);
	rt_expect_true("long one-shot fired", wait_for(V_TIMER, 2));
	rt_expect_true("long one-shot not early",
		       fired_at[V_TIMER] - start >= counts * tsc_per_count());
	rt_printf("apic: slept %llu ms in HLT\n", (unsigned long long)ms);
}

static int check_off(void)
{
	struct rt_cpuid f = rt_cpuid(1, 0);

	rt_expect_true("CPUID.1 x2APIC and TSC deadline clear",
		       !(f.ecx & (CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE)));
	rt_expect_true("CPUID.1 APIC clear", !(f.edx & CPUID_1_EDX_APIC));
	rt_expect_true("IA32_APIC_BASE is #GP", gp_on_read(MSR_APIC_BASE));
	rt_expect_true("x2APIC ID is #GP", gp_on_read(X2APIC(REG_ID)));
	rt_expect_true("TSC deadline write is #GP", gp_on_write(MSR_TSC_DEADLINE, 1));
	rt_expect_true("timing leaf still there", rt_cpuid(0x40000010u, 0).eax != 0);
	return rt_check_end();
}

int guest_main(const struct fallow_start_info *si)
{
	rt_check_begin("apic");
	rt_trap_init();
	if (rt_cmdline_has("off")) {
		rt_printf("apic: %s without a vLAPIC\n", si->name);
		return check_off();
	}
	rt_printf("apic: %s with a vLAPIC\n", si->name);
	for (unsigned v = V_TIMER; v <= V_HELD; v++)
		rt_irq_set(v, on_irq);
	rt_irq_set(SPURIOUS, on_irq);
	check_cpuid();
	check_platform();
	check_registers();
	check_priorities();
	/* A millisecond per timer: long beside a guest's slice under Bochs,
	 * short enough for a quick run. */
	uint64_t counts = apic_khz ? apic_khz : 1000;

	/* First, while spin (beside it in guests-apic) surely still runs. */
	check_deadline(tsc_khz ? tsc_khz : 1000);
	check_one_shot(counts);
	check_periodic(counts);
	check_spinning_wait(tsc_khz ? tsc_khz : 1000);
	check_long_sleep(rt_cmdline_u64("sleep_ms", 0));
	rt_expect("no spurious interrupt", count[SPURIOUS], 0);
	rt_printf("apic: timer interrupts one-shot=%llu periodic=%llu deadline=%llu\n",
		  (unsigned long long)count[V_TIMER], (unsigned long long)count[V_PERIODIC],
		  (unsigned long long)count[V_DEADLINE]);
	return rt_check_end();
}
