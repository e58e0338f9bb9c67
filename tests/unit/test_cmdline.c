/* lib/cmdline.c: the tokenizer's bounds and the validator's verdicts on
 * good lines, unknown options and every kind of malformed word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "lib/err.h"

enum { OPT_CONSOLE, OPT_SELFTEST, OPT_NAME, OPT_MEM, OPT_QUIET, OPT_SLICE, NOPTS };

static const char *const console_choices[] = { "com1", "e9", NULL };
static const char *const selftest_choices[] = { "mm", "fault", NULL };

static const struct cmdline_opt opts[NOPTS] = {
	[OPT_CONSOLE] = { "console", CMDLINE_CHOICE, console_choices },
	[OPT_SELFTEST] = { "selftest", CMDLINE_CHOICE_LIST, selftest_choices },
	[OPT_NAME] = { "name", CMDLINE_STRING, NULL },
	[OPT_MEM] = { "mem", CMDLINE_SIZE, NULL },
	[OPT_QUIET] = { "quiet", CMDLINE_FLAG, NULL },
	[OPT_SLICE] = { "slice", CMDLINE_UINT, NULL, 10, 1000000 },
};

struct parsed {
	int rc;
	struct cmdline_val v[NOPTS];
	char err[CMDLINE_ERR_LEN];
};

static struct parsed parse(const char *line)
{
	struct parsed p;

	memset(&p, 0xAA, sizeof(p)); /* the parser must zero what it fills */
	p.rc = cmdline_parse(line, strlen(line) + 1, opts, NOPTS, p.v, p.err,
			     sizeof(p.err));
	return p;
}

static void assert_err(const char *line, int code, const char *msg)
{
	struct parsed p = parse(line);

	assert_int_equal(p.rc, code);
	assert_string_equal(p.err, msg);
}

static void test_empty_and_blank_lines(void **state)
{
	(void)state;
	const char *lines[] = { "", "   ", "\t \t" };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct parsed p = parse(lines[i]);

		assert_int_equal(p.rc, 0);
		assert_string_equal(p.err, "");
		for (int k = 0; k < NOPTS; k++)
			assert_false(p.v[k].present);
	}
	/* A NULL line (no command-line tag) is an empty one. */
	struct cmdline_val v[NOPTS];
	char err[8];

	assert_int_equal(cmdline_parse(NULL, 100, opts, NOPTS, v, err, sizeof(err)), 0);
}

static void test_all_kinds(void **state)
{
	(void)state;
	struct parsed p = parse("  console=e9\tselftest=fault,mm name=vm-1.a  mem=64M quiet ");

	assert_int_equal(p.rc, 0);
	assert_true(p.v[OPT_CONSOLE].present);
	assert_int_equal(p.v[OPT_CONSOLE].choice, 1);
	assert_int_equal(p.v[OPT_CONSOLE].mask, 2);
	assert_true(p.v[OPT_SELFTEST].present);
	assert_int_equal(p.v[OPT_SELFTEST].mask, 3);
	assert_int_equal(p.v[OPT_NAME].len, 6);
	assert_memory_equal(p.v[OPT_NAME].str, "vm-1.a", 6);
	assert_int_equal(p.v[OPT_MEM].size, 64ULL << 20);
	assert_true(p.v[OPT_QUIET].present);
	assert_null(p.v[OPT_QUIET].str);
}

static void test_sizes(void **state)
{
	(void)state;
	struct parsed p = parse("mem=4096");

	assert_int_equal(p.rc, 0);
	assert_int_equal(p.v[OPT_MEM].size, 4096);
	p = parse("mem=2g");
	assert_int_equal(p.v[OPT_MEM].size, 2ULL << 30);
	p = parse("mem=16K");
	assert_int_equal(p.v[OPT_MEM].size, 16384);
	assert_int_equal(parse("mem=18446744073709551615").v[OPT_MEM].size, UINT64_MAX);
	assert_err("mem=18446744073709551616", -ERR_INVAL,
		   "bad size in 'mem=18446744073709551616' (a number with optional K, M or G)");
	assert_err("mem=17179869184G", -ERR_INVAL,
		   "bad size in 'mem=17179869184G' (a number with optional K, M or G)");
	assert_int_equal(parse("mem=M").rc, -ERR_INVAL);
	assert_int_equal(parse("mem=12MB").rc, -ERR_INVAL);
	assert_int_equal(parse("mem=-1").rc, -ERR_INVAL);
	assert_int_equal(parse("mem=1T").rc, -ERR_INVAL);
}

