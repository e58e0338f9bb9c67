/* hostile_tmem: attacks the tmem hypercalls and checks each attack fails
 * with the documented error and changes nothing: pools of other guests
 * (ids it never created), ids past 32 bits, bad flags, unauthorised
 * shared UUIDs, page addresses that are unaligned, past its RAM, in the
 * hypervisor's or another guest's space, or ballooned away, a get into a
 * page it does not own (which must not consume the stored page), and a
 * persistent put flood at maxmem, which must end in ENOSPC and leave the
 * guest alive with its stored pages intact. It is a guest of its own
 * (guests build from one file each) beside hostile's generic attacks.
 * Options: shared=UUID (granted; joined to prove grants work);
 * `metaflood` runs only the metadata flood instead: one page's contents
 * put under distinct handles (object n/256, index (n%256)<<24, so every
 * handle needs radix nodes of its own) until the hypervisor refuses with
 * ENOSPC at maxmem, then the pool is held until the console sets the
 * guest a memory target (any), and checked and flushed. Exits 0 only
 * when every check passed. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define WORDS (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define FLOOD_MAX 100000u
#define UNGRANTED_LO 0xbad0bad0bad0bad0ull
#define UNGRANTED_HI 0x0123456789abcdefull

static const struct rt_oid oid = { { 1, 2, 3 } };

static int64_t raw(uint64_t nr, uint64_t a0, uint64_t a4, uint64_t a5)
{
	return fallow_hypercall6(nr, a0, oid.w[0], oid.w[1], oid.w[2], a4, a5);
}

static void fill(uint64_t *w, uint64_t seed)
{
	for (unsigned i = 0; i < WORDS; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		w[i] = seed;
	}
}

static bool same(const uint64_t *a, const uint64_t *b)
{
	for (unsigned i = 0; i < WORDS; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Before it owns any pool, every id names nothing of its own: ids other
 * guests use for theirs must not reach them. */
static void foreign_pools(uint64_t *page)
{
	for (uint64_t id = 0; id < 16; id++) {
		rt_expect("put to a pool id it never created",
		          raw(FALLOW_HC_TMEM_PUT, id, 0, (uintptr_t)page), -FALLOW_ENOENT);
		rt_expect("get from a pool id it never created",
		          raw(FALLOW_HC_TMEM_GET, id, 0, (uintptr_t)page), -FALLOW_ENOENT);
		rt_expect("flush in a pool id it never created",
		          raw(FALLOW_HC_TMEM_FLUSH_PAGE, id, 0, 0), -FALLOW_ENOENT);
		rt_expect("destroy a pool id it never created",
		          hc_tmem_destroy_pool((uint32_t)id), -FALLOW_ENOENT);
	}
	const uint64_t far[] = { 16, 255, 1ull << 32, (1ull << 32) + 1 /* pool 1 if truncated */, ~0ull };

	for (unsigned i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		rt_expect("pool id out of range (put)",
		          raw(FALLOW_HC_TMEM_PUT, far[i], 0, (uintptr_t)page), -FALLOW_ERANGE);
		rt_expect("pool id out of range (destroy)",
		          fallow_hypercall6(FALLOW_HC_TMEM_DESTROY_POOL, far[i], 0, 0, 0, 0, 0),
		          -FALLOW_ERANGE);
	}
}

static void bad_pool_requests(void)
{
	rt_expect("unknown pool flag", hc_tmem_new_pool(0x4, 0, 0), -FALLOW_EINVAL);
	rt_expect("high pool flags",
	          fallow_hypercall6(FALLOW_HC_TMEM_NEW_POOL, 1ull << 40, 0, 0, 0, 0, 0),
	          -FALLOW_EINVAL);
	rt_expect("shared persistent pool",
	          hc_tmem_new_pool(FALLOW_TMEM_SHARED | FALLOW_TMEM_PERSISTENT, 1, 2),
	          -FALLOW_EINVAL);
	rt_expect("unauthorised shared UUID",
	          hc_tmem_new_pool(FALLOW_TMEM_SHARED, UNGRANTED_LO, UNGRANTED_HI), -FALLOW_EPERM);
	rt_expect("UUID zero", hc_tmem_new_pool(FALLOW_TMEM_SHARED, 0, 0), -FALLOW_EPERM);
}

