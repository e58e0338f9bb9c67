/* The workload guest's parts (guest-abi/guests/workload.c is the main
 * program). A parallel compile in miniature: tasks read source files
 * from the paravirtual disk through a page cache (cleancache beneath it),
 * keep anonymous working memory (frontswap beneath it), write object
 * files, delete them, and do it all again. Every byte read back is
 * checked against what it must be. */
#ifndef FALLOW_WORKLOAD_H
#define FALLOW_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"

#define WL_PAGE FALLOW_PAGE_SIZE
#define WL_WORDS (WL_PAGE / sizeof(uint64_t))
#define WL_SECTORS_PER_PAGE (WL_PAGE / FALLOW_SECTOR_SIZE)
#define WL_NONE 0xffffffffu

/* ------------------------------------------------------------ options
 * Every size is a command-line word (workload.c documents them). */
struct wl_options {
	uint64_t tasks;       /* tasks=: compile jobs interleaved (make -jN) */
	uint64_t rounds;      /* rounds=: make clean; make, this many times */
	uint64_t src_kb;      /* src_kb=: source bytes compiled per round */
	uint64_t headers;     /* headers=: header files each unit reads */
	uint64_t anon_kb;     /* anon_kb=: steady working set, all tasks */
	uint64_t unit_pct;    /* unit_pct=: a unit's transient memory, % of its source */
	uint64_t spike_kb;    /* spike_kb=: extra memory of a spiking unit */
	uint64_t spike_every; /* spike_every=: every Nth unit spikes (0: never) */
	uint64_t touch_pages; /* touch_pages=: steady pages each unit works over */
	uint64_t obj_pct;     /* obj_pct=: object size, % of the source */
	uint64_t free_min_kb; /* free_min_kb=: free memory the page cache leaves */
	uint64_t swap_kb;     /* swap_kb=: swap area on the disk */
	uint64_t linger_ms;   /* linger_ms=: stay idle this long, then check the objects again */
	bool selfballoon;     /* selfballoon: the runtime's self-ballooning */
};

extern struct wl_options wl_opt;

/* ------------------------------------------------------------ counters */
struct wl_counts {
	uint64_t sectors_read, sectors_written, disk_reads, disk_writes;
	uint64_t disk_retries;        /* calls refused for memory, waited and retried */
	uint64_t cache_hits;          /* page found in the guest's RAM cache */
	uint64_t tmem_gets, tmem_hits, tmem_puts, tmem_put_fails;
	uint64_t cache_evictions, cache_shrunk;
	uint64_t swapped_out, swapped_in;
	uint64_t pages_verified;
	uint64_t units;
};

extern struct wl_counts wl_count;

/* Prints the `mismatch` line and exits the guest with status 1. */
__attribute__((noreturn)) void wl_mismatch(const char *what, uint64_t a, uint64_t b,
					   uint64_t word, uint64_t got, uint64_t want);
/* Prints why and exits with status 2 (a resource ran out, not bad data). */
__attribute__((noreturn)) void wl_fail(const char *why, int64_t err);

/* ------------------------------------------------------------ disk (disk.c) */
/* A 64 KiB physically contiguous buffer: one disk call's worth. */
#define WL_BOUNCE_PAGES (FALLOW_DISK_MAX_SECTORS / WL_SECTORS_PER_PAGE)
extern uint8_t wl_bounce[WL_BOUNCE_PAGES * WL_PAGE];

int wl_disk_open(void);
uint64_t wl_disk_sectors(void);       /* the disk's size */
uint64_t wl_disk_image_sectors(void); /* the part that is the shared image */
/* Whole pages; `buf` is guest-physical (identity mapped). Failures end
 * the guest: a compile cannot go on without its disk. */
void wl_disk_read(uint64_t sector, uint32_t pages, void *buf);
void wl_disk_write(uint64_t sector, uint32_t pages, const void *buf);

/* ------------------------------------------------------------ source tree (tree.c) */
struct wl_file {
	uint64_t sector; /* first sector of its data */
	uint32_t bytes;
	uint32_t pages;
	bool header;
};

int tree_load(void);
uint32_t tree_count(void);
const struct wl_file *tree_file(uint32_t i);
uint32_t tree_header_count(void);
uint32_t tree_header(uint32_t n); /* file index of the n-th header */
uint64_t tree_end_sector(void);   /* first sector past the image's files */
/* Checks a page read back from file i; mismatch ends the guest. */
void tree_verify(uint32_t file, uint32_t page, const void *data);

/* Object files: one per source file, at a fixed place past the image;
 * contents are a function of (file, round, page). */
int obj_layout(uint64_t first_sector); /* 0 or -FALLOW_ENOMEM */
uint64_t obj_sector(uint32_t file);
uint32_t obj_pages(uint32_t file);
uint64_t obj_end_sector(void);
void obj_fill(uint32_t file, uint32_t round, uint32_t page, void *data);
void obj_verify(uint32_t file, uint32_t round, uint32_t page, const void *data);

/* ------------------------------------------------------------ page cache (cache.c)
 * Pages of files keyed by (file id, page). Clean pages pushed out of RAM
 * go to an ephemeral tmem pool (cleancache); a RAM miss tries tmem before
 * the disk. Cache pages are not committed memory: self-ballooning
 * squeezes them (cache_shrink) as Linux's balloon squeezes its page cache. */
#define WL_OBJ_FILE_BASE 0x100000u /* file ids of object files */

typedef void (*wl_verify_fn)(uint32_t file, uint32_t page, const void *data, void *ctx);

int cache_init(uint64_t max_pages);
/* Reads pages [first, first + n) of `file`, whose page 0 is at disk
 * `sector`, and hands each to verify. */
void cache_read(uint32_t file, uint32_t first, uint32_t n, uint64_t sector,
		wl_verify_fn verify, void *ctx);
/* A page just written to disk: keep it as a clean cached page. */
void cache_insert(uint32_t file, uint32_t page, const void *data);
/* The file was deleted: forget its pages in RAM and in tmem. */
void cache_drop(uint32_t file, uint32_t pages);
/* Pushes up to n pages out of RAM (to tmem) and frees them; returns how many. */
uint64_t cache_shrink(uint64_t n);
uint64_t cache_pages(void);
bool cache_has_tmem(void);

/* ------------------------------------------------------------ memory (mem.c) */
/* A page for anonymous memory: free memory first, then the page cache,
 * then the balloon; NULL when all are gone (the caller swaps). */
void *mem_anon_page(void);
/* Self-ballooning step, when due; the page cache gives way to the balloon. */
void mem_poll(void);
uint64_t mem_peak_cache(void);
/* A zeroed table of `bytes` in adjacent pages of committed memory, taken
 * at start; NULL when there is no such run. */
void *mem_table(uint64_t bytes);

/* ------------------------------------------------------------ anonymous memory (anon.c)
 * Pages named by id, each with a version; resident in a frame or swapped
 * out through frontswap (tmem first, the disk's swap area after). */
int anon_init(uint64_t max_pages, uint64_t swap_first_sector, uint64_t swap_pages);
uint32_t anon_new(void);             /* a fresh id, WL_NONE when out of ids */
/* Makes the page resident, checks its contents, writes a new version. */
void anon_touch(uint32_t id);
void anon_free(uint32_t id);
uint64_t anon_resident(void);
uint64_t anon_peak(void);

/* ------------------------------------------------------------ compile (make.c) */
int make_init(void);
/* make clean; make -jN: one round. */
void make_round(uint32_t round);
/* The link: reads back and checks every object of the last round. */
void make_link(void);

#endif
