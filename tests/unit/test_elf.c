/* guest/load/elf.c: a real image the host compiler linked loads byte for
 * byte; hand-made images with one field broken at a time are each
 * refused with their reason, and a refused image writes nothing. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest-abi/fallow_abi.h"
#include "guest/load/elf.h"
#include "lib/err.h"
#include "tests/unit/support_load.h"

#define RAM (4ull << 20)
#define WHY_LEN 160
#define PAGE 0x1000u

/* The hand-made image: header, two program headers, then a text page
 * (RX, at the image base, entry inside) and a data page (RW, bss after
 * its file bytes). */
#define TEXT_OFF PAGE
#define TEXT_GPA FALLOW_IMAGE_BASE
#define TEXT_BYTES 0x100u
#define DATA_OFF (2 * PAGE)
#define DATA_GPA (FALLOW_IMAGE_BASE + PAGE)
#define DATA_FILE 0x80u
#define DATA_MEM (2 * PAGE)
#define ENTRY (TEXT_GPA + 0x10)
#define IMG_SIZE (3 * PAGE)

struct img {
	uint8_t bytes[IMG_SIZE];
	struct elf64_ehdr *eh;
	struct elf64_phdr *ph;
};

static void img_make(struct img *m)
{
	memset(m->bytes, 0, sizeof(m->bytes));
	m->eh = (struct elf64_ehdr *)m->bytes;
	m->ph = (struct elf64_phdr *)(m->bytes + sizeof(*m->eh));
	*m->eh = (struct elf64_ehdr){
		.e_ident = { ELF_MAGIC0, 'E', 'L', 'F', ELF_CLASS64, ELF_DATA2LSB, ELF_EV_CURRENT },
		.e_type = ELF_ET_EXEC, .e_machine = ELF_EM_X86_64, .e_version = ELF_EV_CURRENT,
		.e_entry = ENTRY, .e_phoff = sizeof(*m->eh), .e_ehsize = sizeof(*m->eh),
		.e_phentsize = sizeof(*m->ph), .e_phnum = 2,
	};
	m->ph[0] = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_X | 4, TEXT_OFF, TEXT_GPA, TEXT_GPA,
					TEXT_BYTES, TEXT_BYTES, PAGE };
	m->ph[1] = (struct elf64_phdr){ ELF_PT_LOAD, 6, DATA_OFF, DATA_GPA, DATA_GPA, DATA_FILE,
					DATA_MEM, PAGE };
	for (unsigned i = 0; i < TEXT_BYTES; i++)
		m->bytes[TEXT_OFF + i] = (uint8_t)(0x90 + i);
	for (unsigned i = 0; i < DATA_FILE; i++)
		m->bytes[DATA_OFF + i] = (uint8_t)(0x40 ^ i);
}

struct run {
	struct test_target tt;
	struct elf_image out;
	char why[WHY_LEN];
	int rc;
};

static void run(struct run *r, const void *image, uint64_t size, uint64_t ram, int fail_at)
{
	test_target_init(&r->tt, ram, 1);
	r->tt.fail_at = fail_at;
	r->why[0] = '\0';
	r->rc = load_elf(&r->tt.t, image, size, &r->out, r->why, sizeof(r->why));
}

static void test_handmade_loads(void **state)
{
	(void)state;
	static struct img m;
	struct run r;

	img_make(&m);
	run(&r, m.bytes, IMG_SIZE, RAM, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.out.entry, ENTRY);
	assert_int_equal(r.out.start, TEXT_GPA);
	assert_int_equal(r.out.end, DATA_GPA + DATA_MEM);
	/* File bytes only: RAM starts zeroed, so bss costs no write. */
	assert_int_equal(r.tt.nwrites, 2);
	assert_int_equal(r.tt.writes[0].gpa, TEXT_GPA);
	assert_int_equal(r.tt.writes[0].size, TEXT_BYTES);
	assert_int_equal(r.tt.writes[1].gpa, DATA_GPA);
	assert_int_equal(r.tt.writes[1].size, DATA_FILE);
	assert_memory_equal(r.tt.ram + TEXT_GPA, m.bytes + TEXT_OFF, TEXT_BYTES);
	assert_memory_equal(r.tt.ram + DATA_GPA, m.bytes + DATA_OFF, DATA_FILE);
	test_target_assert_disjoint(&r.tt);
	test_target_free(&r.tt);
}

