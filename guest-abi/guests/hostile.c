/* hostile: feeds the hypervisor every kind of bad hypercall input and
 * checks each fails with the documented error, then that good calls still
 * work. Guest-physical space is [0, ram_bytes): every address outside it
 * (where the hypervisor or another guest lives in host-physical terms, the
 * local APIC, unmapped space, ranges straddling the end, wrapping ranges)
 * must give -FALLOW_EFAULT, oversized lengths -FALLOW_ERANGE, unknown
 * numbers -FALLOW_ENOSYS. The balloon calls get hostile lists (outside
 * RAM, huge counts, gfns past RAM, protected low pages, unmapped and
 * double-released pages, populating mapped pages) while pages of data
 * beside them must stay intact. Exits 0 only when every check passed. */
#include "guest-abi/rt/check.h"
#include "guest-abi/rt/rt.h"


static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return fallow_hypercall3(nr, a0, a1, 0);
}

static void bad_numbers(void)
{
	const uint64_t nrs[] = { FALLOW_HC_COUNT, 0xffff, 1ull << 32,
				 0x8000000000000000ull, ~0ull };

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		rt_expect("unknown hypercall number", call(nrs[i], 0, 0),
		          -FALLOW_ENOSYS);
}

/* Addresses that are not the guest's: each must be refused whatever the
 * call that names it. */
static void bad_addresses(uint64_t ram)
{
	const struct { const char *what; uint64_t addr, len; } cases[] = {
		{ "first byte past RAM", ram, 1 },
		{ "straddling the end of RAM", ram - 8, 16 },
		{ "another guest's RAM (next 16 MiB)", ram + (16ull << 20), 64 },
		{ "hypervisor image (host 1 MiB + RAM)", ram + 0x100000, 64 },
		{ "local APIC page", 0xfee00000ull, 16 },
		{ "4 GiB", 1ull << 32, 16 },
		{ "unmapped 1 TiB", 1ull << 40, 16 },
		{ "kernel-half address", 0xffffffff80000000ull, 16 },
		{ "range wrapping past 2^64", ~0ull - 7, 16 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rt_expect(cases[i].what, call(FALLOW_HC_CONSOLE_WRITE,
					      cases[i].addr, cases[i].len),
		          -FALLOW_EFAULT);
		rt_expect(cases[i].what, call(FALLOW_HC_TIME, cases[i].addr,
					      sizeof(struct fallow_time)),
		          -FALLOW_EFAULT);
		rt_expect(cases[i].what, call(FALLOW_HC_ABI_INFO, cases[i].addr,
					      sizeof(struct fallow_abi_info)),
		          -FALLOW_EFAULT);
	}
}

static void bad_lengths(void)
{
	static char buf[16] = "never printed\n";
	struct fallow_time t;

	rt_expect("console length past the limit",
	          call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, FALLOW_CONSOLE_MAX + 1),
	          -FALLOW_ERANGE);
	rt_expect("console length 2^63",
	          call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, 1ull << 63),
	          -FALLOW_ERANGE);
	rt_expect("console length ~0", call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, ~0ull),
	          -FALLOW_ERANGE);
	rt_expect("time buffer too short",
	          call(FALLOW_HC_TIME, (uintptr_t)&t, sizeof(t) - 1), -FALLOW_EINVAL);
	rt_expect("console length 0", call(FALLOW_HC_CONSOLE_WRITE, (uintptr_t)buf, 0), 0);
}

/* A refused write must not have written a byte: the last bytes of RAM
 * keep their marker after a straddling FALLOW_HC_TIME. */
static void no_partial_write(uint64_t ram)
{
	volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(ram - 8);

	*last = 0x1122334455667788ull;
	rt_expect("straddling time write", call(FALLOW_HC_TIME, ram - 8,
					        sizeof(struct fallow_time)),
	          -FALLOW_EFAULT);
	rt_expect("no partial write at the end of RAM",
	          *last == 0x1122334455667788ull, 1);
}

#define SENTINEL_PAGES 8u
#define WORDS_PER_PAGE (FALLOW_PAGE_SIZE / sizeof(uint64_t))

