/* pcache: reads a data set larger than its RAM through the cleancache
 * page cache, pass after pass, and checks every byte of every block.
 * The "disk" is synthetic: a block's contents are computed from its
 * number, and each disk read is counted. With tmem holding the pages the
 * RAM cache pushed out, later passes read from tmem instead of the disk.
 *
 * Options: blocks=N (data set, default twice RAM), cache_pages=N (RAM
 * cache, default a quarter of RAM), passes=N (default 3), selfballoon
 * (run self-ballooning between blocks). Prints `mismatch` and exits 1
 * on wrong data. */
#include "guest-abi/rt/balloon.h"
#include "guest-abi/rt/cleancache.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define WORDS (FALLOW_PAGE_SIZE / sizeof(uint64_t))
#define NOISE_WORDS (WORDS * 3 / 8)
#define FILE_ID 0x7063616368650000ull /* "pcache" */

static uint64_t disk_reads;

/* 3/8 noise, the rest one repeated word: compressible to under half. */
static uint64_t block_word(uint32_t block, unsigned i)
{
	uint64_t x = ((uint64_t)block << 32 | (i < NOISE_WORDS ? i : 0)) + 0x9e3779b97f4a7c15ull;

	if (i >= NOISE_WORDS)
		return x * 0x100000001b3ull;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int disk_read(void *ctx, uint32_t block, void *page)
{
	uint64_t *w = page;

	(void)ctx;
	disk_reads++;
	for (unsigned i = 0; i < WORDS; i++)
		w[i] = block_word(block, i);
	return 0;
}

static int verify(uint32_t block, const uint64_t *w)
{
	for (unsigned i = 0; i < WORDS; i++) {
		if (w[i] != block_word(block, i)) {
			rt_printf("pcache: mismatch in block %u word %u: %llx, want %llx\n", block,
				  i, (unsigned long long)w[i],
				  (unsigned long long)block_word(block, i));
			return -1;
		}
	}
	return 0;
}

static void report(const char *what, uint64_t n)
{
	const struct cc_stats *s = cleancache_stats();

	rt_printf("pcache: %s %llu: ram_hits=%llu tmem_hits=%llu tmem_misses=%llu"
		  " disk_reads=%llu puts=%llu put_fails=%llu\n",
		  what, (unsigned long long)n, (unsigned long long)s->ram_hits,
		  (unsigned long long)s->tmem_hits, (unsigned long long)s->tmem_misses,
		  (unsigned long long)disk_reads, (unsigned long long)s->puts,
		  (unsigned long long)s->put_fails);
}

int guest_main(const struct fallow_start_info *si)
{
	uint64_t ram_pages = si->ram_bytes / FALLOW_PAGE_SIZE;
	uint64_t blocks = rt_cmdline_u64("blocks", 2 * ram_pages);
	uint64_t cache = rt_cmdline_u64("cache_pages", ram_pages / 4);
	uint64_t passes = rt_cmdline_u64("passes", 3);
	bool sb = rt_cmdline_has("selfballoon");
	int err;

	if (blocks >= 0xffffffffull) {
		rt_printf("pcache: blocks=%llu is too many\n", (unsigned long long)blocks);
		return 2;
	}
	if (sb && sb_init()) {
		rt_printf("pcache: self-ballooning could not start\n");
		return 2;
	}
	err = cleancache_init((uint32_t)cache, FILE_ID, disk_read, 0);
	if (err) {
		rt_printf("pcache: cache of %llu pages refused (%s)\n", (unsigned long long)cache,
			  rt_errname(err));
		return 2;
	}
	rt_printf("pcache: %llu blocks through a %llu-page cache, %llu passes, pool %lld\n",
		  (unsigned long long)blocks, (unsigned long long)cache,
		  (unsigned long long)passes, (long long)cleancache_pool());
	for (uint64_t p = 1; p <= passes; p++) {
		for (uint32_t b = 0; b < blocks; b++) {
			const void *page = cleancache_read(b);

			if (!page || verify(b, page))
				return 1;
			if (sb)
				sb_poll();
		}
		report("pass", p);
	}
	report("done, verified blocks", blocks * passes);
	return 0;
}
