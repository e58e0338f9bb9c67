/* guest/config.c: every module-line key, its default, the values each
 * refuses and the reason line a refused guest is printed with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest/config.h"
#include "lib/err.h"

#define WHY_LEN 200
#define MiB (1ull << 20)

struct parsed {
	int rc;
	struct guest_config cfg;
	char why[WHY_LEN];
};

/* Parses line into a buffer pre-filled with junk: the parser must set
 * every field itself. */
static struct parsed *parse(const char *line)
{
	static struct parsed p;

	memset(&p, 0xAA, sizeof(p));
	p.why[0] = '\0';
	p.rc = guest_config_parse(line, &p.cfg, p.why, sizeof(p.why));
	return &p;
}

static void accepted(const struct parsed *p)
{
	if (p->rc)
		fail_msg("refused (%d): %s", p->rc, p->why);
}

static void refused(const char *line, int rc, const char *why)
{
	const struct parsed *p = parse(line);

	if (p->rc != rc || strcmp(p->why, why))
		fail_msg("'%s': got %d '%s', want %d '%s'", line, p->rc, p->why, rc, why);
}

static void test_defaults(void **state)
{
	(void)state;
	const struct parsed *p = parse("/boot/guests/hello.elf mem=4M");

	accepted(p);
	assert_string_equal(p->cfg.name, "hello");
	assert_string_equal(p->cfg.cmdline, "");
	assert_int_equal(p->cfg.mem, 4 * MiB);
	assert_int_equal(p->cfg.maxmem, 4 * MiB); /* maxmem defaults to mem */
	assert_int_equal(p->cfg.weight, 1);
	assert_int_equal(p->cfg.start, START_NOW);
	assert_int_equal(p->cfg.start_after_s, 0);
	assert_false(p->cfg.disk.present);
	assert_true(p->cfg.tmem);
	assert_true(p->cfg.tmem_dedup);
	assert_false(p->cfg.tmem_dedup_shared);
	assert_true(p->cfg.tmem_compress);
	assert_int_equal(p->cfg.kind, GUEST_KIND_ELF);
	assert_string_equal(p->cfg.initrd, "");
	assert_false(p->cfg.lapic); /* Fallow's own guests: none unless asked */
}

static void test_every_key(void **state)
{
	(void)state;
	const struct parsed *p = parse(
		"/boot/vmlinuz name=web mem=8M maxmem=16M weight=7 start=after:30"
		" disk=src.img disk_size=1M tmem=off tmem_dedup=shared tmem_compress=off"
		" kind=linux initrd=rd.img lapic=off console=ttyS0 quiet");

	accepted(p);
	assert_string_equal(p->cfg.name, "web");
	assert_int_equal(p->cfg.mem, 8 * MiB);
	assert_int_equal(p->cfg.maxmem, 16 * MiB);
	assert_int_equal(p->cfg.weight, 7);
	assert_int_equal(p->cfg.start, START_AFTER);
	assert_int_equal(p->cfg.start_after_s, 30);
	assert_true(p->cfg.disk.present);
	assert_string_equal(p->cfg.disk.image, "src.img");
	assert_int_equal(p->cfg.disk.size, 1 * MiB);
	assert_false(p->cfg.tmem);
	assert_true(p->cfg.tmem_dedup);
	assert_true(p->cfg.tmem_dedup_shared);
	assert_false(p->cfg.tmem_compress);
	assert_int_equal(p->cfg.kind, GUEST_KIND_LINUX);
	assert_string_equal(p->cfg.initrd, "rd.img");
	assert_false(p->cfg.lapic);
	/* Every other word goes to the guest, in order. */
	assert_string_equal(p->cfg.cmdline, "console=ttyS0 quiet");
}

static void test_choices(void **state)
{
	(void)state;
	/* A first word that is no path is the guest's, like any other. */
	const struct parsed *p = parse("g name=g mem=2M tmem_dedup=off lapic=on start=manual");

	accepted(p);
	assert_string_equal(p->cfg.cmdline, "g");
	assert_false(p->cfg.tmem_dedup);
	assert_false(p->cfg.tmem_dedup_shared);
	assert_true(p->cfg.lapic);
	assert_int_equal(p->cfg.start, START_MANUAL);
	p = parse("name=g mem=2M tmem=on tmem_dedup=on tmem_compress=on start=now kind=elf");
	accepted(p);
	assert_true(p->cfg.tmem && p->cfg.tmem_dedup && p->cfg.tmem_compress);
	assert_false(p->cfg.tmem_dedup_shared);
	assert_int_equal(p->cfg.start, START_NOW);
	refused("name=g mem=2M tmem=maybe", -ERR_INVAL, "bad value in 'tmem=maybe' (allowed: on, off)");
	refused("name=g mem=2M tmem_dedup=all", -ERR_INVAL,
		"bad value in 'tmem_dedup=all' (allowed: on, off, shared)");
	refused("name=g mem=2M tmem_compress=on,off", -ERR_INVAL,
		"bad value in 'tmem_compress=on,off' (allowed: on, off)");
	refused("name=g mem=2M kind=windows", -ERR_INVAL,
		"bad value in 'kind=windows' (allowed: elf, linux)");
	refused("name=g mem=2M lapic=", -ERR_INVAL, "option needs a value: 'lapic='");
}

