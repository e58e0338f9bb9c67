/* An intrusive AVL tree. Callers walk the tree with their own key
 * comparison (so keys stay typed), then link the node at the spot they
 * found. Height-balanced: every operation is O(log n) whatever keys a
 * guest picks, which is why it indexes guest-chosen object ids. */
#ifndef FALLOW_TMEM_AVL_H
#define FALLOW_TMEM_AVL_H

#include <stddef.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height;
};

struct avl_tree {
	struct avl_node *root;
};

/* Links n as the child that *link names (a NULL child pointer of parent,
 * or the root pointer when parent is NULL), then rebalances. */
void avl_insert_at(struct avl_tree *t, struct avl_node *n,
		   struct avl_node *parent, struct avl_node **link);
void avl_remove(struct avl_tree *t, struct avl_node *n);
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_next(const struct avl_node *n);

#define avl_entry(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
