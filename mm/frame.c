/* Buddy allocator over zones of contiguous usable RAM; see frame.h for the
 * accounting. A block of order k is 2^k frames aligned to 2^k in absolute
 * frame numbers, so runs come out naturally aligned and a block's buddy is
 * found by flipping bit k of its frame number. */
#include "mm/frame.h"
#include "mm/pfnrange.h"
#include "lib/err.h"

/* Metadata byte per frame. Every frame of a free block is marked free (the
 * first as the head, carrying the order), so freeing any frame of a free
 * block is caught as a double free, and a buddy is mergeable exactly when
 * its first frame reads FREE_HEAD with the same order. All zero means
 * reserved, so a freshly cleared metadata array manages nothing. */
#define META_RESERVED 0x00
#define META_ALLOC 0x20
#define META_FREE_TAIL 0x40
#define META_FREE_HEAD 0x80
#define META_ORDER_MASK 0x1f

_Static_assert(FRAME_MAX_ORDER <= META_ORDER_MASK, "order must fit the metadata byte");

#define PFN_NONE 0 /* frame 0 is always reserved, so it never sits on a list */
#define ORDER_FRAMES(order) ((uint64_t)1 << (order))

/* Lives in the first frame of every free block. */
struct free_link {
	uint64_t next; /* frame numbers, PFN_NONE at the ends */
	uint64_t prev;
};

static struct {
	struct frame_zone zones[FRAME_MAX_ZONES];
	unsigned nzones;
	uint64_t free_head[FRAME_MAX_ORDER + 1];
	uint64_t free_blocks[FRAME_MAX_ORDER + 1];
	uint64_t total, nfree, nreserved, nmeta, nalloc, freeable;
	frame_reclaim_fn reclaim;
	bool reclaiming; /* inside the hook: a nested frame_alloc must not recurse */
} fa;

/* Scratch space for frame_init(): too big for a boot stack. Reserved
 * ranges are the caller's, every non-usable region, and frame 0. */
#define INIT_MAX_RESERVED (FRAME_MAX_RESERVED + MEMMAP_MAX_REGIONS + 1)
static struct pfn_range init_zones[FRAME_MAX_ZONES];
static struct pfn_range init_reserved[INIT_MAX_RESERVED];
static struct pfn_range init_free[FRAME_MAX_ZONES + INIT_MAX_RESERVED];

/* ------------------------------------------------------------ lookups */

static struct frame_zone *zone_of(uint64_t pfn)
{
	unsigned lo = 0, hi = fa.nzones;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct frame_zone *z = &fa.zones[mid];

		if (pfn < z->base_pfn)
			hi = mid;
		else if (pfn >= z->end_pfn)
			lo = mid + 1;
		else
			return z;
	}
	return NULL;
}

static uint8_t *meta_of(struct frame_zone *z, uint64_t pfn)
{
	return &z->meta[pfn - z->base_pfn];
}

static struct free_link *link_of(uint64_t pfn)
{
	return phys_to_virt(pfn << FRAME_SHIFT);
}

/* ------------------------------------------------------------ free lists */

static void list_push(unsigned order, uint64_t pfn)
{
	struct free_link *l = link_of(pfn);

	l->prev = PFN_NONE;
	l->next = fa.free_head[order];
	if (l->next != PFN_NONE)
		link_of(l->next)->prev = pfn;
	fa.free_head[order] = pfn;
	fa.free_blocks[order]++;
}

static void list_remove(unsigned order, uint64_t pfn)
{
	struct free_link *l = link_of(pfn);

	if (l->prev != PFN_NONE)
		link_of(l->prev)->next = l->next;
	else
		fa.free_head[order] = l->next;
	if (l->next != PFN_NONE)
		link_of(l->next)->prev = l->prev;
	fa.free_blocks[order]--;
}

/* ------------------------------------------------------------ buddy core */

/* The largest order of a block starting at `pfn` inside `n` frames. */
static unsigned fit_order(uint64_t pfn, uint64_t n)
{
	unsigned order = 0;

	while (order < FRAME_MAX_ORDER &&
	       (pfn & ORDER_FRAMES(order)) == 0 &&
	       ORDER_FRAMES(order + 1) <= n)
		order++;
	return order;
}

