/* lib/uuid.c: the one UUID syntax shared by shared= grants and guests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "lib/uuid.h"

static int parse(const char *s, uint64_t *lo, uint64_t *hi)
{
	return uuid_parse(s, strlen(s), lo, hi);
}

static void test_halves_and_dashes(void **state)
{
	(void)state;
	uint64_t lo = 0, hi = 0;

	assert_int_equal(parse("0123456789abcdefFEDCBA9876543210", &lo, &hi), 0);
	assert_true(hi == 0x0123456789abcdefull);
	assert_true(lo == 0xfedcba9876543210ull);
	assert_int_equal(parse("01234567-89ab-cdef-fedc-ba9876543210", &lo, &hi), 0);
	assert_true(hi == 0x0123456789abcdefull && lo == 0xfedcba9876543210ull);
}

static void test_rejects_and_leaves_output(void **state)
{
	(void)state;
	const char *bad[] = {
		"", "0123456789abcdef0123456789abcde",   /* 31 digits */
		"0123456789abcdef0123456789abcdef0",     /* 33 digits */
		"-0123456789abcdef0123456789abcdef",     /* leading dash */
		"0123456789abcdef0123456789abcdef-",     /* trailing dash */
		"0123456789abcdef0123456789abcdeg",      /* not hex */
		"0123456789abcdef 0123456789abcdef",     /* space */
	};
	uint64_t lo = 7, hi = 9;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &lo, &hi), -ERR_INVAL);
	assert_true(lo == 7 && hi == 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_halves_and_dashes),
		cmocka_unit_test(test_rejects_and_leaves_output),
	};

	return cmocka_run_group_tests_name("uuid", tests, NULL, NULL);
}
