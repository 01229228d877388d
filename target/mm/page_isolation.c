// SPDX-License-Identifier: GPL-2.0
/*
 * Pageblock isolation for memory offlining (mm/page_isolation.c).
 *
 * Follows linux-mm/linux-mm mm/page_isolation.c (1ba148ae15f3):
 * page_is_unmovable(), has_unmovable_pages(), set_migratetype_isolate(),
 * unset_migratetype_isolate(), start_isolate_page_range(),
 * undo_isolate_page_range(), test_pages_isolated().  Left out: CMA,
 * hugetlb, compound pages, unaccepted memory, and
 * isolate_single_pageblock()'s handling of a free or in-use page that
 * straddles the range's ends -- a range here is a section, and no buddy
 * block or allocation crosses a section (MAX_PAGE_ORDER fits in one).
 * Moving free pages between the free lists is page_alloc.c's (the port's
 * pageblock_isolate_and_move_free_pages(), docs/fidelity.md).
 */
#include <linux/err.h>
#include <linux/page-isolation.h>

#include "internal.h"
#include "tagfuzz/bugs.h"

static inline unsigned int buddy_order(struct page *page)
{
	return page->private;
}

bool page_is_unmovable(struct zone *zone, struct page *page,
		       enum pb_isolate_mode mode, unsigned long *step);

bool page_is_unmovable(struct zone *zone, struct page *page,
		       enum pb_isolate_mode mode, unsigned long *step)
{
	(void)zone;
	/*
	 * Both, bootmem allocations and memory holes are marked
	 * PG_reserved and are unmovable. We can even have unmovable
	 * allocations inside ZONE_MOVABLE, for example when
	 * specifying "movablecore".
	 */
	if (PageReserved(page))
		return true;

	/*
	 * (The one zone is a kernel zone, not ZONE_MOVABLE; no compound
	 * pages.)
	 */

	/*
	 * We can't use page_count without pin a page
	 * because another CPU can free compound page.
	 * This check already skips compound tails of THP
	 * because their page->_refcount is zero at all time.
	 */
	if (!page_ref_count(page)) {
		if (PageBuddy(page))
			*step = (1 << buddy_order(page));
		return false;
	}

	/*
	 * The HWPoisoned page may be not in buddy system, and
	 * page_count() is not 0.
	 */
	if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) && PageHWPoison(page))
		return false;
	/* Bug switch: the skip without its PageHWPoison() test. */
	if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) && tf_bug(TF_BUG_OFFLINE_SKIPS_IN_USE))
		return false;

	/*
	 * We treat all PageOffline() pages as movable when offlining
	 * to give drivers a chance to decrement their reference count
	 * in MEM_GOING_OFFLINE in order to indicate that these pages
	 * can be offlined as there are no direct references anymore.
	 * For actually unmovable PageOffline() where the driver does
	 * not support this, we will fail later when trying to actually
	 * move these pages that still have a reference count > 0.
	 * (false negatives in this function only)
	 */
	if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) && PageOffline(page))
		return false;

	if (PageLRU(page) || page_has_movable_ops(page))
		return false;

	/*
	 * If there are RECLAIMABLE pages, we need to check
	 * it.  But now, memory offline itself doesn't call
	 * shrink_node_slabs() and it still to be fixed.
	 */
	return true;
}

/*
 * This function checks whether the range [start_pfn, end_pfn) includes
 * unmovable pages or not. The range must fall into a single pageblock and
 * consequently belong to a single zone.
 *
 * PageLRU check without isolation or lru_lock could race so that
 * MIGRATE_MOVABLE block might include unmovable pages. Similarly, pages
 * with movable_ops can only be identified some time after they were
 * allocated. So you can't expect this function should be exact.
 *
 * Returns a page without holding a reference. If the caller wants to
 * dereference that page (e.g., dumping), it has to make sure that it
 * cannot get removed (e.g., via memory unplug) concurrently.
 *
 */
static struct page *has_unmovable_pages(unsigned long start_pfn, unsigned long end_pfn,
					enum pb_isolate_mode mode)
{
	struct page *page = pfn_to_page(start_pfn);
	struct zone *zone = page_zone(page);

	VM_BUG_ON(pageblock_start_pfn(start_pfn) !=
		  pageblock_start_pfn(end_pfn - 1));

	/* (No CMA pageblocks.) */