/* Puts a block whose frames are all marked FREE_TAIL on the free lists,
 * merging it with free buddies first. */
static void insert_block(struct frame_zone *z, uint64_t pfn, unsigned order)
{
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ ORDER_FRAMES(order);

		if (buddy < z->base_pfn || buddy + ORDER_FRAMES(order) > z->end_pfn)
			break;
		if (*meta_of(z, buddy) != (META_FREE_HEAD | order))
			break;
		list_remove(order, buddy);
		*meta_of(z, buddy > pfn ? buddy : pfn) = META_FREE_TAIL;
		pfn &= ~ORDER_FRAMES(order);
		order++;
	}
	*meta_of(z, pfn) = (uint8_t)(META_FREE_HEAD | order);
	list_push(order, pfn);
}

/* Frees [pfn, pfn + n) inside zone `z`; the caller checked every frame is
 * allocated. */
static void release_frames(struct frame_zone *z, uint64_t pfn, uint64_t n)
{
	uint64_t end = pfn + n;

	for (uint64_t p = pfn; p < end; p++)
		*meta_of(z, p) = META_FREE_TAIL;
	while (pfn < end) {
		unsigned order = fit_order(pfn, end - pfn);

		insert_block(z, pfn, order);
		pfn += ORDER_FRAMES(order);
	}
	fa.nfree += n;
	fa.nalloc -= n;
}

/* Takes a block of exactly `order`, splitting a larger one if needed, and
 * marks its frames allocated. PFN_NONE when nothing is big enough. */
static uint64_t take_block(unsigned order)
{
	unsigned j = order;

	while (j <= FRAME_MAX_ORDER && fa.free_head[j] == PFN_NONE)
		j++;
	if (j > FRAME_MAX_ORDER)
		return PFN_NONE;

	uint64_t pfn = fa.free_head[j];
	struct frame_zone *z = zone_of(pfn);

	if (z == NULL)
		return PFN_NONE; /* a list entry outside every zone: corrupt */
	list_remove(j, pfn);
	while (j > order) {
		uint64_t upper;

		j--;
		upper = pfn + ORDER_FRAMES(j);
		*meta_of(z, upper) = (uint8_t)(META_FREE_HEAD | j);
		list_push(j, upper);
	}
	for (uint64_t p = pfn; p < pfn + ORDER_FRAMES(order); p++)
		*meta_of(z, p) = META_ALLOC;
	fa.nfree -= ORDER_FRAMES(order);
	fa.nalloc += ORDER_FRAMES(order);
	return pfn;
}

/* ------------------------------------------------------------ init */

static void reset(void)
{
	__builtin_memset(&fa, 0, sizeof(fa));
}

static int end_of(paddr_t base, uint64_t len, paddr_t *end)
{
	if (len > UINT64_MAX - base)
		return -ERR_INVAL;
	*end = base + len;
	return 0;
}

static struct pfn_range pfn_inward(paddr_t start, paddr_t end)
{
	struct pfn_range r = {
		.start = (start >> FRAME_SHIFT) + ((start & FRAME_MASK) != 0),
		.end = end >> FRAME_SHIFT,
	};

	return r;
}

static struct pfn_range pfn_outward(paddr_t start, paddr_t end)
{
	struct pfn_range r = {
		.start = start >> FRAME_SHIFT,
		.end = (end >> FRAME_SHIFT) + ((end & FRAME_MASK) != 0),
	};

	return r;
}

/* Usable regions become zones; every other region is reserved, so a map
 * that calls the same RAM both usable and reserved loses it. */
static int collect_regions(const struct mem_region *regions, unsigned nregions,
			   unsigned *nzones, unsigned *nres)
{
	for (unsigned i = 0; i < nregions; i++) {
		paddr_t end;

		if (end_of(regions[i].base, regions[i].len, &end) < 0)
			return -ERR_INVAL;
		if (regions[i].type == MEM_USABLE)
			init_zones[(*nzones)++] = pfn_inward(regions[i].base, end);
		else
			init_reserved[(*nres)++] = pfn_outward(regions[i].base, end);
	}
	return 0;
}

