/* Counters kept per pool, per client and globally, and the one-line
 * `key=value` formatting of each. */
#ifndef FALLOW_TMEM_STATS_H
#define FALLOW_TMEM_STATS_H

#include <stdint.h>

/* What guests asked for and what came of it. */
struct tmem_op_stats {
	uint64_t puts, gets, hits, misses;
	uint64_t flushes;     /* pages removed by flush_page */
	uint64_t obj_flushes; /* flush_object calls that found the object */
	uint64_t dup_puts;    /* puts that replaced a stored page */
	uint64_t evictions;   /* ephemeral pages dropped to free frames */
	uint64_t put_fails;   /* puts refused (no frame, limit, cap) */
};

/* What the data path did with the pages it stored. */
struct tmem_data_stats {
	uint64_t dedup_hits; /* puts stored as a reference to equal content */
	uint64_t compressed; /* puts stored compressed */
	uint64_t poor;       /* puts compression could not shrink enough */
	uint64_t comp_in;    /* bytes in, over compressed puts */
	uint64_t comp_out;   /* bytes out, over compressed puts */
};

#define TMEM_PCT 100u

/* Compressed bytes per 100 put through the compressor (100: nothing
 * compressed). */
static inline uint64_t tmem_comp_pct(const struct tmem_data_stats *d)
{
	return d->comp_in ? d->comp_out * TMEM_PCT / d->comp_in : TMEM_PCT;
}

static inline void op_stats_add(struct tmem_op_stats *a, const struct tmem_op_stats *b)
{
	a->puts += b->puts;
	a->gets += b->gets;
	a->hits += b->hits;
	a->misses += b->misses;
	a->flushes += b->flushes;
	a->obj_flushes += b->obj_flushes;
	a->dup_puts += b->dup_puts;
	a->evictions += b->evictions;
	a->put_fails += b->put_fails;
}

#endif

/* Bumps one operation counter at every level that keeps it. */
#define TMEM_COUNT(t, c, p, field)   \
	do {                         \
		(t)->ops.field++;    \
		(c)->ops.field++;    \
		(p)->ops.field++;    \
	} while (0)

#define TMEM_COUNT_DATA(t, c, field, n) \
	do {                            \
		(t)->data.field += (n); \
		(c)->data.field += (n); \
	} while (0)
