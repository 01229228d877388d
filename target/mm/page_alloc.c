// SPDX-License-Identifier: GPL-2.0
/*
 * The page allocator paths under allocation tagging: one zone, buddy free
 * lists, watermarks, the fast and slow paths, per-CPU pagesets, bulk and
 * exact allocation, and the tagging hooks around them.
 *
 * Follows mm/page_alloc.c as of the ALLOC_NO_CODETAG series (seed 002);
 * docs/fidelity.md lists what is simplified.
 */
#include <linux/memory_hotplug.h>
#include <linux/page-isolation.h>
#include <trace/events/kmem.h>

#include "internal.h"
#include "tagfuzz/bugs.h"
#include "tagfuzz/fault.h"

/* ------------------------------------------------------------------ */
/* Allocation tagging hooks                                            */
/* ------------------------------------------------------------------ */

void __clear_page_tag_ref(struct page *page)
{
	union pgtag_ref_handle handle;
	union codetag_ref ref;

	if (get_page_tag_ref(page, &ref, &handle)) {
		set_codetag_empty(&ref);
		update_page_tag_ref(handle, &ref);
		put_page_tag_ref(handle);
	}
}

/* Should be called only if mem_alloc_profiling_enabled() */
static noinline
void __pgalloc_tag_add(struct page *page, struct task_struct *task,
		       unsigned int nr, unsigned int alloc_flags)
{
	union pgtag_ref_handle handle;
	union codetag_ref ref;

	if (get_page_tag_ref(page, &ref, &handle)) {
		alloc_tag_add(&ref, task->alloc_tag, PAGE_SIZE * nr);
		update_page_tag_ref(handle, &ref);
		put_page_tag_ref(handle);
	} else {
		/*
		 * page_ext is not available yet, record the pfn so we can
		 * clear the tag ref later when page_ext is initialized.
		 */
		alloc_tag_add_early_pfn(page_to_pfn(page), alloc_flags);
		if (task->alloc_tag)
			alloc_tag_set_inaccurate(task->alloc_tag);
	}
}

static inline void pgalloc_tag_add(struct page *page, struct task_struct *task,
				   unsigned int nr, unsigned int alloc_flags)
{
	if (mem_alloc_profiling_enabled())
		__pgalloc_tag_add(page, task, nr, alloc_flags);
}

/* Should be called only if mem_alloc_profiling_enabled() */
static noinline
void __pgalloc_tag_sub(struct page *page, unsigned int nr)
{
	union pgtag_ref_handle handle;
	union codetag_ref ref;

	if (get_page_tag_ref(page, &ref, &handle)) {
		alloc_tag_sub(&ref, PAGE_SIZE * nr);
		update_page_tag_ref(handle, &ref);
		put_page_tag_ref(handle);
	}
}

static inline void pgalloc_tag_sub(struct page *page, unsigned int nr)
{
	if (mem_alloc_profiling_enabled())
		__pgalloc_tag_sub(page, nr);
}

/* When tag is not NULL, assuming mem_alloc_profiling_enabled */
static inline __tf_pcpu_may_be_null void pgalloc_tag_sub_pages(struct alloc_tag *tag, unsigned int nr)
{
	if (tag)
		this_cpu_sub(tag->counters->bytes, PAGE_SIZE * nr);
}

/* ------------------------------------------------------------------ */
/* Buddy                                                               */
/* ------------------------------------------------------------------ */

static inline unsigned int buddy_order(struct page *page)
{
	return page->private;
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

static inline bool page_is_buddy(struct page *page, struct page *buddy,
				 unsigned int order)
{
	if (!PageBuddy(buddy))
		return false;

	if (buddy_order(buddy) != order)
		return false;

	/*
	 * zone check is done late to avoid uselessly calculating
	 * zone/node ids for pages that could never merge.
	 */
	if (page_zone_id(page) != page_zone_id(buddy))
		return false;

	return true;
}

static inline unsigned long __find_buddy_pfn(unsigned long page_pfn, unsigned int order)
{
	return page_pfn ^ (1UL << order);
}

static inline struct page *find_buddy_page_pfn(struct page *page, unsigned long pfn,
					       unsigned int order, unsigned long *buddy_pfn)
{
	unsigned long __buddy_pfn = __find_buddy_pfn(pfn, order);
	struct page *buddy;

	/* The zone may end short of a max-order block. */
	if (__buddy_pfn >= max_pfn)
		return NULL;
	buddy = page + (__buddy_pfn - pfn);
	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;

	if (page_is_buddy(page, buddy, order))
		return buddy;
	return NULL;
}

static inline void account_freepages(struct zone *zone, int nr_pages, int migratetype)
{
	(void)migratetype;
	__atomic_fetch_add(&zone->nr_free_pages.counter, nr_pages, __ATOMIC_RELAXED);
}

static inline void __add_to_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int migratetype, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list[migratetype]);
	else
		list_add(&page->buddy_list, &area->free_list[migratetype]);
	area->nr_free++;
}

static inline void __del_page_from_free_list(struct page *page, struct zone *zone,
					     unsigned int order, int migratetype)
{
	(void)migratetype;
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	zone->free_area[order].nr_free--;
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order, int migratetype)
{
	__del_page_from_free_list(page, zone, order, migratetype);
	account_freepages(zone, -(1 << order), migratetype);
}

static inline struct page *get_page_from_free_area(struct free_area *area, int migratetype)
{
	return list_first_entry_or_null(&area->free_list[migratetype],
					struct page, buddy_list);
}

static inline void __free_one_page(struct page *page, unsigned long pfn,
				   struct zone *zone, unsigned int order,
				   int migratetype, fpi_t fpi_flags)
{
	unsigned long buddy_pfn = 0;
	unsigned long combined_pfn;
	struct page *buddy;
	bool to_tail;

	VM_BUG_ON_PAGE(pfn & ((1 << order) - 1), page);
	account_freepages(zone, 1 << order, migratetype);

	while (order < MAX_PAGE_ORDER) {
		buddy = find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			goto done_merging;

		if (unlikely(order >= pageblock_order)) {
			/* Do not merge an isolated pageblock with a free one. */
			int buddy_mt = get_pfnblock_migratetype(buddy, buddy_pfn);

			if (migratetype != buddy_mt &&
			    (is_migrate_isolate(migratetype) || is_migrate_isolate(buddy_mt)))
				goto done_merging;
		}

		__del_page_from_free_list(buddy, zone, order, migratetype);
		combined_pfn = buddy_pfn & pfn;
		page = page + (combined_pfn - pfn);
		pfn = combined_pfn;
		order++;
	}

done_merging:
	set_buddy_order(page, order);
	to_tail = fpi_flags & FPI_TO_TAIL;
	__add_to_free_list(page, zone, order, migratetype, to_tail);
	/* A whole free pageblock in the buddy has no owner any more (seed 004). */
	if (order >= pageblock_order)
		pcpblock_release(zone, pfn, order);
}

void __free_one_page_locked(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int migratetype, fpi_t fpi_flags)
{
	__free_one_page(page, pfn, zone, order, migratetype, fpi_flags);
}