/* Segments that load nothing are skipped, however bogus. */
static void test_ignored_segments(void **state)
{
	(void)state;
	static struct img m;
	struct run r;

	img_make(&m);
	m.eh->e_phnum = 4;
	m.ph[2] = (struct elf64_phdr){ .p_type = 4 /* PT_NOTE */, .p_offset = UINT64_MAX,
				       .p_filesz = UINT64_MAX, .p_paddr = 1 };
	m.ph[3] = (struct elf64_phdr){ .p_type = ELF_PT_LOAD, .p_paddr = 0, .p_vaddr = 7 };
	run(&r, m.bytes, IMG_SIZE, RAM, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.tt.nwrites, 2);
	test_target_free(&r.tt);
}

/* The image the host compiler linked, checked against what <elf.h>
 * reads from it. */
static void test_real_image(void **state)
{
	(void)state;
	uint64_t size;
	uint8_t *file = test_read_env_file("FALLOW_TEST_ELF", &size);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff);
	uint64_t end = 0;
	unsigned loads = 0;
	struct run r;

	run(&r, file, size, RAM, 0);
	if (r.rc)
		fail_msg("refused: %s", r.why);
	assert_int_equal(r.out.entry, eh->e_entry);
	assert_int_equal(r.out.start, FALLOW_IMAGE_BASE);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		assert_memory_equal(r.tt.ram + ph[i].p_paddr, file + ph[i].p_offset,
				    ph[i].p_filesz);
		if (ph[i].p_paddr + ph[i].p_memsz > end)
			end = ph[i].p_paddr + ph[i].p_memsz;
	}
	assert_true(loads >= 3); /* text, rodata, data + bss */
	assert_int_equal(r.out.end, end);
	assert_int_equal(r.tt.nwrites, loads);
	test_target_assert_disjoint(&r.tt);
	test_target_free(&r.tt);
	/* The same image in too little RAM: refused, nothing written. */
	run(&r, file, size, end - PAGE, 0);
	assert_int_equal(r.rc, -ERR_CORRUPT);
	assert_string_equal(r.why, "bad ELF image: segment does not fit in the guest's RAM");
	assert_int_equal(r.tt.nwrites, 0);
	test_target_free(&r.tt);
	/* Cut short: the last segment's bytes are past the end. */
	run(&r, file, ph[eh->e_phnum - 1].p_offset + 1, RAM, 0);
	assert_int_equal(r.rc, -ERR_CORRUPT);
	assert_int_equal(r.tt.nwrites, 0);
	test_target_free(&r.tt);
	free(file);
}

/* One broken field per case; every one is refused before any write. */
struct bad {
	const char *reason;
	void (*breakit)(struct img *m, uint64_t *size);
};

#define BAD(name, body) \
	static void name(struct img *m, uint64_t *size) { (void)m; (void)size; body; }

BAD(short_file, *size = sizeof(struct elf64_ehdr) - 1)
BAD(bad_magic, m->eh->e_ident[1] = 'X')
BAD(bad_magic0, m->eh->e_ident[0] = 0)
BAD(class32, m->eh->e_ident[4] = 1)
BAD(big_endian, m->eh->e_ident[5] = 2)
BAD(ident_version, m->eh->e_ident[6] = 2)
BAD(header_version, m->eh->e_version = 0)
BAD(not_exec, m->eh->e_type = 3 /* ET_DYN */)
BAD(machine_i386, m->eh->e_machine = 3 /* EM_386 */)
BAD(machine_arm, m->eh->e_machine = 183 /* EM_AARCH64 */)
BAD(ehsize, m->eh->e_ehsize = 52)
BAD(phentsize, m->eh->e_phentsize = 32)
BAD(no_phdrs, m->eh->e_phnum = 0)
BAD(many_phdrs, m->eh->e_phnum = ELF_MAX_PHDRS + 1)
BAD(phoff_past_end, m->eh->e_phoff = IMG_SIZE + 8)
BAD(phdrs_cross_end, m->eh->e_phoff = IMG_SIZE - sizeof(struct elf64_phdr))
BAD(phoff_huge, m->eh->e_phoff = UINT64_MAX - 7)
BAD(phoff_misaligned, memmove(m->bytes + 68, m->ph, 2 * sizeof(*m->ph)); m->eh->e_phoff = 68)
BAD(filesz_over_memsz, m->ph[1].p_filesz = DATA_MEM + 1)
BAD(data_past_file, m->ph[1].p_offset = IMG_SIZE - 8)
BAD(offset_huge, m->ph[0].p_offset = UINT64_MAX)
BAD(vaddr_differs, m->ph[1].p_vaddr += PAGE)
BAD(below_base, m->ph[0].p_paddr = m->ph[0].p_vaddr = FALLOW_IMAGE_BASE - PAGE)
BAD(past_ram, m->ph[1].p_paddr = m->ph[1].p_vaddr = RAM - PAGE)
BAD(starts_past_ram, m->ph[1].p_paddr = m->ph[1].p_vaddr = RAM)
BAD(wraps, m->ph[1].p_paddr = m->ph[1].p_vaddr = UINT64_MAX - 16)
BAD(overlapping, m->ph[1].p_paddr = m->ph[1].p_vaddr = TEXT_GPA + TEXT_BYTES - 1)
BAD(same_place, m->ph[1].p_paddr = m->ph[1].p_vaddr = TEXT_GPA)
BAD(entry_in_data, m->eh->e_entry = DATA_GPA)
BAD(entry_past_text, m->eh->e_entry = TEXT_GPA + TEXT_BYTES)
BAD(entry_outside, m->eh->e_entry = 0)
BAD(text_not_exec, m->ph[0].p_flags = 4)
BAD(nothing_loads, m->ph[0].p_type = m->ph[1].p_type = 4)
BAD(all_empty, m->ph[0].p_memsz = m->ph[1].p_memsz = 0)

