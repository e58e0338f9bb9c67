/* The workload's page cache. Entries live in an array taken at start
 * (like Linux's struct page array); pages come from the free memory the
 * runtime's allocator has, outside its count of pages in use, so the
 * cache is not "committed" memory and self-ballooning takes it away.
 * LRU order, a chained hash on (file, page). A page leaving RAM is put
 * into the ephemeral tmem pool (cleancache); a RAM miss tries a tmem get
 * before the disk, and consecutive disk misses are read in one call. */
#include "guest-abi/guests/workload/wl.h"
#include "guest-abi/rt/lru.h"
#include "guest-abi/rt/pages.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define CC_OID_TAG 0x776b6c64ull /* "wkld": the object id's second word */

struct centry {
	uint64_t key; /* file << 32 | page */
	struct rt_lru_link lru; /* its link doubles as the free list's (lru.next) */
	uint32_t hnext;
	uint32_t gfn;
};

static struct centry *ent;
static uint32_t *bucket_head;
static uint32_t nent, nbuckets, free_ent = WL_NONE;
static struct rt_lru lru;
static uint64_t in_ram;
static int64_t pool = -FALLOW_ENOSYS;

static uint64_t key_of(uint32_t file, uint32_t page)
{
	return (uint64_t)file << 32 | page;
}

static void *page_of(uint32_t e)
{
	return (void *)(uintptr_t)((uint64_t)ent[e].gfn * WL_PAGE);
}

static uint32_t hash(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (nbuckets - 1);
}

int cache_init(uint64_t max_pages)
{
	if (max_pages >= WL_NONE)
		return -FALLOW_ERANGE;
	nent = (uint32_t)max_pages;
	for (nbuckets = 1; nbuckets < nent; nbuckets <<= 1)
		;
	ent = mem_table((uint64_t)nent * sizeof(*ent));
	bucket_head = mem_table((uint64_t)nbuckets * sizeof(*bucket_head));
	if (!ent || !bucket_head)
		return -FALLOW_ENOMEM;
	for (uint32_t b = 0; b < nbuckets; b++)
		bucket_head[b] = WL_NONE;
	rt_lru_init(&lru, &ent[0].lru, sizeof(ent[0]));
	for (uint32_t e = nent; e-- > 0;) {
		ent[e].lru.next = free_ent;
		free_ent = e;
	}
	pool = hc_tmem_new_pool(0, 0, 0);
	return 0;
}

bool cache_has_tmem(void)
{
	return pool >= 0;
}

uint64_t cache_pages(void)
{
	return in_ram;
}

static struct rt_oid oid_of(uint32_t file)
{
	return (struct rt_oid){ { file, CC_OID_TAG, 0 } };
}

/* ------------------------------------------------------------ lists */
static uint32_t find(uint64_t key)
{
	for (uint32_t e = bucket_head[hash(key)]; e != WL_NONE; e = ent[e].hnext)
		if (ent[e].key == key)
			return e;
	return WL_NONE;
}

static void hash_remove(uint32_t e)
{
	uint32_t *p = &bucket_head[hash(ent[e].key)];

	while (*p != e)
		p = &ent[*p].hnext;
	*p = ent[e].hnext;
}

/* Takes the entry out of the cache; its page is the caller's. */
static void *remove_entry(uint32_t e)
{
	void *page = page_of(e);

	hash_remove(e);
	rt_lru_unlink(&lru, e);
	ent[e].lru.next = free_ent;
	free_ent = e;
	in_ram--;
	return page;
}

/* ------------------------------------------------------------ pages */
/* The least recently used page leaves RAM: a clean page, so tmem gets a
 * copy (a second chance) and the frame is the caller's. NULL if empty. */
static void *evict_lru(void)
{
	uint32_t e = lru.head;

	if (e == RT_LRU_NONE)
		return 0;
	if (pool >= 0) {
		struct rt_oid oid = oid_of((uint32_t)(ent[e].key >> 32));

		wl_count.tmem_puts++;
		if (hc_tmem_put((uint32_t)pool, &oid, (uint32_t)ent[e].key, page_of(e)))
			wl_count.tmem_put_fails++;
	}
	wl_count.cache_evictions++;
	return remove_entry(e);
}

/* A frame for a new cache page: free memory above the watermark, else
 * the oldest cached page, else whatever is free, else the balloon. */
