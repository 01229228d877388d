/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slice of the maple tree API that lib/alloc_tag.c's module tag area
 * uses (mod_area_mt, MT_FLAGS_ALLOC_RANGE), over a small sorted array of
 * ranges.  Same semantics for what alloc_tag.c asks: the lowest empty
 * area of a size, storing and erasing ranges, walking forwards and
 * backwards, the range just before the current one.  Node allocation
 * never fails (mas_is_err() is false).  mas_lock() takes the tree's
 * spinlock (a scheduling point); the harness never loads or unloads two
 * modules at once, as codetag_lock guarantees in the kernel, so it is
 * never contended.
 */
#ifndef _LINUX_MAPLE_TREE_H
#define _LINUX_MAPLE_TREE_H

#include <errno.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define MT_MAX_RANGES		64
#define MT_FLAGS_ALLOC_RANGE	0

struct maple_range {
	unsigned long index, last;
	void *entry;
};

struct maple_tree {
	spinlock_t ma_lock;
	int nr;
	struct maple_range r[MT_MAX_RANGES];
};

#define MTREE_INIT(name, flags)	{ .ma_lock = __SPIN_LOCK_UNLOCKED(name.ma_lock), .nr = 0 }

struct ma_state {
	struct maple_tree *tree;
	unsigned long index, last;
	bool walking;		/* a mas_find/mas_find_rev walk has started */
	void *node;		/* for xa_err(): never an error here */
};

#define MA_STATE(name, mt, first, end)					\
	struct ma_state name = { .tree = (mt), .index = (first), .last = (end) }

static inline void mtree_destroy(struct maple_tree *mt)
{
	spin_lock_init(&mt->ma_lock);	/* per run: a BUG may have left it held */
	mt->nr = 0;
}
#define mas_lock(mas)	__tf_spin_lock(&(mas)->tree->ma_lock, TF_HERE("mas_lock"))
#define mas_unlock(mas)	__tf_spin_unlock(&(mas)->tree->ma_lock, TF_HERE("mas_unlock"))
static inline void mas_reset(struct ma_state *mas)	{ mas->walking = false; }
static inline bool mas_is_err(struct ma_state *mas)	{ return false; }
static inline int xa_err(void *entry)			{ return 0; }

int mas_empty_area(struct ma_state *mas, unsigned long min, unsigned long max,
		   unsigned long size);
void *mas_store(struct ma_state *mas, void *entry);
void *mas_erase(struct ma_state *mas);
void *mas_find(struct ma_state *mas, unsigned long max);
void *mas_find_rev(struct ma_state *mas, unsigned long min);
void *mas_prev_range(struct ma_state *mas, unsigned long min);

#define mas_for_each(__mas, __entry, __max)				\
	while (((__entry) = mas_find((__mas), (__max))) != NULL)
#define mas_for_each_rev(__mas, __entry, __min)				\
	while (((__entry) = mas_find_rev((__mas), (__min))) != NULL)

#endif /* _LINUX_MAPLE_TREE_H */
