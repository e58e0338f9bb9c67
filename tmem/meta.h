/* Who pays for tmem's records. Every record a guest's handles need — page
 * records, objects, radix nodes, dedup blobs, zframe descriptors — is
 * carved from a slab cache that belongs to one owner and one kind, so
 * each metadata frame is charged to exactly one of:
 *
 *   - a client's persistent set (FRAME_PMETA): the records of its
 *     persistent pools and persistent data. They count against its
 *     persistent limit together with its data frames, so RAM plus
 *     persistent data plus persistent metadata never exceeds maxmem;
 *   - a client's ephemeral set (FRAME_EMETA): the records of its private
 *     ephemeral pools and ephemeral data. Freeable: evicting its
 *     ephemeral pages frees them (those of an evicted blob's pages when
 *     the sweep reaches them), and they count with its ephemeral data
 *     frames towards its weight share, so a guest that floods records
 *     is evicted first. The console's cap stays on data frames: a capped
 *     put that had to wait for the sweep would not be bounded;
 *   - the shared set (FRAME_EMETA): objects, pages and nodes of shared
 *     (always ephemeral) pools, whose pages come from several clients and
 *     outlive any one of them. Freeable like the above, charged to no
 *     client.
 *
 * Pool records stay in one global cache (FRAME_META): at most
 * TMEM_MAX_POOLS per client, so bounded.
 *
 * A put is planned before anything is allocated (put_prepare): the
 * records it needs, the frames they would add and, for persistent pools,
 * whether the client's limit has room for them. */
#ifndef FALLOW_TMEM_META_H
#define FALLOW_TMEM_META_H

#include <stdbool.h>
#include <stdint.h>

#include "tmem/slab.h"

/* The record caches of one owner and kind. */
struct meta_set {
	struct slab_cache pages, objs, nodes, blobs, zframes;
};

struct tmem;
struct tmem_client;
struct tmem_pool;
struct tmem_oid;
struct tmem_obj;
struct tmem_page;

void meta_set_init(struct meta_set *s, struct tmem_frames *f, enum frame_class cls,
		   uint64_t *charge);
/* Frames the set holds / frames whose records are all free, given back. */
uint64_t meta_set_frames(const struct meta_set *s);
uint64_t meta_set_shrink(struct meta_set *s);

/* Where pool p's objects, page records and radix nodes live. */
struct meta_set *meta_index_set(struct tmem *t, const struct tmem_pool *p);
/* Where client cid's blobs and zframe descriptors of this kind live. */
struct meta_set *meta_data_set(struct tmem *t, unsigned cid, int kind);

/* What counts against the persistent limit: data and metadata frames. */
uint64_t meta_pers_charge(const struct tmem_client *c);
/* What counts towards the weight share: data and metadata frames. */
uint64_t meta_eph_frames(const struct tmem_client *c);
/* Evicts c's own oldest ephemeral data until it holds fewer data frames
 * than its cap; false if it cannot. */
bool meta_eph_room(struct tmem *t, struct tmem_client *c);

/* Reserves every record a put of (oid, index) into p needs, after
 * checking that a persistent client's limit has room for the frames they
 * add (and, with neither dedup nor compression, for the data frame).
 * o and pg: the object and page the handle names now (NULL: none).
 * May evict ephemeral pages, the pool's own included. 0, -ERR_NOSPC
 * (persistent limit) or -ERR_NOMEM; on error nothing new is charged. */
int put_prepare(struct tmem *t, struct tmem_client *c, struct tmem_pool *p,
		const struct tmem_oid *oid, uint32_t index,
		struct tmem_obj *o, struct tmem_page *pg);
/* After a put failed and its page was removed: gives back the metadata
 * frames it left empty, so a refused put leaves no charge behind. */
void put_failed(struct tmem *t, struct tmem_client *c, struct tmem_pool *p);

/* When no frame is free: evicts ephemeral data or, with none left,
 * sweeps records of evicted pages (their frames are freeable too).
 * False when neither frees anything. */
bool meta_make_room(struct tmem *t);
/* Returns every empty ephemeral metadata frame (tmem_reclaim). */
uint64_t meta_shrink_eph(struct tmem *t);

#endif
