/* longcall: makes hypercalls whose work grows with what the guest chose,
 * for gapmeter beside it to show that they do not hold other guests up
 * (each is cut into bounded pieces; the guest sees only its result).
 * Command line: mode=destroy|evict|console, handles=N (pages per fill,
 * default 60000), writes=N (console: full writes, default 16).
 *   destroy: fills one object of an ephemeral pool with `handles` equal
 *            pages (one deduplicated blob with tmem_dedup=on), flushes
 *            the object, fills it again and destroys the pool;
 *   evict:   fills the same way beside a small persistent pool of the same
 *            contents, then puts different pages until one evicts the
 *            blob (the console caps the guest's ephemeral frames: `cap`);
 *            every page of it must then miss, the persistent ones hit;
 *            it exits with both pools full (the teardown's turn);
 *   console: writes full FALLOW_CONSOLE_MAX buffers of numbered lines.
 * Each step checks its result; any surprise is exit status 1. */
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"
#include "lib/fmt.h"

#define DEFAULT_HANDLES 60000ull
#define DEFAULT_WRITES 16ull
#define LINE_LEN 64u    /* bytes per console line, newline included */
#define PERS_PAGES 8u   /* evict: persistent pages that must survive */
#define EVICT_TRIES 100000u

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static char buf[FALLOW_CONSOLE_MAX];
static const struct rt_oid one = { { 1, 7, 7 } };

static int fail(const char *what, int64_t r)
{
	rt_printf("longcall: FAIL %s: %lld (%s)\n", what, (long long)r, rt_errname(r));
	return 1;
}

static int64_t new_filled_pool(uint64_t handles)
{
	int64_t pool = hc_tmem_new_pool(0, 0, 0);

	if (pool < 0)
		return fail("new pool", pool), -1;
	for (uint64_t i = 0; i < handles; i++) {
		int64_t r = hc_tmem_put((uint32_t)pool, &one, (uint32_t)i, page_a);

		if (r)
			return fail("put", r), -1;
	}
	rt_printf("longcall: %llu handles put in pool %lld\n", (unsigned long long)handles,
		  (long long)pool);
	return pool;
}

static int destroy(uint64_t handles)
{
	int64_t pool = new_filled_pool(handles), r;

	if (pool < 0)
		return 1;
	r = hc_tmem_flush_object((uint32_t)pool, &one);
	if (r != (int64_t)handles)
		return fail("flush object", r);
	rt_printf("longcall: object flushed: %lld pages\n", (long long)r);
	for (uint64_t i = 0; i < handles; i++)
		if ((r = hc_tmem_put((uint32_t)pool, &one, (uint32_t)i, page_a)))
			return fail("put", r);
	r = hc_tmem_destroy_pool((uint32_t)pool);
	if (r)
		return fail("destroy pool", r);
	rt_printf("longcall: pool destroyed\n");
	return 0;
}

static int evict(uint64_t handles)
{
	int64_t pers = hc_tmem_new_pool(FALLOW_TMEM_PERSISTENT, 0, 0), pool, r;
	uint32_t t;

	if (pers < 0)
		return fail("new persistent pool", pers);
	for (uint32_t i = 0; i < PERS_PAGES; i++)
		if ((r = hc_tmem_put((uint32_t)pers, &one, i, page_a)))
			return fail("persistent put", r);
	pool = new_filled_pool(handles);
	if (pool < 0)
		return 1;
	/* Different contents each time: each put needs a frame of its own,
	 * and once the cap is reached the oldest, the blob, must go. Until
	 * then the probe hits (and takes that one page). */
	for (t = 0; t < EVICT_TRIES && t < handles; t++) {
		uint64_t *w = (uint64_t *)(void *)page_b;

		w[0] = t + 1;
		if ((r = hc_tmem_put((uint32_t)pool, &one, (uint32_t)(handles + t), page_b)))
			return fail("put", r);
		r = hc_tmem_get((uint32_t)pool, &one, t, page_b);
		if (r == -FALLOW_ENOENT)
			break;
		if (r)
			return fail("probe get", r);
	}
	if (t == EVICT_TRIES || t == handles)
		return fail("no eviction seen", 0);
	rt_printf("longcall: blob evicted by put %u\n", t);
	for (uint32_t i = t + 1; i < handles; i += 997)
		if ((r = hc_tmem_get((uint32_t)pool, &one, i, page_b)) != -FALLOW_ENOENT)
			return fail("get of an evicted page", r);
	for (uint32_t i = 0; i < PERS_PAGES; i++) {
		if ((r = hc_tmem_get((uint32_t)pers, &one, i, page_b)))
			return fail("persistent get", r);
		if (memcmp(page_a, page_b, sizeof(page_a)))
			return fail("persistent page changed", 0);
	}
	rt_printf("longcall: evicted pages miss, %u persistent pages intact\n", PERS_PAGES);
	/* Both pools stay: the guest's end takes them, in steps. */
	return 0;
}

static int flood(uint64_t writes)
{
	const unsigned lines = sizeof(buf) / LINE_LEN;

	for (uint64_t w = 0; w < writes; w++) {
		for (unsigned l = 0; l < lines; l++) {
			char *p = buf + l * LINE_LEN;
			size_t n = fmt_snprintf(p, LINE_LEN, "flood %06llu ",
						(unsigned long long)(w * lines + l));

			memset(p + n, 'x', LINE_LEN - 1 - n); /* over the NUL too */
			p[LINE_LEN - 1] = '\n';
		}
		int64_t r = hc_console_write(buf, sizeof(buf));

		if (r != (int64_t)sizeof(buf))
			return fail("console write", r);
	}
	rt_printf("longcall: %llu full console writes done\n", (unsigned long long)writes);
	return 0;
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t handles = rt_cmdline_u64("handles", DEFAULT_HANDLES);
	int status;

	(void)si;
	memset(page_a, 0x5a, sizeof(page_a));
	memset(page_b, 0xa5, sizeof(page_b));
	if (rt_cmdline_has("mode=evict")) {
		rt_printf("longcall: mode evict\n");
		status = evict(handles);
	} else if (rt_cmdline_has("mode=console")) {
		rt_printf("longcall: mode console\n");
		status = flood(rt_cmdline_u64("writes", DEFAULT_WRITES));
	} else {
		rt_printf("longcall: mode destroy\n");
		status = destroy(handles);
	}
	if (!status)
		rt_printf("longcall: done\n");
	return status;
}
