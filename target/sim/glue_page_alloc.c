// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/page_alloc.c, in the manner of tools/testing/vma:
 * this file defines what the harness needs around the kernel text and
 * then includes it, so the kernel file keeps to upstream's functions.
 * Here: the nodes (one zone each) and the pageblock data, the node
 * states, the PCP family switch, and the harness entry points that reach
 * page_alloc.c's static helpers (boot, pageblock isolation, the teardown
 * flush).  target/mm/zonelist.c, the zonelist part of mm/page_alloc.c,
 * is compiled here too.
 */
#include "../mm/internal.h"
#include "tagfuzz/glue.h"
#include "tagfuzz/sim.h"

struct pglist_data tf_node_data[MAX_NUMNODES];
/* Set by the machine at boot (tf_numa_boot()): every node it has is online, with memory. */
nodemask_t node_states[NR_NODE_STATES];
unsigned int nr_online_nodes = 1;
unsigned int tf_max_page_order;
struct pageblock_data tf_pageblocks[TF_MAX_PAGES >> pageblock_order];
/* The PCP free-path family member this run uses (enum tf_pcp_variant). */
unsigned int tf_pcp_variant;

/*
 * The plain reads upstream makes without the lock that orders their
 * writers, named for fuzz/tsan.supp (tagfuzz/racy.h):
 * __zone_watermark_ok()'s free-list count, __drain_all_pages()'s look at
 * another CPU's pcp->count ("The pcp.count check is racy"), and
 * free_frozen_page_commit()'s pcp->high_min, which pageset_update() changes
 * with WRITE_ONCE() while other CPUs free.
 */
TF_RACY_READ(wmark_nr_free, unsigned long)
TF_RACY_READ(drain_pcp_count, int)
TF_RACY_READ(commit_high_min, int)

/*
 * F8: upstream's alloc_tag_set_inaccurate() is the racy access itself (one
 * plain read-modify-write), named as it is; its stress probe makes the
 * write in __pgalloc_tag_add()'s own frame instead.
 */
#define alloc_tag_set_inaccurate(tag) do {					\
	struct alloc_tag *__sia_tag = (tag);					\
										\
	if (tf_racy_probe_on(set_inaccurate))					\
		__sia_tag->ct.flags |= CODETAG_FLAG_INACCURATE;			\
	else									\
		(alloc_tag_set_inaccurate)(__sia_tag);				\
} while (0)

#include "../mm/page_alloc.c"
#include "../mm/zonelist.c"

