/* See frontswap.h. Two bitmaps say where each slot's page is. */
#include "guest-abi/rt/frontswap.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define BITS 64u
#define FS_OID 0x66726f6e74737770ull /* "frontswp": the one swap object */

static uint64_t in_tmem[FS_MAX_SLOTS / BITS], in_area[FS_MAX_SLOTS / BITS];
static uint32_t nslots;
static int64_t pool = -FALLOW_ENOSYS;
static const struct rt_oid oid = { { FS_OID, 0, 0 } };
static fs_io_fn area_write, area_read;
static void *area_ctx;
static void *bounce; /* shrinking moves pages through it */
static struct fs_stats st;
static uint64_t activity, seen_activity, idle_steps;
static uint64_t idle_needed, shrink_div;
static bool ready;

static bool test(const uint64_t *map, uint32_t i)
{
	return (map[i / BITS] >> (i % BITS)) & 1;
}

static void set(uint64_t *map, uint32_t i, bool on)
{
	if (on)
		map[i / BITS] |= 1ull << (i % BITS);
	else
		map[i / BITS] &= ~(1ull << (i % BITS));
}

int frontswap_init(uint32_t n, fs_io_fn wr, fs_io_fn rd, void *ctx)
{
	if (!n || n > FS_MAX_SLOTS)
		return -FALLOW_ERANGE;
	bounce = page_alloc();
	if (!bounce)
		return -FALLOW_ENOMEM;
	nslots = n;
	area_write = wr;
	area_read = rd;
	area_ctx = ctx;
	idle_needed = rt_cmdline_u64("fs_idle_steps", FS_IDLE_STEPS_DEFAULT);
	shrink_div = rt_cmdline_u64("fs_shrink_div", FS_SHRINK_DIV_DEFAULT);
	if (!shrink_div)
		shrink_div = FS_SHRINK_DIV_DEFAULT;
	pool = hc_tmem_new_pool(FALLOW_TMEM_PERSISTENT, 0, 0);
	ready = true;
	return 0;
}

static void forget_tmem(uint32_t slot)
{
	if (!test(in_tmem, slot))
		return;
	hc_tmem_flush_page((uint32_t)pool, &oid, slot);
	set(in_tmem, slot, false);
	st.in_tmem--;
}

int frontswap_store(uint32_t slot, void *page)
{
	if (slot >= nslots)
		return -FALLOW_ERANGE;
	activity++;
	if (pool >= 0) {
		int64_t err = hc_tmem_put((uint32_t)pool, &oid, slot, page);

		if (!err) {
			if (!test(in_tmem, slot))
				st.in_tmem++;
			set(in_tmem, slot, true);
			set(in_area, slot, false);
			st.tmem_stores++;
			return 0;
		}
		st.put_fails++;
		st.frozen += err == -FALLOW_EFROZEN;
		st.last_put_err = err;
		forget_tmem(slot); /* a failed put may leave no old copy, or a stale one */
	}
	int err = area_write(area_ctx, slot, page);

	set(in_area, slot, err == 0);
	if (!err)
		st.area_stores++;
	return err;
}

int frontswap_load(uint32_t slot, void *page)
{
	if (slot >= nslots)
		return -FALLOW_ERANGE;
	activity++;
	if (test(in_tmem, slot)) {
		/* A persistent page tmem accepted must come back. */
		if (hc_tmem_get((uint32_t)pool, &oid, slot, page))
			return -FALLOW_ECORRUPT;
		forget_tmem(slot);
		st.tmem_loads++;
		return 0;
	}
	if (!test(in_area, slot))
		return -FALLOW_ENOENT;
	set(in_area, slot, false);
	st.area_loads++;
	return area_read(area_ctx, slot, page);
}

void frontswap_invalidate(uint32_t slot)
{
	if (slot >= nslots)
		return;
	forget_tmem(slot);
	set(in_area, slot, false);
}

uint64_t frontswap_shrink(uint64_t n)
{
	uint64_t moved = 0;

	for (uint32_t slot = 0; slot < nslots && moved < n && st.in_tmem; slot++) {
		if (!test(in_tmem, slot))
			continue;
		if (hc_tmem_get((uint32_t)pool, &oid, slot, bounce) ||
		    area_write(area_ctx, slot, bounce))
			break; /* keep it where it is */
		forget_tmem(slot);
		set(in_area, slot, true);
		moved++;
	}
	st.shrunk += moved;
	return moved;
}

void frontswap_selfshrink(void)
{
	if (!ready)
		return;
	if (activity != seen_activity) {
		seen_activity = activity;
		idle_steps = 0;
		return;
	}
	if (++idle_steps < idle_needed || !st.in_tmem)
		return;
	frontswap_shrink(st.in_tmem / shrink_div ? st.in_tmem / shrink_div : 1);
}

const struct fs_stats *frontswap_stats(void)
{
	return &st;
}

int64_t frontswap_pool(void)
{
	return pool;
}