static uint64_t *sentinel[SENTINEL_PAGES];

static uint64_t gfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p / FALLOW_PAGE_SIZE;
}

static uint64_t word_pattern(const uint64_t *w)
{
	return (uint64_t)(uintptr_t)w * 0x9e3779b97f4a7c15ull ^ 0x686f7374ull;
}

static void fill_sentinels(void)
{
	for (unsigned i = 0; i < SENTINEL_PAGES; i++) {
		sentinel[i] = page_alloc();
		for (unsigned w = 0; sentinel[i] && w < WORDS_PER_PAGE; w++)
			sentinel[i][w] = word_pattern(&sentinel[i][w]);
	}
}

static bool sentinels_intact(void)
{
	for (unsigned i = 0; i < SENTINEL_PAGES; i++)
		for (unsigned w = 0; sentinel[i] && w < WORDS_PER_PAGE; w++)
			if (sentinel[i][w] != word_pattern(&sentinel[i][w]))
				return false;
	return sentinel[SENTINEL_PAGES - 1] != 0;
}

static bool page_is_zero(const uint64_t *p)
{
	for (unsigned w = 0; w < WORDS_PER_PAGE; w++)
		if (p[w])
			return false;
	return true;
}

/* Lists that are not the guest's, or too long: refused whole. */
static void balloon_bad_lists(uint64_t ram)
{
	static uint64_t list[2];
	const uint64_t nrs[] = { FALLOW_HC_BALLOON_RELEASE, FALLOW_HC_BALLOON_POPULATE };

	list[0] = gfn_of(sentinel[0]);
	for (unsigned i = 0; i < 2; i++) {
		rt_expect("balloon list past RAM", call(nrs[i], ram, 1), -FALLOW_EFAULT);
		rt_expect("balloon list straddling RAM's end", call(nrs[i], ram - 8, 2),
		          -FALLOW_EFAULT);
		rt_expect("balloon list at 4 GiB", call(nrs[i], 1ull << 32, 1), -FALLOW_EFAULT);
		rt_expect("balloon list wrapping", call(nrs[i], ~0ull - 7, 2), -FALLOW_EFAULT);
		rt_expect("balloon count above the batch",
		          call(nrs[i], (uintptr_t)list, FALLOW_BALLOON_BATCH_MAX + 1), -FALLOW_ERANGE);
		rt_expect("balloon count 2^63", call(nrs[i], (uintptr_t)list, 1ull << 63),
		          -FALLOW_ERANGE);
		rt_expect("balloon count ~0", call(nrs[i], (uintptr_t)list, ~0ull), -FALLOW_ERANGE);
		rt_expect("balloon count 0", call(nrs[i], (uintptr_t)list, 0), 0);
	}
}

static int64_t release1(uint64_t gfn)
{
	static uint64_t one;

	one = gfn;
	return hc_balloon_release(&one, 1);
}

static int64_t populate1(uint64_t gfn)
{
	static uint64_t one;

	one = gfn;
	return hc_balloon_populate(&one, 1);
}

/* Entries the hypervisor must refuse one by one. */
static void balloon_bad_entries(uint64_t ram)
{
	uint64_t pages = ram / FALLOW_PAGE_SIZE;

	rt_expect("release gfn past RAM", release1(pages), -FALLOW_ERANGE);
	rt_expect("release gfn 2^52", release1(1ull << 52), -FALLOW_ERANGE);
	rt_expect("release gfn ~0", release1(~0ull), -FALLOW_ERANGE);
	rt_expect("release page 0", release1(0), -FALLOW_EPERM);
	rt_expect("release the start-info page",
	          release1(FALLOW_START_INFO_GPA / FALLOW_PAGE_SIZE), -FALLOW_EPERM);
	rt_expect("release the boot page tables",
	          release1(FALLOW_PAGE_TABLES_GPA / FALLOW_PAGE_SIZE), -FALLOW_EPERM);
	rt_expect("release the last protected page", release1(FALLOW_BALLOON_FIRST_GFN - 1),
	          -FALLOW_EPERM);
	rt_expect("populate gfn past RAM (and maxmem)", populate1(pages), -FALLOW_ERANGE);
	rt_expect("populate gfn ~0", populate1(~0ull), -FALLOW_ERANGE);
	rt_expect("populate a mapped page", populate1(gfn_of(sentinel[1])), -FALLOW_EEXIST);
	rt_expect("populate the start-info page", populate1(1), -FALLOW_EEXIST);
}

