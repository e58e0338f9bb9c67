/* Object files: one per source file, laid out one after another past the
 * image, each obj_pct percent of its source (at least a page). A page's
 * contents are a function of (file, round, page): a round's objects
 * differ from the last round's, so a stale page read back is caught.
 * Every fourth page is padding that is the same in every object, as
 * sections padded to alignment are: tmem can deduplicate it. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/rt.h"

#define NOISE_WORDS (WL_WORDS / 4)
#define PADDING_EVERY 4u
#define PADDING_WORD 0x90909090c3c3c3c3ull /* nop nop ... ret ret */

static uint64_t *start; /* each object's first sector */
static uint64_t end;

int obj_layout(uint64_t first_sector)
{
	start = mem_table((uint64_t)tree_count() * sizeof(*start));
	if (!start)
		return -FALLOW_ENOMEM;
	end = first_sector;
	for (uint32_t i = 0; i < tree_count(); i++) {
		start[i] = end;
		end += (uint64_t)obj_pages(i) * WL_SECTORS_PER_PAGE;
	}
	return 0;
}

uint32_t obj_pages(uint32_t file)
{
	uint64_t p = ((uint64_t)tree_file(file)->pages * wl_opt.obj_pct + 99) / 100;

	return p ? (uint32_t)p : 1;
}

uint64_t obj_sector(uint32_t file)
{
	return start[file];
}

uint64_t obj_end_sector(void)
{
	return end;
}

static uint64_t obj_word(uint32_t file, uint32_t round, uint32_t page, unsigned i)
{
	uint64_t x;

	if (page % PADDING_EVERY == PADDING_EVERY - 1)
		return PADDING_WORD;
	x = ((uint64_t)file << 40 | (uint64_t)round << 32 | page) * 0x9e3779b97f4a7c15ull;
	if (i >= NOISE_WORDS)
		return x + (i & 7); /* relocations: a short repeating pattern */
	x += i;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

void obj_fill(uint32_t file, uint32_t round, uint32_t page, void *data)
{
	uint64_t *w = data;

	for (unsigned i = 0; i < WL_WORDS; i++)
		w[i] = obj_word(file, round, page, i);
}

void obj_verify(uint32_t file, uint32_t round, uint32_t page, const void *data)
{
	const uint64_t *w = data;

	for (unsigned i = 0; i < WL_WORDS; i++) {
		uint64_t want = obj_word(file, round, page, i);

		if (w[i] != want)
			wl_mismatch("object", file, page, i, w[i], want);
	}
	wl_count.pages_verified++;
}