/* Split a high-order block, putting the halves back on the free lists. */
static inline unsigned int expand(struct zone *zone, struct page *page, int low,
				  int high, int migratetype)
{
	unsigned int size = 1 << high;
	unsigned int nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		__add_to_free_list(&page[size], zone, high, migratetype, false);
		set_buddy_order(&page[size], high);
		nr_added += size;
	}
	return nr_added;
}

static __always_inline void page_del_and_expand(struct zone *zone, struct page *page,
						int low, int high, int migratetype)
{
	int nr_pages = 1 << high;

	__del_page_from_free_list(page, zone, high, migratetype);
	nr_pages -= expand(zone, page, low, high, migratetype);
	account_freepages(zone, -nr_pages, migratetype);
}

struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	unsigned int current_order;
	struct free_area *area;
	struct page *page;

	for (current_order = order; current_order < NR_PAGE_ORDERS; ++current_order) {
		area = &(zone->free_area[current_order]);
		page = get_page_from_free_area(area, migratetype);
		if (!page)
			continue;

		page_del_and_expand(zone, page, order, current_order, migratetype);
		return page;
	}

	return NULL;
}

/* One migratetype holds every free page here: no fallback to steal from. */
static __always_inline struct page *__rmqueue(struct zone *zone, unsigned int order,
					      int migratetype, unsigned int alloc_flags)
{
	(void)alloc_flags;
	return __rmqueue_smallest(zone, order, migratetype);
}

/* ------------------------------------------------------------------ */
/* Page state checks                                                    */
/* ------------------------------------------------------------------ */

static void bad_page(struct page *page, const char *reason)
{
	dump_page(page, reason);
}

static const char *page_bad_reason(struct page *page)
{
	if (page_count(page) != 0)
		return "nonzero _refcount";
	if (PageBuddy(page))
		return "page still in buddy";
	return NULL;
}

bool check_new_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		const char *reason = page_bad_reason(page + i);

		if (unlikely(reason)) {
			bad_page(page + i, reason);
			return true;
		}
	}
	return false;
}

static inline bool free_page_is_bad(struct page *page)
{
	const char *reason = page_bad_reason(page);

	if (likely(!reason))
		return false;

	/* Something has gone sideways, find it */
	bad_page(page, reason);
	return true;
}

/* CONFIG_DEBUG_VM is on in every configuration the port models. */
static inline bool is_check_pages_enabled(void)
{
	return true;
}

static __always_inline bool __free_pages_prepare(struct page *page,
		unsigned int order, fpi_t fpi_flags)
{
	int bad = 0;

	if (fpi_flags & FPI_PREPARED)
		return true;

	VM_BUG_ON_PAGE(PageTail(page), page);

	if (unlikely(PageHWPoison(page)) && !order) {
		/* Do not let hwpoison pages hit pcplists/buddy */
		reset_page_owner(page, order);
		if (!tf_bug(TF_BUG_HWPOISON_NO_TAG_SUB))
			pgalloc_tag_sub(page, 1 << order);

		/*
		 * The page is isolated and accounted for.
		 * Mark the codetag as empty to avoid accounting error
		 * when the page is freed by unpoison_memory().
		 */
		clear_page_tag_ref(page);
		return false;
	}

	/*
	 * Check tail pages before head page information is cleared to
	 * avoid checking PageCompound for order-0 pages.  (No compound
	 * pages here: no free_tail_page_prepare().)
	 */
	if (unlikely(order)) {
		int i;

		for (i = 1; i < (1 << order); i++) {
			struct page *tail_page = page + i;

			if (is_check_pages_enabled()) {
				if (free_page_is_bad(tail_page)) {
					bad++;
					continue;
				}

				if (tail_page->private) {
					bad_page(tail_page, "nonzero private");
					bad++;
					continue;
				}
			}
		}
	}

	if (is_check_pages_enabled()) {
		if (free_page_is_bad(page))
			bad++;
		if (bad)
			return false;
	}

	page->private = 0;
	reset_page_owner(page, order);
	pgalloc_tag_sub(page, 1 << order);
	return true;
}

bool free_pages_prepare(struct page *page, unsigned int order)
{
	return __free_pages_prepare(page, order, FPI_NONE);
}

/* ------------------------------------------------------------------ */
/* Freeing                                                              */
/* ------------------------------------------------------------------ */

static void split_large_buddy(struct zone *zone, struct page *page,
			      unsigned long pfn, int order, fpi_t fpi)
{
	/*
	 * Upstream frees a block larger than a pageblock one pageblock at a
	 * time (its pageblocks may differ in migratetype).
	 */
	if (order > pageblock_order) {
		unsigned long end = pfn + (1UL << order);

		for (; pfn < end; pfn += pageblock_nr_pages, page += pageblock_nr_pages)
			__free_one_page(page, pfn, zone, pageblock_order,
					get_pfnblock_migratetype(page, pfn), fpi);
		return;
	}
	__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(page, pfn), fpi);
}

void add_page_to_zone_llist(struct zone *zone, struct page *page, unsigned int order)
{
	/* Remember the order */
	page->order = order;
	/* Add the page to the free list */
	llist_add(&page->pcp_llist, &zone->trylock_free_pages);
}

void free_one_page(struct zone *zone, struct page *page,
		   unsigned long pfn, unsigned int order, fpi_t fpi_flags)
{
	struct llist_head *llhead;
	unsigned long flags;

	if (unlikely(fpi_flags & FPI_TRYLOCK)) {
		if (!spin_trylock_irqsave(&zone->lock, flags)) {
			add_page_to_zone_llist(zone, page, order);
			return;
		}
	} else {
		spin_lock_irqsave(&zone->lock, flags);
	}

	/* The lock succeeded. Process deferred pages. */
	llhead = &zone->trylock_free_pages;
	if (unlikely(!llist_empty(llhead) && !(fpi_flags & FPI_TRYLOCK))) {
		struct llist_node *llnode;
		struct page *p, *tmp;

		llnode = llist_del_all(llhead);
		llist_for_each_entry_safe(p, tmp, llnode, pcp_llist) {
			unsigned int p_order = p->order;

			split_large_buddy(zone, p, page_to_pfn(p), p_order, fpi_flags);
		}
	}
	split_large_buddy(zone, page, pfn, order, fpi_flags);
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void __free_pages_ok(struct page *page, unsigned int order, fpi_t fpi_flags)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = page_zone(page);

	if (__free_pages_prepare(page, order, fpi_flags))
		free_one_page(zone, page, pfn, order, fpi_flags);
}

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER;
}

struct per_cpu_pages *pcp_spin_trylock(struct per_cpu_pages __percpu *ptr)
{
	struct per_cpu_pages *pcp = this_cpu_ptr(ptr);

	if (!spin_trylock(&pcp->lock))
		return NULL;
	return pcp;
}

void pcp_spin_unlock(struct per_cpu_pages *pcp)
{
	spin_unlock(&pcp->lock);
}

