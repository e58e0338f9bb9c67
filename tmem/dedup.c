#include "tmem/dedup.h"

#include "tmem/mem.h"
#include "tmem/tmem.h"
#include "tmem/zpage.h"

#define FP_LINE (TMEM_PAGE_SIZE / DEDUP_FP_WORDS)
#define FP_WORD 8u
#define FP_LANES 8
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

	t->dedup_key[0] = splitmix(&s);
	t->dedup_key[1] = splitmix(&s);
	/* Which of a line's eight words is sampled, from 3 key bits; the
	 * same word in every line keeps the addressing simple. */
	bits = splitmix(&s);
	t->fp_word = (uint16_t)((bits & 7) * FP_WORD);
}

uint64_t dedup_fingerprint(const struct tmem *t, const void *page)
{
	const uint8_t *p = (const uint8_t *)page + t->fp_word;
	uint64_t h[FP_LANES];
	uint64_t x;

	for (unsigned l = 0; l < FP_LANES; l++)
		h[l] = t->dedup_key[l & 1] + l;
	/* FP_LANES independent multiply chains, one word per line. */
	for (unsigned i = 0; i < DEDUP_FP_WORDS; i += FP_LANES)
		for (unsigned l = 0; l < FP_LANES; l++)
			h[l] = (h[l] ^ mem_load64(p + (i + l) * FP_LINE)) * MIX_A;
	x = 0;
	for (unsigned l = 0; l < FP_LANES; l++)
		x ^= rotl64(h[l], (unsigned)(l * 8 + 1));
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

struct tmem_blob *dedup_find(struct tmem *t, uint32_t domain, uint64_t fp,
			     const void *page)
{
	struct avl_node *n = t->dedup.root, *first = NULL;

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
	struct avl_node **link = &t->dedup.root, *parent = NULL;

	while (*link) {
		parent = *link;
		if (key_cmp(b->domain, b->fp, avl_entry(parent, struct tmem_blob, node)) < 0)
			link = &parent->left;
		else
			link = &parent->right;
	}
	avl_insert_at(&t->dedup, &b->node, parent, link);
}

void dedup_remove(struct tmem *t, struct tmem_blob *b)
{
	avl_remove(&t->dedup, &b->node);
}
