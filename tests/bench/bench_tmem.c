/* tmem benchmarks (`make bench`). Every figure is a ratio against a
 * reference measured in the same run, printed as `bench: NAME=VALUE`.
 * Nothing here passes or fails on time. */
#include <lz4.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmem/tmem.h"

#define PAGE TMEM_PAGE_SIZE
#define CORPUS_PAGES 2048
#define RING 256          /* destinations for the memcpy reference */
#define OPS_PAGES 4096    /* handles cycled by the put+get loops */
#define REPEAT 5          /* take the best of this many timed runs */

/* ------------------------------------------------------------ platform */
struct heap_frames {
	void **free;
	size_t nfree, cap;
};

static void *hf_alloc(void *ctx)
{
	struct heap_frames *h = ctx;
	void *p;

	if (h->nfree)
		return h->free[--h->nfree];
	p = aligned_alloc(PAGE, PAGE);
	if (p)
		memset(p, 0, PAGE);
	return p;
}

static void hf_free(void *ctx, void *p)
{
	struct heap_frames *h = ctx;

	if (h->nfree == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->free = realloc(h->free, h->cap * sizeof(*h->free));
	}
	h->free[h->nfree++] = p;
}

static struct tmem *new_tmem(struct heap_frames *h)
{
	struct tmem *t = calloc(1, sizeof(*t));
	struct tmem_platform p = { .ctx = h, .frame_alloc = hf_alloc, .frame_free = hf_free };

	if (!t || tmem_init(t, &p, 12345))
		abort();
	return t;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

/* ------------------------------------------------------------ corpus */
/* Text and binaries found on the machine, plus zero and random pages. */
static uint8_t *corpus;
static size_t corpus_pages;

static size_t load_file(const char *path, uint8_t *dst, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(dst, 1, max, f);
	fclose(f);
	return n / PAGE * PAGE;
}

static void build_corpus(void)
{
	static const char *files[] = {
		"/usr/include/stdlib.h", "/usr/include/unistd.h", "/usr/include/stdio.h",
		"/usr/include/elf.h", "/usr/include/lz4.h", "/usr/include/cmocka.h",
		"/usr/bin/make", "/usr/bin/gcc", "/usr/bin/python3", "/bin/bash",
		"/usr/bin/ld", "/usr/bin/perl", "/usr/bin/objdump",
	};
	size_t off = 0, share = CORPUS_PAGES * PAGE / 16;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	corpus = calloc(CORPUS_PAGES, PAGE);
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t room = CORPUS_PAGES * PAGE - off;
		size_t max = share < room ? share : room;

		off += load_file(files[i], corpus + off, max);
	}
	/* One zero page in 16 and one random in 16, then fill up with text. */
	for (size_t p = off / PAGE; p < CORPUS_PAGES; p++) {
		uint8_t *pg = corpus + p * PAGE;

		if (p % 16 == 1) {
			for (size_t i = 0; i < PAGE; i += 8) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				memcpy(pg + i, &x, 8);
			}
		} else if (p % 16 != 0) {
			for (size_t i = 0; i < PAGE; i++)
				pg[i] = (uint8_t)" etaoinshrdlu\n"[(i * 7 + p * 13 + i / 5) % 14];
		}
	}
	corpus_pages = CORPUS_PAGES;
}

/* ------------------------------------------------------------ memcpy */
/* memcpy of the same source pages into `frames` destination frames in
 * turn. With RING frames it is the plain reference; with OPS_PAGES it
 * writes as much memory as a persistent pool holding OPS_PAGES pages
 * does, the reference for that loop's working set. */
static double memcpy_ns(size_t frames)
{
	uint8_t *src = corpus, *ring = aligned_alloc(PAGE, frames * PAGE);
	const int n = 200000;
	double best = 1e30;

	memset(ring, 1, frames * PAGE);
	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (int i = 0; i < n; i++) {
			memcpy(ring + (size_t)i % frames * PAGE, src + (size_t)(i % 64) * PAGE, PAGE);
			__asm__ volatile("" ::: "memory");
		}
		double ns = (now_ns() - t0) / n;

		best = ns < best ? ns : best;
	}
	free(ring);
	return best;
}

/* ------------------------------------------------------------ put+get */
static double put_get_ns(uint32_t pool_flags, uint32_t client_flags)
{
	struct heap_frames h = { 0 };
	struct tmem *t = new_tmem(&h);
	struct tmem_client_cfg cfg = { 1, client_flags, TMEM_UNLIMITED, TMEM_UNLIMITED };
	uint8_t *out = aligned_alloc(PAGE, PAGE);
	const int n = 200000;
	double best = 1e30;

	tmem_client_create(t, 0, &cfg);
	tmem_pool_new(t, 0, pool_flags, NULL);
	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (int i = 0; i < n; i++) {
			struct tmem_oid o = { { (uint64_t)(i % OPS_PAGES) / 64, 0, 0 } };
			uint32_t idx = (uint32_t)(i % 64);

			if (tmem_put(t, 0, 0, &o, idx, corpus + (size_t)(i % 64) * PAGE) ||
			    tmem_get(t, 0, 0, &o, idx, out))
				abort();
		}
		double ns = (now_ns() - t0) / n;

		best = ns < best ? ns : best;
	}
	sink += out[7];
	tmem_fini(t);
	free(t);
	free(out);
	return best;
}