/* Free @count pages from the PCP lists back to the buddy lists. */
static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pages *pcp, int pindex)
{
	unsigned long flags;
	unsigned int order;
	struct page *page;

	/* Seed 004: absorb the free_llist, merge PCP buddies (pcp->count unchanged). */
	if (tf_pcp_split)
		pcp_split_bulk_prepare(pcp);

	/*
	 * Ensure proper count is passed which otherwise would stuck in the
	 * below while (list_empty(list)) loop.
	 */
	count = min(pcp->count, count);

	/* Ensure requested pindex is drained first. */
	pindex = pindex - 1;

	spin_lock_irqsave(&zone->lock, flags);

	while (count > 0) {
		struct list_head *list;
		int nr_pages, tries = 0;

		/* Remove pages from lists in a round-robin fashion. */
		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
			/* Upstream would spin here for ever: say so instead. */
			if (++tries > NR_PCP_LISTS)
				tf_report_bug(TF_CHECK_BUG, __func__, "pcp->count exceeds its lists",
					      "free_pcppages_bulk(): %d pages to free, every list empty",
					      count);
		} while (list_empty(list));

		order = pindex_to_order(pindex);
		nr_pages = 1 << order;
		do {
			unsigned long pfn;
			int mt;

			page = list_last_entry(list, struct page, pcp_list);
			pfn = page_to_pfn(page);
			mt = get_pfnblock_migratetype(page, pfn);

			/* must delete to avoid corrupting pcp list */
			list_del(&page->pcp_list);
			count -= nr_pages;
			pcp->count -= nr_pages;

			/* Seed 004: a PCP buddy leaves the lists as a plain page. */
			if (PagePCPBuddy(page)) {
				__ClearPagePCPBuddy(page);
				set_page_private(page, 0);
			}
			__free_one_page(page, pfn, zone, order, mt, FPI_NONE);
			trace_mm_page_pcpu_drain(page, order, mt);
		} while (count > 0 && !list_empty(list));
	}

	spin_unlock_irqrestore(&zone->lock, flags);
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	int min_nr_free, max_nr_free;

	/* A run of high-order frees: free as much as one drain chunk. */
	if (unlikely(free_high))
		return min(pcp->count, batch << CONFIG_PCP_BATCH_SCALE_MAX);

	/* PCP disabled, or still the boot pageset */
	if (unlikely(high < batch))
		return 1;

	/* Keep at least pcp->batch pages on the lists */
	min_nr_free = batch;
	max_nr_free = high - batch;

	/*
	 * The more pages were freed in a row, the more go back at once, so
	 * zone->lock is taken less often.
	 */
	batch = clamp_t(int, pcp->free_count, min_nr_free, max_nr_free);

	return batch;
}

/*
 * Upstream tunes pcp->high between high_min and high_max here (lower under
 * reclaim or below the high watermark, higher while frees overflow it).
 * The machine's pagesets have high_min == high_max, as upstream sets them
 * when vm.percpu_pagelist_high_fraction is set, and no kswapd ever marks
 * the zone ZONE_RECLAIM_ACTIVE: the tuning branches after that test are
 * not ported (docs/fidelity.md).
 */
static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone,
		       int batch, bool free_high)
{
	int high, high_min, high_max;

	(void)zone;
	high_min = READ_ONCE(pcp->high_min);
	high_max = READ_ONCE(pcp->high_max);
	high = pcp->high = clamp(pcp->high, high_min, high_max);

	if (unlikely(!high))
		return 0;

	if (unlikely(free_high)) {
		pcp->high = max(high - (batch << CONFIG_PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}

	return high;
}

/*
 * Put @page on the PCP lists and, once pcp->count reaches high, free pages
 * back to the buddy batch by batch, dropping the PCP lock between batches.
 *
 * Returns true with the (this CPU's) PCP lock held, or false with it
 * released: when the lock could not be taken again after a batch, or the
 * task ran on another CPU once it was taken.  The caller must not unlock
 * after a false return.
 */
bool free_frozen_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
			     struct page *page, int migratetype,
			     unsigned int order, fpi_t fpi_flags)
{
	int high, batch;
	int to_free, to_free_batched;
	int pindex;
	int cpu = smp_processor_id();
	bool ret = true;
	bool free_high = false;

	pindex = order_to_pindex(migratetype, order);
	list_add(&page->pcp_list, &pcp->lists[pindex]);
	pcp->count += 1 << order;

	batch = READ_ONCE(pcp->batch);
	/*
	 * High-order pages sitting on the PCP fragment memory: when they are
	 * freed one after another with no allocation in between, drain them
	 * (the rest goes at the next vmstat refresh).
	 */
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = (pcp->free_count >=
			     (batch + tf_data_race(commit_high_min, pcp->high_min) / 2) &&
			     (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			     (!(pcp->flags & PCPF_FREE_HIGH_BATCH) ||
			      pcp->count >= batch));
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << CONFIG_PCP_BATCH_SCALE_MAX))
		pcp->free_count += (1 << order);

	if (unlikely(fpi_flags & FPI_TRYLOCK)) {
		/*
		 * No zone lock may be taken here: let pcp->count stay over
		 * high for now.
		 */
		return true;
	}

	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (pcp->count < high)
		return true;

	to_free = nr_pcp_free(pcp, batch, high, free_high);
	while (to_free > 0 && pcp->count > 0) {
		to_free_batched = min(to_free, batch);
		free_pcppages_bulk(zone, to_free_batched, pcp, pindex);
		to_free -= to_free_batched;

		if (to_free == 0 || pcp->count == 0)
			break;

		/* Let others have the pageset (and IRQs, preemption) between batches. */
		pcp_spin_unlock(pcp);

		pcp = pcp_spin_trylock(zone->per_cpu_pageset);
		if (!pcp) {
			ret = false;
			break;
		}

		/*
		 * The task may have moved to another CPU while the lock was
		 * dropped: then give up, and return with that CPU's pageset
		 * unlocked.
		 */
		if (smp_processor_id() != cpu) {
			pcp_spin_unlock(pcp);
			ret = false;
			break;
		}
	}

	/*
	 * (Upstream then clears ZONE_BELOW_HIGH once the zone is back over its
	 * high watermark, and may reset kswapd's hopeless state: no kswapd
	 * here, nothing sets the bit.)
	 */
	return ret;
}

