/* guest/load/bzimage.c and the whole Linux load, fed the real kernel
 * that `make linux` built (FALLOW_TEST_BZIMAGE and FALLOW_TEST_INITRAMFS,
 * which `make unit` passes) and copies of it with one thing broken: each
 * refusal must carry its own error code and a message naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest/load/bootparam.h"
#include "guest/load/e820.h"
#include "guest/load/load.h"
#include "tests/unit/support_load.h"

#define MiB (1024ull * 1024)
#define CMDLINE "console=hvc0 earlyprintk=fallow script=fake-selftest"

struct images {
	uint8_t *kernel, *initrd;
	uint64_t kernel_size, initrd_size;
};

static int setup(void **state)
{
	struct images *im = calloc(1, sizeof(*im));

	*state = im; /* first: teardown runs even when a read fails */
	im->kernel = test_read_env_file("FALLOW_TEST_BZIMAGE", &im->kernel_size);
	im->initrd = test_read_env_file("FALLOW_TEST_INITRAMFS", &im->initrd_size);
	return 0;
}

static int teardown(void **state)
{
	struct images *im = *state;

	free(im->kernel);
	free(im->initrd);
	free(im);
	return 0;
}

static struct load_linux_input input(const struct images *im)
{
	return (struct load_linux_input){ im->kernel, im->kernel_size, im->initrd,
					  im->initrd_size, CMDLINE, strlen(CMDLINE) };
}

/* The plan's verdict on ram bytes of RAM, with its message checked for
 * the words that name the problem. */
static void expect_refusal(const struct load_linux_input *in, uint64_t ram, int code,
			   const char *words)
{
	struct load_plan plan;
	char why[LOAD_WHY_LEN] = "";

	assert_int_equal(load_linux_plan(ram, in, &plan, why, sizeof(why)), -code);
	if (!strstr(why, words))
		fail_msg("message \"%s\" lacks \"%s\"", why, words);
	assert_string_not_equal(load_error_name(-code), "unknown");
}

static void test_real_header(void **state)
{
	struct images *im = *state;
	struct bzimage_info bz;
	char why[LOAD_WHY_LEN] = "";

	assert_int_equal(bzimage_parse(im->kernel, im->kernel_size, &bz, why, sizeof(why)), 0);
	assert_true(bz.protocol >= BP_PROTOCOL_MIN);
	assert_true(bz.xloadflags & BP_XLF_KERNEL_64);
	assert_int_equal(bz.pref_address, 0x1000000); /* CONFIG_PHYSICAL_START */
	assert_true(bz.kernel_offset + bz.kernel_size <= im->kernel_size);
	assert_true(bz.init_size >= bz.kernel_size);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_true(bz.header_end > BP_INIT_SIZE_END && bz.header_end <= BP_HDR_AREA_END);
}