	while (start_pfn < end_pfn) {
		unsigned long step = 1;

		page = pfn_to_page(start_pfn);
		if (page_is_unmovable(zone, page, mode, &step))
			return page;

		start_pfn += step;
	}
	return NULL;
}

/*
 * This function set pageblock migratetype to isolate if no unmovable page is
 * present in [start_pfn, end_pfn). The pageblock must intersect with
 * [start_pfn, end_pfn).
 */
static int set_migratetype_isolate(struct page *page, enum pb_isolate_mode mode,
				   unsigned long start_pfn, unsigned long end_pfn)
{
	struct zone *zone = page_zone(page);
	struct page *unmovable;
	unsigned long check_unmovable_start, check_unmovable_end;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	/*
	 * We assume the caller intended to SET migrate type to
	 * isolate. If it is already set, then someone else must have
	 * raced and set it before us.
	 */
	if (is_migrate_isolate_page(page)) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return -EBUSY;
	}

	/*
	 * FIXME: Now, memory hotplug doesn't call shrink_slab() by
	 * itself. We just check MOVABLE pages.
	 *
	 * Pass the intersection of [start_pfn, end_pfn) and the page's
	 * pageblock to avoid redundant checks.
	 */
	check_unmovable_start = max(page_to_pfn(page), start_pfn);
	check_unmovable_end = min(pageblock_end_pfn(page_to_pfn(page)),
				  end_pfn);

	unmovable = has_unmovable_pages(check_unmovable_start,
			check_unmovable_end, mode);
	if (!unmovable) {
		if (!pageblock_isolate_and_move_free_pages(zone, page)) {
			spin_unlock_irqrestore(&zone->lock, flags);
			return -EBUSY;
		}
		/* (zone->nr_isolate_pageblock is not kept.) */
		spin_unlock_irqrestore(&zone->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	/*
	 * (MEM_OFFLINE mode: dump_page(unmovable, "unmovable page") prints
	 * the page.  The port's dump_page() is bad_page()'s report, so it is
	 * left out.)
	 */
	return -EBUSY;
}

static void unset_migratetype_isolate(struct page *page)
{
	struct zone *zone;
	unsigned long flags;

	zone = page_zone(page);
	spin_lock_irqsave(&zone->lock, flags);
	if (!is_migrate_isolate_page(page)) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return;
	}

	/*
	 * Upstream merges a free page of pageblock_order or more with its
	 * buddy here (__isolate_free_page() and __putback_isolated_page()),
	 * else moves the free pages to the tail of their list.  The port's
	 * undo puts every free page of the block back through the buddy,
	 * where it merges (pageblock_unisolate_and_move_free_pages()).
	 *
	 * Isolating this block already succeeded, so this
	 * should not fail on zone boundaries.
	 */
	WARN_ON_ONCE(!pageblock_unisolate_and_move_free_pages(zone, page));
	/* (zone->nr_isolate_pageblock is not kept.) */
	spin_unlock_irqrestore(&zone->lock, flags);
}

static inline struct page *
__first_valid_page(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long i;

	for (i = 0; i < nr_pages; i++) {
		struct page *page;

		page = pfn_to_online_page(pfn + i);
		if (!page)
			continue;
		return page;
	}
	return NULL;
}

/**
 * start_isolate_page_range() - mark page range MIGRATE_ISOLATE
 * @start_pfn:		The first PFN of the range to be isolated.
 * @end_pfn:		The last PFN of the range to be isolated.
 * @mode:		isolation mode
 *
 * Making page-allocation-type to be MIGRATE_ISOLATE means free pages in
 * the range will never be allocated. Any free pages and pages freed in the
 * future will not be allocated again. If specified range includes migrate types
 * other than MOVABLE or CMA, this will fail with -EBUSY. For isolating all
 * pages in the range finally, the caller have to free all pages in the range.
 * test_page_isolated() can be used for test it.
 *
 * (The ends of the range need no isolate_single_pageblock() here: a range
 * is whole sections, and nothing free or allocated crosses a section.)
 *
 * Return: 0 on success and -EBUSY if any part of range cannot be isolated.
 */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     enum pb_isolate_mode mode)
{
	unsigned long pfn;
	struct page *page;
	/* isolation is done at page block granularity */
	unsigned long isolate_start = pageblock_start_pfn(start_pfn);
	unsigned long isolate_end = pageblock_align(end_pfn);

	for (pfn = isolate_start; pfn < isolate_end; pfn += pageblock_nr_pages) {
		page = __first_valid_page(pfn, pageblock_nr_pages);
		if (page && set_migratetype_isolate(page, mode, start_pfn,
					end_pfn)) {
			undo_isolate_page_range(isolate_start, pfn);
			return -EBUSY;
		}
	}
	return 0;
}