static void __free_frozen_pages(struct page *page, unsigned int order, fpi_t fpi_flags)
{
	struct per_cpu_pages *pcp;
	struct zone *zone;
	unsigned long pfn = page_to_pfn(page);
	int migratetype;

	if (!pcp_allowed_order(order)) {
		__free_pages_ok(page, order, fpi_flags);
		return;
	}

	if (!__free_pages_prepare(page, order, fpi_flags))
		return;

	zone = page_zone(page);
	migratetype = get_pfnblock_migratetype(page, pfn);
	if (unlikely(migratetype >= MIGRATE_PCPTYPES)) {
		if (unlikely(is_migrate_isolate(migratetype))) {
			free_one_page(zone, page, pfn, order, fpi_flags);
			return;
		}
		migratetype = MIGRATE_MOVABLE;
	}

	if (tf_pcp_split) {
		pcp_split_free_frozen_pages(zone, page, pfn, order, migratetype, fpi_flags);
		return;
	}

	/* (PREEMPT_RT's in_nmi()/in_hardirq() hand-off is not modelled: no RT.) */
	pcp = pcp_spin_trylock(zone->per_cpu_pageset);
	if (pcp) {
		if (!free_frozen_page_commit(zone, pcp, page, migratetype, order, fpi_flags) &&
		    !tf_bug(TF_BUG_COMMIT_FALSE_UNLOCKS))
			return;
		pcp_spin_unlock(pcp);
	} else {
		free_one_page(zone, page, pfn, order, fpi_flags);
	}
}

void free_frozen_pages(struct page *page, unsigned int order)
{
	__free_frozen_pages(page, order, FPI_NONE);
}

/*
 * mm/swap.c's __folio_put(), for the pages the port has: no zone device
 * or hugetlb folios, no LRU, deferred split or memcg to undo.  A
 * non-compound page is a folio of order 0, so the last put_page() of a
 * high-order page that ___free_pages() left to it frees the head alone.
 */
void __folio_put(struct folio *folio)
{
	free_frozen_pages(&folio->page, 0);
}

static void ___free_pages(struct page *page, unsigned int order, fpi_t fpi_flags)
{
	/* get PageHead before we drop reference */
	int head = PageHead(page);
	/* get alloc tag in case the page is released by others */
	struct alloc_tag *tag = pgalloc_tag_get(page);

	if (put_page_testzero(page)) {
		__free_frozen_pages(page, order, fpi_flags);
	} else if (!head) {
		pgalloc_tag_sub_pages(tag, (1 << order) - !tf_bug(TF_BUG_FREE_PAGES_SUBS_HEAD));
		while (order-- > 0) {
			/*
			 * The "tail" pages of this non-compound high-order
			 * page will have no code tags, so to avoid warnings
			 * mark them as empty.
			 */
			if (!tf_bug(TF_BUG_TAIL_REF_NOT_CLEARED))
				clear_page_tag_ref(page + (1 << order));
			__free_frozen_pages(page + (1 << order), order, fpi_flags);
		}
	}
}

void __free_pages(struct page *page, unsigned int order)
{
	___free_pages(page, order, FPI_NONE);
}

/* free_pages_nolock(): for callers that may not take a lock (BPF, NMI). */
void free_pages_nolock(struct page *page, unsigned int order)
{
	___free_pages(page, order, FPI_TRYLOCK);
}

/*
 * free_unref_folios() as upstream has it: prepare every folio, then free
 * the batch under one local PCP lock, isolated pages to the zone.
 */
void free_unref_folios(struct folio_batch *folios)
{
	struct per_cpu_pages *pcp = NULL;
	struct zone *locked_zone = NULL;
	int i, j;

	/* Prepare folios for freeing */
	for (i = 0, j = 0; i < folios->nr; i++) {
		struct folio *folio = folios->folios[i];
		unsigned long pfn = folio_pfn(folio);
		unsigned int order = folios->orders[i];

		if (!__free_pages_prepare(&folio->page, order, FPI_NONE))
			continue;
		/* Free orders not handled on the PCP directly to the allocator. */
		if (!pcp_allowed_order(order)) {
			free_one_page(folio_zone(folio), &folio->page, pfn, order, FPI_NONE);
			continue;
		}
		folio->page.private = order;
		if (j != i)
			folios->folios[j] = folio;
		j++;
	}
	folios->nr = j;

	if (tf_pcp_split) {
		pcp_split_free_unref_folios(folios);
		return;
	}

	for (i = 0; i < folios->nr; i++) {
		struct folio *folio = folios->folios[i];
		struct zone *zone = folio_zone(folio);
		unsigned long pfn = folio_pfn(folio);
		unsigned int order = folio->page.private;
		int migratetype;

		folio->page.private = 0;
		migratetype = get_pfnblock_migratetype(&folio->page, pfn);

		/* Different zone requires a different pcp lock */
		if (zone != locked_zone || is_migrate_isolate(migratetype)) {
			if (pcp) {
				pcp_spin_unlock(pcp);
				locked_zone = NULL;
				pcp = NULL;
			}

			/* Free isolated pages directly to the allocator. */
			if (is_migrate_isolate(migratetype)) {
				free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
				continue;
			}

			/* trylock: folios may be freed from IRQ context after I/O. */
			pcp = pcp_spin_trylock(zone->per_cpu_pageset);
			if (unlikely(!pcp)) {
				free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
				continue;
			}
			locked_zone = zone;
		}

		/* Non-isolated types over MIGRATE_PCPTYPES go on the MOVABLE list. */
		if (unlikely(migratetype >= MIGRATE_PCPTYPES))
			migratetype = MIGRATE_MOVABLE;

		if (!free_frozen_page_commit(zone, pcp, &folio->page, migratetype, order,
					     FPI_NONE)) {
			pcp = NULL;
			locked_zone = NULL;
		}
	}

	if (pcp)
		pcp_spin_unlock(pcp);
	folios->nr = 0;
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt;
	unsigned long end = addr + PAGE_ALIGN(size);

	while (addr < end) {
		__free_pages(virt_to_page((void *)addr), 0);
		addr += PAGE_SIZE;
	}
}

/* ------------------------------------------------------------------ */
/* Allocation                                                           */
/* ------------------------------------------------------------------ */

void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp_flags,
		     unsigned int alloc_flags)
{
	set_page_private(page, 0);
	set_page_owner(page, order, gfp_flags, alloc_flags);
	pgalloc_tag_add(page, current, 1 << order, alloc_flags);
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags,
			  unsigned int alloc_flags)
{
	post_alloc_hook(page, order, gfp_flags, alloc_flags);
}

/* Take @count blocks of @order from the buddy lists onto a PCP list. */
int rmqueue_bulk(struct zone *zone, unsigned int order, unsigned long count,
			struct list_head *list, int migratetype, unsigned int alloc_flags)
{
	unsigned long flags;
	unsigned long i;

	if (unlikely(alloc_flags & ALLOC_NOLOCK)) {
		if (!spin_trylock_irqsave(&zone->lock, flags))
			return 0;
	} else {
		spin_lock_irqsave(&zone->lock, flags);
	}
	for (i = 0; i < count; ++i) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);

		if (unlikely(page == NULL))
			break;
		list_add_tail(&page->pcp_list, list);
	}
	spin_unlock_irqrestore(&zone->lock, flags);

	return i;
}

static inline struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order,
					     int migratetype, unsigned int alloc_flags,
					     struct per_cpu_pages *pcp,
					     struct list_head *list)
{
	struct page *page;

	if (tf_pcp_split)
		return pcp_split_rmqueue(zone, order, migratetype, alloc_flags, pcp);