/* Page addresses that are not one whole page of its own RAM. */
static void bad_pages(uint32_t pool, uint64_t ram, uint64_t *page, uint64_t released)
{
	const struct { const char *what; uint64_t gpa; int64_t err; } cases[] = {
		{ "unaligned page", (uintptr_t)page + 8, -FALLOW_EINVAL },
		{ "page one byte in", (uintptr_t)page + 1, -FALLOW_EINVAL },
		{ "first page past RAM", ram, -FALLOW_EFAULT },
		{ "another guest's RAM", ram + (16ull << 20), -FALLOW_EFAULT },
		{ "local APIC page", 0xfee00000ull, -FALLOW_EFAULT },
		{ "1 TiB", 1ull << 40, -FALLOW_EFAULT },
		{ "top page of the address space", ~0ull & ~0xfffull, -FALLOW_EFAULT },
		{ "ballooned-away page", released, -FALLOW_EFAULT },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!cases[i].gpa)
			continue; /* the balloon refused: no released page to try */
		rt_expect(cases[i].what, raw(FALLOW_HC_TMEM_PUT, pool, 7, cases[i].gpa), cases[i].err);
		rt_expect(cases[i].what, raw(FALLOW_HC_TMEM_GET, pool, 7, cases[i].gpa), cases[i].err);
	}
	rt_expect("index past 32 bits",
	          raw(FALLOW_HC_TMEM_PUT, pool, 1ull << 32, (uintptr_t)page), -FALLOW_ERANGE);
	rt_expect("index past 32 bits (flush)",
	          raw(FALLOW_HC_TMEM_FLUSH_PAGE, pool, ~0ull, 0), -FALLOW_ERANGE);
}

/* A get into a page it does not own fails before tmem is asked, so the
 * stored page (exclusive in an ephemeral pool) is still there after. */
static void get_into_foreign_page(uint32_t pool, uint64_t ram, uint64_t *page, uint64_t *back)
{
	fill(page, 0x1234);
	rt_expect("ephemeral put", hc_tmem_put(pool, &oid, 9, page), 0);
	rt_expect("get into a page past RAM", raw(FALLOW_HC_TMEM_GET, pool, 9, ram), -FALLOW_EFAULT);
	int64_t got = hc_tmem_get(pool, &oid, 9, back);

	/* Ephemeral: tmem may have dropped it meanwhile, never changed it. */
	rt_expect("page still there or dropped", got == 0 || got == -FALLOW_ENOENT, 1);
	if (got == 0)
		rt_expect("page unchanged", same(page, back), 1);
}

/* Puts distinct pages until maxmem stops them: ENOSPC, never a crash;
 * everything accepted reads back; a flush makes room for one more. */
static void flood(uint64_t *page, uint64_t *back)
{
	int64_t pool = hc_tmem_new_pool(FALLOW_TMEM_PERSISTENT, 0, 0);
	int64_t err = 0;
	uint32_t n;

	rt_expect("persistent pool", pool >= 0, 1);
	if (pool < 0)
		return;
	for (n = 0; n < FLOOD_MAX; n++) {
		fill(page, n + 1);
		err = hc_tmem_put((uint32_t)pool, &oid, n, page);
		if (err)
			break;
	}
	rt_expect("flood ends in ENOSPC", err, -FALLOW_ENOSPC);
	rt_printf("hostile_tmem: flood stopped after %u pages with %s\n", n, rt_errname(err));
	rt_expect("flood stored something", n > 0, 1);
	for (uint32_t i = 0; i < n; i += n / 16 + 1) {
		fill(page, i + 1);
		rt_expect("flooded page reads back", hc_tmem_get((uint32_t)pool, &oid, i, back), 0);
		rt_expect("flooded page intact", same(page, back), 1);
	}
	rt_expect("flush one", hc_tmem_flush_page((uint32_t)pool, &oid, 0), 1);
	fill(page, 0xabc);
	rt_expect("room again after a flush", hc_tmem_put((uint32_t)pool, &oid, 0, page), 0);
	rt_expect("flush the object", hc_tmem_flush_object((uint32_t)pool, &oid), (int64_t)n);
	rt_expect("destroy the pool", hc_tmem_destroy_pool((uint32_t)pool), 0);
	rt_expect("destroy it again", hc_tmem_destroy_pool((uint32_t)pool), -FALLOW_ENOENT);
	rt_expect("use after destroy", hc_tmem_put((uint32_t)pool, &oid, 0, page), -FALLOW_ENOENT);
}

#define METAFLOOD_MAX 1000000u
#define METAFLOOD_PER_OBJ 256u
#define METAFLOOD_SHIFT 24
#define METAFLOOD_HOLD_YIELDS 50000000u

static struct rt_oid metaflood_oid(uint32_t n)
{
	struct rt_oid o = { { n / METAFLOOD_PER_OBJ, 0x3e7a, 0 } };

	return o;
}

static uint32_t metaflood_index(uint32_t n)
{
	return (n % METAFLOOD_PER_OBJ) << METAFLOOD_SHIFT;
}

