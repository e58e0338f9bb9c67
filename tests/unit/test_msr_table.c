/* vcpu/msr_table.c: every allowed MSR has a defined read, write and
 * home; the entries are sorted and never overlap; everything else #GPs;
 * the vLAPIC's MSRs are exactly the ones dev/lapic.c owns, and only for
 * a guest with a vLAPIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86_64/msr.h"
#include "dev/lapic.h"
#include "vcpu/msr_table.h"
#include "vmx/vmcs.h"

#define SWEEP_LEN 0x4000u /* MSRs swept from the bottom of each region */
#define LOW_REGION 0x0u
#define HIGH_REGION 0xc0000000u

static void test_every_entry_has_a_place(void **state)
{
	(void)state;
	assert_true(msr_table_len > 0);
	for (size_t i = 0; i < msr_table_len; i++) {
		const struct msr_entry *e = &msr_table[i];

		assert_non_null(e->name);
		assert_true(e->first <= e->last);
		assert_true(e->read == MSR_READ_HOME || e->read == MSR_READ_GP);
		/* An entry that refuses both would be the same as none. */
		assert_true(e->read != MSR_READ_GP || e->write != MSR_WRITE_GP);
		switch (e->home) {
		case MSR_HOME_VMCS:
			assert_true(e->vmcs_field != 0);
			assert_int_equal(e->write, MSR_WRITE_CHECKED);
			break;
		case MSR_HOME_BUNDLE:
			assert_int_equal(e->write, MSR_WRITE_CHECKED);
			break;
		case MSR_HOME_LAPIC:
			assert_int_equal(e->write, MSR_WRITE_HOME);
			break;
		case MSR_HOME_FIXED:
			assert_true(e->write == MSR_WRITE_SAME || e->write == MSR_WRITE_IGNORED ||
				    e->write == MSR_WRITE_GP);
			break;
		case MSR_HOME_TSC:
			assert_int_equal(e->write, MSR_WRITE_GP);
			break;
		default:
			fail_msg("%s: no home", e->name);
		}
		/* Only the ranges' homes can take one entry for many MSRs. */
		if (e->first != e->last)
			assert_int_equal(e->home, MSR_HOME_LAPIC);
	}
}

static void test_sorted_without_overlap(void **state)
{
	(void)state;
	for (size_t i = 1; i < msr_table_len; i++)
		assert_true(msr_table[i - 1].last < msr_table[i].first);
}

static void sweep_lapic(uint32_t base)
{
	for (uint32_t msr = base; msr < base + SWEEP_LEN; msr++) {
		const struct msr_entry *on = msr_lookup(msr, true);
		const struct msr_entry *off = msr_lookup(msr, false);

		if (lapic_owns_msr(msr)) {
			assert_non_null(on);
			assert_int_equal(on->home, MSR_HOME_LAPIC);
			assert_null(off);
		} else {
			assert_true(!on || on->home != MSR_HOME_LAPIC);
			assert_ptr_equal(on, off);
		}
	}
}

static void test_lapic_msrs_go_to_the_lapic(void **state)
{
	(void)state;
	sweep_lapic(LOW_REGION);
	sweep_lapic(HIGH_REGION);
	for (uint32_t msr = MSR_X2APIC_FIRST; msr <= MSR_X2APIC_LAST; msr++)
		assert_int_equal(msr_lookup(msr, true)->home, MSR_HOME_LAPIC);
	assert_null(msr_lookup(MSR_X2APIC_FIRST - 1, true));
	assert_null(msr_lookup(MSR_X2APIC_LAST + 1, true));
}

/* How many MSRs in [base, base + SWEEP_LEN) have an entry. */
static unsigned allowed_in(uint32_t base, bool lapic)
{
	unsigned n = 0;

	for (uint32_t msr = base; msr < base + SWEEP_LEN; msr++)
		n += msr_lookup(msr, lapic) != 0;
	return n;
}

static void test_everything_else_gps(void **state)
{
	/* MSRs a CPU has and a guest must not reach: the host's. */
	static const uint32_t refused[] = {
		0x0, 0x3a /* FEATURE_CONTROL */, 0x48 /* SPEC_CTRL */,
		0x49 /* PRED_CMD */, 0x8c, 0xc1 /* PMC0 */, 0xcf /* CORE_CAPS */,
		0x10a /* ARCH_CAPABILITIES */, 0x1d9 /* DEBUGCTL */,
		MSR_IA32_PAT, 0x38f /* PERF_GLOBAL_CTRL */, 0x480 /* VMX_BASIC */,
		0x6a0 /* U_CET */, 0xda0 /* XSS */, 0xc0000103 /* TSC_AUX */,
		0x40000000 /* a hypervisor's range */, 0xffffffff,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_null(msr_lookup(refused[i], false));
		assert_null(msr_lookup(refused[i], true));
	}
	/* The low region: TSC, BIOS_SIGN_ID, SYSENTER x3, MISC_ENABLE, and
	 * with a vLAPIC APIC_BASE, TSC_DEADLINE and 256 x2APIC MSRs. The
	 * high one: EFER, STAR, LSTAR, CSTAR, FMASK, FS, GS, KERNEL_GS. */
	assert_int_equal(allowed_in(LOW_REGION, false), 6);
	assert_int_equal(allowed_in(LOW_REGION, true), 6 + 2 + 256);
	assert_int_equal(allowed_in(HIGH_REGION, false), 8);
	assert_int_equal(allowed_in(HIGH_REGION, true), 8);
}

