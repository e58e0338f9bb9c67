/* While the test holds every frame, the allocated frames are chained
 * through their first two words (next frame, and next mixed with the
 * frame's own address as a check), so walking the chain needs no memory
 * beyond the frames under test. The remaining words carry the pattern. */
#include "mm/selftest.h"
#include "mm/frame.h"
#include "lib/err.h"

#include <stdbool.h>

#define WORDS_PER_FRAME (FRAME_SIZE / sizeof(uint64_t))
#define LINK_WORDS 2
#define SEED_SINGLE 0x9e3779b97f4a7c15ull /* golden-ratio constants: */
#define SEED_RUN 0xc2b2ae3d27d4eb4full    /* any odd, bit-rich value */

/* Runs to try once the single-frame pass is back to its start state:
 * sizes 1, 2, a non-power of two, and up to 2 MiB (a guest large page). */
static const uint64_t run_sizes[] = { 1, 2, 3, 16, 100, 512 };

static uint64_t pattern(paddr_t frame, uint64_t word, uint64_t seed)
{
	uint64_t x = (frame + word * sizeof(uint64_t)) ^ seed;

	/* A multiply spreads the address so neighbouring words differ in
	 * many bits, catching stuck and coupled bits, not only aliasing. */
	return x * 0xff51afd7ed558ccdull ^ (x >> 29);
}

static void fail(struct mm_selftest_result *r, paddr_t pa, const char *why)
{
	if (r->reason == NULL) {
		r->reason = why;
		r->first_bad = pa;
	}
	r->errors++;
}

static void fill(paddr_t pa, uint64_t first_word, uint64_t seed)
{
	volatile uint64_t *w = phys_to_virt(pa);

	for (uint64_t i = first_word; i < WORDS_PER_FRAME; i++)
		w[i] = pattern(pa, i, seed);
}

static uint64_t check(paddr_t pa, uint64_t first_word, uint64_t seed)
{
	volatile uint64_t *w = phys_to_virt(pa);
	uint64_t bad = 0;

	for (uint64_t i = first_word; i < WORDS_PER_FRAME; i++)
		bad += w[i] != pattern(pa, i, seed);
	return bad;
}

static void set_link(paddr_t pa, paddr_t next)
{
	volatile uint64_t *w = phys_to_virt(pa);

	w[0] = next;
	w[1] = next ^ pa ^ SEED_SINGLE;
}

/* The next frame in the chain, or FRAME_NONE with *ok false if the link
 * words no longer agree (the chain cannot be followed further). */
static paddr_t get_link(paddr_t pa, bool *ok)
{
	volatile uint64_t *w = phys_to_virt(pa);
	paddr_t next = w[0];

	*ok = w[1] == (next ^ pa ^ SEED_SINGLE) && frame_is_allocated(pa) &&
	      (next == FRAME_NONE || frame_is_allocated(next));
	return *ok ? next : FRAME_NONE;
}

/* Allocates every free frame into a chain; returns its head. */
static paddr_t take_all(struct mm_selftest_result *r, uint64_t expect)
{
	paddr_t head = FRAME_NONE, pa;

	while ((pa = frame_alloc()) != FRAME_NONE) {
		if (r->frames_tested == expect) {
			frame_free(pa);
			fail(r, pa, "allocator handed out more frames than it counted free");
			break;
		}
		set_link(pa, head);
		fill(pa, LINK_WORDS, SEED_SINGLE);
		head = pa;
		r->frames_tested++;
	}
	if (r->frames_tested != expect)
		fail(r, head, "allocator ran dry before its free count");
	return head;
}

/* Checks every frame of the chain, or frees them when `release`, up to
 * the end or the first broken link. */
static void walk_chain(struct mm_selftest_result *r, paddr_t head, bool release)
{
	paddr_t pa = head;

	while (pa != FRAME_NONE) {
		bool ok;
		paddr_t next;

		if (!release) {
			uint64_t bad = check(pa, LINK_WORDS, SEED_SINGLE);

			if (bad != 0) {
				fail(r, pa, "pattern mismatch in a single frame");
				r->errors += bad - 1;
			}
		}
		next = get_link(pa, &ok);
		if (!ok) {
			if (!release)
				fail(r, pa, "frame chain link corrupted");
			return;
		}
		if (release && frame_free(pa) != 0)
			fail(r, pa, "freeing a tested frame failed");
		pa = next;
	}
}

static bool same_counts(const struct frame_stats *a, const struct frame_stats *b)
{
	return a->total == b->total && a->free == b->free && a->owned == b->owned &&
	       a->freeable == b->freeable && a->allocated == b->allocated;
}

static void test_double_free(struct mm_selftest_result *r)
{
	paddr_t pa = frame_alloc();

	if (pa == FRAME_NONE)
		return;
	if (frame_free(pa) != 0)
		fail(r, pa, "freeing an allocated frame failed");
	else if (frame_free(pa) != -ERR_EXIST)
		fail(r, pa, "double free not detected");
}

static void test_run(struct mm_selftest_result *r, uint64_t n)
{
	uint64_t align = 1;
	paddr_t pa = frame_alloc_run(n);

	if (pa == FRAME_NONE)
		return; /* fragmented or too small: not a fault */
	while (align < n)
		align <<= 1;
	if ((pa >> FRAME_SHIFT) % align != 0)
		fail(r, pa, "contiguous run not naturally aligned");
	for (uint64_t i = 0; i < n; i++)
		fill(pa + i * FRAME_SIZE, 0, SEED_RUN);
	for (uint64_t i = 0; i < n; i++) {
		paddr_t f = pa + i * FRAME_SIZE;
		uint64_t bad = check(f, 0, SEED_RUN);

		if (bad != 0) {
			fail(r, f, "pattern mismatch in a contiguous run");
			r->errors += bad - 1;
		}
		if (!frame_is_allocated(f))
			fail(r, f, "frame of an allocated run not marked allocated");
	}
	if (frame_free_run(pa, n) != 0)
		fail(r, pa, "freeing a contiguous run failed");
	r->runs_tested++;
}

int mm_selftest(struct mm_selftest_result *r)
{
	struct frame_stats start, now;
	paddr_t head;

	__builtin_memset(r, 0, sizeof(*r));
	frame_get_stats(&start);
	head = take_all(r, start.free);
	frame_get_stats(&now);
	if (now.free != 0)
		fail(r, FRAME_NONE, "free count not zero with every frame taken");
	/* Free even after a broken chain: the release walk stops at the
	 * same break, so at least the frames before it go back. */
	walk_chain(r, head, false);
	walk_chain(r, head, true);
	frame_get_stats(&now);
	if (!same_counts(&start, &now))
		fail(r, FRAME_NONE, "counts differ from the start after freeing every frame");

	test_double_free(r);
	for (unsigned i = 0; i < sizeof(run_sizes) / sizeof(run_sizes[0]); i++)
		test_run(r, run_sizes[i]);
	frame_get_stats(&now);
	if (!same_counts(&start, &now))
		fail(r, FRAME_NONE, "counts differ from the start after the run tests");
	if (now.free + now.freeable + now.owned != now.total)
		fail(r, FRAME_NONE, "free + freeable + owned != total");
	return r->errors == 0 ? 0 : -ERR_CORRUPT;
}
