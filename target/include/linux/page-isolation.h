/* SPDX-License-Identifier: GPL-2.0 */
/* Pageblock isolation (include/linux/page-isolation.h), target/mm/page_isolation.c. */
#ifndef _LINUX_PAGEISOLATION_H
#define _LINUX_PAGEISOLATION_H

#include <linux/mmzone.h>

/*
 * PB_ISOLATE_MODE_MEM_OFFLINE: memory offlining; PB_ISOLATE_MODE_CMA_ALLOC
 * and PB_ISOLATE_MODE_OTHER: alloc_contig_range() (not ported).
 */
enum pb_isolate_mode {
	PB_ISOLATE_MODE_MEM_OFFLINE,
	PB_ISOLATE_MODE_CMA_ALLOC,
	PB_ISOLATE_MODE_OTHER,
};

/* page_alloc.c's side: called with zone->lock held. */
bool pageblock_isolate_and_move_free_pages(struct zone *zone, struct page *page);
bool pageblock_unisolate_and_move_free_pages(struct zone *zone, struct page *page);

int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     enum pb_isolate_mode mode);
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn);
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn,
			enum pb_isolate_mode mode);

#endif /* _LINUX_PAGEISOLATION_H */