/* Every sampled handle still holds the one page. */
static void metaflood_read_back(uint32_t pool, uint32_t n, uint64_t *page, uint64_t *back)
{
	for (uint32_t i = 0; i < n; i += n / 32 + 1) {
		struct rt_oid o = metaflood_oid(i);

		rt_expect("flooded handle reads back",
		          hc_tmem_get(pool, &o, metaflood_index(i), back), 0);
		rt_expect("flooded handle intact", same(page, back), 1);
	}
}

/* Issue 10: dedup stores the page once, but each handle's records are
 * charged to this guest, so the flood stops at its own maxmem. */
static void metaflood(uint64_t *page, uint64_t *back)
{
	int64_t pool = hc_tmem_new_pool(FALLOW_TMEM_PERSISTENT, 0, 0);
	int64_t err = 0, flushed = 0;
	uint32_t n, k;

	rt_expect("persistent pool", pool >= 0, 1);
	if (pool < 0)
		return;
	fill(page, 0x5eed);
	for (n = 0; n < METAFLOOD_MAX; n++) {
		struct rt_oid o = metaflood_oid(n);

		err = hc_tmem_put((uint32_t)pool, &o, metaflood_index(n), page);
		if (err)
			break;
	}
	rt_expect("metaflood ends in ENOSPC", err, -FALLOW_ENOSPC);
	rt_printf("hostile_tmem: metaflood stopped after %u handles with %s\n", n,
	          rt_errname(err));
	rt_expect("metaflood stored something", n > 0, 1);
	metaflood_read_back((uint32_t)pool, n, page, back);
	/* Refused again, and nothing of the refused put stays behind. */
	struct rt_oid next = metaflood_oid(n);

	rt_expect("still refused", hc_tmem_put((uint32_t)pool, &next, metaflood_index(n), page),
	          -FALLOW_ENOSPC);
	for (k = 0; k < METAFLOOD_HOLD_YIELDS && hc_mem_target() == 0; k++)
		hc_yield();
	rt_expect("released by the console's target", k < METAFLOOD_HOLD_YIELDS, 1);
	metaflood_read_back((uint32_t)pool, n, page, back);
	for (uint32_t obj = 0; obj <= (n - 1) / METAFLOOD_PER_OBJ; obj++) {
		struct rt_oid o = metaflood_oid(obj * METAFLOOD_PER_OBJ);

		flushed += hc_tmem_flush_object((uint32_t)pool, &o);
	}
	rt_expect("every handle flushed", flushed, (int64_t)n);
	rt_expect("destroy the pool", hc_tmem_destroy_pool((uint32_t)pool), 0);
	rt_printf("hostile_tmem: metaflood released %lld handles\n", (long long)flushed);
}

static void granted_shared(void)
{
	uint64_t lo, hi;

	if (rt_shared_uuid(0, &lo, &hi))
		return;
	int64_t pool = hc_tmem_new_pool(FALLOW_TMEM_SHARED, lo, hi);

	rt_expect("granted shared UUID joins", pool >= 0, 1);
	rt_expect("joining twice", hc_tmem_new_pool(FALLOW_TMEM_SHARED, lo, hi), -FALLOW_EEXIST);
	rt_expect("a UUID one digit off", hc_tmem_new_pool(FALLOW_TMEM_SHARED, lo ^ 1, hi),
	          -FALLOW_EPERM);
	if (pool >= 0)
		rt_expect("leave the shared pool", hc_tmem_destroy_pool((uint32_t)pool), 0);
}

/* A page handed back to the hypervisor: its gfn, or 0 if refused. */
static uint64_t balloon_one(void)
{
	uint64_t *p = page_alloc();
	static uint64_t gfn;

	if (!p)
		return 0;
	gfn = (uintptr_t)p / FALLOW_PAGE_SIZE;
	if (fallow_hypercall3(FALLOW_HC_BALLOON_RELEASE, (uintptr_t)&gfn, 1, 0) != 1)
		return 0;
	return gfn * FALLOW_PAGE_SIZE; /* never touched again */
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t *page = page_alloc(), *back = page_alloc();
	int64_t pool;

	rt_check_begin("hostile_tmem");
	if (!page || !back)
		return 2;
	if (rt_cmdline_has("metaflood")) {
		metaflood(page, back);
		return rt_check_end();
	}
	foreign_pools(page);
	bad_pool_requests();
	pool = hc_tmem_new_pool(0, 0, 0);
	rt_expect("ephemeral pool", pool >= 0, 1);
	if (pool >= 0) {
		bad_pages((uint32_t)pool, si->ram_bytes, page, balloon_one());
		get_into_foreign_page((uint32_t)pool, si->ram_bytes, page, back);
	}
	granted_shared();
	flood(page, back);
	rt_expect("still alive: abi version", fallow_hypercall3(FALLOW_HC_ABI_VERSION, 0, 0, 0),
	          FALLOW_ABI_VERSION);
	return rt_check_end();
}
