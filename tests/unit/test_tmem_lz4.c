/* The LZ4 codec against Debian's liblz4, both ways: our compressor with
 * their decompressor and their compressor with ours, on text, binaries,
 * zero pages and random pages; and corrupt input rejected cleanly. */
/* unit-ldlibs: -llz4 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "tmem/lz4.h"

#define PAGE 4096
#define BIG (256 * 1024)

static struct lz4_state st;

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

enum kind { TEXT, BINARY, ZERO, RANDOM, RUNS, KINDS };

/* Test inputs: text-like words, this test's own executable, zeros,
 * random bytes, and short repeating runs (small offsets). */
static void make_input(enum kind k, uint8_t *p, size_t n, size_t salt)
{
	static const char *words[] = { "page ", "tmem ", "guest ", "frame ", "the ",
				       "hypervisor ", "pool\n", "ephemeral ", "42 " };
	size_t i = 0;

	switch (k) {
	case TEXT:
		while (i < n) {
			const char *w = words[rnd() % 9];
			size_t l = strlen(w);

			for (size_t j = 0; j < l && i < n; j++)
				p[i++] = (uint8_t)w[j];
		}
		break;
	case BINARY: {
		FILE *f = fopen("/proc/self/exe", "rb");

		assert_non_null(f);
		fseek(f, (long)(salt * 1237 % 65536), SEEK_SET);
		i = fread(p, 1, n, f);
		fclose(f);
		for (; i < n; i++)
			p[i] = (uint8_t)i;
		break;
	}
	case ZERO:
		memset(p, 0, n);
		break;
	case RANDOM:
		for (; i < n; i++)
			p[i] = (uint8_t)rnd();
		break;
	default:
		for (; i < n; i++)
			p[i] = (uint8_t)("abcabcabd"[i % (1 + salt % 9)]);
		break;
	}
}

static void roundtrip_both_ways(const uint8_t *in, size_t n)
{
	size_t cap = LZ4_BOUND(n);
	char *z = malloc(cap), *out = malloc(n + 1);
	long ours = lz4_compress(&st, in, n, z, cap);
	int theirs;

	assert_true(ours > 0);
	/* Ours -> liblz4. */
	assert_int_equal(LZ4_decompress_safe(z, out, (int)ours, (int)n), (int)n);
	assert_memory_equal(in, out, n);
	/* liblz4 -> ours. */
	theirs = LZ4_compress_default((const char *)in, z, (int)n, (int)cap);
	assert_true(theirs > 0);
	assert_int_equal(lz4_decompress(z, (size_t)theirs, out, n), (long)n);
	assert_memory_equal(in, out, n);
	/* Our size stays close to theirs (the bench measures it properly). */
	if ((size_t)ours > (size_t)theirs + (size_t)theirs / 10 + 16)
		print_message("n=%zu ours=%ld theirs=%d\n", n, ours, theirs);
	assert_true((size_t)ours <= (size_t)theirs + (size_t)theirs / 10 + 16);
	free(z);
	free(out);
}

static void test_pages_cross_check(void **state)
{
	uint8_t *in = malloc(PAGE);

	(void)state;
	for (enum kind k = 0; k < KINDS; k++)
		for (size_t salt = 0; salt < 64; salt++) {
			make_input(k, in, PAGE, salt);
			roundtrip_both_ways(in, PAGE);
		}
	free(in);
}

static void test_sizes_cross_check(void **state)
{
	static const size_t sizes[] = { 0, 1, 4, 11, 12, 13, 17, 64, 255, 1000, 65535,
					65536, 65537, 100000, BIG };
	uint8_t *in = malloc(BIG);

	(void)state;
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (enum kind k = 0; k < KINDS; k++) {
			make_input(k, in, sizes[s], s);
			roundtrip_both_ways(in, sizes[s]);
		}
	free(in);
}

static void test_compress_respects_capacity(void **state)
{
	uint8_t in[PAGE], out[PAGE];

	(void)state;
	make_input(RANDOM, in, PAGE, 0);
	/* Random data cannot shrink: a page-sized cap is refused. */
	assert_int_equal(lz4_compress(&st, in, PAGE, out, PAGE * 3 / 4), -ERR_NOSPC);
	make_input(ZERO, in, PAGE, 0);
	assert_int_equal(lz4_compress(&st, in, PAGE, out, 4), -ERR_NOSPC);
	assert_true(lz4_compress(&st, in, PAGE, out, 64) > 0);
	assert_int_equal(lz4_compress(&st, in, (size_t)LZ4_MAX_INPUT + 1, out, 64),
			 -ERR_INVAL);
}

/* Every truncation, and every single-byte change, of a valid block either
 * decodes in bounds or is rejected; ASan watches the bounds. */
static void test_corrupt_input_rejected(void **state)
{
	uint8_t in[PAGE], z[LZ4_BOUND(PAGE)], bad[LZ4_BOUND(PAGE)];
	uint8_t *out = malloc(PAGE); /* exact size, so ASan sees overruns */
	long n, r;
	unsigned rejected = 0;

	(void)state;
	for (enum kind k = 0; k < KINDS; k++) {
		make_input(k, in, PAGE, 3);
		n = lz4_compress(&st, in, PAGE, z, sizeof(z));
		assert_true(n > 0);
		for (long cut = 0; cut < n; cut++) {
			r = lz4_decompress(z, (size_t)cut, out, PAGE);
			assert_true(r == -ERR_CORRUPT || (r >= 0 && r <= PAGE));
			rejected += r < 0;
		}
		for (int trial = 0; trial < 2000; trial++) {
			memcpy(bad, z, (size_t)n);
			bad[rnd() % (size_t)n] ^= (uint8_t)(1 + rnd() % 255);
			r = lz4_decompress(bad, (size_t)n, out, PAGE);
			assert_true(r == -ERR_CORRUPT || (r >= 0 && r <= PAGE));
		}
		/* Too little room for the output is corruption too. */
		assert_int_equal(lz4_decompress(z, (size_t)n, out, PAGE - 1), -ERR_CORRUPT);
	}
	assert_true(rejected > 0);
	free(out);
}