/* Everything where the plan says, read back from RAM. */
static void test_real_load(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);
	struct test_target tt;
	struct load_plan p;
	char why[LOAD_WHY_LEN] = "";
	const uint64_t ram = 64 * MiB;

	test_target_init(&tt, ram, 1);
	assert_int_equal(load_linux(&tt.t, &in, &p, why, sizeof(why)), 0);
	test_target_assert_disjoint(&tt);
	const uint8_t *bp = tt.ram + p.boot_params;

	assert_int_equal(p.entry, 0x1000000 + BP_ENTRY64_OFFSET);
	assert_memory_equal(tt.ram + p.kernel.gpa, im->kernel + p.bz.kernel_offset, p.bz.kernel_size);
	assert_memory_equal(tt.ram + p.initrd.gpa, im->initrd, im->initrd_size);
	assert_int_equal(bp_get(bp, BP_HEADER, 4), BP_HDRS_MAGIC);
	assert_memory_equal(bp + BP_SETUP_SECTS, im->kernel + BP_SETUP_SECTS, BP_TYPE_OF_LOADER - BP_SETUP_SECTS);
	assert_int_equal(bp_get(bp, BP_TYPE_OF_LOADER, 1), BP_LOADER_UNDEFINED);
	assert_int_equal(bp_get(bp, BP_SENTINEL, 1), 0);
	assert_int_equal(bp_get(bp, BP_CODE32_START, 4), 0x1000000);
	assert_int_equal(bp_get(bp, BP_CMD_LINE_PTR, 4), p.cmdline.gpa);
	assert_int_equal(bp_get(bp, BP_EXT_CMD_LINE_PTR, 4), 0);
	assert_string_equal((const char *)tt.ram + p.cmdline.gpa, CMDLINE);
	assert_int_equal(bp_get(bp, BP_RAMDISK_IMAGE, 4), p.initrd.gpa);
	assert_int_equal(bp_get(bp, BP_RAMDISK_SIZE, 4), im->initrd_size);
	assert_int_equal(bp_get(bp, BP_EXT_RAMDISK_IMAGE, 4) | bp_get(bp, BP_EXT_RAMDISK_SIZE, 4), 0);
	/* reserved loader area, low RAM, RAM from 1 MiB to the end */
	assert_int_equal(bp_get(bp, BP_E820_ENTRIES, 1), 3);
	assert_int_equal(bp_get(bp, BP_E820_TABLE + 2 * BP_E820_ENTRY_SIZE, 8), 0x100000);
	assert_int_equal(bp_get(bp, BP_E820_TABLE + 2 * BP_E820_ENTRY_SIZE + 8, 8), ram - 0x100000);
	assert_int_equal(bp_get(bp, BP_E820_TABLE + 2 * BP_E820_ENTRY_SIZE + 16, 4), E820_TYPE_RAM);
	/* the initrd as high as it goes, page-aligned, above the kernel */
	assert_int_equal(p.initrd.gpa % LOAD_PAGE_SIZE, 0);
	assert_true(p.initrd.gpa + p.initrd.size <= ram);
	assert_true(ram - (p.initrd.gpa + p.initrd.size) < LOAD_PAGE_SIZE);
	assert_true(p.initrd.gpa >= p.kernel.gpa + p.kernel.size);
	/* GDT: flat 64-bit code at __BOOT_CS, flat data at __BOOT_DS */
	assert_int_equal(bp_get(tt.ram + p.gdt_base, LOAD_BOOT_CS, 8), 0x00af9a000000ffffull);
	assert_int_equal(bp_get(tt.ram + p.gdt_base, LOAD_BOOT_DS, 8), 0x00cf92000000ffffull);
	assert_int_equal(p.gdt_limit, 31);
	/* page walk for the entry: PML4[0] -> PDPT[0] -> PD[8] = 16 MiB, 2 MiB page */
	uint64_t pml4e = bp_get(tt.ram + p.cr3, 0, 8);
	uint64_t pdpte = bp_get(tt.ram + (pml4e & ~0xfffull), 0, 8);
	uint64_t pde = bp_get(tt.ram + (pdpte & ~0xfffull), (p.entry >> 21) * 8, 8);

	assert_int_equal(pml4e & 3, 3);
	assert_int_equal(pde, (p.entry & ~0x1fffffull) | 0x83);
	assert_int_equal(p.mapped, ram);
	test_target_free(&tt);
}

static uint8_t *copy(const struct images *im)
{
	uint8_t *k = malloc(im->kernel_size);

	memcpy(k, im->kernel, im->kernel_size);
	return k;
}

static void test_bad_magic(void **state)
{
	struct images *im = *state;
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);

	in.kernel = k;
	k[BP_HEADER] = 'X';
	expect_refusal(&in, 256 * MiB, LOAD_ERR_NOT_BZIMAGE, "not a bzImage: no \"HdrS\"");
	in.kernel_size = 0x100;
	expect_refusal(&in, 256 * MiB, LOAD_ERR_NOT_BZIMAGE, "too short");
	free(k);
}

