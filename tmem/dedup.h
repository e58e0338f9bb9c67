/* Deduplication: pages with equal contents share one stored copy (a
 * blob), reference counted.
 *
 * Blobs are indexed by (domain, fingerprint). The domain is the client
 * (dedup within one guest, the default: sharing across guests is a side
 * channel) or one shared domain for pools configured to dedup across
 * clients, ephemeral only, so a persistent frame is always charged to the
 * guest whose pages use it. Persistent and ephemeral data never share.
 *
 * The fingerprint hashes one 8-byte word from each 128-byte span of the
 * page (which word of the span, and the hash, are keyed by a secret), so
 * it costs a fraction of a page copy (sampling every 64-byte line cost
 * twice as much and put a duplicate put past twice a page copy);
 * equality is always decided by comparing all 4096 bytes. Pages
 * whose fingerprints collide are all kept, and a lookup compares at most
 * DEDUP_PROBE of them: a crafted collision costs a few compares and a
 * missed dedup, never a long scan. */
#ifndef FALLOW_TMEM_DEDUP_H
#define FALLOW_TMEM_DEDUP_H

#include <stdint.h>

#include "tmem/avl.h"
#include "tmem/lru.h"

#define DEDUP_PROBE 4
#define DEDUP_FP_WORDS 32 /* one per 128-byte span of a page */
#define DEDUP_DOMAIN_SHARED 0xFFFFu
/* The index is a table of small AVL trees picked by the fingerprint's
 * top bits: a lookup usually meets one node, and a bucket that crafted
 * collisions fill still costs O(log n) to search. */
#define DEDUP_BUCKET_BITS 12
#define DEDUP_BUCKETS (1u << DEDUP_BUCKET_BITS)

struct tmem_blob {
	struct tmem_lru lru;  /* owner's LRU when ephemeral */
	struct tmem_lru refs; /* list head of the pages using it */
	struct avl_node node;
	void *data;           /* raw frame or struct zframe */
	uint16_t zoff, zlen;
	uint32_t nrefs;
	uint64_t fp;
	uint32_t domain;
};

/* Every blob, by (domain, fingerprint), and the secret that keys the
 * fingerprint. */
struct dedup_index {
	struct avl_tree bucket[DEDUP_BUCKETS];
	/* Bit i set while bucket i holds a blob, so a walk over every blob
	 * (tmem_check, after each fuzzed operation) skips empty buckets 64
	 * at a time. */
	uint64_t used[DEDUP_BUCKETS / 64];
	uint64_t key[2];
	uint16_t fp_word; /* which word of each line is sampled */
};

struct tmem;

/* Picks the sampled words from the key. */
void dedup_init(struct tmem *t, uint64_t seed);
uint64_t dedup_fingerprint(const struct tmem *t, const void *page);
static inline uint32_t dedup_domain(uint32_t who, int kind)
{
	return who << 1 | (uint32_t)kind;
}
static inline unsigned dedup_bucket_index(uint64_t fp)
{
	return (unsigned)(fp >> (64 - DEDUP_BUCKET_BITS));
}
/* A blob in domain with exactly these contents, or NULL. */
struct tmem_blob *dedup_find(struct tmem *t, uint32_t domain, uint64_t fp,
			     const void *page);
void dedup_insert(struct tmem *t, struct tmem_blob *b);
void dedup_remove(struct tmem *t, struct tmem_blob *b);

#endif