static const struct bad bads[] = {
	{ "shorter than an ELF64 header", short_file },
	{ "no ELF magic", bad_magic },
	{ "no ELF magic", bad_magic0 },
	{ "not ELFCLASS64", class32 },
	{ "not little-endian", big_endian },
	{ "unknown ELF version", ident_version },
	{ "unknown ELF version", header_version },
	{ "not ET_EXEC", not_exec },
	{ "not x86_64", machine_i386 },
	{ "not x86_64", machine_arm },
	{ "e_ehsize is not 64", ehsize },
	{ "e_phentsize is not 56", phentsize },
	{ "e_phnum is 0 or more than 16", no_phdrs },
	{ "e_phnum is 0 or more than 16", many_phdrs },
	{ "program headers outside the file", phoff_past_end },
	{ "program headers outside the file", phdrs_cross_end },
	{ "program headers outside the file", phoff_huge },
	{ "program headers misaligned", phoff_misaligned },
	{ "segment p_filesz > p_memsz", filesz_over_memsz },
	{ "segment data outside the file", data_past_file },
	{ "segment data outside the file", offset_huge },
	{ "segment p_vaddr != p_paddr (guests run identity-mapped)", vaddr_differs },
	{ "segment below FALLOW_IMAGE_BASE", below_base },
	{ "segment does not fit in the guest's RAM", past_ram },
	{ "segment does not fit in the guest's RAM", starts_past_ram },
	{ "segment does not fit in the guest's RAM", wraps },
	{ "segments overlap", overlapping },
	{ "segments overlap", same_place },
	{ "entry point not in an executable segment", entry_in_data },
	{ "entry point not in an executable segment", entry_past_text },
	{ "entry point not in an executable segment", entry_outside },
	{ "entry point not in an executable segment", text_not_exec },
	{ "no loadable segment", nothing_loads },
	{ "no loadable segment", all_empty },
};

static void test_malformed_refused(void **state)
{
	(void)state;
	static struct img m;
	char want[WHY_LEN];
	struct run r;

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		uint64_t size = IMG_SIZE;

		img_make(&m);
		bads[i].breakit(&m, &size);
		run(&r, m.bytes, size, RAM, 0);
		snprintf(want, sizeof(want), "bad ELF image: %s", bads[i].reason);
		if (r.rc != -ERR_CORRUPT || strcmp(r.why, want))
			fail_msg("case %zu: got %d '%s', want '%s'", i, r.rc, r.why, want);
		if (r.tt.nwrites)
			fail_msg("case %zu (%s): %u writes before the refusal", i, want,
				 r.tt.nwrites);
		test_target_free(&r.tt);
	}
}

/* A target that refuses a write: the load fails and says so. */
static void test_write_refused(void **state)
{
	(void)state;
	static struct img m;
	struct run r;

	img_make(&m);
	for (int at = 1; at <= 2; at++) {
		run(&r, m.bytes, IMG_SIZE, RAM, at);
		assert_int_equal(r.rc, -ERR_CORRUPT);
		assert_string_equal(r.why, "bad ELF image: segment write failed");
		assert_int_equal(r.tt.nwrites, at - 1);
		test_target_free(&r.tt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handmade_loads),
		cmocka_unit_test(test_ignored_segments),
		cmocka_unit_test(test_real_image),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_write_refused),
	};

	return cmocka_run_group_tests_name("elf loader", tests, NULL, NULL);
}
