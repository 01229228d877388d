/* SPDX-License-Identifier: GPL-2.0 */
/* Lock-less NULL terminated single linked list. */
#ifndef _LINUX_LLIST_H
#define _LINUX_LLIST_H

#include <linux/atomic.h>

struct llist_head {
	struct llist_node *first;
};

struct llist_node {
	struct llist_node *next;
};

#define LLIST_HEAD_INIT(name)	{ NULL }
#define LLIST_HEAD(name)	struct llist_head name = LLIST_HEAD_INIT(name)

/*
 * The scheduling points keep their site names ("READ_ONCE(head->first)",
 * "try_cmpxchg(&head->first)", ...); their place is the kernel code that
 * called llist_add() and the rest (TF_HERE in the macros below).
 */
static inline void __tf_init_llist_head(struct llist_head *list, const struct tf_loc *loc)
{
	__TF_WRITE_ONCE_AT(list->first, NULL, loc);
}
#define init_llist_head(list)	__tf_init_llist_head(list, TF_HERE("init_llist_head"))

static inline bool __tf_llist_empty(const struct llist_head *head, const struct tf_loc *loc)
{
	return __TF_READ_ONCE_AT(head->first, loc) == NULL;
}
#define llist_empty(head)	__tf_llist_empty(head, TF_HERE("llist_empty"))

static inline struct llist_node *__tf_llist_first(struct llist_head *head,
						  const struct tf_loc *loc)
{
	return __TF_READ_ONCE_AT(head->first, loc);
}
#define llist_first(head)	__tf_llist_first(head, TF_HERE("llist_first"))

/* Returns whether the list was empty before the add. */
static inline bool __tf_llist_add_batch(struct llist_node *new_first,
					struct llist_node *new_last,
					struct llist_head *head, const struct tf_loc *loc)
{
	struct llist_node *first = __TF_READ_ONCE_AT(head->first, loc);

	do {
		new_last->next = first;
	} while (!__tf_try_cmpxchg_at(&head->first, &first, new_first, loc));

	return !first;
}
#define llist_add_batch(new_first, new_last, head) \
	__tf_llist_add_batch(new_first, new_last, head, TF_HERE("llist_add_batch"))
#define llist_add(new, head) \
	({ struct llist_node *__tf_ln = (new); \
	   __tf_llist_add_batch(__tf_ln, __tf_ln, head, TF_HERE("llist_add")); })

static inline struct llist_node *__tf_llist_del_all(struct llist_head *head,
						    const struct tf_loc *loc)
{
	return __tf_xchg_at(&head->first, NULL, loc);
}
#define llist_del_all(head)	__tf_llist_del_all(head, TF_HERE("llist_del_all"))

#define llist_entry(ptr, type, member)	container_of(ptr, type, member)

#define member_address_is_nonnull(ptr, member) \
	((uintptr_t)(ptr) + offsetof(typeof(*(ptr)), member) != 0)

#define llist_for_each_entry_safe(pos, n, node, member)			\
	for (pos = llist_entry((node), typeof(*pos), member);		\
	     member_address_is_nonnull(pos, member) &&			\
		(n = llist_entry(pos->member.next, typeof(*n), member), true); \
	     pos = n)

#endif /* _LINUX_LLIST_H */