/**
 * undo_isolate_page_range - undo effects of start_isolate_page_range()
 * @start_pfn:		The first PFN of the isolated range
 * @end_pfn:		The last PFN of the isolated range
 *
 * This finds and unsets every MIGRATE_ISOLATE page block in the given range
 */
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;
	struct page *page;
	unsigned long isolate_start = pageblock_start_pfn(start_pfn);
	unsigned long isolate_end = pageblock_align(end_pfn);

	for (pfn = isolate_start;
	     pfn < isolate_end;
	     pfn += pageblock_nr_pages) {
		page = __first_valid_page(pfn, pageblock_nr_pages);
		if (!page || !is_migrate_isolate_page(page))
			continue;
		unset_migratetype_isolate(page);
	}
}

/*
 * Test all pages in the range is free(means isolated) or not.
 * all pages in [start_pfn...end_pfn) must be in the same zone.
 * zone->lock must be held before call this.
 *
 * Returns the last tested pfn.
 */
static unsigned long
__test_page_isolated_in_pageblock(unsigned long pfn, unsigned long end_pfn,
				  enum pb_isolate_mode mode)
{
	struct page *page;

	while (pfn < end_pfn) {
		page = pfn_to_page(pfn);
		if (PageBuddy(page))
			/*
			 * If the page is on a free list, it has to be on
			 * the correct MIGRATE_ISOLATE freelist. There is no
			 * simple way to verify that as VM_BUG_ON(), though.
			 */
			pfn += 1 << buddy_order(page);
		else if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) &&
			 PageHWPoison(page))
			/* A HWPoisoned page cannot be also PageBuddy */
			pfn++;
		else if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) &&
			 tf_bug(TF_BUG_OFFLINE_SKIPS_IN_USE) && page_count(page))
			/* Bug switch: as if it were HWPoisoned. */
			pfn++;
		else if ((mode == PB_ISOLATE_MODE_MEM_OFFLINE) &&
			 PageOffline(page) && !page_count(page))
			/*
			 * The responsible driver agreed to skip PageOffline()
			 * pages when offlining memory by dropping its
			 * reference in MEM_GOING_OFFLINE.
			 */
			pfn++;
		else
			break;
	}

	return pfn;
}

/**
 * test_pages_isolated - check if pageblocks in range are isolated
 * @start_pfn:		The first PFN of the isolated range
 * @end_pfn:		The first PFN *after* the isolated range
 * @mode:		Testing mode
 *
 * This tests if all in the specified range are free.
 *
 * If %PB_ISOLATE_MODE_MEM_OFFLINE specified in @mode, it will consider
 * poisoned and offlined pages free as well.
 *
 * Caller must ensure the requested range doesn't span zones.
 *
 * Returns 0 if true, -EBUSY if one or more pages are in use.
 */
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn,
			enum pb_isolate_mode mode)
{
	unsigned long pfn, flags;
	struct page *page;
	struct zone *zone;
	int ret;

	/* (No hugetlb folios to wait for.) */

	/*
	 * Note: pageblock_nr_pages != MAX_PAGE_ORDER. Then, chunks of free
	 * pages are not aligned to pageblock_nr_pages.
	 * Then we just check migratetype first.
	 */
	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		page = __first_valid_page(pfn, pageblock_nr_pages);
		if (page && !is_migrate_isolate_page(page))
			break;
	}
	page = __first_valid_page(start_pfn, end_pfn - start_pfn);
	if ((pfn < end_pfn) || !page) {
		ret = -EBUSY;
		goto out;
	}

	/* Check all pages are free or marked as ISOLATED */
	zone = page_zone(page);
	spin_lock_irqsave(&zone->lock, flags);
	pfn = __test_page_isolated_in_pageblock(start_pfn, end_pfn, mode);
	spin_unlock_irqrestore(&zone->lock, flags);

	ret = pfn < end_pfn ? -EBUSY : 0;

out:
	return ret;
}
