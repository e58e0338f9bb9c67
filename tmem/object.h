/* Objects (a guest's file or swap area) and the pages stored in them.
 * Each pool indexes its objects in AVL trees (picked by a hash) by 192-bit id; each object
 * indexes its pages in a radix tree by 32-bit index. */
#ifndef FALLOW_TMEM_OBJECT_H
#define FALLOW_TMEM_OBJECT_H

#include <stdint.h>

#include "tmem/avl.h"
#include "tmem/lru.h"
#include "tmem/radix.h"

struct tmem_oid {
	uint64_t w[3];
};

struct tmem_pool;

struct tmem_obj {
	struct avl_node node;
	struct tmem_oid oid;
	struct radix_root pages;
	struct tmem_pool *pool;
	uint32_t npages;
};

/* One stored handle: 48 bytes. Its data is a raw frame, a chunk of a
 * zframe (LRU_F_ZPAGE) or a blob shared with equal pages (LRU_F_BLOB). */
struct tmem_page {
	struct tmem_lru lru; /* client LRU, or the blob's list of pages */
	void *data;
	struct tmem_obj *obj;
	uint32_t index;
	uint16_t zoff, zlen; /* chunk offset and compressed length */
};

struct tmem;

/* Which of its pool's trees holds the object with this id. */
unsigned obj_bucket_index(const struct tmem_oid *oid);
struct tmem_obj *obj_find(struct tmem_pool *p, const struct tmem_oid *oid);
/* Finds or creates (from reserved records). */
struct tmem_obj *obj_get(struct tmem *t, struct tmem_pool *p, const struct tmem_oid *oid);
/* Removes a page from its object and frees it with its data; frees the
 * object when it was its last page. */
void page_remove(struct tmem *t, struct tmem_page *pg);
/* Removes every page of obj and obj itself; returns how many pages. */
uint32_t obj_destroy(struct tmem *t, struct tmem_obj *obj);
/* Removes at most *budget pages of obj, taking them off *budget; obj
 * itself goes with its last page. Returns how many pages went. */
uint32_t obj_destroy_some(struct tmem *t, struct tmem_obj *obj, uint32_t *budget);

#endif
