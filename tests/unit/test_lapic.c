/* dev/lapic.c and dev/lapic_timer.c: the vLAPIC's registers, priorities
 * and timer modes, driven with made-up TSC values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86_64/msr.h"
#include "dev/lapic.h"
#include "lib/err.h"

#define MSR(reg) (MSR_X2APIC_FIRST + (reg))
#define ID 0x02u
#define VERSION 0x03u
#define TPR 0x08u
#define PPR 0x0au
#define EOI 0x0bu
#define LDR 0x0du
#define SVR 0x0fu
#define ISR0 0x10u
#define IRR0 0x20u
#define ESR 0x28u
#define ICR 0x30u
#define LVT_TIMER 0x32u
#define LVT_LINT0 0x35u
#define TMICT 0x38u
#define TMCCT 0x39u
#define TDCR 0x3eu
#define SELF_IPI 0x3fu
#define MASKED (1u << 16)
#define PERIODIC (1u << 17)
#define DEADLINE (2u << 17)
#define ENABLE 0x100u
#define DIV_1 0xbu
#define DIV_2 0x0u
#define DIV_16 0x3u

static struct lapic l;

static uint64_t rd(uint32_t reg, uint64_t now)
{
	uint64_t v = ~0ull;

	assert_int_equal(lapic_rdmsr(&l, MSR(reg), now, &v), 0);
	return v;
}

static void wr(uint32_t reg, uint64_t v, uint64_t now)
{
	assert_int_equal(lapic_wrmsr(&l, MSR(reg), v, now), 0);
}

static int setup(void **state)
{
	(void)state;
	lapic_reset(&l, 0, 0);
	return 0;
}

static void test_reset_and_identity(void **state)
{
	(void)state;
	uint64_t base = 0;

	assert_int_equal(rd(ID, 0), 0);
	assert_int_equal(rd(VERSION, 0) & 0xff, 0x14);
	assert_int_equal(rd(LDR, 0), 1);
	assert_int_equal(rd(SVR, 0), 0xff);
	assert_int_equal(rd(LVT_TIMER, 0), MASKED);
	assert_int_equal(lapic_rdmsr(&l, MSR_IA32_APIC_BASE, 0, &base), 0);
	assert_true(base == (APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP));
	assert_true(lapic_owns_msr(MSR_IA32_TSC_DEADLINE) && lapic_owns_msr(0x8ff) &&
		    !lapic_owns_msr(0x900) && !lapic_owns_msr(MSR_IA32_EFER));
	/* leaving x2APIC mode or disabling the APIC is refused */
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT | APIC_BASE_EN, 0),
			 -ERR_PERM);
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_APIC_BASE, base, 0), 0);
}

static void test_gp_cases(void **state)
{
	(void)state;
	uint64_t v;

	assert_int_not_equal(lapic_rdmsr(&l, MSR(0x00), 0, &v), 0); /* no register */
	assert_int_not_equal(lapic_rdmsr(&l, MSR(EOI), 0, &v), 0);  /* write-only */
	assert_int_not_equal(lapic_rdmsr(&l, MSR(SELF_IPI), 0, &v), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(ID), 1, 0), 0);     /* read-only */
	assert_int_not_equal(lapic_wrmsr(&l, MSR(PPR), 0, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(TMCCT), 5, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(IRR0), 0, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(TPR), 0x100, 0), 0);     /* reserved bits */
	assert_int_not_equal(lapic_wrmsr(&l, MSR(TPR), 1ull << 32, 0), 0); /* EDX */
	assert_int_not_equal(lapic_wrmsr(&l, MSR(EOI), 1, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(ESR), 1, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(LVT_TIMER), 3u << 17, 0), 0); /* mode 3 */
	assert_int_not_equal(lapic_wrmsr(&l, MSR(TDCR), 0x4, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(SVR), 0x1000, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(ICR), 1ull << 12, 0), 0);
	assert_int_not_equal(lapic_wrmsr(&l, MSR(0x80), 0, 0), 0);
}