/* A put whose contents are already stored: fingerprint, compare, link. */
static double dedup_put_ns(void)
{
	struct heap_frames h = { 0 };
	struct tmem *t = new_tmem(&h);
	struct tmem_client_cfg cfg = { 1, TMEM_CLIENT_DEDUP, TMEM_UNLIMITED, TMEM_UNLIMITED };
	struct tmem_oid o = { { 1, 0, 0 } };
	const int n = 200000;
	double best = 1e30;

	tmem_client_create(t, 0, &cfg);
	tmem_pool_new(t, 0, TMEM_POOL_PERSISTENT, NULL);
	for (int i = 0; i < 64; i++)
		tmem_put(t, 0, 0, &o, (uint32_t)i + 1000000, corpus + (size_t)i * PAGE);
	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		/* Duplicate puts over OPS_PAGES handles: each replaces a
		 * reference with another reference. */
		for (int i = 0; i < n; i++)
			if (tmem_put(t, 0, 0, &o, (uint32_t)(i % OPS_PAGES),
				     corpus + (size_t)(i % 64) * PAGE))
				abort();
		double ns = (now_ns() - t0) / n;

		best = ns < best ? ns : best;
	}
	tmem_fini(t);
	free(t);
	return best;
}

/* ------------------------------------------------------------ codec */
static void codec(void)
{
	static struct lz4_state st;
	size_t bound = LZ4_BOUND(PAGE);
	uint8_t *z = malloc(corpus_pages * bound), *out = malloc(PAGE);
	int *zl = malloc(corpus_pages * sizeof(int));
	long *ol = malloc(corpus_pages * sizeof(long));
	double ours_c = 1e30, theirs_c = 1e30, ours_d = 1e30, theirs_d = 1e30;
	uint64_t ours_size = 0, theirs_size = 0;

	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (size_t p = 0; p < corpus_pages; p++)
			ol[p] = lz4_compress(&st, corpus + p * PAGE, PAGE, z + p * bound, bound);
		double t1 = now_ns();

		for (size_t p = 0; p < corpus_pages; p++)
			zl[p] = LZ4_compress_default((const char *)corpus + p * PAGE,
						     (char *)z + p * bound, PAGE, (int)bound);
		double t2 = now_ns();

		ours_c = t1 - t0 < ours_c ? t1 - t0 : ours_c;
		theirs_c = t2 - t1 < theirs_c ? t2 - t1 : theirs_c;
	}
	/* Sizes, and both decompressors on liblz4's blocks. */
	for (size_t p = 0; p < corpus_pages; p++) {
		ours_size += (uint64_t)lz4_compress(&st, corpus + p * PAGE, PAGE,
						    z + p * bound, bound);
		theirs_size += (uint64_t)zl[p];
	}
	for (size_t p = 0; p < corpus_pages; p++)
		zl[p] = LZ4_compress_default((const char *)corpus + p * PAGE,
					     (char *)z + p * bound, PAGE, (int)bound);
	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (size_t p = 0; p < corpus_pages; p++)
			if (lz4_decompress(z + p * bound, (size_t)zl[p], out, PAGE) != PAGE)
				abort();
		double t1 = now_ns();

		for (size_t p = 0; p < corpus_pages; p++)
			if (LZ4_decompress_safe((const char *)z + p * bound, (char *)out, zl[p],
						PAGE) != PAGE)
				abort();
		double t2 = now_ns();

		ours_d = t1 - t0 < ours_d ? t1 - t0 : ours_d;
		theirs_d = t2 - t1 < theirs_d ? t2 - t1 : theirs_d;
	}
	double mb = (double)corpus_pages * PAGE / 1e6;

	printf("bench: codec_corpus_pages=%zu\n", corpus_pages);
	printf("bench: compress_mbps=%.0f\n", mb / (ours_c / 1e9));
	printf("bench: compress_mbps_liblz4=%.0f\n", mb / (theirs_c / 1e9));
	printf("bench: compress_speed_vs_liblz4=%.2f\n", theirs_c / ours_c);
	printf("bench: decompress_mbps=%.0f\n", mb / (ours_d / 1e9));
	printf("bench: decompress_mbps_liblz4=%.0f\n", mb / (theirs_d / 1e9));
	printf("bench: decompress_speed_vs_liblz4=%.2f\n", theirs_d / ours_d);
	printf("bench: compressed_size_vs_liblz4=%.4f\n", (double)ours_size / (double)theirs_size);
	free(z);
	free(out);
	free(zl);
	free(ol);
}