static void test_uint_range(void **state)
{
	(void)state;
	assert_int_equal(parse("slice=10").v[OPT_SLICE].size, 10);
	assert_int_equal(parse("slice=1000000").v[OPT_SLICE].size, 1000000);
	assert_int_equal(parse("slice=0000500").v[OPT_SLICE].size, 500);
	assert_err("slice=9", -ERR_RANGE,
		   "bad number in 'slice=9' (a whole number from 10 to 1000000)");
	assert_err("slice=1000001", -ERR_RANGE,
		   "bad number in 'slice=1000001' (a whole number from 10 to 1000000)");
	/* Size suffixes, signs and overflow are not numbers here. */
	assert_int_equal(parse("slice=1K").rc, -ERR_RANGE);
	assert_int_equal(parse("slice=-50").rc, -ERR_RANGE);
	assert_int_equal(parse("slice=99999999999999999999999").rc, -ERR_RANGE);
	assert_int_equal(parse("slice=").rc, -ERR_INVAL);
}

/* The console's helpers: raw words (no option rules) and bare values. */
static void test_raw_words_and_values(void **state)
{
	(void)state;
	struct cmdline_iter it;
	const char *w;
	size_t len;
	uint64_t v = 7;

	cmdline_iter_init(&it, "  target VM-One 8M\t", 100);
	assert_int_equal(cmdline_next_raw(&it, &w, &len), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(w, "target", 6);
	assert_int_equal(cmdline_next_raw(&it, &w, &len), 1);
	assert_memory_equal(w, "VM-One", 6);
	assert_int_equal(cmdline_next_raw(&it, &w, &len), 1);
	assert_int_equal(cmdline_parse_size(w, len, &v), 0);
	assert_int_equal(v, 8ULL << 20);
	assert_int_equal(cmdline_next_raw(&it, &w, &len), 0);

	assert_int_equal(cmdline_parse_size("12Q", 3, &v), -ERR_INVAL);
	assert_int_equal(cmdline_parse_uint("42", 2, 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cmdline_parse_uint("420", 3, 1, 100, &v), -ERR_RANGE);
	assert_int_equal(cmdline_parse_uint("4K", 2, 1, 1 << 20, &v), -ERR_RANGE);
	assert_int_equal(cmdline_parse_uint("", 0, 0, 100, &v), -ERR_RANGE);
	assert_int_equal(v, 42); /* failures leave *out alone */
}

static void test_unknown_option(void **state)
{
	(void)state;
	assert_err("console=e9 bogus=1", -ERR_NOENT, "unknown option 'bogus'");
	assert_err("verbose", -ERR_NOENT, "unknown option 'verbose'");
	/* Prefixes and extensions of a known name are not that name. */
	assert_err("consol=e9", -ERR_NOENT, "unknown option 'consol'");
	assert_err("consoles=e9", -ERR_NOENT, "unknown option 'consoles'");
}

static void test_malformed_words(void **state)
{
	(void)state;
	assert_err("=x", -ERR_INVAL, "malformed option '=x'");
	assert_err("=", -ERR_INVAL, "malformed option '='");
	assert_err("a==b", -ERR_INVAL, "malformed option 'a==b'");
	assert_err("console=e9=e9", -ERR_INVAL, "malformed option 'console=e9=e9'");
	assert_err("Console=e9", -ERR_INVAL, "malformed option 'Console=e9'");
	/* Control and non-ASCII bytes are replaced when quoted. */
	assert_err("name=a\x01z", -ERR_INVAL, "malformed option 'name=a?z'");
	assert_err("name=\xc3\xa9x", -ERR_INVAL, "malformed option 'name=??x'");
}

static void test_values_required_and_forbidden(void **state)
{
	(void)state;
	assert_err("selftest=", -ERR_INVAL, "option needs a value: 'selftest='");
	assert_err("selftest", -ERR_INVAL, "option needs a value: 'selftest'");
	assert_err("name=", -ERR_INVAL, "option needs a value: 'name='");
	assert_err("quiet=1", -ERR_INVAL, "option takes no value: 'quiet=1'");
	assert_err("quiet=", -ERR_INVAL, "option takes no value: 'quiet='");
}

static void test_choices(void **state)
{
	(void)state;
	assert_err("selftest=bogus", -ERR_INVAL,
		   "bad value in 'selftest=bogus' (allowed: mm, fault, comma-separated)");
	assert_err("selftest=mm,", -ERR_INVAL,
		   "bad value in 'selftest=mm,' (allowed: mm, fault, comma-separated)");
	assert_err("selftest=,mm", -ERR_INVAL,
		   "bad value in 'selftest=,mm' (allowed: mm, fault, comma-separated)");
	assert_err("selftest=mm,,fault", -ERR_INVAL,
		   "bad value in 'selftest=mm,,fault' (allowed: mm, fault, comma-separated)");
	assert_err("console=com2", -ERR_INVAL, "bad value in 'console=com2' (allowed: com1, e9)");
	/* A single choice is not a list. */
	assert_err("console=com1,e9", -ERR_INVAL,
		   "bad value in 'console=com1,e9' (allowed: com1, e9)");
	assert_err("console=e", -ERR_INVAL, "bad value in 'console=e' (allowed: com1, e9)");
	/* Repeating a choice in a list is harmless. */
	struct parsed p = parse("selftest=mm,mm");

	assert_int_equal(p.rc, 0);
	assert_int_equal(p.v[OPT_SELFTEST].mask, 1);
}

static void test_duplicates(void **state)
{
	(void)state;
	assert_err("console=e9 console=com1", -ERR_EXIST,
		   "option given twice: 'console=com1'");
	assert_err("quiet quiet", -ERR_EXIST, "option given twice: 'quiet'");
}

static void test_long_words(void **state)
{
	(void)state;
	char line[CMDLINE_MAX_WORD + 16];
	struct parsed p;

	/* Exactly the maximum is accepted... */
	memcpy(line, "name=", 5);
	memset(line + 5, 'x', CMDLINE_MAX_WORD - 5);
	line[CMDLINE_MAX_WORD] = '\0';
	p = parse(line);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.v[OPT_NAME].len, CMDLINE_MAX_WORD - 5);
	/* ...one more is refused with the word's start and its length. */
	line[CMDLINE_MAX_WORD] = 'x';
	line[CMDLINE_MAX_WORD + 1] = '\0';
	p = parse(line);
	assert_int_equal(p.rc, -ERR_RANGE);
	assert_string_equal(p.err, "option too long: 'name=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"
				   " (256 bytes, at most 255)");
}

static void test_limit_bounds_the_scan(void **state)
{
	(void)state;
	/* Not NUL-terminated where the limit ends: nothing past it is read. */
	char *buf = malloc(11);
	struct cmdline_val v[NOPTS];
	char err[CMDLINE_ERR_LEN];

	memcpy(buf, "quiet bogus", 11);
	assert_int_equal(cmdline_parse(buf, 5, opts, NOPTS, v, err, sizeof(err)), 0);
	assert_true(v[OPT_QUIET].present);
	assert_int_equal(cmdline_parse(buf, 11, opts, NOPTS, v, err, sizeof(err)), -ERR_NOENT);
	free(buf);
}

static void test_small_error_buffer(void **state)
{
	(void)state;
	struct cmdline_val v[NOPTS];
	char err[8];

	memset(err, 'Z', sizeof(err));
	assert_int_equal(cmdline_parse("bogus", 6, opts, NOPTS, v, err, sizeof(err)),
			 -ERR_NOENT);
	assert_string_equal(err, "unknown");
}

static void test_tokenizer(void **state)
{
	(void)state;
	struct cmdline_iter it;
	struct cmdline_word w;

	cmdline_iter_init(&it, " a=1  b c=", 100);
	assert_int_equal(cmdline_next(&it, &w), 1);
	assert_int_equal(w.key_len, 1);
	assert_int_equal(w.value_len, 1);
	assert_memory_equal(w.value, "1", 1);
	assert_int_equal(cmdline_next(&it, &w), 1);
	assert_memory_equal(w.key, "b", 1);
	assert_null(w.value);
	assert_int_equal(cmdline_next(&it, &w), 1);
	assert_non_null(w.value);
	assert_int_equal(w.value_len, 0);
	assert_int_equal(cmdline_next(&it, &w), 0);
	assert_int_equal(cmdline_next(&it, &w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_blank_lines),
		cmocka_unit_test(test_all_kinds),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_uint_range),
		cmocka_unit_test(test_raw_words_and_values),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_malformed_words),
		cmocka_unit_test(test_values_required_and_forbidden),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_limit_bounds_the_scan),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_tokenizer),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