	do {
		if (list_empty(list)) {
			int batch = READ_ONCE(pcp->batch);
			int alloced;

			/* Scale batch count for high-order pages, as upstream */
			if (order && batch > 1)
				batch = max(batch >> order, 2);
			alloced = rmqueue_bulk(zone, order, batch, list,
					       migratetype, alloc_flags);

			pcp->count += alloced << order;
			if (unlikely(list_empty(list)))
				return NULL;
		}

		page = list_first_entry(list, struct page, pcp_list);
		list_del(&page->pcp_list);
		pcp->count -= 1 << order;
	} while (check_new_pages(page, order));

	return page;
}

static struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone,
				    unsigned int order, int migratetype,
				    unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct page *page;

	(void)preferred_zone;
	/* spin_trylock may fail due to a parallel drain or IRQ reentrancy. */
	pcp = pcp_spin_trylock(zone->per_cpu_pageset);
	if (!pcp)
		return NULL;

	/*
	 * An allocation halves the run of frees that nr_pcp_free() scales
	 * its batch by.
	 */
	pcp->free_count >>= 1;
	list = &pcp->lists[order_to_pindex(migratetype, order)];
	page = __rmqueue_pcplist(zone, order, migratetype, alloc_flags, pcp, list);
	pcp_spin_unlock(pcp);
	return page;
}

static __always_inline
struct page *rmqueue_buddy(struct zone *preferred_zone, struct zone *zone,
			   unsigned int order, unsigned int alloc_flags,
			   int migratetype)
{
	struct page *page;
	unsigned long flags;

	(void)preferred_zone;
	do {
		page = NULL;
		if (unlikely(alloc_flags & ALLOC_NOLOCK)) {
			if (!spin_trylock_irqsave(&zone->lock, flags))
				return NULL;
		} else {
			spin_lock_irqsave(&zone->lock, flags);
		}
		if (alloc_flags & ALLOC_HIGHATOMIC)
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (!page) {
			page = __rmqueue(zone, order, migratetype, alloc_flags);

			/*
			 * If the allocation fails, allow OOM handling and
			 * order-0 (atomic) allocs access to HIGHATOMIC
			 * reserves as failing now is worse than failing a
			 * high-order atomic allocation in the future.
			 */
			if (!page && (alloc_flags & (ALLOC_OOM|ALLOC_NON_BLOCK)))
				page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);

			if (!page) {
				spin_unlock_irqrestore(&zone->lock, flags);
				return NULL;
			}
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	} while (check_new_pages(page, order));

	return page;
}

static inline struct page *rmqueue(struct zone *preferred_zone, struct zone *zone,
				   unsigned int order, gfp_t gfp_flags,
				   unsigned int alloc_flags, int migratetype)
{
	struct page *page;

	(void)gfp_flags;
	if (likely(pcp_allowed_order(order))) {
		page = rmqueue_pcplist(preferred_zone, zone, order,
				       migratetype, alloc_flags);
		if (likely(page))
			return page;
	}

	return rmqueue_buddy(preferred_zone, zone, order, alloc_flags, migratetype);
}

static inline long __zone_watermark_unusable_free(struct zone *z, unsigned int order,
						  unsigned int alloc_flags)
{
	long unusable_free = (1 << order) - 1;

	/*
	 * If the caller does not have rights to reserves below the min
	 * watermark then subtract the free pages reserved for highatomic.
	 */
	if (likely(!(alloc_flags & ALLOC_RESERVES)))
		unusable_free += READ_ONCE(z->nr_reserved_highatomic);

	return unusable_free;
}

static bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags,
				long free_pages)
{
	long min = mark;
	unsigned int o;

	/* free_pages may go negative - that's OK */
	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);

	if (unlikely(alloc_flags & ALLOC_RESERVES)) {
		/*
		 * __GFP_HIGH allows access to 50% of the min reserve as well
		 * as OOM.
		 */
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;

			/*
			 * Non-blocking allocations (e.g. GFP_ATOMIC) can
			 * access more reserves than just __GFP_HIGH.
			 */
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}

		/* OOM victims can try even harder than the normal reserve users. */
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}

	/*
	 * Check watermarks for an order-0 allocation request. If these
	 * are not met, then a high-order request also cannot go ahead
	 * even if a suitable page happened to be free.
	 */
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;

	/* If this is an order-0 request then the watermark is fine */
	if (!order)
		return true;

	/* For a high-order request, check at least one suitable page is free */
	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];
		int mt;

		if (!tf_data_race(wmark_nr_free, area->nr_free))
			continue;

		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
			if (!list_empty(&area->free_list[mt]))
				return true;
		}

		if ((alloc_flags & (ALLOC_HIGHATOMIC|ALLOC_OOM)) &&
		    !list_empty(&area->free_list[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

static inline bool zone_watermark_fast(struct zone *z, unsigned int order,
				       unsigned long mark, int highest_zoneidx,
				       unsigned int alloc_flags, gfp_t gfp_mask)
{
	long free_pages;

	(void)gfp_mask;
	free_pages = zone_free_pages(z);

	/*
	 * Fast check for order-0 only. If this fails then the reserves
	 * need to be calculated.
	 */
	if (!order) {
		long usable_free;
		long reserved;

		usable_free = free_pages;
		reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);

		/* reserved may over estimate high-atomic reserves. */
		usable_free -= min(usable_free, reserved);
		if (usable_free > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}

	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;

	return false;
}

/*
 * get_page_from_freelist goes through the zonelist trying to allocate
 * a page.  (No cpusets, dirty-page spreading, ALLOC_NOFRAGMENT -- there
 * is no ZONE_DMA32 -- node reclaim or deferred struct pages here.)
 */
static struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order,
					   int alloc_flags, const struct alloc_context *ac)
{
	struct zoneref *z;
	struct zone *zone;

	/*
	 * Scan zonelist, looking for a zone with enough free.
	 */
	z = ac->preferred_zoneref;
	for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx,
					ac->nodemask) {
		struct page *page;
		unsigned long mark;

		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
		if (!zone_watermark_fast(zone, order, mark,
					 ac->highest_zoneidx, alloc_flags,
					 gfp_mask)) {
			/* Checked here to keep the fast path fast */
			if (alloc_flags & ALLOC_NO_WATERMARKS)
				goto try_this_zone;

			/* node_reclaim_enabled() is false: on to the next zone. */
			continue;
		}

try_this_zone:
		page = rmqueue(zonelist_zone(ac->preferred_zoneref), zone, order,
			       gfp_mask, alloc_flags, ac->migratetype);
		if (page) {
			prep_new_page(page, order, gfp_mask, alloc_flags);
			return page;
		}
	}

	return NULL;
}

static inline unsigned int gfp_to_alloc_flags(gfp_t gfp_mask, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	/*
	 * __GFP_HIGH is assumed to be the same as ALLOC_MIN_RESERVE
	 * and __GFP_KSWAPD_RECLAIM is assumed to be the same as ALLOC_KSWAPD
	 * to save two branches.
	 */
	alloc_flags |= (gfp_mask & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM));

	if (!(gfp_mask & __GFP_DIRECT_RECLAIM)) {
		/*
		 * Not worth trying to allocate harder for __GFP_NOMEMALLOC even
		 * if it can't schedule.
		 */
		if (!(gfp_mask & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;

			if (order > 0 && (alloc_flags & ALLOC_MIN_RESERVE))
				alloc_flags |= ALLOC_HIGHATOMIC;
		}

		/* Ignore cpuset mems for non-blocking __GFP_HIGH (probably GFP_ATOMIC) */
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	} else if (unlikely(rt_or_dl_task(current)) && in_task()) {
		alloc_flags |= ALLOC_MIN_RESERVE;
	}

	return alloc_flags;
}

static inline int __gfp_pfmemalloc_flags(gfp_t gfp_mask)
{
	if (unlikely(gfp_mask & __GFP_NOMEMALLOC))
		return 0;
	if (gfp_mask & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (!in_interrupt()) {
		if (current->flags & PF_MEMALLOC)
			return ALLOC_NO_WATERMARKS;
	}

	return 0;
}

static void warn_alloc(gfp_t gfp_mask, unsigned int order)
{
	if (gfp_mask & __GFP_NOWARN)
		return;
	pr_warn("page allocation failure: order:%u, mode:%#x\n", order, gfp_mask);
}

/* Nothing is reclaimable in the simulated machine: reclaim frees nothing. */
static unsigned long __perform_reclaim(gfp_t gfp_mask, unsigned int order,
				       const struct alloc_context *ac)
{
	might_sleep();
	return 0;
}

static struct page *__alloc_pages_direct_reclaim(gfp_t gfp_mask, unsigned int order,
						 unsigned int alloc_flags,
						 const struct alloc_context *ac,
						 unsigned long *did_some_progress)
{
	struct page *page = NULL;
	bool drained = false;

	*did_some_progress = __perform_reclaim(gfp_mask, order, ac);
	if (unlikely(!(*did_some_progress)))
		goto out;

retry:
	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);

	/*
	 * If an allocation failed after direct reclaim, it could be because
	 * pages are pinned on the per-cpu lists. Drain them and try again.
	 */
	if (!page && !drained) {
		drain_all_pages(NULL);
		drained = true;
		goto retry;
	}
out:
	return page;
}

static inline struct page *
__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order, struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp_mask & __GFP_DIRECT_RECLAIM;
	struct page *page = NULL;
	unsigned int alloc_flags;
	unsigned long did_some_progress;
	int reserve_flags;

	/*
	 * The fast path uses conservative alloc_flags to succeed only until
	 * kswapd needs to be woken up, and to avoid the cost of setting up
	 * alloc_flags precisely. So we do that now.
	 *
	 * Can't just or alloc_flags if it contains WMARK bits, but those flags
	 * shouldn't be set in ac->alloc_flags.
	 */
	VM_WARN_ON(ac->alloc_flags & ALLOC_WMARK_MASK);
	if (tf_bug(TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS))
		alloc_flags = gfp_to_alloc_flags(gfp_mask, order);
	else
		alloc_flags = ac->alloc_flags | gfp_to_alloc_flags(gfp_mask, order);

	/* This is the last chance, in general, before the goto nopage. */
	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (page)
		goto got_pg;

	reserve_flags = __gfp_pfmemalloc_flags(gfp_mask);
	if (reserve_flags) {
		if (tf_bug(TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS))
			alloc_flags = reserve_flags | (alloc_flags & ALLOC_KSWAPD);
		else
			alloc_flags = reserve_flags | ac->alloc_flags |
				      (alloc_flags & ALLOC_KSWAPD);
	}

	/* Attempt with potentially adjusted zonelist and alloc_flags */
	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (page)
		goto got_pg;

	/* Caller is not willing to reclaim, we can't balance anything */
	if (!can_direct_reclaim)
		goto nopage;

	/* Avoid recursion of direct reclaim */
	if (current->flags & PF_MEMALLOC)
		goto nopage;

	page = __alloc_pages_direct_reclaim(gfp_mask, order, alloc_flags, ac,
					    &did_some_progress);
	if (page)
		goto got_pg;

nopage:
	warn_alloc(gfp_mask, order);
got_pg:
	return page;
}

static inline int gfp_migratetype(gfp_t gfp)
{
	(void)gfp;
	return MIGRATE_UNMOVABLE;
}

static inline void might_alloc(gfp_t gfp_mask)
{
	if (gfpflags_allow_blocking(gfp_mask))
		might_sleep();
}

static inline bool prepare_alloc_pages(gfp_t gfp_mask, unsigned int order,
				       int preferred_nid, nodemask_t *nodemask,
				       struct alloc_context *ac, gfp_t *alloc_gfp,
				       unsigned int *alloc_flags)
{
	(void)alloc_gfp;
	(void)alloc_flags;
	ac->highest_zoneidx = 0;
	ac->zonelist = node_zonelist(preferred_nid, gfp_mask);
	ac->nodemask = nodemask;
	ac->migratetype = gfp_migratetype(gfp_mask);

	might_alloc(gfp_mask);

	if (should_fail_alloc_page(gfp_mask, order))
		return false;

	ac->preferred_zoneref = first_zones_zonelist(ac->zonelist,
					ac->highest_zoneidx, ac->nodemask);
	return true;
}

static struct page *__alloc_frozen_pages_noprof(gfp_t gfp, unsigned int order,
						int preferred_nid, nodemask_t *nodemask,
						unsigned int alloc_flags)
{
	struct page *page;
	gfp_t alloc_gfp; /* The gfp_t that was actually used for allocation */
	struct alloc_context ac = {
		.alloc_flags = alloc_flags,
	};
	unsigned int fastpath_alloc_flags = alloc_flags | ALLOC_WMARK_LOW;

	/* Other flags could be supported later if needed. */
	if (WARN_ON(alloc_flags & ~(ALLOC_NOLOCK | __ALLOC_ALLOC_TAG)))
		return NULL;

	/*
	 * There are several places where we assume that the order value is sane
	 * so bail out early if the request is out of bound.
	 */
	if (WARN_ON_ONCE(order > MAX_PAGE_ORDER))
		return NULL;

	alloc_gfp = gfp;
	if (!prepare_alloc_pages(gfp, order, preferred_nid, nodemask, &ac,
				 &alloc_gfp, &fastpath_alloc_flags))
		return NULL;

	tf_alloc_depth_enter();

	/* First allocation attempt */
	page = get_page_from_freelist(alloc_gfp, order, fastpath_alloc_flags, &ac);
	if (likely(page))
		goto out;

	alloc_gfp = gfp;
	ac.spread_dirty_pages = false;
	ac.nodemask = nodemask;

	page = __alloc_pages_slowpath(alloc_gfp, order, &ac);

out:
	tf_alloc_depth_exit();
	return page;
}

struct page *__alloc_pages_noprof(gfp_t gfp, unsigned int order, int preferred_nid,
				  nodemask_t *nodemask, unsigned int alloc_flags)
{
	struct page *page;

	page = __alloc_frozen_pages_noprof(gfp, order, preferred_nid, nodemask,
					   alloc_flags);
	if (page)
		set_page_refcounted(page);
	return page;
}

