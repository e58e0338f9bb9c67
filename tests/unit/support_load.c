#include "tests/unit/support_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest/load/bootparam.h"
#include "lib/err.h"

static int record_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct test_target *tt = ctx;

	/* the loader promises never to write outside RAM */
	assert_true(gpa <= tt->t.ram_bytes && len <= tt->t.ram_bytes - gpa);
	assert_true(tt->nwrites < TEST_LOAD_MAX_WRITES);
	if (tt->fail_at && (int)tt->nwrites + 1 == tt->fail_at)
		return -ERR_FAULT;
	tt->writes[tt->nwrites++] = (struct load_region){ gpa, len };
	if (tt->ram && len && gpa < tt->kept) {
		assert_true(len <= tt->kept - gpa); /* no write straddles the bound */
		memcpy(tt->ram + gpa, src, len);
	}
	return 0;
}

void test_target_init(struct test_target *tt, uint64_t ram_bytes, int keep_bytes)
{
	memset(tt, 0, sizeof(*tt));
	tt->t = (struct load_target){ tt, ram_bytes, record_write };
	if (keep_bytes) {
		tt->ram = calloc(1, ram_bytes);
		assert_non_null(tt->ram);
		tt->kept = ram_bytes;
	}
}

void test_target_init_low(struct test_target *tt, uint64_t ram_bytes)
{
	test_target_init(tt, ram_bytes, 0);
	tt->ram = calloc(1, TEST_LOW_BYTES);
	assert_non_null(tt->ram);
	tt->kept = TEST_LOW_BYTES;
}

void test_target_free(struct test_target *tt)
{
	free(tt->ram);
	tt->ram = NULL;
}

void test_target_assert_disjoint(const struct test_target *tt)
{
	for (unsigned i = 0; i < tt->nwrites; i++)
		for (unsigned j = i + 1; j < tt->nwrites; j++) {
			const struct load_region *a = &tt->writes[i], *b = &tt->writes[j];

			if (a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size)
				fail_msg("writes overlap: [0x%llx,+0x%llx) and [0x%llx,+0x%llx)",
					 (unsigned long long)a->gpa, (unsigned long long)a->size,
					 (unsigned long long)b->gpa, (unsigned long long)b->size);
		}
}

uint64_t test_bzimage_make(uint8_t **out, uint64_t kernel_bytes, uint32_t init_size)
{
	const unsigned setup_sects = 1, header_end = 0x26c;
	uint64_t size = (setup_sects + 1) * BP_SECTOR + kernel_bytes;
	uint8_t *p = calloc(1, size);

	assert_non_null(p);
	bp_put(p, BP_SETUP_SECTS, 1, setup_sects);
	bp_put(p, BP_SYSSIZE, 4, kernel_bytes / BP_SYSSIZE_UNIT);
	bp_put(p, BP_BOOT_FLAG, 2, BP_BOOT_FLAG_MAGIC);
	bp_put(p, BP_JUMP, 1, 0xeb); /* jmp short */
	bp_put(p, BP_JUMP_DISP, 1, header_end - (BP_JUMP_DISP + 1));
	bp_put(p, BP_HEADER, 4, BP_HDRS_MAGIC);
	bp_put(p, BP_VERSION, 2, 0x020f);
	bp_put(p, BP_LOADFLAGS, 1, BP_LOADED_HIGH);
	bp_put(p, BP_INITRD_ADDR_MAX, 4, 0x7fffffff);
	bp_put(p, BP_KERNEL_ALIGNMENT, 4, 0x200000);
	bp_put(p, BP_RELOCATABLE, 1, 1);
	bp_put(p, BP_XLOADFLAGS, 2, BP_XLF_KERNEL_64);
	bp_put(p, BP_CMDLINE_SIZE, 4, 2047);
	bp_put(p, BP_PREF_ADDRESS, 8, TEST_BZ_PREF);
	bp_put(p, BP_INIT_SIZE, 4, init_size);
	for (uint64_t i = 0; i < kernel_bytes; i++)
		p[(setup_sects + 1) * BP_SECTOR + i] = (uint8_t)(i * 7 + 1);
	*out = p;
	return size;
}

uint8_t *test_read_env_file(const char *var, uint64_t *size)
{
	const char *path = getenv(var);
	FILE *f;
	uint8_t *buf;
	long n;

	if (!path || !*path)
		fail_msg("%s is not set: run through `make unit`, which builds the kernel and passes it", var);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s=%s cannot be read: run `make linux`", var, path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (uint64_t)n;
	return buf;
}
