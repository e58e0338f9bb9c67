/* The guest's tmem calls (guest-abi/ABI.md, "Transcendent memory"): one
 * wrapper per hypercall, and the shared-pool UUID syntax of the
 * `shared=UUID` command-line word. cleancache.h and frontswap.h build on
 * these. */
#ifndef FALLOW_GUEST_RT_TMEM_H
#define FALLOW_GUEST_RT_TMEM_H

#include <stddef.h>
#include <stdint.h>
#include "guest-abi/fallow_abi.h"

/* An object id: 192 bits, chosen by the guest. */
struct rt_oid {
	uint64_t w[3];
};

/* The full six-register convention, for callers that pass odd values on
 * purpose (hostile) as much as for the wrappers. */
int64_t fallow_hypercall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3, uint64_t a4, uint64_t a5);

/* flags: FALLOW_TMEM_*; the UUID matters for shared pools only. Returns
 * the pool id (>= 0) or -FALLOW_E*. */
int64_t hc_tmem_new_pool(uint32_t flags, uint64_t uuid_lo, uint64_t uuid_hi);
int64_t hc_tmem_destroy_pool(uint32_t pool);
/* `page` is a page-aligned page of the guest's RAM. */
int64_t hc_tmem_put(uint32_t pool, const struct rt_oid *oid, uint32_t index,
		    const void *page);
int64_t hc_tmem_get(uint32_t pool, const struct rt_oid *oid, uint32_t index,
		    void *page);
int64_t hc_tmem_flush_page(uint32_t pool, const struct rt_oid *oid, uint32_t index);
int64_t hc_tmem_flush_object(uint32_t pool, const struct rt_oid *oid);

/* Reads a UUID (32 hex digits, dashes between them ignored) into the
 * pair FALLOW_HC_TMEM_NEW_POOL takes: the first 16 digits are `hi`.
 * 0 or -FALLOW_EINVAL. */
int rt_uuid_parse(const char *s, size_t len, uint64_t *lo, uint64_t *hi);

/* The n-th (0-based) `shared=UUID` word of the command line, parsed.
 * 0, -FALLOW_ENOENT (no such word) or -FALLOW_EINVAL. */
int rt_shared_uuid(unsigned n, uint64_t *lo, uint64_t *hi);

/* Name of a -FALLOW_E* result, for messages ("EFROZEN"). */
const char *rt_errname(int64_t err);

#endif
