/* The source tree on the disk image (guest-abi/ABI.md, "Disk image
 * format", written by tools/mkimage.py): a header, a table of files,
 * each file page-aligned with contents given by a formula of its seed
 * and offset (guest-abi/rt/disk.h), so every page read back is checked.
 * The formula costs tens of thousands of instructions a page, which
 * under an emulator is most of a compile's time: the first time a page
 * is read it is checked against the formula and its 64-bit hash is
 * kept, and every later read (from RAM, tmem or the disk) is checked
 * against that hash, still over every byte. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/disk.h"
#include "guest-abi/rt/rt.h"

#define TREE_MAX_FILES 65536u

static struct disk_image_file *entry; /* the table as the image has it */
static struct wl_file *files;
static uint32_t *headers;
static uint32_t *first_page; /* each file's first page in `sum` */
static uint64_t *sum;        /* per page of the tree: its hash, 0 unknown */
static uint32_t nfiles, nheaders;
static uint64_t end_sector;

/* Copies the header out of the bounce buffer, which is reused. */
static int read_header(struct disk_image_header *h)
{
	wl_disk_read(0, 1, wl_bounce);
	memcpy(h, wl_bounce, sizeof(*h));
	if (h->magic != DISK_IMAGE_MAGIC || h->version != DISK_IMAGE_VERSION ||
	    h->entry_size != sizeof(struct disk_image_file) || !h->nfiles ||
	    h->nfiles > TREE_MAX_FILES || h->total_sectors > wl_disk_sectors())
		return -FALLOW_EINVAL;
	return 0;
}

static int add_file(uint32_t i)
{
	const struct disk_image_file *e = &entry[i];
	uint32_t pages = (uint32_t)((e->bytes + WL_PAGE - 1) / WL_PAGE);
	uint64_t end = e->sector + (uint64_t)pages * WL_SECTORS_PER_PAGE;

	if (e->sector % WL_SECTORS_PER_PAGE || end > wl_disk_image_sectors() || end < e->sector)
		return -FALLOW_ERANGE;
	files[i] = (struct wl_file){ e->sector, e->bytes, pages,
				     (e->flags & DISK_IMAGE_FILE_HEADER) != 0 };
	if (files[i].header)
		headers[nheaders++] = i;
	if (end > end_sector)
		end_sector = end;
	return 0;
}

int tree_load(void)
{
	struct disk_image_header h;
	uint64_t table_bytes, table_pages;
	int err = read_header(&h);

	if (err)
		return err;
	nfiles = h.nfiles;
	table_bytes = (uint64_t)nfiles * sizeof(*entry);
	table_pages = (table_bytes + WL_PAGE - 1) / WL_PAGE;
	entry = mem_table(table_pages * WL_PAGE);
	files = mem_table((uint64_t)nfiles * sizeof(*files));
	headers = mem_table((uint64_t)nfiles * sizeof(*headers));
	first_page = mem_table((uint64_t)nfiles * sizeof(*first_page));
	if (!entry || !files || !headers || !first_page)
		return -FALLOW_ENOMEM;
	/* The table sits in adjacent pages: read it straight in. */
	wl_disk_read(h.table_sector, (uint32_t)table_pages, entry);
	uint64_t pages = 0;

	for (uint32_t i = 0; i < nfiles; i++) {
		if ((err = add_file(i)))
			return err;
		first_page[i] = (uint32_t)pages;
		pages += files[i].pages;
	}
	sum = mem_table(pages * sizeof(*sum));
	return sum ? 0 : -FALLOW_ENOMEM;
}

uint32_t tree_count(void)
{
	return nfiles;
}

const struct wl_file *tree_file(uint32_t i)
{
	return &files[i];
}

uint32_t tree_header_count(void)
{
	return nheaders;
}

uint32_t tree_header(uint32_t n)
{
	return headers[n];
}

uint64_t tree_end_sector(void)
{
	return end_sector;
}

/* FNV-1a over words: every byte counts, and it is never 0 for a page
 * of the tree in practice (0 would only mean "check the formula"). */
static uint64_t page_hash(const uint64_t *w)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < WL_WORDS; i++)
		h = (h ^ w[i]) * 0x100000001b3ull;
	return h;
}

void tree_verify(uint32_t file, uint32_t page, const void *data)
{
	uint64_t *known = &sum[first_page[file] + page];
	uint64_t off = (uint64_t)page * WL_PAGE, bad;

	wl_count.pages_verified++;
	if (*known) {
		if (page_hash(data) != *known)
			wl_mismatch("source (hash)", file, page, 0, page_hash(data), *known);
		return;
	}
	bad = disk_image_check(&entry[file], off, data, WL_PAGE);
	if (bad != UINT64_MAX) {
		uint64_t i = (bad - off) / sizeof(uint64_t);

		wl_mismatch("source", file, page, i, ((const uint64_t *)data)[i], 0);
	}
	*known = page_hash(data);
}
