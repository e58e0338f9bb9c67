#include "tmem/avl.h"

/* Two subtrees may differ in height by at most this much. */
#define AVL_MAX_SKEW 1

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void update_height(struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = 1 + (l > r ? l : r);
}

static void replace_child(struct avl_tree *t, struct avl_node *parent,
			  struct avl_node *old, struct avl_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/* x's right child takes x's place; returns it. */
static struct avl_node *rotate_left(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* x's left child takes x's place; returns it. */
static struct avl_node *rotate_right(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Restores heights and balance from n up to the root. */
static void rebalance(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		int skew;

		update_height(n);
		skew = height(n->left) - height(n->right);
		if (skew > AVL_MAX_SKEW) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (skew < -AVL_MAX_SKEW) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

void avl_insert_at(struct avl_tree *t, struct avl_node *n,
		   struct avl_node *parent, struct avl_node **link)
{
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	*link = n;
	rebalance(t, parent);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	if (n->left && n->right) {
		/* Put the in-order successor (no left child) in n's place. */
		struct avl_node *s = n->right, *fix;

		while (s->left)
			s = s->left;
		if (s->parent == n) {
			fix = s;
		} else {
			fix = s->parent;
			fix->left = s->right;
			if (s->right)
				s->right->parent = fix;
			s->right = n->right;
			n->right->parent = s;
		}
		s->left = n->left;
		n->left->parent = s;
		s->parent = n->parent;
		replace_child(t, n->parent, n, s);
		s->height = n->height;
		rebalance(t, fix);
	} else {
		struct avl_node *child = n->left ? n->left : n->right;

		if (child)
			child->parent = n->parent;
		replace_child(t, n->parent, n, child);
		rebalance(t, n->parent);
	}
	n->left = n->right = n->parent = NULL;
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->left)
		n = n->left;
	return n;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}
