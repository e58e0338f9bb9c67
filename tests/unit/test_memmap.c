/* The multiboot2 parser and module checks, fed hand-made information
 * structures: a complete good one, each kind of malformation (every one
 * must fail with its error code and a reason, never read out of bounds),
 * and prefixes and byte flips of the good one under ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/memmap.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)
#define MBI_PA 0x10000
#define MBI_CAP 16384
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct mbi {
	_Alignas(8) uint8_t buf[MBI_CAP];
	uint32_t len;
};

struct mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

static void put32(struct mbi *m, uint32_t off, uint32_t v)
{
	memcpy(m->buf + off, &v, sizeof(v)); /* the host is little-endian, as is x86 */
}

static void mb_begin(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

/* Appends a tag whose header says `size` (normally 8 + plen); returns its
 * offset. */
static uint32_t mb_tag_sized(struct mbi *m, uint32_t type, const void *payload,
			     uint32_t plen, uint32_t size)
{
	uint32_t off = m->len;

	assert_true(off + 8 + plen + 8 <= MBI_CAP);
	put32(m, off, type);
	put32(m, off + 4, size);
	if (plen > 0)
		memcpy(m->buf + off + 8, payload, plen);
	m->len = (off + 8 + plen + 7) & ~7u;
	return off;
}

static uint32_t mb_tag(struct mbi *m, uint32_t type, const void *payload, uint32_t plen)
{
	return mb_tag_sized(m, type, payload, plen, 8 + plen);
}

static uint32_t mb_string(struct mbi *m, uint32_t type, const char *s)
{
	return mb_tag(m, type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t mb_module(struct mbi *m, uint32_t start, uint32_t end, const char *s)
{
	uint8_t p[256];
	uint32_t n = (uint32_t)strlen(s) + 1;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, n);
	return mb_tag(m, 3, p, 8 + n);
}

static uint32_t mb_mmap(struct mbi *m, uint32_t entry_size, const struct mmap_entry *e,
			unsigned n)
{
	static uint8_t p[8 + 200 * 64];
	uint32_t version = 0;

	assert_true(n <= 200 && entry_size <= 64);
	memset(p, 0xee, sizeof(p)); /* bytes past 24 in a bigger entry: ignored */
	memcpy(p, &entry_size, 4);
	memcpy(p + 4, &version, 4);
	for (unsigned i = 0; i < n; i++)
		memcpy(p + 8 + i * entry_size, &e[i], sizeof(e[i]));
	return mb_tag(m, 6, p, 8 + n * entry_size);
}

static void mb_finish(struct mbi *m)
{
	mb_tag(m, 0, NULL, 0);
	put32(m, 0, m->len);
}

static const struct mmap_entry pc_entries[] = {
	{ 0x0, 0x9fc00, MEM_USABLE, 0 },
	{ 0x9fc00, 0x400, MEM_RESERVED, 0 },
	{ 0xf0000, 0x10000, MEM_RESERVED, 0 },
	{ 0x100000, 127 * MiB, MEM_USABLE, 0 },
	{ 0x8000000, 0, MEM_USABLE, 0 }, /* empty: dropped */
	{ 0xfffc0000, 0x40000, MEM_RESERVED, 0 },
	{ 4 * GiB, 1 * GiB, MEM_USABLE, 0 },
};

static const uint8_t rsdp_v1[20] = "RSD PTR \x01";
static const uint8_t rsdp_v2[36] = "RSD PTR \x02";

/* A structure as GRUB would build it. */
static void build_good(struct mbi *m)
{
	mb_begin(m);
	mb_string(m, 1, "console=e9 selftest=mm");
	mb_string(m, 2, "GRUB 2.06-13+deb12u1");
	mb_module(m, 0x400000, 0x412345, "guest name=a mem=64M");
	mb_tag(m, 14, rsdp_v1, sizeof(rsdp_v1));
	mb_mmap(m, 24, pc_entries, NELEM(pc_entries));
	mb_tag(m, 8, "framebuffer-ish", 16); /* unknown to us: skipped */
	mb_module(m, 0x500000, 0x501000, "");
	mb_tag(m, 15, rsdp_v2, sizeof(rsdp_v2));
	mb_finish(m);
}

static int parse(struct mbi *m, struct boot_info *bi, const char **why)
{
	*why = NULL;
	return memmap_parse(m->buf, MBI_PA, MBI_CAP, bi, why);
}

static struct mbi mb;
static struct boot_info bi;

static void expect_fail(int err, const char *reason)
{
	const char *why;

	assert_int_equal(parse(&mb, &bi, &why), err);
	assert_non_null(why);
	if (reason != NULL)
		assert_string_equal(why, reason);
}

/* ------------------------------------------------------------ good */

static void test_good(void **state)
{
	const char *why = "untouched";

	(void)state;
	build_good(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, &why), 0);
	assert_string_equal(why, "untouched");
	assert_string_equal(bi.cmdline, "console=e9 selftest=mm");
	assert_string_equal(bi.loader_name, "GRUB 2.06-13+deb12u1");
	assert_int_equal(bi.nregions, NELEM(pc_entries) - 1);
	assert_int_equal(bi.regions[0].base, 0);
	assert_int_equal(bi.regions[0].len, 0x9fc00);
	assert_int_equal(bi.regions[0].type, MEM_USABLE);
	assert_int_equal(bi.regions[3].base, 0x100000);
	assert_int_equal(bi.regions[3].len, 127 * MiB);
	assert_int_equal(bi.regions[4].type, MEM_RESERVED); /* the empty one is gone */
	assert_int_equal(bi.regions[5].base, 4 * GiB);
	assert_int_equal(bi.nmodules, 2);
	assert_int_equal(bi.modules[0].start, 0x400000);
	assert_int_equal(bi.modules[0].end, 0x412345);
	assert_string_equal(bi.modules[0].cmdline, "guest name=a mem=64M");
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_int_equal(bi.mbi_start, MBI_PA);
	assert_int_equal(bi.mbi_end, MBI_PA + mb.len);
	/* The ACPI 2.0 RSDP wins over the 1.0 one, whatever the order. */
	assert_int_equal(bi.acpi_rsdp_len, 36);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, 36);
	assert_true((const uint8_t *)bi.acpi_rsdp > mb.buf &&
		    (const uint8_t *)bi.acpi_rsdp < mb.buf + mb.len);
	assert_int_equal(memmap_usable_bytes(&bi), 0x9fc00 + 127 * MiB + 1 * GiB);
}

