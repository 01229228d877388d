// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory hotplug, cut down to what touches the page allocator, page_ext
 * and the pages' tags: onlining a section (the memory notifier, page_ext
 * for it, its pages freed into the buddy through __free_pages_core()) and
 * offlining one (isolation, migrating the movable pages off, the notifier,
 * the free pages taken out of the buddy, page_ext freed).
 *
 * Follows linux-mm/linux-mm mm/memory_hotplug.c (b31c968ce6d9):
 * online_pages(), online_pages_range(), generic_online_page(),
 * scan_movable_pages(), do_migrate_range(), offline_pages(); with
 * mm/mm_init.c's memmap_init_range() and mm/sparse.c's
 * online_mem_sections()/offline_mem_sections() for the one section a
 * memory block is here.  docs/fidelity.md ("Memory hotplug") lists what is
 * left out: memory groups, nodes, zones other than the one, memmap on
 * memory, hugetlb, poisoned LRU or mapped pages, kswapd/kcompactd,
 * shuffling, present-page accounting.  Callers hold no mem_hotplug_lock: the harness runs one
 * hotplug operation at a time, never beside CPU hotplug (fuzz/phases.c).
 */
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/migrate.h>
#include <linux/page-isolation.h>

#include "internal.h"

/*
 * online_page_callback contains pointer to current page onlining function.
 * Initially it is generic_online_page(). If it is required it could be
 * changed by calling set_online_page_callback() for callback registration
 * and restore_online_page_callback() for generic callback restore.
 */
static online_page_callback_t online_page_callback = generic_online_page;

/* mm/sparse.c: mark all memory sections within the pfn range as online */
void online_mem_sections(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn += PAGES_PER_SECTION) {
		unsigned long section_nr = pfn_to_section_nr(pfn);
		struct mem_section *ms;

		/* onlining code should never touch invalid ranges */
		if (WARN_ON(!present_section(__nr_to_section(section_nr))))
			continue;

		ms = __nr_to_section(section_nr);
		ms->section_mem_map |= SECTION_IS_ONLINE;
	}
}

/* mm/sparse.c: mark all memory sections within the pfn range as offline */
void offline_mem_sections(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn += PAGES_PER_SECTION) {
		unsigned long section_nr = pfn_to_section_nr(pfn);
		struct mem_section *ms;

		/*
		 * TODO this needs some double checking. Offlining code makes
		 * sure to check pfn_valid but those checks might be just bogus
		 */
		if (WARN_ON(!present_section(__nr_to_section(section_nr))))
			continue;

		ms = __nr_to_section(section_nr);
		ms->section_mem_map &= ~SECTION_IS_ONLINE;
	}
}

/* we are OK calling __meminit stuff here - we have CONFIG_MEMORY_HOTPLUG */
void generic_online_page(struct page *page, unsigned int order)
{
	__free_pages_core(page, order, MEMINIT_HOTPLUG);
}

static void online_pages_range(unsigned long start_pfn, unsigned long nr_pages)
{
	const unsigned long end_pfn = start_pfn + nr_pages;
	unsigned long pfn;

	/*
	 * Online the pages in MAX_PAGE_ORDER aligned chunks. The callback might
	 * decide to not expose all pages to the buddy (e.g., expose them
	 * later). We account all pages as being online and belonging to this
	 * zone ("present").
	 */
	for (pfn = start_pfn; pfn < end_pfn;) {
		struct page *page = pfn_to_page(pfn);
		int order;

		/*
		 * Free to online pages in the largest chunks alignment allows.
		 *
		 * __ffs() behaviour is undefined for 0. start == 0 is
		 * MAX_PAGE_ORDER-aligned, Set order to MAX_PAGE_ORDER for
		 * the case.
		 */
		if (pfn)
			order = min_t(int, MAX_PAGE_ORDER, __builtin_ctzl(pfn));
		else
			order = MAX_PAGE_ORDER;

		/* (No debug_pagealloc: nothing to map.) */
		(*online_page_callback)(page, order);
		pfn += (1UL << order);
	}

	/* mark all involved sections as online */
	online_mem_sections(start_pfn, end_pfn);
}

static void resize_zone_range(struct zone *zone, unsigned long start_pfn,
			      unsigned long nr_pages)
{
	unsigned long old_end_pfn = zone->zone_start_pfn + zone->spanned_pages;

	if (!zone->spanned_pages || start_pfn < zone->zone_start_pfn)
		zone->zone_start_pfn = start_pfn;

	zone->spanned_pages = max(start_pfn + nr_pages, old_end_pfn) - zone->zone_start_pfn;
}

