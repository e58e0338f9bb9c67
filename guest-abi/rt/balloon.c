/* The balloon driver: which pages are released is a bitmap over RAM held
 * in pages taken from the allocator at init (never released themselves).
 * Released pages leave the allocator through page_take and come back
 * through page_give only once the hypervisor has populated them again. */
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/pages.h"
#include "guest-abi/rt/rt.h"

#define BITS_PER_MAP_PAGE (FALLOW_PAGE_SIZE * 8u)
#define MAP_PAGES_MAX ((uint64_t)(FALLOW_MAX_RAM / FALLOW_PAGE_SIZE / BITS_PER_MAP_PAGE))
/* Pages populated at once when the allocator runs dry: enough that a
 * burst of allocations costs few hypercalls. */
#define BALLOON_REFILL_PAGES 64u

static uint8_t *map[MAP_PAGES_MAX];
static uint64_t ram_pages, held, cursor;
static bool ready;
/* The gfn list of one call: in the image, which is never released. */
static uint64_t batch[FALLOW_BALLOON_BATCH_MAX];

static bool is_held(uint64_t gfn)
{
	return map[gfn / BITS_PER_MAP_PAGE][gfn % BITS_PER_MAP_PAGE / 8] & (1u << (gfn % 8));
}

static void mark(uint64_t gfn, bool on)
{
	uint8_t *byte = &map[gfn / BITS_PER_MAP_PAGE][gfn % BITS_PER_MAP_PAGE / 8];

	*byte = on ? (uint8_t)(*byte | (1u << (gfn % 8)))
		   : (uint8_t)(*byte & ~(1u << (gfn % 8)));
}

int balloon_init(void)
{
	if (ready)
		return 0;
	ram_pages = rt_start_info()->ram_bytes / FALLOW_PAGE_SIZE;
	for (uint64_t i = 0; i * BITS_PER_MAP_PAGE < ram_pages; i++) {
		map[i] = page_alloc();
		if (!map[i])
			return -FALLOW_ENOMEM;
		memset(map[i], 0, FALLOW_PAGE_SIZE);
	}
	ready = true;
	return 0;
}

static uint64_t to_gfn(const void *page)
{
	return (uint64_t)(uintptr_t)page / FALLOW_PAGE_SIZE;
}

static void *to_page(uint64_t gfn)
{
	return (void *)(uintptr_t)(gfn * FALLOW_PAGE_SIZE);
}

/* One call's worth; returns the pages released. */
static uint64_t release_batch(uint64_t want)
{
	uint64_t k = 0, done;

	while (k < want && k < FALLOW_BALLOON_BATCH_MAX) {
		void *p = page_take();

		if (!p)
			break;
		batch[k++] = to_gfn(p);
	}
	if (!k)
		return 0;
	int64_t r = hc_balloon_release(batch, k);

	done = r > 0 ? (uint64_t)r : 0;
	for (uint64_t i = 0; i < done; i++)
		mark(batch[i], true);
	for (uint64_t i = done; i < k; i++) /* refused: still ours and mapped */
		page_give(to_page(batch[i]));
	held += done;
	return done;
}

uint64_t balloon_release(uint64_t n)
{
	uint64_t done = 0;

	while (ready && done < n) {
		uint64_t want = n - done;
		uint64_t got = release_batch(want);

		done += got;
		if (got < (want < FALLOW_BALLOON_BATCH_MAX ? want : FALLOW_BALLOON_BATCH_MAX))
			break;
	}
	return done;
}

/* Collects up to `want` held gfns, scanning on from the last position. */
static uint64_t collect_held(uint64_t want)
{
	uint64_t k = 0;

	for (uint64_t scanned = 0; k < want && scanned < ram_pages; scanned++) {
		if (is_held(cursor))
			batch[k++] = cursor;
		cursor = (cursor + 1) % ram_pages;
	}
	return k;
}

uint64_t balloon_populate(uint64_t n)
{
	uint64_t done = 0;

	while (ready && done < n && held) {
		uint64_t want = n - done < FALLOW_BALLOON_BATCH_MAX ? n - done
								   : FALLOW_BALLOON_BATCH_MAX;
		uint64_t k = collect_held(want);

		if (!k)
			break;
		int64_t r = hc_balloon_populate(batch, k);
		uint64_t got = r > 0 ? (uint64_t)r : 0;

		for (uint64_t i = 0; i < got; i++) {
			mark(batch[i], false);
			page_give(to_page(batch[i]));
		}
		held -= got;
		done += got;
		if (got < k)
			break;
	}
	return done;
}

uint64_t balloon_set_actual(uint64_t pages)
{
	uint64_t now = balloon_actual();

	if (now > pages)
		balloon_release(now - pages);
	else if (now < pages)
		balloon_populate(pages - now);
	return balloon_actual();
}

uint64_t balloon_refill(void)
{
	return ready && held ? balloon_populate(BALLOON_REFILL_PAGES) : 0;
}

uint64_t balloon_ram_pages(void)
{
	return ram_pages;
}

uint64_t balloon_actual(void)
{
	return ram_pages - held;
}

uint64_t balloon_held(void)
{
	return held;
}