static int collect_reserved(const struct phys_range *reserved, unsigned nreserved,
			    unsigned *nres)
{
	for (unsigned i = 0; i < nreserved; i++) {
		if (reserved[i].start > reserved[i].end)
			return -ERR_INVAL;
		init_reserved[(*nres)++] = pfn_outward(reserved[i].start, reserved[i].end);
	}
	init_reserved[*nres].start = 0; /* FRAME_NONE must never be handed out */
	init_reserved[*nres].end = 1;
	(*nres)++;
	return 0;
}

static struct pfn_range *first_fit(struct pfn_range *r, unsigned n, uint64_t frames)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].end - r[i].start >= frames)
			return &r[i];
	return NULL;
}

/* Gives each zone its metadata array, packing small ones into the same
 * frames, carved from the start of the first free range that fits. */
static int place_metadata(struct pfn_range *freer, unsigned nfreer)
{
	uint8_t *chunk = NULL;
	uint64_t left = 0;

	for (unsigned i = 0; i < fa.nzones; i++) {
		struct frame_zone *z = &fa.zones[i];
		uint64_t need = z->end_pfn - z->base_pfn;

		if (need > left) {
			uint64_t frames = (need + FRAME_MASK) >> FRAME_SHIFT;
			struct pfn_range *r = first_fit(freer, nfreer, frames);

			if (r == NULL)
				return -ERR_NOMEM;
			chunk = phys_to_virt(r->start << FRAME_SHIFT);
			r->start += frames;
			left = frames << FRAME_SHIFT;
			fa.nmeta += frames;
		}
		z->meta = chunk;
		chunk += need;
		left -= need;
	}
	return 0;
}

static void add_free_range(struct pfn_range r)
{
	struct frame_zone *z = zone_of(r.start);

	for (uint64_t p = r.start; p < r.end; p++)
		*meta_of(z, p) = META_FREE_TAIL;
	while (r.start < r.end) {
		unsigned order = fit_order(r.start, r.end - r.start);

		*meta_of(z, r.start) = (uint8_t)(META_FREE_HEAD | order);
		list_push(order, r.start);
		r.start += ORDER_FRAMES(order);
	}
}

static int build(const struct mem_region *regions, unsigned nregions,
		 const struct phys_range *reserved, unsigned nreserved)
{
	unsigned nzones = 0, nres = 0;
	int nfreer, err;

	err = collect_regions(regions, nregions, &nzones, &nres);
	if (err == 0)
		err = collect_reserved(reserved, nreserved, &nres);
	if (err < 0)
		return err;
	pfn_range_normalize(init_zones, &nzones);
	pfn_range_normalize(init_reserved, &nres);
	nfreer = pfn_range_subtract(init_zones, nzones, init_reserved, nres,
				    init_free, sizeof(init_free) / sizeof(init_free[0]));
	if (nfreer < 0)
		return -ERR_INVAL;

	for (unsigned i = 0; i < nzones; i++) {
		fa.zones[i].base_pfn = init_zones[i].start;
		fa.zones[i].end_pfn = init_zones[i].end;
		fa.total += init_zones[i].end - init_zones[i].start;
	}
	fa.nzones = nzones;
	err = place_metadata(init_free, (unsigned)nfreer);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < nzones; i++)
		__builtin_memset(fa.zones[i].meta, META_RESERVED,
				 fa.zones[i].end_pfn - fa.zones[i].base_pfn);
	for (int i = 0; i < nfreer; i++) {
		add_free_range(init_free[i]);
		fa.nfree += init_free[i].end - init_free[i].start;
	}
	fa.nreserved = fa.total - fa.nfree;
	return fa.nfree == 0 ? -ERR_NOMEM : 0;
}