static void test_homes(void **state)
{
	const struct msr_entry *e;

	(void)state;
	e = msr_lookup(MSR_IA32_TSC, false);
	assert_int_equal(e->home, MSR_HOME_TSC);
	assert_int_equal(e->write, MSR_WRITE_GP);

	e = msr_lookup(MSR_IA32_MISC_ENABLE, false);
	assert_int_equal(e->home, MSR_HOME_FIXED);
	assert_int_equal(e->write, MSR_WRITE_SAME);
	assert_int_equal(e->value, MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE |
				   MISC_ENABLE_PEBS_UNAVAILABLE);
	assert_int_equal(e->value, 0x1801);

	e = msr_lookup(MSR_IA32_BIOS_SIGN_ID, false);
	assert_int_equal(e->home, MSR_HOME_FIXED);
	assert_int_equal(e->value, 0);
	assert_int_equal(e->read, MSR_READ_HOME);
	assert_int_equal(e->write, MSR_WRITE_IGNORED);

	assert_int_equal(msr_lookup(MSR_IA32_EFER, false)->vmcs_field, GUEST_IA32_EFER);
	assert_int_equal(msr_lookup(MSR_FS_BASE, false)->vmcs_field, GUEST_FS_BASE);
	assert_int_equal(msr_lookup(MSR_GS_BASE, false)->vmcs_field, GUEST_GS_BASE);
	assert_int_equal(msr_lookup(MSR_IA32_SYSENTER_CS, false)->vmcs_field, GUEST_SYSENTER_CS);
	assert_int_equal(msr_lookup(MSR_IA32_SYSENTER_ESP, false)->vmcs_field, GUEST_SYSENTER_ESP);
	assert_int_equal(msr_lookup(MSR_IA32_SYSENTER_EIP, false)->vmcs_field, GUEST_SYSENTER_EIP);
	assert_int_equal(msr_lookup(MSR_KERNEL_GS_BASE, false)->home, MSR_HOME_BUNDLE);
	assert_int_equal(msr_lookup(MSR_IA32_STAR, false)->home, MSR_HOME_BUNDLE);
	assert_int_equal(msr_lookup(MSR_IA32_LSTAR, false)->home, MSR_HOME_BUNDLE);
	assert_int_equal(msr_lookup(MSR_IA32_CSTAR, false)->home, MSR_HOME_BUNDLE);
	assert_int_equal(msr_lookup(MSR_IA32_FMASK, false)->home, MSR_HOME_BUNDLE);
}

static void test_value_checks(void **state)
{
	const struct msr_entry *efer = msr_lookup(MSR_IA32_EFER, false);
	const struct msr_entry *lstar = msr_lookup(MSR_IA32_LSTAR, false);
	const struct msr_entry *fmask = msr_lookup(MSR_IA32_FMASK, false);
	const struct msr_entry *star = msr_lookup(MSR_IA32_STAR, false);

	(void)state;
	assert_true(msr_value_ok(efer, EFER_LME | EFER_LMA));
	assert_true(msr_value_ok(efer, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
	assert_false(msr_value_ok(efer, EFER_LMA));          /* leaving long mode */
	assert_false(msr_value_ok(efer, EFER_LME));
	assert_false(msr_value_ok(efer, EFER_LME | EFER_LMA | (1ull << 1)));
	assert_true(msr_value_ok(lstar, 0x00007fffffffffffull));
	assert_true(msr_value_ok(lstar, 0xffff800000000000ull));
	assert_false(msr_value_ok(lstar, 0x0000800000000000ull));
	assert_false(msr_value_ok(lstar, 0xfff0000000000000ull));
	assert_true(msr_value_ok(fmask, 0xffffffffull));
	assert_false(msr_value_ok(fmask, 1ull << 32));
	assert_true(msr_value_ok(star, ~0ull));
	/* Every address the VMCS or bundle holds is checked as one. */
	static const uint32_t addresses[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_IA32_SYSENTER_ESP,
		MSR_IA32_SYSENTER_EIP, MSR_IA32_LSTAR, MSR_IA32_CSTAR,
	};
	for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++)
		assert_int_equal(msr_lookup(addresses[i], false)->check, MSR_CHECK_CANONICAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_has_a_place),
		cmocka_unit_test(test_sorted_without_overlap),
		cmocka_unit_test(test_lapic_msrs_go_to_the_lapic),
		cmocka_unit_test(test_everything_else_gps),
		cmocka_unit_test(test_homes),
		cmocka_unit_test(test_value_checks),
	};

	return cmocka_run_group_tests_name("msr_table", tests, NULL, NULL);
}