struct page *alloc_pages_node_noprof(int nid, gfp_t gfp_mask, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_mem_id();

	return __alloc_pages_noprof(gfp_mask, order, nid, NULL, ALLOC_DEFAULT);
}

/* No mempolicy: the default policy allocates on the local node. */
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order)
{
	return __alloc_pages_noprof(gfp, order, numa_mem_id(), NULL, ALLOC_DEFAULT);
}

static void *make_alloc_exact(unsigned long addr, unsigned int order, size_t size)
{
	if (addr) {
		unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE);
		struct page *page = virt_to_page((void *)addr);
		struct page *last = page + nr;

		split_page_owner(page, order, 0);
		pgalloc_tag_split(page_folio(page), order, 0);
		while (page < --last)
			set_page_refcounted(last);

		last = page + (1UL << order);
		for (page += nr; page < last; page++)
			__free_pages_ok(page, 0, FPI_TO_TAIL);
	}
	return (void *)addr;
}

void *alloc_pages_exact_noprof(size_t size, gfp_t gfp_mask)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (WARN_ON_ONCE(gfp_mask & (__GFP_COMP | __GFP_HIGHMEM)))
		gfp_mask &= ~(__GFP_COMP | __GFP_HIGHMEM);

	page = alloc_pages_noprof(gfp_mask, order);
	return make_alloc_exact(page ? (unsigned long)page_address(page) : 0,
				order, size);
}

/* Like alloc_pages_exact(), but try to allocate on node nid first before falling back. */
void *alloc_pages_exact_nid_noprof(int nid, size_t size, gfp_t gfp_mask)
{
	unsigned int order = get_order(size);
	struct page *p;

	if (WARN_ON_ONCE(gfp_mask & (__GFP_COMP | __GFP_HIGHMEM)))
		gfp_mask &= ~(__GFP_COMP | __GFP_HIGHMEM);

	p = alloc_pages_node_noprof(nid, gfp_mask, order);
	if (!p)
		return NULL;
	return make_alloc_exact((unsigned long)page_address(p), order, size);
}

/*
 * Fill @page_array with order-0 pages.  The pages are prepared (and so
 * tagged) under the local PCP lock, as upstream does.
 */
unsigned long alloc_pages_bulk_noprof(gfp_t gfp, int preferred_nid, nodemask_t *nodemask,
				      int nr_pages, struct page **page_array)
{
	struct page *page;
	struct zone *zone;
	struct zoneref *z;
	struct per_cpu_pages *pcp;
	struct list_head *pcp_list;
	struct alloc_context ac = { 0 };
	gfp_t alloc_gfp;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	int nr_populated = 0, nr_account = 0;

	/* Skip populated array elements to determine if any pages need to be allocated. */
	while (nr_populated < nr_pages && page_array[nr_populated])
		nr_populated++;

	/* No pages requested? */
	if (unlikely(nr_pages <= 0))
		goto out;

	/* Already populated array? */
	if (unlikely(nr_pages - nr_populated == 0))
		goto out;

	/* Use the single page allocator for one page. */
	if (nr_pages - nr_populated == 1)
		goto failed;

	alloc_gfp = gfp;
	if (!prepare_alloc_pages(gfp, 0, preferred_nid, nodemask, &ac, &alloc_gfp, &alloc_flags))
		goto out;
	gfp = alloc_gfp;

	/* Find an allowed local zone that meets the low watermark. */
	z = ac.preferred_zoneref;
	for_next_zone_zonelist_nodemask(zone, z, ac.highest_zoneidx, ac.nodemask) {
		unsigned long mark;

		if (nr_online_nodes > 1 && zone != zonelist_zone(ac.preferred_zoneref) &&
		    zone_to_nid(zone) != zonelist_node_idx(ac.preferred_zoneref)) {
			goto failed;
		}

		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK) + nr_pages;
		if (zone_watermark_fast(zone, 0,  mark,
				zonelist_zone_idx(ac.preferred_zoneref),
				alloc_flags, gfp)) {
			break;
		}
	}

	/*
	 * If there are no allowed local zones that meets the watermarks then
	 * try to allocate a single page and reclaim if necessary.
	 */
	if (unlikely(!zone))
		goto failed;

	/* spin_trylock may fail due to a parallel drain or IRQ reentrancy. */
	pcp = pcp_spin_trylock(zone->per_cpu_pageset);
	if (!pcp)
		goto failed;

	/* Attempt the batch allocation */
	pcp_list = &pcp->lists[order_to_pindex(ac.migratetype, 0)];
	while (nr_populated < nr_pages) {

		/* Skip existing pages */
		if (page_array[nr_populated]) {
			nr_populated++;
			continue;
		}

		page = __rmqueue_pcplist(zone, 0, ac.migratetype, alloc_flags,
					 pcp, pcp_list);
		if (unlikely(!page)) {
			/* Try and allocate at least one page */
			if (!nr_account) {
				pcp_spin_unlock(pcp);
				goto failed;
			}
			break;
		}
		nr_account++;

		prep_new_page(page, 0, gfp, 0);
		set_page_refcounted(page);
		page_array[nr_populated++] = page;
	}

	pcp_spin_unlock(pcp);

out:
	return nr_populated;

failed:
	page = __alloc_pages_noprof(gfp, 0, preferred_nid, nodemask, ALLOC_DEFAULT);
	if (page)
		page_array[nr_populated++] = page;
	goto out;
}

void split_page(struct page *page, unsigned int order)
{
	int i;

	VM_BUG_ON_PAGE(PageCompound(page), page);
	VM_BUG_ON_PAGE(!page_count(page), page);

	for (i = 1; i < (1 << order); i++)
		set_page_refcounted(page + i);
	split_page_owner(page, order, 0);
	pgalloc_tag_split(page_folio(page), order, 0);
}

/* ------------------------------------------------------------------ */
/* Draining and CPU hotplug                                             */
/* ------------------------------------------------------------------ */

void drain_pages_zone(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
	int count;

	do {
		spin_lock(&pcp->lock);
		/* Seed 004: what remote freers pushed is drained too. */
		if (tf_pcp_split)
			pcp_split_drain_absorb(pcp);
		count = pcp->count;
		if (count) {
			int to_drain = min(count, pcp->batch << 5);

			free_pcppages_bulk(zone, to_drain, pcp, 0);
			count -= to_drain;
		}
		spin_unlock(&pcp->lock);
	} while (count);
}

void drain_pages(unsigned int cpu)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		drain_pages_zone(cpu, zone);
	}
}

/*
 * Spill all of this CPU's per-cpu pages back into the buddy allocator.
 */
void drain_local_pages(struct zone *zone)
{
	int cpu = smp_processor_id();

	if (zone)
		drain_pages_zone(cpu, zone);
	else
		drain_pages(cpu);
}

