/* Transcendent memory: the public interface of the pool.
 *
 * Clients (one per guest) own pools; pools hold objects (192-bit ids
 * chosen by the guest); objects hold pages (32-bit indexes). Ephemeral
 * pages may vanish at any time; persistent pages stay until flushed and
 * are charged to the client that put them. See shared/DESIGN.md, "tmem
 * semantics", for the contract this implements.
 *
 * All state lives in one struct tmem that the caller provides (static in
 * the hypervisor). tmem never calls malloc: its records live in frames it
 * takes through the platform interface, each charged to the guest whose
 * pages it describes (tmem/meta.h says how).
 *
 * Every function takes the platform lock. Ids from guests are checked:
 * a client id >= TMEM_MAX_CLIENTS or a pool id >= TMEM_MAX_POOLS is
 * -ERR_RANGE, one that names nothing is -ERR_NOENT. */
#ifndef FALLOW_TMEM_TMEM_H
#define FALLOW_TMEM_TMEM_H

#include <stddef.h>
#include <stdint.h>

#include "tmem/avl.h"
#include "tmem/client.h"
#include "tmem/dedup.h"
#include "tmem/frames.h"
#include "tmem/lz4.h"
#include "tmem/meta.h"
#include "tmem/object.h"
#include "tmem/platform.h"
#include "tmem/pool.h"
#include "tmem/slab.h"
#include "tmem/stats.h"

/* Compressed pages longer than this are stored raw: below it at least a
 * quarter of the frame is saved. */
#define TMEM_ZMAX (TMEM_PAGE_SIZE * 3 / 4)

/* The most page records one bounded call removes (destroying a pool,
 * flushing an object, one step of a client's end, one sweep): a few
 * hundred microseconds, well inside a scheduling slice. Calls that have
 * more to do return -ERR_AGAIN and are called again for the rest. */
#define TMEM_WORK_BUDGET 1024u

struct tmem {
	struct tmem_platform plat;
	struct tmem_frames frames;
	struct meta_set shared_meta; /* records of shared pools */
	struct slab_cache pools;
	struct tmem_client clients[TMEM_MAX_CLIENTS];
	struct tmem_pool *shared[TMEM_MAX_SHARED];
	struct dedup_index dedup; /* every blob, keyed from the seed */
	uint32_t stamp;           /* LRU clock */
	uint64_t evict_gen;       /* bumped by every eviction */
	struct tmem_lru dead;     /* evicted blobs whose pages await the sweep */
	struct tmem_op_stats ops; /* global totals */
	struct tmem_data_stats data;
	uint64_t reclaimed;       /* frames handed back by tmem_reclaim */
	struct lz4_state lz4;
	uint8_t zbuf[TMEM_ZMAX];           /* compressor output */
	uint8_t cmpbuf[TMEM_PAGE_SIZE];    /* a blob decompressed to compare */
};

/* Frames tmem holds, for free + freeable + owned == total. */
struct tmem_frame_counts {
	uint64_t freeable; /* eph + emeta + spare: the allocator may take them */
	uint64_t owned;    /* pers + pmeta + meta */
	uint64_t eph, pers, spare;
	uint64_t meta;     /* pool records, charged to no guest */
	uint64_t emeta;    /* records of ephemeral pages */
	uint64_t pmeta;    /* records of persistent pages, charged to guests */
	uint64_t records;  /* meta + emeta + pmeta: every metadata frame */
};

/* The whole pool's counters, copied out (tmem_totals): the global ones,
 * and pages and packed frames summed over the active clients. */
struct tmem_totals {
	unsigned clients;            /* active ones */
	uint64_t pages[TMEM_KINDS];  /* pages put and still stored, by kind */
	uint64_t zframes, zbytes;    /* packed frames, live bytes in them */
	uint64_t reclaimed;          /* frames handed back by tmem_reclaim */
	struct tmem_op_stats ops;
	struct tmem_data_stats data;
	struct tmem_frame_counts frames;
};

/* One client's counters, copied out (tmem_client_info). */
struct tmem_client_info {
	struct tmem_client_cfg cfg;
	uint64_t pages[TMEM_KINDS];       /* pages it put that are stored */
	uint64_t frames[TMEM_KINDS];      /* data frames charged to it */
	uint64_t meta_frames[TMEM_KINDS]; /* record frames charged to it */
	uint64_t pers_charge;             /* what counts against cfg.limit */
	uint64_t zframes, zbytes;         /* packed frames, live bytes in them */
	struct tmem_op_stats ops;
	struct tmem_data_stats data;
};

/* seed keys the dedup fingerprint so guests cannot aim collisions at it;
 * the hypervisor passes something unpredictable (TSC, RDRAND). */
int tmem_init(struct tmem *t, const struct tmem_platform *plat, uint64_t seed);
/* Destroys every client and gives every frame back. */
void tmem_fini(struct tmem *t);

