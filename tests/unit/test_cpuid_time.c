/* vcpu/cpuid_time.c: leaves 0x15, 0x16 and FALLOW_CPUID_TIMING give the
 * TSC and vLAPIC timer frequencies back consistently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "guest-abi/fallow_abi.h"
#include "vcpu/cpuid_time.h"

static void test_leaves_agree(void **state)
{
	(void)state;
	struct cpuid_time t;
	uint32_t r[4];

	cpuid_time_init(&t, 2893000000ull);
	assert_int_equal(t.apic_shift, 0);
	assert_true(cpuid_time_leaf(&t, 0x15, r));
	assert_true((uint64_t)r[2] * r[1] / r[0] == 2893000000ull);
	assert_true(cpuid_time_leaf(&t, 0x16, r));
	assert_int_equal(r[0], 2893);
	assert_int_equal(r[2], 2893);
	assert_true(cpuid_time_leaf(&t, FALLOW_CPUID_TIMING, r));
	assert_int_equal(r[0], 2893000);
	assert_int_equal(r[1], 2893000);
	assert_false(cpuid_time_leaf(&t, 0x14, r));
	assert_false(cpuid_time_leaf(&t, FALLOW_CPUID_BASE, r));
}

static void test_fast_tsc_shifts_the_apic_clock(void **state)
{
	(void)state;
	struct cpuid_time t;
	uint32_t r[4];

	cpuid_time_init(&t, 5200000000ull);
	assert_int_equal(t.apic_shift, 1);
	assert_true(cpuid_time_leaf(&t, 0x15, r));
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 2);
	assert_int_equal(r[2], 2600000000u);
	assert_true(cpuid_time_leaf(&t, FALLOW_CPUID_TIMING, r));
	assert_int_equal(r[0], 5200000);
	assert_int_equal(r[1], 2600000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaves_agree),
		cmocka_unit_test(test_fast_tsc_shifts_the_apic_clock),
	};

	return cmocka_run_group_tests_name("cpuid_time", tests, NULL, NULL);
}