static void test_hand_made_blocks(void **state)
{
	uint8_t out[64];
	/* 4 literals "abcd", then a match of offset 4, length 8, then 5 literals. */
	const uint8_t good[] = { 0x44, 'a', 'b', 'c', 'd', 4, 0, 0x50, 'v', 'w', 'x', 'y', 'z' };
	const uint8_t zero_offset[] = { 0x10, 'a', 0, 0, 0x00 };
	const uint8_t far_offset[] = { 0x10, 'a', 2, 0, 0x00 };
	const uint8_t endless_len[] = { 0xF0, 255, 255 };
	const uint8_t missing_literals[] = { 0x30, 'a' };
	const uint8_t empty_block[] = { 0x00 };

	(void)state;
	assert_int_equal(lz4_decompress(good, sizeof(good), out, sizeof(out)), 17);
	assert_memory_equal(out, "abcdabcdabcdvwxyz", 17);
	assert_int_equal(lz4_decompress(zero_offset, sizeof(zero_offset), out, 64), -ERR_CORRUPT);
	assert_int_equal(lz4_decompress(far_offset, sizeof(far_offset), out, 64), -ERR_CORRUPT);
	assert_int_equal(lz4_decompress(endless_len, sizeof(endless_len), out, 64), -ERR_CORRUPT);
	assert_int_equal(lz4_decompress(missing_literals, sizeof(missing_literals), out, 64),
			 -ERR_CORRUPT);
	assert_int_equal(lz4_decompress(empty_block, sizeof(empty_block), out, 64), 0);
	assert_int_equal(lz4_decompress(empty_block, 0, out, 64), -ERR_CORRUPT);
}

/* The state is reused without clearing: old entries must never be taken
 * for matches in a new input (that would reach outside it). */
static void test_state_reuse_is_safe(void **state)
{
	uint8_t a[PAGE], z[LZ4_BOUND(PAGE)], z2[LZ4_BOUND(PAGE)], out[PAGE];
	struct lz4_state *fresh = calloc(1, sizeof(*fresh));

	(void)state;
	for (int i = 0; i < 3000; i++) {
		enum kind k = (enum kind)(rnd() % KINDS);
		size_t n = 1 + rnd() % PAGE;
		long m, m2;

		make_input(k, a, n, (size_t)i);
		m = lz4_compress(&st, a, n, z, sizeof(z));
		assert_true(m > 0);
		assert_int_equal(lz4_decompress(z, (size_t)m, out, n), (long)n);
		assert_memory_equal(a, out, n);
		/* Output does not depend on what the state saw before. */
		m2 = lz4_compress(fresh, a, n, z2, sizeof(z2));
		assert_int_equal(m, m2);
		assert_memory_equal(z, z2, (size_t)m);
		memset(fresh, 0, sizeof(*fresh));
	}
	free(fresh);
}

/* Pages and long inputs use the one table in two layouts (16-bit offsets
 * cleared per call, 32-bit positions kept across calls): switching back
 * and forth must never let one layout's entries pose as the other's. */
static void test_state_switches_table_modes(void **state)
{
	static const size_t sizes[] = { PAGE, 65536, 65537, 1000, BIG, 13, 100000, PAGE };
	size_t cap = LZ4_BOUND(BIG);
	uint8_t *a = malloc(BIG), *z = malloc(cap), *z2 = malloc(cap), *out = malloc(BIG);
	struct lz4_state *fresh = calloc(1, sizeof(*fresh));

	(void)state;
	for (int round = 0; round < 3; round++)
		for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t n = sizes[s];
			long m, m2;

			/* Text repeats its words everywhere, so a stale entry
			 * taken for a match would show in the output. */
			make_input(round == 2 ? BINARY : TEXT, a, n, s);
			m = lz4_compress(&st, a, n, z, cap);
			assert_true(m > 0);
			assert_int_equal(LZ4_decompress_safe((const char *)z, (char *)out,
							     (int)m, (int)n), (int)n);
			assert_memory_equal(a, out, n);
			memset(fresh, 0, sizeof(*fresh));
			m2 = lz4_compress(fresh, a, n, z2, cap);
			assert_int_equal(m, m2);
			assert_memory_equal(z, z2, (size_t)m);
		}
	free(a);
	free(z);
	free(z2);
	free(out);
	free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages_cross_check),
		cmocka_unit_test(test_sizes_cross_check),
		cmocka_unit_test(test_compress_respects_capacity),
		cmocka_unit_test(test_corrupt_input_rejected),
		cmocka_unit_test(test_hand_made_blocks),
		cmocka_unit_test(test_state_reuse_is_safe),
		cmocka_unit_test(test_state_switches_table_modes),
	};

	return cmocka_run_group_tests_name("tmem_lz4", tests, NULL, NULL);
}