static void test_minimal_and_defaults(void **state)
{
	static const struct mmap_entry e[] = { { 0x100000, 16 * MiB, MEM_USABLE, 0 } };

	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, e, 1);
	mb_tag(&mb, 14, rsdp_v1, sizeof(rsdp_v1));
	mb_finish(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, mb.len, &bi, NULL), 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.nmodules, 0);
	assert_int_equal(bi.acpi_rsdp_len, 20);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v1, 20);
}

/* A later entry version with bigger entries: the first 24 bytes still
 * mean what they did. */
static void test_bigger_entries(void **state)
{
	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 40, pc_entries, NELEM(pc_entries));
	mb_finish(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, NULL), 0);
	assert_int_equal(bi.nregions, NELEM(pc_entries) - 1);
	assert_int_equal(bi.regions[5].base, 4 * GiB);
	assert_int_equal(bi.regions[5].len, 1 * GiB);
}

static void test_overlapping_usable_counted_once(void **state)
{
	static const struct mmap_entry e[] = {
		{ 0x100000, 4 * MiB, MEM_USABLE, 0 },
		{ 0x200000, 4 * MiB, MEM_USABLE, 0 },
		{ 0x300000, 1 * MiB, MEM_USABLE, 0 },
		{ 0x100000, 64 * MiB, MEM_RESERVED, 0 },
	};

	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, e, NELEM(e));
	mb_finish(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, NULL), 0);
	assert_int_equal(memmap_usable_bytes(&bi), 5 * MiB);
	assert_string_equal(memmap_type_name(MEM_USABLE), "usable");
	assert_string_equal(memmap_type_name(MEM_ACPI_NVS), "ACPI NVS");
	assert_string_equal(memmap_type_name(77), "unknown");
}

/* ------------------------------------------------------------ malformed */

static void test_missing_memory_map(void **state)
{
	(void)state;
	mb_begin(&mb);
	mb_string(&mb, 1, "console=e9");
	mb_finish(&mb);
	expect_fail(-ERR_NOENT, "multiboot2: memory map tag missing");
}