static void test_priority_and_eoi(void **state)
{
	(void)state;
	wr(SVR, ENABLE | 0xff, 0);
	assert_int_equal(lapic_pending(&l), -1);
	wr(SELF_IPI, 0x41, 0);
	wr(SELF_IPI, 0x52, 0);
	assert_int_equal(rd(IRR0 + 2, 0), 1u << 1 | 1u << 18);
	assert_int_equal(lapic_pending(&l), 0x52);
	lapic_accept(&l, 0x52);
	assert_int_equal(rd(ISR0 + 2, 0), 1u << 18);
	assert_int_equal(rd(PPR, 0), 0x50);
	assert_int_equal(lapic_pending(&l), -1); /* 0x41's class is below 5 */
	wr(EOI, 0, 0);
	assert_int_equal(rd(ISR0 + 2, 0), 0);
	assert_int_equal(lapic_pending(&l), 0x41);
	wr(TPR, 0x40, 0); /* class 4 blocks 0x41 */
	assert_int_equal(lapic_pending(&l), -1);
	lapic_set_cr8(&l, 3);
	assert_int_equal(rd(TPR, 0), 0x30);
	assert_int_equal(lapic_cr8(&l), 3);
	assert_int_equal(lapic_pending(&l), 0x41);
	/* a software-disabled APIC delivers nothing */
	wr(SVR, 0xff, 0);
	assert_int_equal(lapic_pending(&l), -1);
}

static void test_illegal_vector_and_icr(void **state)
{
	(void)state;
	wr(SVR, ENABLE | 0xff, 0);
	wr(SELF_IPI, 5, 0);
	assert_int_equal(lapic_pending(&l), -1);
	wr(ESR, 0, 0);
	assert_int_equal(rd(ESR, 0), 0x40);
	wr(ESR, 0, 0);
	assert_int_equal(rd(ESR, 0), 0);
	wr(ICR, 0x40000 | 0x61, 0); /* shorthand self, fixed */
	assert_int_equal(lapic_pending(&l), 0x61);
	lapic_accept(&l, 0x61);
	wr(EOI, 0, 0);
	wr(ICR, (7ull << 32) | 0x62, 0); /* to a CPU that is not there */
	assert_int_equal(lapic_pending(&l), -1);
	assert_true(rd(ICR, 0) == ((7ull << 32) | 0x62));
}

static void test_lvt_masked_while_disabled(void **state)
{
	(void)state;
	wr(LVT_LINT0, 0x700, 0);
	assert_int_equal(rd(LVT_LINT0, 0), 0x700 | MASKED);
	wr(SVR, ENABLE, 0);
	wr(LVT_LINT0, 0x700, 0);
	assert_int_equal(rd(LVT_LINT0, 0), 0x700);
	wr(SVR, 0, 0);
	assert_int_equal(rd(LVT_LINT0, 0), 0x700 | MASKED);
}

static void test_one_shot(void **state)
{
	(void)state;
	wr(SVR, ENABLE, 0);
	wr(TDCR, DIV_16, 0);
	wr(LVT_TIMER, 0x30, 1000);
	wr(TMICT, 100, 1000); /* 1600 ticks */
	assert_true(lapic_next_fire(&l) == 2600);
	assert_int_equal(rd(TMCCT, 1000), 100);
	assert_int_equal(rd(TMCCT, 1800), 50);
	lapic_update(&l, 2599);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 2600);
	assert_int_equal(lapic_pending(&l), 0x30);
	assert_int_equal(rd(TMCCT, 2600), 0);
	assert_true(lapic_next_fire(&l) == 0);
	assert_int_equal(l.timer_expiries, 1);
	/* writing 0 stops a running count */
	wr(TMICT, 10, 3000);
	wr(TMICT, 0, 3001);
	assert_true(lapic_next_fire(&l) == 0);
}