/* Release, double release, partial lists and populating again. */
static void balloon_lifecycle(void)
{
	static uint64_t list[3];
	uint64_t *p = page_alloc(), *q = page_alloc();
	uint64_t *l = page_alloc();

	if (!p || !q || !l) {
		rt_expect("pages for the balloon checks", 0, 1);
		return;
	}
	memset(p, 0xa5, FALLOW_PAGE_SIZE);
	rt_expect("release a free page", release1(gfn_of(p)), 1);
	rt_expect("double release", release1(gfn_of(p)), -FALLOW_ENOENT);
	list[0] = gfn_of(q);
	list[1] = gfn_of(p);
	list[2] = gfn_of(sentinel[2]);
	rt_expect("release stops at the released entry", hc_balloon_release(list, 3), 1);
	rt_expect("the stopped entry's error", hc_balloon_release(&list[1], 2), -FALLOW_ENOENT);
	/* p is released, the sentinel mapped: one populated, then -EEXIST. */
	rt_expect("populate stops at a bad entry", hc_balloon_populate(&list[1], 2), 1);
	rt_expect("populate q again", populate1(gfn_of(q)), 1);
	rt_expect("populate p twice", populate1(gfn_of(p)), -FALLOW_EEXIST);
	rt_expect("populated page is zeroed", page_is_zero(p), 1);
	/* The list is read whole before any entry acts: a list naming its
	 * own page releases that page and nothing reads it afterwards. */
	l[0] = gfn_of(l);
	rt_expect("release the list's own page", hc_balloon_release(l, 1), 1);
	rt_expect("populate the list's page", populate1(gfn_of(l)), 1);
	page_free(p);
	page_free(q);
	page_free(l);
}

static void mem_target_calls(void)
{
	struct fallow_mem_figures f = { .actual = 1, .minimum = 2, .self_target = 3,
					.committed = 4 };

	rt_expect("no console target", hc_mem_target(), 0);
	rt_expect("post figures", hc_mem_post(&f), 0);
	rt_expect("post figures, length short",
	          call(FALLOW_HC_MEM_POST, (uintptr_t)&f, sizeof(f) - 1), -FALLOW_EINVAL);
	rt_expect("post figures from outside RAM",
	          call(FALLOW_HC_MEM_POST, rt_start_info()->ram_bytes, sizeof(f)), -FALLOW_EFAULT);
}

static void balloon_attacks(uint64_t ram)
{
	fill_sentinels();
	balloon_bad_lists(ram);
	balloon_bad_entries(ram);
	balloon_lifecycle();
	mem_target_calls();
	rt_expect("data beside the balloon calls intact", sentinels_intact(), 1);
}

static void good_calls_still_work(void)
{
	struct fallow_time t0, t1;
	struct fallow_abi_info info;
	const char msg[] = "hostile: good calls still work\n";

	rt_expect("abi version", hc_abi_version(), FALLOW_ABI_VERSION);
	rt_expect("abi info", hc_abi_info(&info), FALLOW_ABI_VERSION);
	rt_expect("abi info ram", info.ram_bytes == rt_start_info()->ram_bytes, 1);
	rt_expect("time", hc_time(&t0), 0);
	rt_expect("time again", hc_time(&t1), 0);
	rt_expect("tsc moves forward", t1.tsc > t0.tsc, 1);
	rt_expect("console write", hc_console_write(msg, sizeof(msg) - 1),
	          (int64_t)(sizeof(msg) - 1));
	rt_expect("yield", hc_yield(), 0);
}

int guest_main(const struct fallow_start_info *si)
{
	rt_check_begin("hostile");
	bad_numbers();
	bad_addresses(si->ram_bytes);
	bad_lengths();
	no_partial_write(si->ram_bytes);
	balloon_attacks(si->ram_bytes);
	good_calls_still_work();
	return rt_check_end();
}