/*
 * mm/mm_init.c's __init_single_page(): the struct page zeroed, then the
 * zone/node/section links of page->flags (set_page_links(): the layout
 * here has the ZONES field only), one reference, LAST_CPUPID reset.
 * (No mapcount or KASAN tag in this struct page.)
 */
static void __init_single_page(struct page *page, unsigned long pfn,
			       unsigned long zone, int nid)
{
	mm_zero_struct_page(page);
	set_page_links(page, zone, nid, pfn);
	init_page_count(page);
	page_cpupid_reset_last(page);

	INIT_LIST_HEAD(&page->lru);
}

/*
 * mm/mm_init.c's memmap_init_range() for MEMINIT_HOTPLUG: each struct page
 * initialised ("allocated", refcount 1) and PageOffline(), each pageblock
 * given its migratetype and, with @isolate_pageblock, isolated.
 */
static void memmap_init_range(unsigned long size, int nid, unsigned long zone,
			      unsigned long start_pfn, enum meminit_context context,
			      int migratetype, bool isolate_pageblock)
{
	unsigned long pfn, end_pfn = start_pfn + size;
	struct page *page;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		page = pfn_to_page(pfn);
		__init_single_page(page, pfn, zone, nid);
		if (context == MEMINIT_HOTPLUG)
			__SetPageOffline(page);

		/*
		 * Usually, we want to mark the pageblock MIGRATE_MOVABLE,
		 * such that unmovable allocations won't be scattered all
		 * over the place during system boot.
		 */
		if (pageblock_aligned(pfn))
			set_pageblock_migratetype(page, isolate_pageblock ?
						  MIGRATE_ISOLATE : migratetype);
	}
}

/*
 * Associate the pfn range with the given zone, initializing the memmaps
 * and resizing the pgdat/zone data to span the added pages. After this
 * call, all affected pages are PageOffline().
 *
 * All aligned pageblocks are initialized to the specified migratetype
 * (usually MIGRATE_MOVABLE). Besides setting the migratetype, no related
 * zone stats (e.g., nr_isolate_pageblock) are touched.
 */
static void move_pfn_range_to_zone(struct zone *zone, unsigned long start_pfn,
				   unsigned long nr_pages, int migratetype,
				   bool isolate_pageblock)
{
	resize_zone_range(zone, start_pfn, nr_pages);

	/*
	 * TODO now we have a visible range of pages which are not associated
	 * with their zone properly. Not nice but set_pfnblock_migratetype()
	 * expects the zone spans the pfn range. All the pages in the range
	 * are reserved so nobody should be touching them so we should be safe
	 */
	memmap_init_range(nr_pages, zone_to_nid(zone), zone_idx(zone), start_pfn,
			  MEMINIT_HOTPLUG, migratetype, isolate_pageblock);
}

/*
 * The memmap of an offlined range is uninitialized again.  Upstream
 * poisons the struct pages here ("Poison struct pages because they are
 * now uninitialized again": page_init_poison(), a memset of 0xff), under
 * CONFIG_DEBUG_VM when page_init_poisoning is on (the default; vm_debug=
 * without 'P' turns it off).  The port models CONFIG_DEBUG_VM with that
 * poisoning off, as a !CONFIG_DEBUG_VM kernel is here: the struct pages
 * keep what offlining left in them.  (With it on, a poisoned page its
 * owner still holds, F22, reads refcount -1 and its owner's free frees
 * nothing; docs/fidelity.md.)  The zone's span shrinks only at its ends,
 * as shrink_zone_span() does.
 */
static void remove_pfn_range_from_zone(struct zone *zone, unsigned long start_pfn,
				       unsigned long nr_pages)
{
	const unsigned long end_pfn = start_pfn + nr_pages;
	unsigned long pfn;

	if (zone->zone_start_pfn == start_pfn) {
		for (pfn = end_pfn; pfn < zone->zone_start_pfn + zone->spanned_pages;
		     pfn += PAGES_PER_SECTION)
			if (pfn_to_online_page(pfn))
				break;
		if (pfn < zone->zone_start_pfn + zone->spanned_pages) {
			zone->spanned_pages = zone->zone_start_pfn + zone->spanned_pages - pfn;
			zone->zone_start_pfn = pfn;
		} else {
			zone->zone_start_pfn = 0;
			zone->spanned_pages = 0;
		}
	} else if (zone->zone_start_pfn + zone->spanned_pages == end_pfn) {
		for (pfn = start_pfn; pfn > zone->zone_start_pfn; pfn -= PAGES_PER_SECTION)
			if (pfn_to_online_page(pfn - 1))
				break;
		zone->spanned_pages = pfn - zone->zone_start_pfn;
		if (!zone->spanned_pages)
			zone->zone_start_pfn = 0;
	}
}