#undef alloc_tag_set_inaccurate

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
	struct zone *zone;

	for_each_populated_zone(zone) {
		if (llist_empty(&zone->trylock_free_pages))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		llnode = llist_del_all(&zone->trylock_free_pages);
		llist_for_each_entry_safe(p, tmp, llnode, pcp_llist)
			split_large_buddy(zone, p, page_to_pfn(p), p->order, FPI_NONE);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/*
 * page_alloc.c's __move_freepages_block_isolate(), as the port has it
 * (pageblock_isolate_and_move_free_pages() and its undo, with zone->lock
 * held): set the migratetype and move the block's free buddy pages to
 * the isolate free list (a larger free buddy block around it is first
 * split into pageblocks), or put them back through the buddy so they
 * merge again (upstream moves them to the tail and merges only a whole
 * free pageblock with its buddy, in unset_migratetype_isolate()).
 */
static bool move_freepages_block_isolate(struct zone *zone, unsigned long start_pfn,
					 bool isolate)
{
	struct pageblock_data *pbd = pfn_to_pageblock(NULL, start_pfn);
	int mt = isolate ? MIGRATE_ISOLATE : MIGRATE_UNMOVABLE;
	unsigned long pfn;
	unsigned int order;

	start_pfn = pageblock_start_pfn(start_pfn);
	if (pbd->migratetype == mt)
		return false;
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
	return true;
}

bool pageblock_isolate_and_move_free_pages(struct zone *zone, struct page *page)
{
	return move_freepages_block_isolate(zone, page_to_pfn(page), true);
}

bool pageblock_unisolate_and_move_free_pages(struct zone *zone, struct page *page)
{
	return move_freepages_block_isolate(zone, page_to_pfn(page), false);
}

/*
 * The isolate op: isolate a pageblock or undo it, as start_isolate_page_range()
 * and undo_isolate_page_range() do for one block, with no has_unmovable_pages()
 * refusal.  Callers drain the PCP lists afterwards, as alloc_contig_range()
 * does.
 */
void tf_set_pageblock_isolate(unsigned long start_pfn, bool isolate)
{
	struct zone *zone = page_zone(pfn_to_page(start_pfn));
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	move_freepages_block_isolate(zone, start_pfn, isolate);
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
 * Set up each node and its zone from the sections' nodes (the machine set
 * section_to_node_table[] and the node states first), build the
 * zonelists, and hand every page of the first @nr_pages to the buddy
 * allocator in max-order blocks, as memblock_free_all() does (no tagging
 * yet: the pages come from memblock, not from an allocation).  A node's
 * zone spans its boot sections, which are contiguous.  The pages up to
 * @nr_pages_all belong to sections memory hotplug adds later: not present
 * yet, offline (their node is the machine's, tf_machine_section_nid()).
 */
void tf_page_alloc_init(unsigned long nr_pages, unsigned long nr_pages_all)
{
	unsigned long pfn;
	int order, mt, cpu, batch, nid;

	for (pfn = 0; pfn < nr_pages_all; pfn += pageblock_nr_pages) {
		struct pageblock_data *pbd = pfn_to_pageblock(NULL, pfn);

		pbd->cpu = 0;
		pbd->migratetype = MIGRATE_UNMOVABLE;
		INIT_LIST_HEAD(&pbd->cpu_node);
	}
	for (pfn = nr_pages; pfn < nr_pages_all; pfn++)
		__SetPageOffline(pfn_to_page(pfn));

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		struct zone *zone = &pgdat->node_zones[ZONE_NORMAL];
		unsigned long start = 0, pages = 0;

		for (pfn = 0; node_online(nid) && pfn < nr_pages; pfn += PAGES_PER_SECTION) {
			if (pfn_to_nid(pfn) != nid)
				continue;
			if (!pages)
				start = pfn;
			pages += PAGES_PER_SECTION;
		}
		pgdat->node_id = nid;
		pgdat->nr_zones = MAX_NR_ZONES;
		pgdat->node_start_pfn = start;
		pgdat->node_spanned_pages = pages;
		pgdat->node_present_pages = pages;

		zone->node = nid;
		zone->zone_pgdat = pgdat;
		spin_lock_init(&zone->lock);
		for (order = 0; order < NR_PAGE_ORDERS_MAX; order++) {
			for (mt = 0; mt < MIGRATE_TYPES; mt++)
				INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);
			zone->free_area[order].nr_free = 0;
		}
		zone->nr_free_pages.counter = 0;
		init_llist_head(&zone->trylock_free_pages);
		zone->zone_start_pfn = start;
		zone->spanned_pages = pages;
		zone->present_pages = pages;
		zone->managed_pages.counter = pages;
		zone->watermark_boost = 0;
		zone->nr_reserved_highatomic = 0;
		zone->lowmem_reserve[ZONE_NORMAL] = 0;

		if (!zone->per_cpu_pageset)
			zone->per_cpu_pageset = alloc_percpu(struct per_cpu_pages);
		batch = clamp((int)(pages / 256), 1, 8);
		zone->pageset_high_min = zone->pageset_high_max = 4 * batch;
		zone->pageset_batch = batch;
		for_each_possible_cpu(cpu)
			pageset_init(per_cpu_ptr(zone->per_cpu_pageset, cpu), 4 * batch, batch);
	}

	build_all_zonelists(NULL);

	for (pfn = 0; pfn < nr_pages; pfn += 1UL << order) {
		order = MAX_PAGE_ORDER;
		while (pfn + (1UL << order) > nr_pages || (pfn & ((1UL << order) - 1)))
			order--;
		__free_one_page(pfn_to_page(pfn), pfn, page_zone(pfn_to_page(pfn)), order,
				get_pfnblock_migratetype(NULL, pfn), FPI_TO_TAIL);
	}
}
