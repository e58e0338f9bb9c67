#include "tmem/dedup.h"

#include "tmem/mem.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

/* One word is sampled from each span of FP_SPAN bytes, the same word
 * of every span (which one is keyed). */
#define FP_SPAN (TMEM_PAGE_SIZE / DEDUP_FP_WORDS)
#define FP_WORD 8u
#define FP_LANES 4 /* independent multiply chains, kept in registers */
/* Odd 64-bit multipliers with well-spread bits (from splitmix64). */
#define MIX_A 0x9E3779B97F4A7C15ull
#define MIX_B 0xBF58476D1CE4E5B9ull
#define MIX_C 0x94D049BB133111EBull

static uint64_t rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += MIX_A);

	z = (z ^ (z >> 30)) * MIX_B;
	z = (z ^ (z >> 27)) * MIX_C;
	return z ^ (z >> 31);
}

void dedup_init(struct tmem *t, uint64_t seed)
{
	uint64_t s = seed, bits = 0;

	t->dedup.key[0] = splitmix(&s);
	t->dedup.key[1] = splitmix(&s);
	/* Which word of a span is sampled, from key bits; the same word in
	 * every span keeps the addressing simple. */
	bits = splitmix(&s);
	t->dedup.fp_word = (uint16_t)((bits % (FP_SPAN / FP_WORD)) * FP_WORD);
}

uint64_t dedup_fingerprint(const struct tmem *t, const void *page)
{
	const uint8_t *p = (const uint8_t *)page + t->dedup.fp_word;
	uint64_t h0 = t->dedup.key[0], h1 = t->dedup.key[1];
	uint64_t h2 = h0 + 1, h3 = h1 + 1, x;

	/* Named lanes rather than an array: GCC keeps an array of chains in
	 * memory, which made this three times slower. */
	for (unsigned i = 0; i < DEDUP_FP_WORDS; i += FP_LANES, p += FP_LANES * FP_SPAN) {
		h0 = (h0 ^ mem_load64(p)) * MIX_A;
		h1 = (h1 ^ mem_load64(p + FP_SPAN)) * MIX_A;
		h2 = (h2 ^ mem_load64(p + 2 * FP_SPAN)) * MIX_A;
		h3 = (h3 ^ mem_load64(p + 3 * FP_SPAN)) * MIX_A;
	}
	x = h0 ^ rotl64(h1, 17) ^ rotl64(h2, 31) ^ rotl64(h3, 47);
	x = (x ^ (x >> 30)) * MIX_B;
	x = (x ^ (x >> 27)) * MIX_C;
	return x ^ (x >> 31);
}

static int key_cmp(uint32_t da, uint64_t fa, const struct tmem_blob *b)
{
	if (da != b->domain)
		return da < b->domain ? -1 : 1;
	if (fa != b->fp)
		return fa < b->fp ? -1 : 1;
	return 0;
}

static bool same_contents(struct tmem *t, const struct tmem_blob *b, const void *page)
{
	const void *bytes = b->data;

	if (b->lru.flags & LRU_F_ZPAGE) {
		if (zpage_load(b->data, b->zoff, b->zlen, t->cmpbuf))
			return false;
		bytes = t->cmpbuf;
	}
	return mem_cmp(bytes, page, TMEM_PAGE_SIZE) == 0;
}

static struct avl_tree *bucket_of(struct tmem *t, uint64_t fp)
{
	return &t->dedup.bucket[dedup_bucket_index(fp)];
}

struct tmem_blob *dedup_find(struct tmem *t, uint32_t domain, uint64_t fp,
			     const void *page)
{
	struct avl_node *n = bucket_of(t, fp)->root, *first = NULL;

	/* The leftmost blob with this key, then its equals in order. */
	while (n) {
		int c = key_cmp(domain, fp, avl_entry(n, struct tmem_blob, node));

		if (c <= 0) {
			if (c == 0)
				first = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	for (unsigned i = 0; first && i < DEDUP_PROBE; i++) {
		struct tmem_blob *b = avl_entry(first, struct tmem_blob, node);

		if (key_cmp(domain, fp, b))
			break;
		if (same_contents(t, b, page))
			return b;
		first = avl_next(first);
	}
	return NULL;
}

void dedup_insert(struct tmem *t, struct tmem_blob *b)
{
	unsigned i = dedup_bucket_index(b->fp);
	struct avl_tree *tree = &t->dedup.bucket[i];
	struct avl_node **link = &tree->root, *parent = NULL;

	while (*link) {
		parent = *link;
		if (key_cmp(b->domain, b->fp, avl_entry(parent, struct tmem_blob, node)) < 0)
			link = &parent->left;
		else
			link = &parent->right;
	}
	avl_insert_at(tree, &b->node, parent, link);
	t->dedup.used[i / 64] |= 1ull << (i % 64);
}

void dedup_remove(struct tmem *t, struct tmem_blob *b)
{
	unsigned i = dedup_bucket_index(b->fp);
	struct avl_tree *tree = &t->dedup.bucket[i];

	avl_remove(tree, &b->node);
	if (!tree->root)
		t->dedup.used[i / 64] &= ~(1ull << (i % 64));
}