/*
 * Must be called with mem_hotplug_lock in write mode.
 */
int online_pages(unsigned long pfn, unsigned long nr_pages,
		 struct zone *zone, struct memory_group *group)
{
	struct memory_notify mem_arg = {
		.start_pfn = pfn,
		.nr_pages = nr_pages,
	};
	int ret;

	(void)group;
	/*
	 * {on,off}lining is constrained to full memory sections (or more
	 * precisely to memory blocks from the user space POV).
	 */
	if (WARN_ON_ONCE(!nr_pages || !pageblock_aligned(pfn) ||
			 !IS_ALIGNED(pfn + nr_pages, PAGES_PER_SECTION)))
		return -EINVAL;

	/*
	 * associate pfn range with the zone (upstream MIGRATE_MOVABLE: the
	 * port allocates from one migratetype, MIGRATE_UNMOVABLE)
	 */
	move_pfn_range_to_zone(zone, pfn, nr_pages, MIGRATE_UNMOVABLE, true);

	ret = memory_notify(MEM_GOING_ONLINE, &mem_arg);
	ret = notifier_to_errno(ret);
	if (ret)
		goto failed_addition;

	/*
	 * (zone->nr_isolate_pageblock is not kept.)  The zone is populated
	 * (the boot sections): no pageset to set up, no zonelist to rebuild.
	 */
	online_pages_range(pfn, nr_pages);
	/* (adjust_present_page_count(): present pages are not kept.) */

	/* Basic onlining is complete, allow allocation of onlined pages. */
	undo_isolate_page_range(pfn, pfn + nr_pages);

	/* (No shuffle_zone(): page shuffling is off.) */

	/* reinitialise watermarks and update pcp limits */
	init_per_zone_wmark_min();

	/* (No kswapd, kcompactd, writeback ratelimit.) */

	memory_notify(MEM_ONLINE, &mem_arg);
	return 0;

failed_addition:
	memory_notify(MEM_CANCEL_ONLINE, &mem_arg);
	remove_pfn_range_from_zone(zone, pfn, nr_pages);
	return ret;
}

/*
 * Scan pfn range [start,end) to find movable/migratable pages (LRU and
 * hugetlb folio, movable_ops pages). Will skip over most unmovable
 * pages (esp., pages that can be skipped when offlining), but bail out on
 * definitely unmovable pages.
 *
 * Returns:
 *	0 in case a movable page is found and movable_pfn was updated.
 *	-ENOENT in case no movable page was found.
 *	-EBUSY in case a definitely unmovable page was found.
 */
static int scan_movable_pages(unsigned long start, unsigned long end,
			      unsigned long *movable_pfn)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page;

		page = pfn_to_page(pfn);
		if (PageLRU(page) || page_has_movable_ops(page))
			goto found;

		/*
		 * PageOffline() pages that do not have movable_ops and
		 * have a reference count > 0 (after MEM_GOING_OFFLINE) are
		 * definitely unmovable. If their reference count would be 0,
		 * they could at least be skipped when offlining memory.
		 */
		if (PageOffline(page) && page_count(page))
			return -EBUSY;

		/* (No hugetlb folios.) */
	}
	return -ENOENT;
found:
	*movable_pfn = pfn;
	return 0;
}

static void do_migrate_range(unsigned long start_pfn, unsigned long end_pfn)
{
	struct folio *folio;
	unsigned long pfn;
	LIST_HEAD(source);

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page;

		page = pfn_to_page(pfn);
		folio = page_folio(page);

		if (!folio_try_get(folio))
			continue;

		/* (No large folios.) */

		if (folio_contain_hwpoisoned_page(folio)) {
			/*
			 * (Poisoned pages are never on the LRU or mapped
			 * here: nothing to isolate or unmap.)
			 */
			goto put_folio;
		}

		if (!isolate_folio_to_list(folio, &source))
			pr_warn("failed to isolate pfn %lx\n", page_to_pfn(page));
put_folio:
		folio_put(folio);
	}
	if (!list_empty(&source)) {
		struct migration_target_control mtc = {
			.nmask = NULL,
			.gfp_mask = GFP_KERNEL | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL,
			.reason = MR_MEMORY_HOTPLUG,
		};
		int ret;

		/*
		 * We have checked that migration range is on a single zone so
		 * we can use the nid of the first page to all the others.
		 */
		mtc.nid = folio_nid(list_first_entry(&source, struct folio, page.lru));
		ret = migrate_pages(&source, alloc_migration_target, NULL,
			(unsigned long)&mtc, MIGRATE_SYNC, MR_MEMORY_HOTPLUG, NULL);
		if (ret) {
			list_for_each_entry(folio, &source, page.lru)
				pr_warn("migrating pfn %lx failed ret:%d\n",
					folio_pfn(folio), ret);
			putback_movable_pages(&source);
		}
	}
}

