/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Doubly linked lists with the CONFIG_DEBUG_LIST checks always on: a
 * corrupt add or del is reported (every time) and then skipped, as
 * CHECK_DATA_CORRUPTION does without CONFIG_BUG_ON_DATA_CORRUPTION.
 */
#ifndef _LINUX_LIST_H
#define _LINUX_LIST_H

#include <linux/compiler.h>

#define LIST_POISON1	((void *)0x100)
#define LIST_POISON2	((void *)0x122)

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)

/*
 * The WRITE_ONCE/READ_ONCE scheduling points keep their site names
 * ("WRITE_ONCE(prev->next)", ...); their place is the kernel code that
 * called list_add() and the rest (TF_HERE in the macros below).
 */
static inline void __tf_INIT_LIST_HEAD(struct list_head *list, const struct tf_loc *loc)
{
	__TF_WRITE_ONCE_AT(list->next, list, loc);
	__TF_WRITE_ONCE_AT(list->prev, list, loc);
}
#define INIT_LIST_HEAD(list)	__tf_INIT_LIST_HEAD(list, TF_HERE("INIT_LIST_HEAD"))

bool __list_add_valid_or_report(struct list_head *new, struct list_head *prev,
				struct list_head *next);
bool __list_del_entry_valid_or_report(struct list_head *entry);

static inline void __tf_list_add(struct list_head *new, struct list_head *prev,
				 struct list_head *next, const struct tf_loc *loc)
{
	if (!__list_add_valid_or_report(new, prev, next))
		return;
	next->prev = new;
	new->next = next;
	new->prev = prev;
	__TF_WRITE_ONCE_AT(prev->next, new, loc);
}
#define __list_add(new, prev, next)	__tf_list_add(new, prev, next, TF_HERE("__list_add"))

static inline void __tf_list_add_head(struct list_head *new, struct list_head *head,
				      const struct tf_loc *loc)
{
	__tf_list_add(new, head, head->next, loc);
}
#define list_add(new, head)	__tf_list_add_head(new, head, TF_HERE("list_add"))

static inline void __tf_list_add_tail(struct list_head *new, struct list_head *head,
				      const struct tf_loc *loc)
{
	__tf_list_add(new, head->prev, head, loc);
}
#define list_add_tail(new, head)	__tf_list_add_tail(new, head, TF_HERE("list_add_tail"))

static inline void __tf_list_del(struct list_head *prev, struct list_head *next,
				 const struct tf_loc *loc)
{
	next->prev = prev;
	__TF_WRITE_ONCE_AT(prev->next, next, loc);
}
#define __list_del(prev, next)	__tf_list_del(prev, next, TF_HERE("__list_del"))

static inline bool __tf_list_del_entry(struct list_head *entry, const struct tf_loc *loc)
{
	if (!__list_del_entry_valid_or_report(entry))
		return false;
	__tf_list_del(entry->prev, entry->next, loc);
	return true;
}
#define __list_del_entry(entry)	__tf_list_del_entry(entry, TF_HERE("__list_del_entry"))

static inline void __tf_list_del_poison(struct list_head *entry, const struct tf_loc *loc)
{
	if (!__tf_list_del_entry(entry, loc))
		return;
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}
#define list_del(entry)		__tf_list_del_poison(entry, TF_HERE("list_del"))

static inline void __tf_list_del_init(struct list_head *entry, const struct tf_loc *loc)
{
	if (__tf_list_del_entry(entry, loc))
		__tf_INIT_LIST_HEAD(entry, loc);
}
#define list_del_init(entry)	__tf_list_del_init(entry, TF_HERE("list_del_init"))

static inline void __tf_list_move(struct list_head *list, struct list_head *head,
				  const struct tf_loc *loc)
{
	if (__tf_list_del_entry(list, loc))
		__tf_list_add_head(list, head, loc);
}
#define list_move(list, head)	__tf_list_move(list, head, TF_HERE("list_move"))

static inline void __tf_list_move_tail(struct list_head *list, struct list_head *head,
				       const struct tf_loc *loc)
{
	if (__tf_list_del_entry(list, loc))
		__tf_list_add_tail(list, head, loc);
}
#define list_move_tail(list, head)	__tf_list_move_tail(list, head, TF_HERE("list_move_tail"))

static inline bool __tf_list_empty(const struct list_head *head, const struct tf_loc *loc)
{
	return __TF_READ_ONCE_AT(head->next, loc) == head;
}
#define list_empty(head)	__tf_list_empty(head, TF_HERE("list_empty"))

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) \
	list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) \
	list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member) ({			\
	struct list_head *__head = (ptr);				\
	struct list_head *__pos =					\
		__TF_READ_ONCE_AT(__head->next, TF_HERE("list_first_entry_or_null")); \
	__pos != __head ? list_entry(__pos, type, member) : NULL;	\
})
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, typeof(*(pos)), member)

#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, typeof(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

#endif /* _LINUX_LIST_H */