static void test_truncated_header(void **state)
{
	const char *why = NULL;

	(void)state;
	build_good(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, 7, &bi, &why), -ERR_INVAL);
	assert_non_null(why);
	assert_int_equal(memmap_parse(NULL, MBI_PA, MBI_CAP, &bi, &why), -ERR_INVAL);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA + 4, MBI_CAP, &bi, &why), -ERR_INVAL);
	assert_string_equal(why, "multiboot2: information structure at 0x10004 is not 8-byte aligned");
	put32(&mb, 0, 4);
	expect_fail(-ERR_INVAL, "multiboot2: total_size 4 smaller than its header");
}

static void test_total_size_over_limit(void **state)
{
	const char *why = NULL;

	(void)state;
	build_good(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, mb.len - 8, &bi, &why), -ERR_RANGE);
	assert_non_null(why);
	assert_non_null(strstr(why, "exceeds the limit"));
	put32(&mb, 0, 0xfffffff8);
	expect_fail(-ERR_RANGE, NULL);
}

static void test_tag_past_end(void **state)
{
	char expect[128];
	uint32_t off;

	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	off = mb_module(&mb, 0x400000, 0x401000, "x");
	mb_finish(&mb);
	put32(&mb, off + 4, mb.len); /* module tag claims the whole structure */
	snprintf(expect, sizeof(expect),
		 "multiboot2: tag 3 at offset %u runs past total_size %u", off, mb.len);
	expect_fail(-ERR_INVAL, expect);
}

static void test_tag_too_small(void **state)
{
	uint32_t off;

	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	off = mb_string(&mb, 1, "abc");
	mb_finish(&mb);
	put32(&mb, off + 4, 4);
	expect_fail(-ERR_INVAL, NULL);
	put32(&mb, off + 4, 0); /* would loop forever if not refused */
	expect_fail(-ERR_INVAL, NULL);
}

static void test_no_end_tag(void **state)
{
	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	put32(&mb, 0, mb.len);
	expect_fail(-ERR_INVAL, NULL);
	assert_non_null(strstr(bi.cmdline, "")); /* outputs still sane */

	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_tag_sized(&mb, 0, "12345678", 8, 16); /* end tag of size 16 */
	put32(&mb, 0, mb.len);
	expect_fail(-ERR_INVAL, NULL);
}

static void test_bad_entry_size(void **state)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 28, 33 };

	(void)state;
	for (unsigned i = 0; i < NELEM(bad); i++) {
		mb_begin(&mb);
		/* Entries laid out 24 apart, header claiming bad[i]. */
		put32(&mb, mb_mmap(&mb, 24, pc_entries, 1) + 8, bad[i]);
		mb_finish(&mb);
		expect_fail(-ERR_INVAL, NULL);
	}
	/* Entry size fine, tag size not a whole number of entries. */
	mb_begin(&mb);
	{
		uint32_t off = mb_mmap(&mb, 24, pc_entries, 3);

		put32(&mb, off + 4, 16 + 3 * 24 - 8);
	}
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);
	/* A memory map tag too short for its own header. */
	mb_begin(&mb);
	mb_tag(&mb, 6, "\x18\0\0\0", 4);
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);
}

static void test_unterminated_strings(void **state)
{
	static const uint32_t types[] = { 1, 2 };
	uint8_t mod[8 + 5] = { 0, 0, 0x40, 0, 0, 0x10, 0x40, 0, 'a', 'b', 'c', 'd', 'e' };

	(void)state;
	for (unsigned i = 0; i < NELEM(types); i++) {
		mb_begin(&mb);
		mb_mmap(&mb, 24, pc_entries, 2);
		mb_tag(&mb, types[i], "no-nul", 6);
		mb_finish(&mb);
		expect_fail(-ERR_INVAL, NULL);
		assert_non_null(strstr(bi.cmdline, "")); /* not pointing at garbage */
	}
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_tag(&mb, 3, mod, sizeof(mod));
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);
	/* A module tag with no room for any string at all. */
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_tag(&mb, 3, mod, 8);
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);
}