static void test_zimage(void **state)
{
	struct images *im = *state;
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);

	in.kernel = k;
	k[BP_LOADFLAGS] &= (uint8_t)~BP_LOADED_HIGH;
	expect_refusal(&in, 256 * MiB, LOAD_ERR_NOT_BZIMAGE, "zImage");
	free(k);
}

static void test_old_protocol(void **state)
{
	struct images *im = *state;
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);

	in.kernel = k;
	bp_put(k, BP_VERSION, 2, 0x020b);
	expect_refusal(&in, 256 * MiB, LOAD_ERR_PROTOCOL, "boot protocol 2.11 is older than 2.12");
	free(k);
}

static void test_not_64bit(void **state)
{
	struct images *im = *state;
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);

	in.kernel = k;
	bp_put(k, BP_XLOADFLAGS, 2, bp_get(k, BP_XLOADFLAGS, 2) & ~BP_XLF_KERNEL_64);
	expect_refusal(&in, 256 * MiB, LOAD_ERR_NOT_64BIT, "not 64-bit capable");
	free(k);
}

static void test_truncated(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);

	in.kernel_size = 64 * 1024;
	expect_refusal(&in, 256 * MiB, LOAD_ERR_TRUNCATED, "truncated bzImage");
	in.kernel_size = BP_INIT_SIZE; /* inside the header itself */
	expect_refusal(&in, 256 * MiB, LOAD_ERR_TRUNCATED, "inside the setup header");
	in.kernel_size = im->kernel_size - 1;
	expect_refusal(&in, 256 * MiB, LOAD_ERR_TRUNCATED, "the file has");
}

static void test_bad_header(void **state)
{
	struct images *im = *state;
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);

	in.kernel = k;
	k[BP_JUMP_DISP] = 0x10; /* a header ending before init_size */
	expect_refusal(&in, 256 * MiB, LOAD_ERR_BAD_HEADER, "bad setup header");
	memcpy(k, im->kernel, im->kernel_size);
	bp_put(k, BP_INIT_SIZE, 4, 16);
	expect_refusal(&in, 256 * MiB, LOAD_ERR_BAD_HEADER, "init_size");
	memcpy(k, im->kernel, im->kernel_size);
	bp_put(k, BP_PREF_ADDRESS, 8, 0x80000);
	expect_refusal(&in, 256 * MiB, LOAD_ERR_BAD_HEADER, "below 1 MiB");
	free(k);
}

static void test_kernel_too_big_for_mem(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);

	expect_refusal(&in, 24 * MiB, LOAD_ERR_KERNEL_FIT, "kernel does not fit in mem");
	expect_refusal(&in, 16 * MiB, LOAD_ERR_KERNEL_FIT, "mem is 16 MiB");
}

static void test_initrd_too_big(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);
	uint8_t *big = calloc(1, 60 * MiB);

	in.initrd = big;
	in.initrd_size = 60 * MiB;
	expect_refusal(&in, 64 * MiB, LOAD_ERR_INITRD_FIT, "initrd does not fit");
	in.initrd_size = 4096 * MiB;
	expect_refusal(&in, 64 * MiB, LOAD_ERR_INITRD_FIT, "initrd does not fit");
	free(big);
}

static void test_cmdline_too_long(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);
	char line[2048];
	struct load_plan p;
	char why[LOAD_WHY_LEN];

	memset(line, 'a', sizeof(line));
	in.cmdline = line;
	in.cmdline_len = 2048;
	expect_refusal(&in, 64 * MiB, LOAD_ERR_CMDLINE_LONG, "command line of 2048 bytes is too long");
	in.cmdline_len = 2047; /* exactly cmdline_size */
	assert_int_equal(load_linux_plan(64 * MiB, &in, &p, why, sizeof(why)), 0);
	assert_int_equal(p.cmdline.size, 2048);
}

