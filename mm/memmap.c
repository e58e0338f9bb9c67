/* Multiboot2 information parser. Everything in the structure came from
 * the boot loader and is checked before use: every length against the
 * space that holds it, every string for its terminator. Fields are read a
 * byte at a time, so nothing depends on the loader's alignment. */
#include "mm/memmap.h"
#include "mm/pfnrange.h"
#include "lib/fmt.h"
#include "lib/err.h"

#include <stdbool.h>

/* Layout facts from the multiboot2 specification. */
#define MB2_INFO_HEADER 8  /* u32 total_size, u32 reserved */
#define MB2_TAG_HEADER 8   /* u32 type, u32 size (padding not included) */
#define MB2_TAG_ALIGN 8
#define MB2_MODULE_STRING 16 /* after u32 mod_start, u32 mod_end */
#define MB2_MMAP_ENTRIES 16  /* after u32 entry_size, u32 entry_version */
#define MB2_MMAP_ENTRY_MIN 24 /* u64 base, u64 length, u32 type, u32 reserved */
#define MB2_MMAP_ENTRY_ALIGN 8
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

struct mb2_parser {
	const uint8_t *mbi;
	uint32_t total;
	struct boot_info *out;
	bool seen_cmdline, seen_loader, seen_mmap, seen_new_rsdp;
};

/* The reason behind the last failure: one line, handed out through *why. */
#define WHY_MAX 160
static char why_text[WHY_MAX];

#define WHY(...) fmt_snprintf(why_text, sizeof(why_text), __VA_ARGS__)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* A reason naming the tag at `off` and what is wrong with it. */
static void why_tag(const char *what, uint32_t off, const char *problem)
{
	WHY("multiboot2: %s tag at offset %u: %s", what, off, problem);
}

/* The NUL-terminated string at [off, size) of the tag at `tag`, or NULL. */
static const char *tag_string(const uint8_t *tag, uint32_t off, uint32_t size)
{
	for (uint32_t i = off; i < size; i++)
		if (tag[i] == '\0')
			return (const char *)tag + off;
	return NULL;
}

static int parse_string_tag(struct mb2_parser *ps, uint32_t off, uint32_t size,
			    const char *what, bool *seen, const char **dst)
{
	const char *s = tag_string(ps->mbi + off, MB2_TAG_HEADER, size);

	if (*seen) {
		why_tag(what, off, "appears twice");
		return -ERR_INVAL;
	}
	if (s == NULL) {
		why_tag(what, off, "string not NUL-terminated inside the tag");
		return -ERR_INVAL;
	}
	*seen = true;
	*dst = s;
	return 0;
}

static int parse_module(struct mb2_parser *ps, uint32_t off, uint32_t size)
{
	const uint8_t *tag = ps->mbi + off;
	struct boot_module *m;
	const char *s;

	if (size < MB2_MODULE_STRING + 1) {
		WHY("multiboot2: module tag at offset %u: size %u too small", off, size);
		return -ERR_INVAL;
	}
	s = tag_string(tag, MB2_MODULE_STRING, size);
	if (s == NULL) {
		why_tag("module", off, "command line not NUL-terminated inside the tag");
		return -ERR_INVAL;
	}
	if (ps->out->nmodules == MEMMAP_MAX_MODULES) {
		WHY("multiboot2: more than %u modules", MEMMAP_MAX_MODULES);
		return -ERR_RANGE;
	}
	m = &ps->out->modules[ps->out->nmodules++];
	m->start = rd32(tag + MB2_TAG_HEADER);
	m->end = rd32(tag + MB2_TAG_HEADER + 4);
	m->cmdline = s;
	return 0;
}

static int mmap_layout_error(uint32_t off, const char *what, uint32_t v)
{
	WHY("multiboot2: memory map tag at offset %u: %s%u", off, what, v);
	return -ERR_INVAL;
}

static int add_region(struct mb2_parser *ps, uint32_t off, const uint8_t *e, uint32_t idx)
{
	struct mem_region r = { .base = rd64(e), .len = rd64(e + 8), .type = rd32(e + 16) };

	if (r.len == 0)
		return 0;
	if (r.len > UINT64_MAX - r.base) {
		WHY("multiboot2: memory map tag at offset %u: entry %u wraps past 2^64",
		    off, idx);
		return -ERR_RANGE;
	}
	if (ps->out->nregions == MEMMAP_MAX_REGIONS) {
		WHY("multiboot2: memory map has more than %u regions", MEMMAP_MAX_REGIONS);
		return -ERR_RANGE;
	}
	ps->out->regions[ps->out->nregions++] = r;
	return 0;
}

static int parse_mmap(struct mb2_parser *ps, uint32_t off, uint32_t size)
{
	const uint8_t *tag = ps->mbi + off;
	uint32_t entry_size, n;

	if (ps->seen_mmap) {
		why_tag("memory map", off, "appears twice");
		return -ERR_INVAL;
	}
	ps->seen_mmap = true;
	if (size < MB2_MMAP_ENTRIES)
		return mmap_layout_error(off, "tag size too small: ", size);
	entry_size = rd32(tag + MB2_TAG_HEADER);
	if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % MB2_MMAP_ENTRY_ALIGN != 0)
		return mmap_layout_error(off, "bad entry_size ", entry_size);
	if ((size - MB2_MMAP_ENTRIES) % entry_size != 0)
		return mmap_layout_error(off, "size not a whole number of entries: ", size);
	n = (size - MB2_MMAP_ENTRIES) / entry_size;
	for (uint32_t i = 0; i < n; i++) {
		int err = add_region(ps, off, tag + MB2_MMAP_ENTRIES + i * entry_size, i);

		if (err < 0)
			return err;
	}
	return 0;
}