static void test_periodic_and_divide(void **state)
{
	(void)state;
	wr(SVR, ENABLE, 0);
	wr(TDCR, DIV_1, 0);
	wr(LVT_TIMER, PERIODIC | 0x31, 0);
	wr(TMICT, 1000, 0);
	lapic_update(&l, 1000);
	assert_int_equal(lapic_pending(&l), 0x31);
	assert_true(lapic_next_fire(&l) == 2000);
	lapic_accept(&l, 0x31);
	wr(EOI, 0, 1000);
	/* far behind: the missed periods fold into one interrupt */
	lapic_update(&l, 5500);
	assert_true(lapic_next_fire(&l) == 6000);
	assert_int_equal(lapic_pending(&l), 0x31);
	assert_int_equal(rd(TMCCT, 5500), 500);
	/* a new divisor stretches what is left */
	wr(TDCR, DIV_2, 5500);
	assert_true(lapic_next_fire(&l) == 6500);
	/* a masked timer runs on but raises nothing */
	lapic_accept(&l, 0x31);
	wr(EOI, 0, 5500);
	wr(LVT_TIMER, MASKED | PERIODIC | 0x31, 5500);
	lapic_update(&l, 6500);
	assert_int_equal(lapic_pending(&l), -1);
	assert_true(lapic_next_fire(&l) == 8500);
}

static void test_tsc_deadline(void **state)
{
	(void)state;
	uint64_t v;

	wr(SVR, ENABLE, 0);
	/* ignored outside deadline mode */
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_TSC_DEADLINE, 500, 0), 0);
	assert_int_equal(lapic_rdmsr(&l, MSR_IA32_TSC_DEADLINE, 0, &v), 0);
	assert_true(v == 0 && lapic_next_fire(&l) == 0);
	wr(TMICT, 100, 0);
	wr(LVT_TIMER, DEADLINE | 0x40, 10); /* the switch disarms the count */
	assert_true(lapic_next_fire(&l) == 0);
	wr(TMICT, 100, 10); /* ignored in this mode */
	assert_true(lapic_next_fire(&l) == 0);
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_TSC_DEADLINE, 5000, 20), 0);
	assert_true(lapic_next_fire(&l) == 5000);
	assert_int_equal(lapic_rdmsr(&l, MSR_IA32_TSC_DEADLINE, 4999, &v), 0);
	assert_true(v == 5000);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 5000);
	assert_int_equal(lapic_pending(&l), 0x40);
	assert_int_equal(lapic_rdmsr(&l, MSR_IA32_TSC_DEADLINE, 5001, &v), 0);
	assert_true(v == 0 && lapic_next_fire(&l) == 0);
	/* a deadline already past fires at the write */
	lapic_accept(&l, 0x40);
	wr(EOI, 0, 6000);
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_TSC_DEADLINE, 100, 6000), 0);
	assert_int_equal(lapic_pending(&l), 0x40);
	/* 0 disarms */
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_TSC_DEADLINE, 9000, 6000), 0);
	assert_int_equal(lapic_wrmsr(&l, MSR_IA32_TSC_DEADLINE, 0, 6000), 0);
	assert_true(lapic_next_fire(&l) == 0);
}

static void test_clock_shift(void **state)
{
	(void)state;
	assert_int_equal(lapic_clock_shift(0), 0);
	assert_int_equal(lapic_clock_shift(3000000000ull), 0);
	assert_int_equal(lapic_clock_shift(5000000000ull), 1);
	lapic_reset(&l, 0, 1);
	wr(SVR, ENABLE, 0);
	wr(TDCR, DIV_1, 0);
	wr(LVT_TIMER, 0x30, 0);
	wr(TMICT, 10, 0);
	assert_true(lapic_next_fire(&l) == 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_and_identity, setup),
		cmocka_unit_test_setup(test_gp_cases, setup),
		cmocka_unit_test_setup(test_priority_and_eoi, setup),
		cmocka_unit_test_setup(test_illegal_vector_and_icr, setup),
		cmocka_unit_test_setup(test_lvt_masked_while_disabled, setup),
		cmocka_unit_test_setup(test_one_shot, setup),
		cmocka_unit_test_setup(test_periodic_and_divide, setup),
		cmocka_unit_test_setup(test_tsc_deadline, setup),
		cmocka_unit_test_setup(test_clock_shift, setup),
	};

	return cmocka_run_group_tests_name("lapic", tests, NULL, NULL);
}