int frame_init(const struct mem_region *regions, unsigned nregions,
	       const struct phys_range *reserved, unsigned nreserved)
{
	int err;

	reset();
	if ((nregions > 0 && regions == NULL) || (nreserved > 0 && reserved == NULL) ||
	    nregions > MEMMAP_MAX_REGIONS || nreserved > FRAME_MAX_RESERVED)
		return -ERR_INVAL;
	err = build(regions, nregions, reserved, nreserved);
	if (err < 0)
		reset();
	return err;
}

/* ------------------------------------------------------------ public ops */

void frame_set_reclaim_hook(frame_reclaim_fn fn)
{
	fa.reclaim = fn;
}

paddr_t frame_alloc_no_reclaim(void)
{
	return take_block(0) << FRAME_SHIFT;
}

/* One frame at a time: what the hook frees comes from tmem's oldest pages,
 * so asking for exactly what is missing evicts no more than needed. */
#define RECLAIM_WANT 1

paddr_t frame_alloc(void)
{
	paddr_t pa = frame_alloc_no_reclaim();

	if (pa != FRAME_NONE || !fa.reclaim || fa.reclaiming)
		return pa;
	fa.reclaiming = true;
	uint64_t freed = fa.reclaim(RECLAIM_WANT);
	fa.reclaiming = false;
	return freed ? frame_alloc_no_reclaim() : FRAME_NONE;
}

paddr_t frame_alloc_run(uint64_t nframes)
{
	unsigned order = 0;
	uint64_t pfn;

	if (nframes == 0 || nframes > FRAME_MAX_RUN)
		return FRAME_NONE;
	while (ORDER_FRAMES(order) < nframes)
		order++;
	pfn = take_block(order);
	if (pfn == PFN_NONE)
		return FRAME_NONE;
	/* Give back the tail past nframes: a run of 5 costs 5, not 8. */
	if (nframes < ORDER_FRAMES(order))
		release_frames(zone_of(pfn), pfn + nframes, ORDER_FRAMES(order) - nframes);
	return pfn << FRAME_SHIFT;
}

/* Checks [pa, pa + n frames) is allocated, in one zone. */
static int check_allocated(paddr_t pa, uint64_t n, struct frame_zone **zp)
{
	uint64_t pfn = pa >> FRAME_SHIFT;
	struct frame_zone *z;

	if ((pa & FRAME_MASK) != 0 || n == 0)
		return -ERR_INVAL;
	z = zone_of(pfn);
	if (z == NULL || n > z->end_pfn - pfn)
		return -ERR_INVAL;
	for (uint64_t p = pfn; p < pfn + n; p++) {
		uint8_t m = *meta_of(z, p);

		if (m == META_RESERVED)
			return -ERR_INVAL;
		if (m != META_ALLOC)
			return -ERR_EXIST;
	}
	*zp = z;
	return 0;
}

int frame_free_run(paddr_t pa, uint64_t nframes)
{
	struct frame_zone *z;
	int err = check_allocated(pa, nframes, &z);

	if (err < 0)
		return err;
	release_frames(z, pa >> FRAME_SHIFT, nframes);
	return 0;
}

int frame_free(paddr_t pa)
{
	return frame_free_run(pa, 1);
}

static uint8_t meta_at(paddr_t pa)
{
	uint64_t pfn = pa >> FRAME_SHIFT;
	struct frame_zone *z = zone_of(pfn);

	return z == NULL ? META_RESERVED : *meta_of(z, pfn);
}

bool frame_is_free(paddr_t pa)
{
	return (meta_at(pa) & (META_FREE_HEAD | META_FREE_TAIL)) != 0;
}

bool frame_is_allocated(paddr_t pa)
{
	return meta_at(pa) == META_ALLOC;
}

int frame_set_freeable(uint64_t n)
{
	if (n > fa.nalloc)
		return -ERR_RANGE;
	fa.freeable = n;
	return 0;
}

void frame_get_stats(struct frame_stats *out)
{
	uint64_t freeable = fa.freeable < fa.nalloc ? fa.freeable : fa.nalloc;

	out->total = fa.total;
	out->free = fa.nfree;
	out->freeable = freeable;
	out->owned = fa.nreserved + fa.nalloc - freeable;
	out->reserved = fa.nreserved;
	out->meta = fa.nmeta;
	out->allocated = fa.nalloc;
}