/*
 * Must be called with mem_hotplug_lock in write mode.
 */
int offline_pages(unsigned long start_pfn, unsigned long nr_pages,
		  struct zone *zone, struct memory_group *group)
{
	unsigned long pfn, managed_pages;
	const unsigned long end_pfn = start_pfn + nr_pages;
	struct memory_notify mem_arg = {
		.start_pfn = start_pfn,
		.nr_pages = nr_pages,
	};
	const char *reason;
	int ret;

	(void)group;
	/*
	 * {on,off}lining is constrained to full memory sections (or more
	 * precisely to memory blocks from the user space POV).
	 */
	if (WARN_ON_ONCE(!nr_pages || !pageblock_aligned(start_pfn) ||
			 !IS_ALIGNED(start_pfn + nr_pages, PAGES_PER_SECTION)))
		return -EINVAL;

	/*
	 * (No memory holes here: walk_system_ram_range() finds the whole
	 * range.  One zone: no "multizone range".)
	 */

	/*
	 * Disable pcplists so that page isolation cannot race with freeing
	 * in a way that pages from isolated pageblock are left on pcplists.
	 */
	zone_pcp_disable(zone);
	/* (lru_cache_disable(): no LRU caches here.) */

	/* set above range as isolated */
	ret = start_isolate_page_range(start_pfn, end_pfn,
				       PB_ISOLATE_MODE_MEM_OFFLINE);
	if (ret) {
		reason = "failure to isolate range";
		goto failed_removal_pcplists_disabled;
	}

	/* (One node, never emptied by this: no node notifier.) */

	ret = memory_notify(MEM_GOING_OFFLINE, &mem_arg);
	ret = notifier_to_errno(ret);
	if (ret) {
		reason = "notifier failure";
		goto failed_removal_isolated;
	}

	do {
		pfn = start_pfn;
		do {
			/*
			 * Historically we always checked for any signal and
			 * can't limit it to fatal signals without eventually
			 * breaking user space.
			 */
			if (signal_pending(current)) {
				ret = -EINTR;
				reason = "signal backoff";
				goto failed_removal_isolated;
			}

			cond_resched();

			ret = scan_movable_pages(pfn, end_pfn, &pfn);
			if (!ret) {
				/*
				 * TODO: fatal migration failures should bail
				 * out
				 */
				do_migrate_range(pfn, end_pfn);
			}
		} while (!ret);

		if (ret != -ENOENT) {
			reason = "unmovable page";
			goto failed_removal_isolated;
		}

		/* (No hugetlb folios to dissolve.) */

		ret = test_pages_isolated(start_pfn, end_pfn,
					  PB_ISOLATE_MODE_MEM_OFFLINE);

	} while (ret);

	/* Mark all sections offline and remove free pages from the buddy. */
	managed_pages = __offline_isolated_pages(start_pfn, end_pfn);
	pr_debug("Offlined Pages %ld\n", nr_pages);

	/*
	 * The memory sections are marked offline, and the pageblock flags
	 * effectively stale; nobody should be touching them. (The
	 * nr_isolate_pageblock fixup: not kept.)
	 */

	zone_pcp_enable(zone);

	/* removal success */
	adjust_managed_page_count(pfn_to_page(start_pfn), -managed_pages);
	/* (adjust_present_page_count(): present pages are not kept.) */

	/* reinitialise watermarks and update pcp limits */
	init_per_zone_wmark_min();

	/*
	 * (The zone keeps its boot sections' pages populated or not: no
	 * zone_pcp_reset(), no zonelist rebuild, no node state.)
	 */

	memory_notify(MEM_OFFLINE, &mem_arg);
	remove_pfn_range_from_zone(zone, start_pfn, nr_pages);
	return 0;

failed_removal_isolated:
	/* pushback to free area */
	undo_isolate_page_range(start_pfn, end_pfn);
	memory_notify(MEM_CANCEL_OFFLINE, &mem_arg);
failed_removal_pcplists_disabled:
	zone_pcp_enable(zone);
	pr_debug("memory offlining [mem %#010llx-%#010llx] failed due to %s\n",
		 (unsigned long long) start_pfn << PAGE_SHIFT,
		 ((unsigned long long) end_pfn << PAGE_SHIFT) - 1,
		 reason);
	(void)reason;
	return ret;
}
