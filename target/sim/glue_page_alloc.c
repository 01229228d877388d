// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/page_alloc.c, in the manner of tools/testing/vma:
 * this file defines what the harness needs around the kernel text and
 * then includes it, so the kernel file keeps to upstream's functions.
 * Here: the one zone and its pageblock data, the PCP family switch, and
 * the harness entry points that reach page_alloc.c's static helpers
 * (boot, pageblock isolation, the teardown flush).
 */
#include "../mm/internal.h"
#include "tagfuzz/glue.h"
#include "tagfuzz/sim.h"

struct zone tf_zone;
unsigned int tf_max_page_order;
struct pageblock_data tf_pageblocks[TF_MAX_PAGES >> pageblock_order];
/* The PCP free-path family member this run uses (enum tf_pcp_variant). */
unsigned int tf_pcp_variant;

#include "../mm/page_alloc.c"

/* The kmem tracepoints page_alloc.c calls (<trace/events/kmem.h>): trace notes. */
void trace_mm_page_pcpu_drain(struct page *page, unsigned int order, int migratetype)
{
	(void)migratetype;
	tf_note("pfn %lu (order %u) leaves a PCP list for the buddy", page_to_pfn(page), order);
}

/*
 * Harness teardown only: what the next free_one_page() without
 * FPI_TRYLOCK would do with the deferred pages, so the end check can
 * expect every page in the buddy lists.
 */
void tf_zone_llist_flush(void)
{
	struct llist_node *llnode;
	struct page *p, *tmp;
	unsigned long flags;

	if (llist_empty(&tf_zone.trylock_free_pages))
		return;
	spin_lock_irqsave(&tf_zone.lock, flags);
	llnode = llist_del_all(&tf_zone.trylock_free_pages);
	llist_for_each_entry_safe(p, tmp, llnode, pcp_llist)
		split_large_buddy(&tf_zone, p, page_to_pfn(p), p->order, FPI_NONE);
	spin_unlock_irqrestore(&tf_zone.lock, flags);
}

/*
 * Isolate a pageblock or undo it, as start_isolate_page_range() and
 * undo_isolate_page_range() do for one block: set the migratetype and
 * move the block's free buddy pages to the isolate free list (a larger
 * free buddy block around it is first split into pageblocks), or put
 * them back through the buddy so they merge again.  No has_unmovable_pages()
 * refusal.  Callers drain the PCP lists afterwards, as alloc_contig_range()
 * does.
 */
void tf_set_pageblock_isolate(unsigned long start_pfn, bool isolate)
{
	struct zone *zone = &tf_zone;
	struct pageblock_data *pbd = pfn_to_pageblock(NULL, start_pfn);
	int mt = isolate ? MIGRATE_ISOLATE : MIGRATE_UNMOVABLE;
	unsigned long flags, pfn;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	if (pbd->migratetype == mt) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return;
	}
	for (order = MAX_PAGE_ORDER; order > pageblock_order; order--) {
		unsigned long head = start_pfn & ~((1UL << order) - 1);
		struct page *page = pfn_to_page(head);

		if (head + (1UL << order) <= max_pfn && PageBuddy(page) &&
		    buddy_order(page) == order) {
			__del_page_from_free_list(page, zone, order, MIGRATE_UNMOVABLE);
			for (pfn = head; pfn < head + (1UL << order); pfn += pageblock_nr_pages) {
				set_buddy_order(pfn_to_page(pfn), pageblock_order);
				__add_to_free_list(pfn_to_page(pfn), zone, pageblock_order,
						   get_pfnblock_migratetype(NULL, pfn), false);
			}
			break;
		}
	}
	WRITE_ONCE(pbd->migratetype, mt);
	for (pfn = start_pfn; pfn < start_pfn + pageblock_nr_pages;) {
		struct page *page = pfn_to_page(pfn);

		if (!PageBuddy(page)) {
			pfn++;
			continue;
		}
		order = buddy_order(page);
		if (isolate) {
			list_move(&page->buddy_list, &zone->free_area[order].free_list[mt]);
		} else {
			/* Put back so it merges, as unset_migratetype_isolate() does. */
			del_page_from_free_list(page, zone, order, MIGRATE_ISOLATE);
			__free_one_page(page, pfn, zone, order, mt, FPI_NONE);
		}
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* ------------------------------------------------------------------ */
/* Boot                                                                 */
/* ------------------------------------------------------------------ */

static void pageset_init(struct per_cpu_pages *pcp, int high, int batch)
{
	int pindex;

	spin_lock_init(&pcp->lock);
	for (pindex = 0; pindex < NR_PCP_LISTS; pindex++)
		INIT_LIST_HEAD(&pcp->lists[pindex]);
	INIT_LIST_HEAD(&pcp->owned_blocks);
	init_llist_head(&pcp->free_llist);
	/*
	 * high_min == high_max: upstream's pagesets with
	 * vm.percpu_pagelist_high_fraction set (no auto-tuning); high is
	 * zone_highsize()'s floor, batch << 2.  PCPF_FREE_HIGH_BATCH as
	 * zone_pcp_update_cacheinfo() sets it for a CPU whose data cache
	 * slice holds more than 3 * batch pages (any current one here).
	 */
	pcp->flags = PCPF_FREE_HIGH_BATCH;
	pcp->count = 0;
	pcp->high = high;
	pcp->high_min = high;
	pcp->high_max = high;
	pcp->batch = batch;
	pcp->free_count = 0;
}

/*
 * Set up the zone and hand every page to the buddy allocator in
 * max-order blocks, as memblock_free_all() does (no tagging yet: the
 * pages come from memblock, not from an allocation).
 */
void tf_page_alloc_init(unsigned long nr_pages)
{
	struct zone *zone = &tf_zone;
	unsigned long pfn, min_free;
	int order, mt, cpu, batch;

	spin_lock_init(&zone->lock);
	for (order = 0; order < NR_PAGE_ORDERS_MAX; order++) {
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);
		zone->free_area[order].nr_free = 0;
	}
	zone->nr_free_pages.counter = 0;
	init_llist_head(&zone->trylock_free_pages);
	for (pfn = 0; pfn < nr_pages; pfn += pageblock_nr_pages) {
		struct pageblock_data *pbd = pfn_to_pageblock(NULL, pfn);

		pbd->cpu = 0;
		pbd->migratetype = MIGRATE_UNMOVABLE;
		INIT_LIST_HEAD(&pbd->cpu_node);
	}
	zone->zone_start_pfn = 0;
	zone->spanned_pages = nr_pages;
	zone->managed_pages = nr_pages;
	zone->watermark_boost = 0;
	zone->nr_reserved_highatomic = 0;
	zone->lowmem_reserve[0] = 0;

	if (!zone->per_cpu_pageset)
		zone->per_cpu_pageset = alloc_percpu(struct per_cpu_pages);
	batch = clamp((int)(nr_pages / 256), 1, 8);
	for_each_possible_cpu(cpu)
		pageset_init(per_cpu_ptr(zone->per_cpu_pageset, cpu), 4 * batch, batch);

	for (pfn = 0; pfn < nr_pages; pfn += 1UL << order) {
		order = MAX_PAGE_ORDER;
		while (pfn + (1UL << order) > nr_pages || (pfn & ((1UL << order) - 1)))
			order--;
		__free_one_page(pfn_to_page(pfn), pfn, zone, order,
				get_pfnblock_migratetype(NULL, pfn), FPI_TO_TAIL);
	}

	(void)min_free;
}