static void test_kind_linux(void **state)
{
	(void)state;
	const struct parsed *p = parse("name=l mem=64M kind=linux");

	accepted(p);
	assert_true(p->cfg.lapic); /* Linux needs its timer */
	assert_string_equal(p->cfg.initrd, "");
	p = parse("name=l mem=64M kind=linux lapic=off initrd=initramfs.cpio.gz");
	accepted(p);
	assert_false(p->cfg.lapic);
	assert_string_equal(p->cfg.initrd, "initramfs.cpio.gz");
	refused("name=l mem=64M initrd=rd.img", -ERR_INVAL, "initrd= needs kind=linux");
	refused("name=l mem=64M kind=elf initrd=rd.img", -ERR_INVAL, "initrd= needs kind=linux");
	refused("name=l mem=64M kind=linux initrd=rd/img", -ERR_INVAL, "bad initrd=rd/img");
	refused("name=l mem=64M kind=linux initrd=abcdefghijabcdefghijabcdefghijab",
		-ERR_RANGE, "bad initrd=abcdefghijabcdefghijabcdefghijab");
}

static void test_names(void **state)
{
	(void)state;
	char line[128];
	char longest[FALLOW_NAME_MAX];

	memset(longest, 'n', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	snprintf(line, sizeof(line), "name=%s mem=2M", longest);
	accepted(parse(line));
	assert_string_equal(parse(line)->cfg.name, longest);
	snprintf(line, sizeof(line), "name=%sx mem=2M", longest);
	{
		char want[128];

		snprintf(want, sizeof(want), "bad name=%sx", longest);
		refused(line, -ERR_RANGE, want);
	}
	refused("name=a!b mem=2M", -ERR_INVAL, "bad name=a!b");
	refused("name= mem=2M", -ERR_INVAL, "option needs a value: 'name='");
	accepted(parse("name=A-z_0.9 mem=2M"));
	/* name= wins over the file name; without it the base name, less
	 * ".elf", is the name. */
	assert_string_equal(parse("/x/y/file.elf name=given mem=2M")->cfg.name, "given");
	assert_string_equal(parse("/x/y/guest.bin mem=2M")->cfg.name, "guest.bin");
	assert_string_equal(parse("/a.elf mem=2M")->cfg.name, "a");
	refused("mem=2M", -ERR_INVAL, "no name= and the file name is no usable name");
	refused("/x/bad!name.elf mem=2M", -ERR_INVAL,
		"no name= and the file name is no usable name");
	refused("/x/abcdefghijabcdefghijabcdefghijabc.elf mem=2M", -ERR_INVAL,
		"no name= and the file name is no usable name");
	refused("name=a name=b mem=2M", -ERR_EXIST, "name= given twice");
}

static void test_sizes(void **state)
{
	(void)state;
	const struct parsed *p = parse("name=s mem=2M maxmem=1G");

	accepted(p);
	assert_int_equal(p->cfg.mem, 2 * MiB);
	assert_int_equal(p->cfg.maxmem, 1024 * MiB);
	accepted(parse("name=s mem=64G"));
	accepted(parse("name=s mem=4096K maxmem=4M")); /* maxmem == mem */
	refused("name=s", -ERR_INVAL, "no mem= (guest RAM size)");
	refused("name=s mem=1M", -ERR_RANGE,
		"mem=1048576 bytes: must be a multiple of 4K between 2M and 64G");
	refused("name=s mem=65G", -ERR_RANGE,
		"mem=69793218560 bytes: must be a multiple of 4K between 2M and 64G");
	refused("name=s mem=2100000", -ERR_RANGE,
		"mem=2100000 bytes: must be a multiple of 4K between 2M and 64G");
	refused("name=s mem=4M maxmem=2M", -ERR_RANGE,
		"maxmem=2097152 bytes: must be a multiple of 4K and >= mem");
	refused("name=s mem=4M maxmem=4194305", -ERR_RANGE,
		"maxmem=4194305 bytes: must be a multiple of 4K and >= mem");
	refused("name=s mem=lots", -ERR_INVAL,
		"bad size in 'mem=lots' (a number with optional K, M or G)");
	refused("name=s mem=4T", -ERR_INVAL,
		"bad size in 'mem=4T' (a number with optional K, M or G)");
	refused("name=s mem=2M mem=4M", -ERR_EXIST, "mem= given twice");
}

static void test_weight(void **state)
{
	(void)state;
	assert_int_equal(parse("name=w mem=2M weight=1000")->cfg.weight, GUEST_WEIGHT_MAX);
	assert_int_equal(parse("name=w mem=2M weight=0042")->cfg.weight, 42);
	refused("name=w mem=2M weight=0", -ERR_RANGE, "bad weight=0");
	refused("name=w mem=2M weight=1001", -ERR_RANGE, "bad weight=1001");
	refused("name=w mem=2M weight=12345", -ERR_RANGE, "bad weight=12345");
	refused("name=w mem=2M weight=2x", -ERR_INVAL, "bad weight=2x");
	refused("name=w mem=2M weight=-1", -ERR_INVAL, "bad weight=-1");
}

static void test_start(void **state)
{
	(void)state;
	const char *why = "bad start=%s (now, manual or after:SECONDS up to 86400)";
	char want[WHY_LEN];
	const struct parsed *p = parse("name=t mem=2M start=after:86400");

	accepted(p);
	assert_int_equal(p->cfg.start, START_AFTER);
	assert_int_equal(p->cfg.start_after_s, GUEST_START_AFTER_MAX_S);
	assert_int_equal(parse("name=t mem=2M start=after:0")->cfg.start_after_s, 0);
	snprintf(want, sizeof(want), why, "after:86401");
	refused("name=t mem=2M start=after:86401", -ERR_RANGE, want);
	snprintf(want, sizeof(want), why, "after:100000");
	refused("name=t mem=2M start=after:100000", -ERR_RANGE, want);
	snprintf(want, sizeof(want), why, "after:");
	refused("name=t mem=2M start=after:", -ERR_INVAL, want);
	snprintf(want, sizeof(want), why, "after:1m");
	refused("name=t mem=2M start=after:1m", -ERR_INVAL, want);
	snprintf(want, sizeof(want), why, "later");
	refused("name=t mem=2M start=later", -ERR_INVAL, want);
	snprintf(want, sizeof(want), why, "nowish");
	refused("name=t mem=2M start=nowish", -ERR_INVAL, want);
}

static void test_disk(void **state)
{
	(void)state;
	char line[128], want[WHY_LEN];
	const char *why = "bad disk_size=%s (a multiple of 512 bytes, 1 sector to %lluG)";
	unsigned long long max_g = (unsigned long long)(DISK_MAX_BYTES >> 30);
	const struct parsed *p = parse("name=d mem=2M disk_size=512");

	accepted(p);
	assert_true(p->cfg.disk.present); /* a blank disk */
	assert_string_equal(p->cfg.disk.image, "");
	assert_int_equal(p->cfg.disk.size, 512);
	p = parse("name=d mem=2M disk=root.img");
	accepted(p);
	assert_true(p->cfg.disk.present);
	assert_string_equal(p->cfg.disk.image, "root.img");
	assert_int_equal(p->cfg.disk.size, 0); /* the image's own */
	snprintf(line, sizeof(line), "name=d mem=2M disk_size=%lluG", max_g);
	accepted(parse(line));
	snprintf(line, sizeof(line), "name=d mem=2M disk_size=%lluG", max_g + 1);
	snprintf(want, sizeof(want), why, line + strlen("name=d mem=2M disk_size="), max_g);
	refused(line, -ERR_RANGE, want);
	snprintf(want, sizeof(want), why, "1000", max_g);
	refused("name=d mem=2M disk_size=1000", -ERR_RANGE, want);
	snprintf(want, sizeof(want), why, "0", max_g);
	refused("name=d mem=2M disk_size=0", -ERR_RANGE, want);
	refused("name=d mem=2M disk=a:b", -ERR_INVAL, "bad disk=a:b");
}

static void test_pass_through_bounds(void **state)
{
	(void)state;
	char *line = malloc(FALLOW_CMDLINE_MAX * 2);
	size_t n = (size_t)sprintf(line, "name=p mem=2M");
	char want[WHY_LEN];

	/* 100-byte words: ten fit in 1023 bytes with their spaces, the
	 * eleventh does not. */
	for (int i = 0; i < 10; i++) {
		line[n++] = ' ';
		memset(line + n, 'a' + i, 100);
		n += 100;
	}
	line[n] = '\0';
	accepted(parse(line));
	assert_int_equal(strlen(parse(line)->cfg.cmdline), 10 * 100 + 9);
	strcpy(line + n, " ok");
	accepted(parse(line));
	strcpy(line + n, " tail-of-twenty-bytes");
	snprintf(want, sizeof(want), "command line longer than %u bytes",
		 FALLOW_CMDLINE_MAX - 1);
	refused(line, -ERR_RANGE, want);
	/* A word longer than the tokenizer takes is malformed, quoted short. */
	n = (size_t)sprintf(line, "name=p mem=2M ");
	memset(line + n, 'w', 300);
	line[n + 300] = '\0';
	memset(want, 0, sizeof(want));
	snprintf(want, sizeof(want), "malformed word '%.40s'", line + n);
	refused(line, -ERR_RANGE, want);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_kind_linux),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_weight),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_pass_through_bounds),
	};

	return cmocka_run_group_tests_name("guest config", tests, NULL, NULL);
}