/* ------------------------------------------------------------ scaling */
/* Pages holding a unique number in zeros: they compress to a few dozen
 * bytes, so a million fit in memory while every index holds a million. */
static void unique_page(uint8_t *p, uint64_t id)
{
	memset(p, 0, PAGE);
	memcpy(p + (id % 500) * 8, &id, sizeof(id));
}

static void scaling(size_t n, uint32_t flags, const char *tag, double ref)
{
	struct heap_frames h = { 0 };
	struct tmem *t = new_tmem(&h);
	struct tmem_client_cfg cfg = { 1, flags, TMEM_UNLIMITED, TMEM_UNLIMITED };
	struct tmem_frame_counts fc;
	uint8_t *pg = aligned_alloc(PAGE, PAGE), *out = aligned_alloc(PAGE, PAGE);
	const size_t per_obj = 1024, ops = 200000;
	uint64_t x = 88172645463325252ull;

	tmem_client_create(t, 0, &cfg);
	tmem_pool_new(t, 0, TMEM_POOL_PERSISTENT, NULL);
	for (size_t i = 0; i < n; i++) {
		struct tmem_oid o = { { i / per_obj * 0x9E3779B97F4A7C15ull, 7, 7 } };

		unique_page(pg, i);
		if (tmem_put(t, 0, 0, &o, (uint32_t)(i % per_obj), pg))
			abort();
	}
	tmem_frame_counts(t, &fc);
	double t0 = now_ns();

	/* Random handles: a get, then a put replacing the page. */
	for (size_t k = 0; k < ops; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t i = x % n;
		struct tmem_oid o = { { i / per_obj * 0x9E3779B97F4A7C15ull, 7, 7 } };

		if (tmem_get(t, 0, 0, &o, (uint32_t)(i % per_obj), out))
			abort();
		if (tmem_put(t, 0, 0, &o, (uint32_t)(i % per_obj), out))
			abort();
	}
	double ns = (now_ns() - t0) / (2.0 * ops);

	printf("bench: op_ns_%s_%zu=%.0f\n", tag, n, ns);
	printf("bench: op_vs_memcpy_%s_%zu=%.2f\n", tag, n, ns / ref);
	printf("bench: meta_bytes_per_page_%s_%zu=%.1f\n", tag, n,
	       (double)(fc.meta + fc.emeta + fc.pmeta) * PAGE / (double)n);
	tmem_fini(t);
	free(t);
	free(pg);
	free(out);
	for (size_t i = 0; i < h.nfree; i++)
		free(h.free[i]);
	free(h.free);
}

/* `bench_tmem [SECTION]` runs one section: memcpy, putget, dedup, codec,
 * scaling (all by default). */
static int want(int argc, char **argv, const char *section)
{
	return argc < 2 || !strcmp(argv[1], section);
}

int main(int argc, char **argv)
{
	double mc, mc_wide, eph, pers, dd;

	build_corpus();
	mc = memcpy_ns(RING);
	printf("bench: memcpy_4k_ns=%.1f\n", mc);
	if (want(argc, argv, "putget")) {
		mc_wide = memcpy_ns(OPS_PAGES);
		eph = put_get_ns(0, 0);
		pers = put_get_ns(TMEM_POOL_PERSISTENT, 0);
		printf("bench: memcpy_4k_ns_%u_frames=%.1f\n", OPS_PAGES, mc_wide);
		printf("bench: put_get_ns=%.1f\n", eph);
		printf("bench: put_get_vs_memcpy=%.2f\n", eph / mc);
		printf("bench: put_get_persistent_ns=%.1f\n", pers);
		printf("bench: put_get_persistent_vs_memcpy=%.2f\n", pers / mc);
		/* The persistent loop keeps OPS_PAGES pages (16 MiB) stored, so
		 * it also gets the reference that writes that much. */
		printf("bench: put_get_persistent_vs_memcpy_same_frames=%.2f\n", pers / mc_wide);
	}
	if (want(argc, argv, "dedup")) {
		dd = dedup_put_ns();
		printf("bench: dedup_put_ns=%.1f\n", dd);
		printf("bench: dedup_put_vs_memcpy=%.2f\n", dd / mc);
	}
	if (want(argc, argv, "codec"))
		codec();
	if (want(argc, argv, "scaling")) {
		scaling(1000, 0, "raw", mc);
		scaling(100000, 0, "raw", mc);
		scaling(1000, TMEM_CLIENT_COMPRESS, "z", mc);
		scaling(100000, TMEM_CLIENT_COMPRESS, "z", mc);
		scaling(1000000, TMEM_CLIENT_COMPRESS, "z", mc);
	}
	printf("bench: sink=%llu\n", (unsigned long long)sink);
	return 0;
}