static void test_too_many_regions(void **state)
{
	static struct mmap_entry e[MEMMAP_MAX_REGIONS + 1];

	(void)state;
	for (unsigned i = 0; i < NELEM(e); i++) {
		e[i].base = (uint64_t)i * 2 * MiB;
		e[i].len = 1 * MiB;
		e[i].type = MEM_USABLE;
	}
	mb_begin(&mb);
	mb_mmap(&mb, 24, e, MEMMAP_MAX_REGIONS);
	mb_finish(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, NULL), 0);
	assert_int_equal(bi.nregions, MEMMAP_MAX_REGIONS);

	mb_begin(&mb);
	mb_mmap(&mb, 24, e, NELEM(e));
	mb_finish(&mb);
	expect_fail(-ERR_RANGE, "multiboot2: memory map has more than 128 regions");
}

static void test_too_many_modules(void **state)
{
	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, NELEM(pc_entries));
	for (unsigned i = 0; i < MEMMAP_MAX_MODULES; i++)
		mb_module(&mb, 0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x800, "m");
	put32(&mb, 0, mb.len);
	{
		struct mbi copy = mb;

		mb_finish(&mb);
		assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, NULL), 0);
		assert_int_equal(bi.nmodules, MEMMAP_MAX_MODULES);
		mb = copy;
	}
	mb_module(&mb, 0x2000000, 0x2001000, "one too many");
	mb_finish(&mb);
	expect_fail(-ERR_RANGE, "multiboot2: more than 40 modules");
}

static void test_region_wraps(void **state)
{
	static const struct mmap_entry e[] = { { UINT64_MAX - 0xfff, 0x2000, MEM_USABLE, 0 } };

	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, e, 1);
	mb_finish(&mb);
	expect_fail(-ERR_RANGE, NULL);
}

static void test_duplicates_and_short_rsdp(void **state)
{
	(void)state;
	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);

	mb_begin(&mb);
	mb_string(&mb, 1, "a");
	mb_string(&mb, 1, "b");
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);

	mb_begin(&mb);
	mb_mmap(&mb, 24, pc_entries, 2);
	mb_tag(&mb, 15, rsdp_v2, 20); /* an ACPI 2.0 RSDP cut to 1.0 size */
	mb_finish(&mb);
	expect_fail(-ERR_INVAL, NULL);
}

/* Every prefix of a good structure, in a buffer of exactly that size so
 * ASan sees any read past it, claiming the prefix as its total size. */
static void test_every_prefix(void **state)
{
	struct boot_info *out = malloc(sizeof(*out));

	(void)state;
	build_good(&mb);
	for (uint32_t len = 0; len < mb.len; len++) {
		uint8_t *p = malloc(len ? len : 1);
		const char *why = NULL;
		int err;

		memcpy(p, mb.buf, len);
		if (len >= 4)
			memcpy(p, &len, 4);
		err = memmap_parse(p, MBI_PA, len, out, &why);
		assert_true(err < 0); /* the end tag is always the last 8 bytes */
		assert_non_null(why);
		free(p);
	}
	free(out);
}

/* Random byte flips: any outcome but a crash or an out-of-bounds read. */
static void test_byte_flips(void **state)
{
	uint64_t rng = 88172645463325252ull;
	struct boot_info *out = malloc(sizeof(*out));
	unsigned ok = 0;

	(void)state;
	build_good(&mb);
	for (unsigned round = 0; round < 20000; round++) {
		uint8_t *p = malloc(mb.len);
		const char *why = NULL;
		int err;

		memcpy(p, mb.buf, mb.len);
		for (unsigned k = 0; k < 1 + round % 4; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			p[rng % mb.len] ^= (uint8_t)(1u << (rng >> 32) % 8);
		}
		err = memmap_parse(p, MBI_PA, mb.len, out, &why);
		if (err == 0) {
			ok++;
			assert_true(out->nregions <= MEMMAP_MAX_REGIONS);
			assert_true(out->nmodules <= MEMMAP_MAX_MODULES);
			for (unsigned i = 0; i < out->nmodules; i++)
				assert_true(strlen(out->modules[i].cmdline) < mb.len);
			memmap_usable_bytes(out);
		} else {
			assert_non_null(why);
			assert_true(strlen(why) > 10);
		}
		free(p);
	}
	assert_true(ok > 0); /* flips in strings and addresses still parse */
	free(out);
}

/* ------------------------------------------------------------ modules */

static const struct phys_range kernel = { 0x100000, 0x180000 };

