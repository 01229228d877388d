/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/list.h>
#include <linux/llist.h>

/* page_type values; the buddy allocator marks its free blocks. */
#define PGTY_NONE	0u
#define PGTY_buddy	0xf0u
#define PGTY_pcp_buddy	0xf1u	/* seed 004's series: on its owner's PCP, may merge */
#define PGTY_offline	0xf2u	/* memory hotplug: a page of a section that is not online */

struct page {
	unsigned long flags;
	union {
		struct list_head lru;
		struct list_head buddy_list;
		struct list_head pcp_list;
		struct {
			struct llist_node pcp_llist;
			unsigned int order;	/* on zone->trylock_free_pages */
		};
	};
	unsigned long private;	/* buddy order while PageBuddy */
	unsigned int page_type;
	atomic_t _refcount;
	/*
	 * PG_lru, kept apart from flags: page-flag mode gives every spare bit
	 * of flags to tag indexes and checks that nothing else moves them.
	 */
	unsigned char lru_bit;
	/*
	 * PG_hwpoison, bit 0 (<linux/mm.h>).  Upstream it is a page->flags
	 * bit; here it has a word of its own so that page->flags keeps the
	 * meaning the page-flag mode gives it (its pgflag op sets and clears
	 * anonymous flag bits, none of which may turn a free into the
	 * poisoned page's path).
	 */
	unsigned long mf_flags;
};

/* Folios are pages here: nothing in the port uses large folios. */
struct folio {
	struct page page;
};

#define page_folio(p)		((struct folio *)(p))
#define folio_page(f, n)	(&(f)->page + (n))

#endif /* _LINUX_MM_TYPES_H */
