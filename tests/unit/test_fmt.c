/* lib/fmt.c against the C library's printf, which defines what each
 * conversion must produce, plus the truncation and callback contracts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fmt.h"

/* Formats with both ours and libc's and requires identical output. */
#define SAME(...)                                                        \
	do {                                                             \
		char ours[256], ref[256];                                \
		size_t n = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int m = snprintf(ref, sizeof(ref), __VA_ARGS__);         \
		assert_string_equal(ours, ref);                          \
		assert_int_equal(n, (size_t)m);                          \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", INT32_MIN);
	SAME("%ld", (long)INT64_MIN);
	SAME("%lld %llu", (long long)INT64_MAX, (unsigned long long)UINT64_MAX);
	SAME("%x %X %lx %llx", 0xdeadbeefu, 0xabcdefu, 0x123456789abcdefUL,
	     (unsigned long long)UINT64_MAX);
	SAME("%zu %zx", (size_t)12345, (size_t)0xfff);
	SAME("%hhu %hd %o", 300, 70000, 8);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%05d] [%5d] [%08x]", -42, -42, 0xbeef);
	SAME("[%016llx]", 0x1234ULL);
	SAME("[%*d] [%-*d] [%*d]", 6, 7, 6, 7, -6, 7);
	SAME("[%.3d] [%8.3d] [%-8.3d]", 5, 5, 5);
	SAME("[%.0d] [%.0x] [%5.0d]", 0, 0, 0);
	SAME("[%1d] [%2s]", 12345, "long string");
}

static void test_strings_chars_percent(void **state)
{
	(void)state;
	SAME("%s|%10s|%-10s|", "abc", "abc", "abc");
	SAME("%.2s|%.*s|%.10s", "abcdef", 3, "abcdef", "ab");
	SAME("%c%c%5c%-3c|", 'x', 'y', 'z', 'w');
	SAME("100%% done %%%d", 5);
	SAME("no conversions at all");
	SAME("%s", "");
}

static void test_pointer(void **state)
{
	char buf[64];
	void *p = (void *)(uintptr_t)0xffff8000deadbeefULL;

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "%p", p);
	assert_string_equal(buf, "0xffff8000deadbeef");
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0);
	assert_string_equal(buf, "0x0");
}

static void test_null_string(void **state)
{
	char buf[32];
	/* volatile: hide the NULL from the compiler's format checker. */
	const char *volatile nothing = NULL;

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "[%s]", nothing);
	assert_string_equal(buf, "[(null)]");
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	/* Returns the would-be length and always terminates. */
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345), 12);
	assert_string_equal(buf, "abcdef-");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
	/* size 0 writes nothing at all. */
	assert_int_equal(fmt_snprintf(buf, 0, "hello"), 5);
	assert_int_equal(buf[1], 'Z');
}

static void test_unknown_conversion_is_visible(void **state)
{
	char buf[32];

	(void)state;
	/* Hide the format from the compiler's checker: it is deliberately bad. */
	const char *bad = "a%qb";
	char fmtbuf[8];

	strcpy(fmtbuf, bad);
	fmt_snprintf(buf, sizeof(buf), fmtbuf, 0);
	assert_string_equal(buf, "a%qb");
	strcpy(fmtbuf, "end%");
	fmt_snprintf(buf, sizeof(buf), fmtbuf, 0);
	assert_string_equal(buf, "end%");
}

struct collect {
	char text[128];
	size_t len;
	int calls;
};

static void collect_sink(void *ctx, const char *s, size_t len)
{
	struct collect *c = ctx;

	assert_true(c->len + len < sizeof(c->text));
	memcpy(c->text + c->len, s, len);
	c->len += len;
	c->text[c->len] = '\0';
	c->calls++;
}

static void test_callback_sink(void **state)
{
	struct collect c = { 0 };

	(void)state;
	assert_int_equal(fmt_format(collect_sink, &c, "x=%d y=%-4s|", 3, "ab"), 11);
	assert_string_equal(c.text, "x=3 y=ab  |");
	assert_int_equal(c.len, 11);
	/* A long pad is sent in chunks but arrives whole. */
	c = (struct collect){ 0 };
	assert_int_equal(fmt_format(collect_sink, &c, "%40d", 1), 40);
	assert_int_equal(c.len, 40);
	assert_int_equal(c.text[39], '1');
	assert_int_equal(c.text[0], ' ');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings_chars_percent),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion_is_visible),
		cmocka_unit_test(test_callback_sink),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