static void parse_modules(const uint32_t (*mods)[2], unsigned n)
{
	static const struct mmap_entry e[] = {
		{ 0x0, 0x9fc00, MEM_USABLE, 0 },
		{ 0x100000, 7 * MiB, MEM_USABLE, 0 },
		{ 0x800000, 8 * MiB, MEM_USABLE, 0 }, /* touches the one before */
		{ 0x1000000, 1 * MiB, MEM_RESERVED, 0 },
		{ 0x1100000, 15 * MiB, MEM_USABLE, 0 },
	};

	mb_begin(&mb);
	mb_mmap(&mb, 24, e, NELEM(e));
	for (unsigned i = 0; i < n; i++)
		mb_module(&mb, mods[i][0], mods[i][1], "m");
	mb_finish(&mb);
	assert_int_equal(memmap_parse(mb.buf, MBI_PA, MBI_CAP, &bi, NULL), 0);
}

static void expect_modules(const uint32_t (*mods)[2], unsigned n, int err, const char *reason)
{
	const char *why = NULL;

	parse_modules(mods, n);
	assert_int_equal(memmap_check_modules(&bi, kernel, &why), err);
	if (err == 0) {
		assert_null(why);
	} else {
		assert_non_null(why);
		if (reason != NULL)
			assert_string_equal(why, reason);
	}
}

static void test_modules_good(void **state)
{
	static const uint32_t mods[][2] = {
		{ 0x180000, 0x200000 },  /* right after the kernel */
		{ 0x7ff000, 0x801000 },  /* across two touching usable entries */
		{ 0x1100000, 0x1100001 },
	};

	(void)state;
	expect_modules(mods, NELEM(mods), 0, NULL);
	expect_modules(mods, 0, 0, NULL);
}

static void test_modules_bad(void **state)
{
	static const uint32_t empty[][2] = { { 0x200000, 0x300000 }, { 0x400000, 0x400000 } };
	static const uint32_t backwards[][2] = { { 0x400000, 0x300000 } };
	static const uint32_t on_kernel[][2] = { { 0x200000, 0x300000 }, { 0x17f000, 0x190000 } };
	static const uint32_t each_other[][2] = {
		{ 0x200000, 0x300000 }, { 0x400000, 0x500000 }, { 0x4ff000, 0x600000 },
	};
	static const uint32_t in_hole[][2] = { { 0xa0000, 0xb0000 } };
	static const uint32_t half_out[][2] = { { 0xfff000, 0x1001000 } };
	static const uint32_t past_ram[][2] = { { 0x1f00000, 0x2000001 } };
	static const uint32_t on_mbi[][2] = { { MBI_PA - 0x1000, MBI_PA + 0x10 } };

	(void)state;
	expect_modules(empty, NELEM(empty), -ERR_RANGE,
		       "module 1 [0x400000, 0x400000) is empty or ends before it starts");
	expect_modules(backwards, NELEM(backwards), -ERR_RANGE, NULL);
	expect_modules(on_kernel, NELEM(on_kernel), -ERR_RANGE,
		       "module 1 [0x17f000, 0x190000) overlaps the kernel [0x100000, 0x180000)");
	expect_modules(each_other, NELEM(each_other), -ERR_RANGE,
		       "module 2 [0x4ff000, 0x600000) overlaps module 1");
	expect_modules(in_hole, NELEM(in_hole), -ERR_RANGE,
		       "module 0 [0xa0000, 0xb0000) is not inside usable RAM");
	expect_modules(half_out, NELEM(half_out), -ERR_RANGE, NULL);
	expect_modules(past_ram, NELEM(past_ram), -ERR_RANGE, NULL);
	expect_modules(on_mbi, NELEM(on_mbi), -ERR_RANGE,
		       "module 0 [0xf000, 0x10010) overlaps the multiboot2 information");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_bigger_entries),
		cmocka_unit_test(test_overlapping_usable_counted_once),
		cmocka_unit_test(test_missing_memory_map),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_total_size_over_limit),
		cmocka_unit_test(test_tag_past_end),
		cmocka_unit_test(test_tag_too_small),
		cmocka_unit_test(test_no_end_tag),
		cmocka_unit_test(test_bad_entry_size),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_too_many_regions),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_region_wraps),
		cmocka_unit_test(test_duplicates_and_short_rsdp),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_byte_flips),
		cmocka_unit_test(test_modules_good),
		cmocka_unit_test(test_modules_bad),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
