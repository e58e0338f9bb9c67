/* See cleancache.h. RAM slots are kept in LRU order and found through a
 * chained hash on the block number. */
#include "guest-abi/rt/cleancache.h"
#include "guest-abi/rt/lru.h"
#include "guest-abi/rt/rt.h"
#include "guest-abi/rt/tmem.h"

#define NONE 0xffffffffu
#define HASH_SIZE (2 * CC_MAX_SLOTS) /* a power of two */

struct slot {
	uint32_t block;
	bool valid; /* holds the block's data and is in the hash */
	struct rt_lru_link lru;
	uint32_t hnext;
	void *page;
};

static struct slot slots[CC_MAX_SLOTS];
static uint32_t hash[HASH_SIZE];
static uint32_t nslots, used;
static struct rt_lru lru;
static int64_t pool = -FALLOW_ENOSYS;
static struct rt_oid oid;
static cc_read_fn store_read;
static void *store_ctx;
static struct cc_stats st;

static uint32_t bucket(uint32_t block)
{
	return (block * 2654435761u) & (HASH_SIZE - 1);
}

static uint32_t find(uint32_t block)
{
	for (uint32_t i = hash[bucket(block)]; i != NONE; i = slots[i].hnext)
		if (slots[i].block == block)
			return i;
	return NONE;
}

static void hash_remove(uint32_t i)
{
	uint32_t *p = &hash[bucket(slots[i].block)];

	while (*p != i)
		p = &slots[*p].hnext;
	*p = slots[i].hnext;
}

static void hash_insert(uint32_t i)
{
	uint32_t *p = &hash[bucket(slots[i].block)];

	slots[i].hnext = *p;
	*p = i;
}

int cleancache_init(uint32_t n, uint64_t file_id, cc_read_fn read, void *ctx)
{
	if (!n || n > CC_MAX_SLOTS)
		return -FALLOW_ERANGE;
	for (uint32_t i = 0; i < HASH_SIZE; i++)
		hash[i] = NONE;
	rt_lru_init(&lru, &slots[0].lru, sizeof(slots[0]));
	for (nslots = 0; nslots < n; nslots++) {
		slots[nslots].page = page_alloc();
		if (!slots[nslots].page)
			return -FALLOW_ENOMEM;
	}
	oid = (struct rt_oid){ { file_id, 0, 0 } };
	store_read = read;
	store_ctx = ctx;
	pool = hc_tmem_new_pool(0, 0, 0);
	return 0;
}

/* A clean page leaving RAM goes to tmem: a second chance, not a promise. */
static void put_clean(uint32_t i)
{
	int64_t err;

	if (pool < 0)
		return;
	st.puts++;
	err = hc_tmem_put((uint32_t)pool, &oid, slots[i].block, slots[i].page);
	if (err) {
		st.put_fails++;
		st.last_put_err = err;
	}
}

/* A slot for `block`: a never-used one, else the least recently used,
 * whose clean page goes to tmem. Not yet in the LRU or the hash. */
static uint32_t take_slot(uint32_t block)
{
	uint32_t i;

	if (used < nslots) {
		i = used++;
	} else {
		i = lru.head;
		rt_lru_unlink(&lru, i);
		if (slots[i].valid) {
			hash_remove(i);
			put_clean(i);
		}
	}
	slots[i].block = block;
	slots[i].valid = false;
	return i;
}

static int fill(uint32_t i)
{
	if (pool >= 0 && hc_tmem_get((uint32_t)pool, &oid, slots[i].block, slots[i].page) == 0) {
		st.tmem_hits++;
		return 0;
	}
	if (pool >= 0)
		st.tmem_misses++;
	st.store_reads++;
	return store_read(store_ctx, slots[i].block, slots[i].page);
}

const void *cleancache_read(uint32_t block)
{
	uint32_t i = find(block);

	if (i != NONE) {
		st.ram_hits++;
		rt_lru_touch(&lru, i);
		return slots[i].page;
	}
	i = take_slot(block);
	if (fill(i)) {
		rt_lru_prepend(&lru, i); /* holds nothing: reused first */
		return 0;
	}
	slots[i].valid = true;
	hash_insert(i);
	rt_lru_append(&lru, i);
	return slots[i].page;
}

void cleancache_invalidate(uint32_t block)
{
	uint32_t i = find(block);

	if (i != NONE) {
		hash_remove(i);
		slots[i].valid = false;
		rt_lru_unlink(&lru, i);
		rt_lru_prepend(&lru, i);
	}
	if (pool >= 0)
		hc_tmem_flush_page((uint32_t)pool, &oid, block);
}

const struct cc_stats *cleancache_stats(void)
{
	return &st;
}

int64_t cleancache_pool(void)
{
	return pool;
}