/* The RSDP copy; the new (ACPI 2.0+) one wins over the old. */
static int parse_rsdp(struct mb2_parser *ps, uint32_t off, uint32_t size, uint32_t type)
{
	bool is_new = type == MB2_TAG_ACPI_NEW;
	uint32_t need = is_new ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;

	if (size - MB2_TAG_HEADER < need) {
		WHY("multiboot2: ACPI %s RSDP tag at offset %u: size %u too small",
		    is_new ? "new" : "old", off, size);
		return -ERR_INVAL;
	}
	if (is_new || !ps->seen_new_rsdp) {
		ps->out->acpi_rsdp = ps->mbi + off + MB2_TAG_HEADER;
		ps->out->acpi_rsdp_len = size - MB2_TAG_HEADER;
	}
	ps->seen_new_rsdp |= is_new;
	return 0;
}

static int parse_tag(struct mb2_parser *ps, uint32_t off, uint32_t type, uint32_t size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(ps, off, size, "command line",
					&ps->seen_cmdline, &ps->out->cmdline);
	case MB2_TAG_LOADER_NAME:
		return parse_string_tag(ps, off, size, "boot loader name",
					&ps->seen_loader, &ps->out->loader_name);
	case MB2_TAG_MODULE:
		return parse_module(ps, off, size);
	case MB2_TAG_MMAP:
		return parse_mmap(ps, off, size);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_rsdp(ps, off, size, type);
	default:
		return 0; /* framebuffer, ELF sections, ...: not ours */
	}
}

static int bad_tag_size(uint32_t off, uint32_t type, uint32_t size, uint32_t total)
{
	if (size < MB2_TAG_HEADER)
		WHY("multiboot2: tag %u at offset %u has size %u, less than its header",
		    type, off, size);
	else if (type == MB2_TAG_END)
		WHY("multiboot2: end tag at offset %u has size %u, not 8", off, size);
	else
		WHY("multiboot2: tag %u at offset %u runs past total_size %u",
		    type, off, total);
	return -ERR_INVAL;
}

static int walk_tags(struct mb2_parser *ps)
{
	uint64_t off = MB2_INFO_HEADER;

	for (;;) {
		uint32_t type, size;
		int err;

		if (off + MB2_TAG_HEADER > ps->total) {
			WHY("multiboot2: no end tag within total_size %u", ps->total);
			return -ERR_INVAL;
		}
		type = rd32(ps->mbi + off);
		size = rd32(ps->mbi + off + 4);
		if (size < MB2_TAG_HEADER || size > ps->total - off ||
		    (type == MB2_TAG_END && size != MB2_TAG_HEADER))
			return bad_tag_size((uint32_t)off, type, size, ps->total);
		if (type == MB2_TAG_END)
			return 0;
		err = parse_tag(ps, (uint32_t)off, type, size);
		if (err < 0)
			return err;
		off += ((uint64_t)size + MB2_TAG_ALIGN - 1) & ~(uint64_t)(MB2_TAG_ALIGN - 1);
	}
}

static int check_header(const uint8_t *mbi, paddr_t mbi_pa, size_t limit, uint32_t *total)
{
	if (mbi == NULL || limit < MB2_INFO_HEADER) {
		WHY("multiboot2: information structure missing or truncated");
		return -ERR_INVAL;
	}
	if (mbi_pa % MB2_TAG_ALIGN != 0) {
		WHY("multiboot2: information structure at 0x%llx is not 8-byte aligned",
		    (unsigned long long)mbi_pa);
		return -ERR_INVAL;
	}
	*total = rd32(mbi);
	if (*total < MB2_INFO_HEADER) {
		WHY("multiboot2: total_size %u smaller than its header", *total);
		return -ERR_INVAL;
	}
	if (*total > limit || *total > UINT64_MAX - mbi_pa) {
		WHY("multiboot2: total_size %u exceeds the limit of %zu bytes", *total, limit);
		return -ERR_RANGE;
	}
	return 0;
}

int memmap_parse(const void *mbi, paddr_t mbi_pa, size_t limit,
		 struct boot_info *out, const char **why)
{
	struct mb2_parser ps = { .mbi = mbi, .out = out };
	int err;

	__builtin_memset(out, 0, sizeof(*out));
	out->cmdline = "";
	out->loader_name = "";
	err = check_header(mbi, mbi_pa, limit, &ps.total);
	if (err == 0)
		err = walk_tags(&ps);
	if (err == 0 && !ps.seen_mmap) {
		WHY("multiboot2: memory map tag missing");
		err = -ERR_NOENT;
	}
	if (err < 0) {
		if (why != NULL)
			*why = why_text;
		return err;
	}
	out->mbi_start = mbi_pa;
	out->mbi_end = mbi_pa + ps.total;
	return 0;
}

/* Scratch for the union of usable regions. */
static struct pfn_range usable_scratch[MEMMAP_MAX_REGIONS];

uint64_t memmap_usable_bytes(const struct boot_info *bi)
{
	unsigned n = 0;
	uint64_t sum = 0;

	/* pfn_range_normalize() works on any [start, end) units: bytes here. */
	for (unsigned i = 0; i < bi->nregions && i < MEMMAP_MAX_REGIONS; i++) {
		const struct mem_region *r = &bi->regions[i];

		if (r->type != MEM_USABLE)
			continue;
		usable_scratch[n].start = r->base;
		usable_scratch[n].end = r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;
		n++;
	}
	pfn_range_normalize(usable_scratch, &n);
	for (unsigned i = 0; i < n; i++)
		sum += usable_scratch[i].end - usable_scratch[i].start;
	return sum;
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}