static void test_bad_mem(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);

	expect_refusal(&in, 64 * MiB + 1, LOAD_ERR_MEM, "4 KiB pages");
	expect_refusal(&in, 1 * MiB, LOAD_ERR_MEM, "no RAM above 1 MiB");
	expect_refusal(&in, LOAD_MAX_RAM + 2 * MiB, LOAD_ERR_MEM, "above the loader's");
}

/* A refused write stops the load and is reported as such. */
static void test_write_failure(void **state)
{
	struct images *im = *state;
	struct load_linux_input in = input(im);
	struct test_target tt;
	struct load_plan p;
	char why[LOAD_WHY_LEN] = "";

	for (int at = 1; at <= 8; at++) {
		test_target_init(&tt, 64 * MiB, 0);
		tt.fail_at = at;
		assert_int_equal(load_linux(&tt.t, &in, &p, why, sizeof(why)), -LOAD_ERR_WRITE);
		assert_non_null(strstr(why, "failed"));
		assert_int_equal(tt.nwrites, at - 1);
	}
}

/* Hostile headers: every byte of the setup header set to a few telling
 * values, 4000 random three-byte changes, and every prefix of the file's
 * first KiB. Each verdict is 0 or
 * one of the loader's codes with a message, never a crash (ASan/UBSan
 * watch); a plan that is made writes only inside RAM, never one place
 * twice. */
static int check_verdict(const struct load_linux_input *in, uint64_t ram)
{
	struct load_plan p;
	char why[LOAD_WHY_LEN] = "";
	int rc = load_linux_plan(ram, in, &p, why, sizeof(why));

	if (rc) {
		assert_true(rc < 0 && -rc < LOAD_ERR_COUNT && -rc != LOAD_ERR_WRITE);
		assert_true(why[0] != '\0');
		return rc;
	}
	struct test_target tt;

	test_target_init(&tt, ram, 0);
	assert_int_equal(load_linux_write(&tt.t, in, &p, why, sizeof(why)), 0);
	test_target_assert_disjoint(&tt);
	return 0;
}

static void test_hostile_headers(void **state)
{
	struct images *im = *state;
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	uint8_t *k = copy(im);
	struct load_linux_input in = input(im);
	unsigned made = 0, refused = 0;

	in.kernel = k;
	for (unsigned off = BP_SETUP_SECTS; off < BP_HDR_AREA_END; off++)
		for (unsigned v = 0; v < sizeof(values); v++) {
			uint8_t keep = k[off];

			k[off] = values[v];
			if (check_verdict(&in, 64 * MiB))
				refused++;
			else
				made++;
			k[off] = keep;
		}
	/* three bytes at a time, at places a fixed-seed xorshift picks */
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (unsigned round = 0; round < 4000; round++) {
		unsigned at[3];

		for (unsigned j = 0; j < 3; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			at[j] = BP_SETUP_SECTS + (unsigned)(x % (BP_HDR_AREA_END - BP_SETUP_SECTS));
			k[at[j]] = (uint8_t)(x >> 40);
		}
		check_verdict(&in, 64 * MiB);
		for (unsigned j = 0; j < 3; j++)
			k[at[j]] = im->kernel[at[j]];
	}
	for (uint64_t len = 0; len <= 1024; len++) {
		in.kernel_size = len;
		check_verdict(&in, 64 * MiB);
	}
	/* both sides exercised (713 and 82 with Debian's 6.1) */
	if (made == 0 || refused == 0)
		fail_msg("made %u, refused %u", made, refused);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_header),
		cmocka_unit_test(test_real_load),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_zimage),
		cmocka_unit_test(test_old_protocol),
		cmocka_unit_test(test_not_64bit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_kernel_too_big_for_mem),
		cmocka_unit_test(test_initrd_too_big),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_bad_mem),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_hostile_headers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