static void *frame_for_cache(void)
{
	uint64_t free_min = wl_opt.free_min_kb / (WL_PAGE / 1024);
	void *p = 0;

	if (page_free_count() > free_min)
		p = page_take();
	if (!p)
		p = evict_lru();
	if (!p)
		p = page_take();
	if (!p && (p = page_alloc()) != 0) { /* ballooned up: not ours to count */
		page_free(p);
		p = page_take();
	}
	return p;
}

uint64_t cache_shrink(uint64_t n)
{
	uint64_t done = 0;

	for (; done < n; done++) {
		void *p = evict_lru();

		if (!p)
			break;
		page_give(p);
	}
	wl_count.cache_shrunk += done;
	return done;
}

static void insert(uint64_t key, void *page)
{
	uint32_t e = free_ent;
	uint32_t b = hash(key);

	free_ent = ent[e].lru.next;
	ent[e].key = key;
	ent[e].gfn = (uint32_t)((uintptr_t)page / WL_PAGE);
	ent[e].hnext = bucket_head[b];
	bucket_head[b] = e;
	rt_lru_append(&lru, e);
	in_ram++;
}

/* A frame, or NULL when memory or entries ran out (the page goes uncached). */
static void *new_page(void)
{
	if (free_ent == WL_NONE)
		return evict_lru();
	return frame_for_cache();
}

void cache_insert(uint32_t file, uint32_t page, const void *data)
{
	uint64_t key = key_of(file, page);
	uint32_t e = find(key);
	void *p;

	if (e != WL_NONE) {
		memcpy(page_of(e), data, WL_PAGE);
		rt_lru_touch(&lru, e);
		return;
	}
	p = new_page();
	if (!p)
		return;
	memcpy(p, data, WL_PAGE);
	insert(key, p);
}

void cache_drop(uint32_t file, uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t e = find(key_of(file, i));

		if (e != WL_NONE)
			page_give(remove_entry(e));
	}
	if (pool >= 0) {
		struct rt_oid oid = oid_of(file);

		hc_tmem_flush_object((uint32_t)pool, &oid);
	}
}

/* ------------------------------------------------------------ reads */
/* Disk misses waiting to be read in one call: pages [first, first + n). */
struct pending {
	uint32_t file, first, n;
	uint64_t sector;
};

static void read_pending(struct pending *pd, wl_verify_fn verify, void *ctx)
{
	if (!pd->n)
		return;
	wl_disk_read(pd->sector + (uint64_t)pd->first * WL_SECTORS_PER_PAGE, pd->n, wl_bounce);
	for (uint32_t i = 0; i < pd->n; i++) {
		const uint8_t *data = wl_bounce + (uint64_t)i * WL_PAGE;

		verify(pd->file, pd->first + i, data, ctx);
		cache_insert(pd->file, pd->first + i, data);
	}
	pd->n = 0;
}

/* A tmem get lands here first, so a miss costs no cache page. */
static uint8_t scratch[WL_PAGE] __attribute__((aligned(FALLOW_PAGE_SIZE)));

/* RAM, then tmem; false when the page must come from the disk. */
static bool read_cached(uint32_t file, uint32_t page, wl_verify_fn verify, void *ctx)
{
	uint64_t key = key_of(file, page);
	uint32_t e = find(key);
	struct rt_oid oid = oid_of(file);

	if (e != WL_NONE) {
		wl_count.cache_hits++;
		rt_lru_touch(&lru, e);
		verify(file, page, page_of(e), ctx);
		return true;
	}
	if (pool < 0)
		return false;
	wl_count.tmem_gets++;
	if (hc_tmem_get((uint32_t)pool, &oid, page, scratch))
		return false;
	wl_count.tmem_hits++;
	verify(file, page, scratch, ctx);
	cache_insert(file, page, scratch);
	return true;
}

void cache_read(uint32_t file, uint32_t first, uint32_t n, uint64_t sector,
		wl_verify_fn verify, void *ctx)
{
	struct pending pd = { file, 0, 0, sector };

	for (uint32_t page = first; page < first + n; page++) {
		if (read_cached(file, page, verify, ctx)) {
			read_pending(&pd, verify, ctx);
			continue;
		}
		if (!pd.n)
			pd.first = page;
		pd.n++;
		if (pd.n == WL_BOUNCE_PAGES)
			read_pending(&pd, verify, ctx);
	}
	read_pending(&pd, verify, ctx);
}
