/* Host pieces for the Linux loader's tests (guest/load/): a load target
 * that records every write and, when given RAM, keeps the bytes; and a
 * small synthetic bzImage whose header fields a test can then break. */
#ifndef FALLOW_TESTS_SUPPORT_LOAD_H
#define FALLOW_TESTS_SUPPORT_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include "guest/load/load.h"

#define TEST_LOAD_MAX_WRITES 256

struct test_target {
	struct load_target t;
	uint8_t *ram;          /* NULL: record ranges only (any RAM size) */
	uint64_t kept;         /* bytes of ram: all of RAM, or the low part */
	unsigned nwrites;
	struct load_region writes[TEST_LOAD_MAX_WRITES];
	int fail_at;           /* the write (1-based) to refuse; 0: none */
};

/* ram_bytes of guest RAM; with keep_bytes, host memory backs it. */
void test_target_init(struct test_target *tt, uint64_t ram_bytes, int keep_bytes);

/* Keeps only what is written below 1 MiB (the loader's own structures),
 * for RAM sizes no host buffer could hold. */
#define TEST_LOW_BYTES 0x100000ull
void test_target_init_low(struct test_target *tt, uint64_t ram_bytes);
void test_target_free(struct test_target *tt);

/* Aborts the test unless no two recorded writes overlap. */
void test_target_assert_disjoint(const struct test_target *tt);

/* The synthetic image: 2 sectors of setup, then kernel_bytes of code
 * (a multiple of 16), protocol 2.15, 64-bit, relocatable, pref_address
 * 16 MiB, init_size as given. Returns its size; *out is malloc'd. */
#define TEST_BZ_PREF 0x1000000ull
uint64_t test_bzimage_make(uint8_t **out, uint64_t kernel_bytes, uint32_t init_size);

/* Reads a whole file named by the environment variable var; fails the
 * test (never skips it) when var is unset or the file unreadable. */
uint8_t *test_read_env_file(const char *var, uint64_t *size);

#endif
