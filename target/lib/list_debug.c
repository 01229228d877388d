// SPDX-License-Identifier: GPL-2.0
/*
 * CONFIG_DEBUG_LIST: check list manipulations.  Each corruption is
 * reported as a finding and the operation is refused, as
 * CHECK_DATA_CORRUPTION() does.
 */
#include <linux/list.h>

#define CHECK_DATA_CORRUPTION(cond, site, fmt, ...) ({			\
	bool __corrupt = !!(cond);					\
	if (unlikely(__corrupt))					\
		tf_report_check(TF_CHECK_LIST, __func__, site, fmt,	\
				##__VA_ARGS__);				\
	__corrupt;							\
})

bool __list_add_valid_or_report(struct list_head *new, struct list_head *prev,
				struct list_head *next)
{
	if (CHECK_DATA_CORRUPTION(prev == NULL, "list_add corruption. prev is NULL.",
				  "list_add corruption. prev is NULL.") ||
	    CHECK_DATA_CORRUPTION(next == NULL, "list_add corruption. next is NULL.",
				  "list_add corruption. next is NULL.") ||
	    CHECK_DATA_CORRUPTION(next->prev != prev,
				  "list_add corruption. next->prev should be prev",
				  "list_add corruption. next->prev should be prev (%p), but was %p. (next=%p).",
				  (void *)prev, (void *)next->prev, (void *)next) ||
	    CHECK_DATA_CORRUPTION(prev->next != next,
				  "list_add corruption. prev->next should be next",
				  "list_add corruption. prev->next should be next (%p), but was %p. (prev=%p).",
				  (void *)next, (void *)prev->next, (void *)prev) ||
	    CHECK_DATA_CORRUPTION(new == prev || new == next, "list_add double add",
				  "list_add double add: new=%p, prev=%p, next=%p.",
				  (void *)new, (void *)prev, (void *)next))
		return false;

	return true;
}

bool __list_del_entry_valid_or_report(struct list_head *entry)
{
	struct list_head *prev, *next;

	prev = entry->prev;
	next = entry->next;

	if (CHECK_DATA_CORRUPTION(next == NULL, "list_del corruption, next is NULL",
				  "list_del corruption, %p->next is NULL", (void *)entry) ||
	    CHECK_DATA_CORRUPTION(prev == NULL, "list_del corruption, prev is NULL",
				  "list_del corruption, %p->prev is NULL", (void *)entry) ||
	    CHECK_DATA_CORRUPTION(next == LIST_POISON1, "list_del corruption, next is LIST_POISON1",
				  "list_del corruption, %p->next is LIST_POISON1 (%p)",
				  (void *)entry, LIST_POISON1) ||
	    CHECK_DATA_CORRUPTION(prev == LIST_POISON2, "list_del corruption, prev is LIST_POISON2",
				  "list_del corruption, %p->prev is LIST_POISON2 (%p)",
				  (void *)entry, LIST_POISON2) ||
	    CHECK_DATA_CORRUPTION(prev->next != entry,
				  "list_del corruption. prev->next should be entry",
				  "list_del corruption. prev->next should be %p, but was %p. (prev=%p)",
				  (void *)entry, (void *)prev->next, (void *)prev) ||
	    CHECK_DATA_CORRUPTION(next->prev != entry,
				  "list_del corruption. next->prev should be entry",
				  "list_del corruption. next->prev should be %p, but was %p. (next=%p)",
				  (void *)entry, (void *)next->prev, (void *)next))
		return false;

	return true;
}