/*
 * __drain_all_pages(): the online CPUs with pages on their lists (in
 * @zone, or in any populated zone; every online CPU with
 * @force_all_cpus) are drained from here, under each pageset's lock
 * (upstream since 6.2).  The pcpu_drain_mutex and the cpus_with_pcps
 * mask are left out: one caller runs at a time, so the CPUs are drained
 * as they are found.
 */
static void __drain_all_pages(struct zone *zone, bool force_all_cpus)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct per_cpu_pages *pcp;
		struct zone *z;
		bool has_pcps = false;

		if (force_all_cpus) {
			/*
			 * The pcp.count check is racy, some callers need a
			 * guarantee that no cpu is missed.
			 */
			has_pcps = true;
		} else if (zone) {
			pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
			if (tf_data_race(drain_pcp_count, pcp->count))
				has_pcps = true;
		} else {
			for_each_populated_zone(z) {
				pcp = per_cpu_ptr(z->per_cpu_pageset, cpu);
				if (tf_data_race(drain_pcp_count, pcp->count)) {
					has_pcps = true;
					break;
				}
				if (tf_bug(TF_BUG_DRAIN_ALL_FIRST_ZONE))
					break;
			}
		}

		if (!has_pcps)
			continue;
		if (zone)
			drain_pages_zone(cpu, zone);
		else
			drain_pages(cpu);
	}
}

void drain_all_pages(struct zone *zone)
{
	__drain_all_pages(zone, false);
}

int page_alloc_cpu_dead(unsigned int cpu)
{
	if (tf_pcp_split)
		return pcp_split_cpu_dead(cpu);
	drain_pages(cpu);
	return 0;
}

int page_alloc_cpu_online(unsigned int cpu)
{
	if (tf_pcp_split)
		return pcp_split_cpu_online(cpu);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Memory hotplug                                                       */
/* ------------------------------------------------------------------ */

void adjust_managed_page_count(struct page *page, long count)
{
	atomic_long_add(count, &page_zone(page)->managed_pages);
}

void __free_pages_core(struct page *page, unsigned int order,
		       enum meminit_context context)
{
	unsigned int nr_pages = 1 << order;
	struct page *p = page;
	unsigned int loop;

	/*
	 * When initializing the memmap, __init_single_page() sets the refcount
	 * of all pages to 1 ("allocated"/"not free"). We have to set the
	 * refcount of all involved pages to 0.
	 *
	 * Note that hotplugged memory pages are initialized to PageOffline().
	 * Pages freed from memblock might be marked as reserved.
	 */
	if (unlikely(context == MEMINIT_HOTPLUG)) {
		for (loop = 0; loop < nr_pages; loop++, p++) {
			VM_WARN_ON_ONCE(PageReserved(p));
			__ClearPageOffline(p);
			set_page_count(p, 0);
		}

		adjust_managed_page_count(page, nr_pages);
	} else {
		for (loop = 0; loop < nr_pages; loop++, p++)
			set_page_count(p, 0);

		/* memblock adjusts totalram_pages() manually. */
		atomic_long_add(nr_pages, &page_zone(page)->managed_pages);
	}

	/* (No unaccepted memory.) */

	/*
	 * Bypass PCP and place fresh pages right to the tail, primarily
	 * relevant for memory onlining.
	 */
	__free_pages_ok(page, order, FPI_TO_TAIL);
}

static void pageset_update(struct per_cpu_pages *pcp, int high_min, int high_max,
			   int batch)
{
	WRITE_ONCE(pcp->batch, batch);
	WRITE_ONCE(pcp->high_min, high_min);
	WRITE_ONCE(pcp->high_max, high_max);
}

static void __zone_set_pageset_high_and_batch(struct zone *zone, int high_min,
					      int high_max, int batch)
{
	struct per_cpu_pages *pcp;
	int cpu;

	for_each_possible_cpu(cpu) {
		pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		pageset_update(pcp, high_min, high_max, batch);
	}
}

/*
 * Effectively disable pcplists for the zone by setting the high limit to 0
 * and draining all cpus. A concurrent page freeing on another CPU that's about
 * to put the page on pcplist will either finish before the drain and the page
 * will be drained, or observe the new high limit and skip the pcplist.
 *
 * Must be paired with a call to zone_pcp_enable().
 */
void zone_pcp_disable(struct zone *zone)
{
	/* (pcp_batch_high_lock: one memory hotplug or memory-failure operation at a time here.) */
	__zone_set_pageset_high_and_batch(zone, 0, 0, 1);
	__drain_all_pages(zone, true);
}

void zone_pcp_enable(struct zone *zone)
{
	__zone_set_pageset_high_and_batch(zone, zone->pageset_high_min,
		zone->pageset_high_max, zone->pageset_batch);
}

/*
 * All pages in the range must be in a single zone, must not contain holes,
 * must span full sections, and must be isolated before calling this function.
 *
 * Returns the number of managed (non-PageOffline()) pages in the range: the
 * number of pages for which memory offlining code must adjust managed page
 * counters using adjust_managed_page_count().
 */
unsigned long __offline_isolated_pages(unsigned long start_pfn,
				       unsigned long end_pfn)
{
	unsigned long already_offline = 0;
	unsigned long pfn = start_pfn;
	unsigned long flags;
	struct page *page;
	struct zone *zone;
	unsigned int order;

	offline_mem_sections(pfn, end_pfn);
	zone = page_zone(pfn_to_page(pfn));
	spin_lock_irqsave(&zone->lock, flags);
	while (pfn < end_pfn) {
		page = pfn_to_page(pfn);
		/*
		 * The HWPoisoned page may be not in buddy system, and
		 * page_count() is not 0.
		 */
		if (unlikely(!PageBuddy(page) && PageHWPoison(page))) {
			pfn++;
			continue;
		}
		/* Bug switch: an in-use page skipped as if it were HWPoisoned. */
		if (!PageBuddy(page) && page_count(page) && tf_bug(TF_BUG_OFFLINE_SKIPS_IN_USE)) {
			pfn++;
			continue;
		}
		/*
		 * At this point all remaining PageOffline() pages have a
		 * reference count of 0 and can simply be skipped.
		 */
		if (PageOffline(page)) {
			BUG_ON(page_count(page));
			BUG_ON(PageBuddy(page));
			already_offline++;
			pfn++;
			continue;
		}

		BUG_ON(page_count(page));
		BUG_ON(!PageBuddy(page));
		VM_WARN_ON(get_pageblock_migratetype(page) != MIGRATE_ISOLATE);
		order = buddy_order(page);
		del_page_from_free_list(page, zone, order, MIGRATE_ISOLATE);
		pfn += (1 << order);
	}
	spin_unlock_irqrestore(&zone->lock, flags);

	return end_pfn - start_pfn - already_offline;
}

/*
 * This function returns a stable result only if called under zone lock.
 */
bool is_free_buddy_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		const struct page *head = page - (pfn & ((1 << order) - 1));

		if (PageBuddy(head) && buddy_order((struct page *)head) >= order)
			break;
	}

	return order <= MAX_PAGE_ORDER;
}
