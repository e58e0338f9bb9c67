#include "tmem/object.h"

#include "tmem/pool.h"
#include "tmem/store.h"
#include "tmem/tmem.h"

/* Odd multipliers with well-spread bits (splitmix64's and golden ratio). */
#define OID_MUL0 0x9E3779B97F4A7C15ull
#define OID_MUL1 0xBF58476D1CE4E5B9ull
#define OID_MUL2 0x94D049BB133111EBull

unsigned obj_bucket_index(const struct tmem_oid *oid)
{
	/* Three independent multiplies; the top bits mix every input bit. */
	uint64_t h = oid->w[0] * OID_MUL0 ^ oid->w[1] * OID_MUL1 ^ oid->w[2] * OID_MUL2;

	return (unsigned)((h ^ h >> 29) * OID_MUL0 >> (64 - POOL_OBJ_BUCKET_BITS));
}

static int oid_cmp(const struct tmem_oid *a, const struct tmem_oid *b)
{
	for (unsigned i = 0; i < 3; i++)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

struct tmem_obj *obj_find(struct tmem_pool *p, const struct tmem_oid *oid)
{
	struct avl_node *n = p->objs[obj_bucket_index(oid)].root;

	while (n) {
		struct tmem_obj *o = avl_entry(n, struct tmem_obj, node);
		int c = oid_cmp(oid, &o->oid);

		if (!c)
			return o;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

struct tmem_obj *obj_get(struct tmem *t, struct tmem_pool *p, const struct tmem_oid *oid)
{
	struct avl_tree *tree = &p->objs[obj_bucket_index(oid)];
	struct avl_node **link = &tree->root, *parent = NULL;
	struct tmem_obj *o;

	while (*link) {
		int c;

		parent = *link;
		o = avl_entry(parent, struct tmem_obj, node);
		c = oid_cmp(oid, &o->oid);
		if (!c)
			return o;
		link = c < 0 ? &parent->left : &parent->right;
	}
	o = slab_alloc(&t->objs);
	if (!o)
		return NULL;
	o->oid = *oid;
	o->pool = p;
	avl_insert_at(tree, &o->node, parent, link);
	p->nobjs++;
	return o;
}

static void obj_free(struct tmem *t, struct tmem_obj *o)
{
	avl_remove(&o->pool->objs[obj_bucket_index(&o->oid)], &o->node);
	o->pool->nobjs--;
	slab_free(&t->objs, o);
}

/* Frees a page that is no longer in any index. */
static void page_free(struct tmem *t, struct tmem_page *pg)
{
	struct tmem_client *c = &t->clients[pg->lru.client];

	release_page_data(t, pg);
	c->pages[pool_kind(pg->obj->pool)]--;
	pg->obj->pool->npages--;
	slab_free(&t->pages, pg);
}

void page_remove(struct tmem *t, struct tmem_page *pg)
{
	struct tmem_obj *o = pg->obj;

	radix_delete(&o->pages, pg->index, &t->nodes);
	page_free(t, pg);
	if (--o->npages == 0)
		obj_free(t, o);
}

static void drain_one(void *ctx, void *value)
{
	page_free(ctx, value);
}

uint32_t obj_destroy(struct tmem *t, struct tmem_obj *o)
{
	uint32_t n = o->npages;

	radix_drain(&o->pages, &t->nodes, drain_one, t);
	o->npages = 0;
	obj_free(t, o);
	return n;
}

uint32_t obj_destroy_some(struct tmem *t, struct tmem_obj *o, uint32_t *budget)
{
	uint32_t left = o->npages, n = 0;

	/* The last page_remove frees o: it is not touched after that. */
	while (left && n < *budget) {
		left--;
		n++;
		page_remove(t, radix_first(&o->pages));
	}
	*budget -= n;
	return n;
}