void frame_get_free_blocks(uint64_t counts[FRAME_MAX_ORDER + 1])
{
	for (unsigned i = 0; i <= FRAME_MAX_ORDER; i++)
		counts[i] = fa.free_blocks[i];
}

/* ------------------------------------------------------------ verify */

struct census {
	uint64_t total, nfree, nalloc, nreserved;
	uint64_t heads[FRAME_MAX_ORDER + 1];
};

/* A free head must describe an aligned block inside its zone whose other
 * frames are tails, and must not have a free buddy of its own order (the
 * pair should have merged). */
static int check_head(struct frame_zone *z, uint64_t pfn, unsigned order)
{
	uint64_t buddy = pfn ^ ORDER_FRAMES(order);

	if (order > FRAME_MAX_ORDER || (pfn & (ORDER_FRAMES(order) - 1)) != 0 ||
	    ORDER_FRAMES(order) > z->end_pfn - pfn)
		return -ERR_CORRUPT;
	if (order < FRAME_MAX_ORDER && buddy >= z->base_pfn &&
	    buddy + ORDER_FRAMES(order) <= z->end_pfn &&
	    *meta_of(z, buddy) == (META_FREE_HEAD | order))
		return -ERR_CORRUPT;
	return 0;
}

static int census_zone(struct frame_zone *z, struct census *c)
{
	uint64_t tails_left = 0;

	c->total += z->end_pfn - z->base_pfn;
	for (uint64_t p = z->base_pfn; p < z->end_pfn; p++) {
		uint8_t m = *meta_of(z, p);

		if (m & META_FREE_HEAD) {
			unsigned order = m & META_ORDER_MASK;

			if (tails_left != 0 || check_head(z, p, order) < 0)
				return -ERR_CORRUPT;
			tails_left = ORDER_FRAMES(order) - 1;
			c->heads[order]++;
			c->nfree++;
		} else if (m == META_FREE_TAIL) {
			if (tails_left == 0)
				return -ERR_CORRUPT;
			tails_left--;
			c->nfree++;
		} else if (tails_left != 0) {
			return -ERR_CORRUPT;
		} else if (m == META_ALLOC) {
			c->nalloc++;
		} else if (m == META_RESERVED) {
			c->nreserved++;
		} else {
			return -ERR_CORRUPT;
		}
	}
	return tails_left == 0 ? 0 : -ERR_CORRUPT;
}

/* Every list entry is a head of that order and the back links agree; the
 * walk stops after as many entries as there are heads, so a cycle shows up
 * as a count mismatch rather than a hang. */
static int check_list(unsigned order, uint64_t heads)
{
	uint64_t prev = PFN_NONE, count = 0;

	for (uint64_t pfn = fa.free_head[order]; pfn != PFN_NONE;
	     pfn = link_of(pfn)->next) {
		struct frame_zone *z = zone_of(pfn);

		if (count == heads || z == NULL ||
		    *meta_of(z, pfn) != (META_FREE_HEAD | order) ||
		    link_of(pfn)->prev != prev)
			return -ERR_CORRUPT;
		prev = pfn;
		count++;
	}
	return count == heads && count == fa.free_blocks[order] ? 0 : -ERR_CORRUPT;
}

int frame_verify(void)
{
	struct census c;

	__builtin_memset(&c, 0, sizeof(c));
	for (unsigned i = 0; i < fa.nzones; i++) {
		if (i > 0 && fa.zones[i].base_pfn <= fa.zones[i - 1].end_pfn)
			return -ERR_CORRUPT; /* zones sorted and apart */
		if (census_zone(&fa.zones[i], &c) < 0)
			return -ERR_CORRUPT;
	}
	for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
		if (check_list(order, c.heads[order]) < 0)
			return -ERR_CORRUPT;
	if (c.total != fa.total || c.nfree != fa.nfree || c.nalloc != fa.nalloc ||
	    c.nreserved != fa.nreserved || fa.freeable > fa.nalloc ||
	    fa.nmeta > fa.nreserved)
		return -ERR_CORRUPT;
	return 0;
}