int tmem_client_create(struct tmem *t, unsigned cid, const struct tmem_client_cfg *cfg);
int tmem_client_configure(struct tmem *t, unsigned cid, const struct tmem_client_cfg *cfg);
/* Drops everything the client owns: its pools, its place in shared pools,
 * its ephemeral pages anywhere. tmem_client_destroy_some does at most
 * TMEM_WORK_BUDGET pages of it and returns -ERR_AGAIN while more is left
 * (the client stays active, with no pools, until the last step);
 * tmem_client_destroy does it all (tests, tmem_fini, a client that
 * never stored anything). */
int tmem_client_destroy_some(struct tmem *t, unsigned cid);
int tmem_client_destroy(struct tmem *t, unsigned cid);
/* Lets the client create or join the shared pool with this UUID. */
int tmem_grant_uuid(struct tmem *t, unsigned cid, const struct tmem_uuid *uuid);

/* flags: TMEM_POOL_*. A shared pool needs a UUID the client was granted;
 * if one with that UUID exists it is joined, else created. Returns the
 * pool id (>= 0) or -ERR_INVAL (bad flags, shared persistent), -ERR_PERM
 * (not granted), -ERR_EXIST (already joined), -ERR_NOSPC (no free pool
 * id), -ERR_NOMEM. */
int tmem_pool_new(struct tmem *t, unsigned cid, uint32_t flags,
		  const struct tmem_uuid *uuid);
/* Private: frees all its pages. Shared: leaves; the last one out frees.
 * At most TMEM_WORK_BUDGET pages a call: -ERR_AGAIN means pages are left
 * and the pool still exists; call again to go on. 0 once it is gone. */
int tmem_pool_destroy(struct tmem *t, unsigned cid, unsigned pool);

/* Stores a TMEM_PAGE_SIZE page. A put to a handle that holds a page
 * replaces it; if the put fails the old page is gone too. Returns 0,
 * -ERR_NOSPC (persistent: the client's data and metadata frames would
 * pass its limit; ephemeral: cap reached with nothing of its own to
 * evict), -ERR_NOMEM (no frame or record). */
int tmem_put(struct tmem *t, unsigned cid, unsigned pool,
	     const struct tmem_oid *oid, uint32_t index, const void *page);
/* Copies the page out: 0 on a hit, -ERR_NOENT on a miss. A hit in a
 * private ephemeral pool removes the page. */
int tmem_get(struct tmem *t, unsigned cid, unsigned pool,
	     const struct tmem_oid *oid, uint32_t index, void *page);
/* Returns the number of pages flushed (0 or 1). */
int tmem_flush_page(struct tmem *t, unsigned cid, unsigned pool,
		    const struct tmem_oid *oid, uint32_t index);
/* Flushes at most TMEM_WORK_BUDGET pages of the object, adding how many
 * to *flushed: 0 once the object is gone (or was never there), -ERR_AGAIN
 * while pages are left, or a lookup error. */
int tmem_flush_object_some(struct tmem *t, unsigned cid, unsigned pool,
			   const struct tmem_oid *oid, uint64_t *flushed);
/* One tmem_flush_object_some: the number of pages flushed, or
 * -ERR_AGAIN (some flushed, more left) or a lookup error. */
int tmem_flush_object(struct tmem *t, unsigned cid, unsigned pool,
		      const struct tmem_oid *oid);

/* Background work between a guest's turns: sweeps at most
 * TMEM_WORK_BUDGET records of evicted blobs' pages. Returns true while
 * some are left. */
bool tmem_poll(struct tmem *t);

/* Gives up to n frames back to the platform: spares first, then empty
 * ephemeral metadata frames, then whole frames of ephemeral data, oldest
 * first from clients over their cap or weight share (and the metadata
 * frames that empties), then records of evicted pages awaiting the
 * sweep. Never allocates, never blocks. Returns frames freed (it may
 * free a few more than n). */
uint64_t tmem_reclaim(struct tmem *t, uint64_t n);

/* The getters (tmem/info.c): what the hypervisor prints and accounts
 * with, so no caller reads struct tmem's insides. */
void tmem_frame_counts(struct tmem *t, struct tmem_frame_counts *out);
void tmem_totals(struct tmem *t, struct tmem_totals *out);
/* 0, or -ERR_RANGE / -ERR_NOENT (no such active client) with *out
 * untouched. */
int tmem_client_info(struct tmem *t, unsigned cid, struct tmem_client_info *out);

/* One `key=value ...` line each (no newline). Return the line's length
 * (it is truncated to size-1 bytes) or a negative error. */
int tmem_stats_global(struct tmem *t, char *buf, size_t size);
int tmem_stats_client(struct tmem *t, unsigned cid, char *buf, size_t size);
int tmem_stats_pool(struct tmem *t, unsigned cid, unsigned pool,
		    char *buf, size_t size);

/* Walks every index and recounts every counter; 0 or -ERR_CORRUPT.
 * O(stored pages): for tests and debug builds. */
int tmem_check(struct tmem *t);
/* charges_match alone, O(clients): the metadata frames each client is
 * charged are the frames its record caches hold, and the frame classes
 * add up over every cache. 0 or -ERR_CORRUPT. */
int tmem_check_charges(struct tmem *t);
/* The line in tmem/check.c of the first check that failed last time. */
extern int tmem_check_line;

#endif
