// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 000, [PATCH v3] "mm/alloc_tag: replace fixed-size early PFN array
 * with dynamic linked list" (Hao Ge, April 2026): each tracking page
 * stores pfns in its body, is chained to the previous one through
 * page->lru.next, and counts its used slots in page->private.  A new page
 * comes from alloc_page() with the caller's gfp minus
 * __GFP_DIRECT_RECLAIM (the recorder runs under rcu_read_lock()) plus
 * __GFP_NO_CODETAG, which the recorder skips so that it does not recurse.
 * The page is installed with cmpxchg(); the loser frees its page and
 * retries.
 *
 * Review points taken from the thread: should_record_early_pfn() called
 * inside alloc_tag_add_early_pfn() (Suren), the order of recording and
 * alloc_tag_set_inaccurate() (page_alloc.c is shared by every variant).
 *
 * Bug switches of the review stage that apply here: pool-plain-store
 * (v1: the head replaced without cmpxchg), cmpxchg-loser-leaks,
 * recorder-no-guard, recorder-blocking-gfp (v2: GFP_KERNEL when the
 * caller may block, under rcu_read_lock()).
 */
#include "early_pfn_variant.h"

#define EARLY_PFNS_PER_PAGE (PAGE_SIZE / sizeof(unsigned long))

static struct page *early_pfn_current __initdata;

static inline bool should_record_early_pfn(gfp_t gfp_flags)
{
	return !(gfp_flags & __GFP_NO_CODETAG) || tf_bug(TF_BUG_RECORDER_NO_GUARD);
}

static void __init __alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags)
{
	struct page *page;
	unsigned long idx;

	do {
		page = READ_ONCE(early_pfn_current);
		if (!page || READ_ONCE(page->private) >= EARLY_PFNS_PER_PAGE) {
			gfp_t gfp = gfp_flags & ~__GFP_DIRECT_RECLAIM;
			struct page *new;

			if (tf_bug(TF_BUG_RECORDER_BLOCKING_GFP))
				gfp = gfpflags_allow_blocking(gfp_flags) ? GFP_KERNEL : GFP_ATOMIC;
			new = alloc_page(gfp | __GFP_NO_CODETAG);
			if (!new) {
				pr_warn_once("early PFN tracking page allocation failed\n");
				return;
			}
			new->lru.next = (struct list_head *)page;
			if (tf_bug(TF_BUG_POOL_PLAIN_STORE)) {
				WRITE_ONCE(early_pfn_current, new);
			} else if (cmpxchg(&early_pfn_current, page, new) != page) {
				if (tf_bug(TF_BUG_CMPXCHG_LOSER_LEAKS))
					continue;
				__free_page(new);
				continue;
			}
			page = new;
		}
		idx = READ_ONCE(page->private);
		if (idx >= EARLY_PFNS_PER_PAGE)
			continue;
		if (cmpxchg(&page->private, idx, idx + 1) == idx)
			break;
	} while (1);

	((unsigned long *)page_address(page))[idx] = pfn;
}

typedef void alloc_tag_add_func(unsigned long pfn, gfp_t gfp_flags);
static alloc_tag_add_func __rcu *alloc_tag_add_early_pfn_ptr __refdata =
		RCU_INITIALIZER(__alloc_tag_add_early_pfn);

static void alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags,
				    unsigned int alloc_flags)
{
	alloc_tag_add_func *alloc_tag_add;

	/* CONFIG_MEM_ALLOC_PROFILING_DEBUG=n has an empty stub here. */
	if (!mem_profiling_debug())
		return;

	/* Skip allocations for the tracking list itself to avoid recursion. */
	if (!should_record_early_pfn(gfp_flags))
		return;

	rcu_read_lock();
	alloc_tag_add = rcu_dereference(alloc_tag_add_early_pfn_ptr);
	if (alloc_tag_add)
		alloc_tag_add(pfn, gfp_flags);
	rcu_read_unlock();
}

static void __init clear_early_alloc_pfn_tag_refs(void)
{
	struct page *page, *next;
	unsigned long i;

	rcu_assign_pointer(alloc_tag_add_early_pfn_ptr, NULL);
	/* Make sure we are not racing with __alloc_tag_add_early_pfn() */
	synchronize_rcu();

	for (page = early_pfn_current; page; page = next) {
		unsigned long *pfns = page_address(page);

		for (i = 0; i < page->private; i++) {
			unsigned long pfn = pfns[i];

			if (pfn_valid(pfn)) {
				union pgtag_ref_handle handle;
				union codetag_ref ref;

				if (get_page_tag_ref(pfn_to_page(pfn), &ref, &handle)) {
					/*
					 * Freed and reallocated after its page_ext
					 * came up: keep the valid tag (the window
					 * between check and write is accepted).
					 */
					if (ref.ct) {
						put_page_tag_ref(handle);
						continue;
					}

					set_codetag_empty(&ref);
					update_page_tag_ref(handle, &ref);
					put_page_tag_ref(handle);
				}
			}
		}

		next = (struct page *)page->lru.next;
		clear_page_tag_ref(page);
		__free_page(page);
	}
}

static void pagelist_boot(void)
{
	early_pfn_current = NULL;
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
}

static unsigned int pagelist_pages(struct tf_tracker_page *out, unsigned int max)
{
	struct page *page;
	unsigned int n = 0;

	for (page = early_pfn_current; page && n < max;
	     page = (struct page *)page->lru.next, n++) {
		out[n].pfn = page_to_pfn(page);
		out[n].used = min(page->private, (unsigned long)EARLY_PFNS_PER_PAGE);
		out[n].slots = EARLY_PFNS_PER_PAGE;
		out[n].head = !n;
	}
	return n;
}

const struct tf_early_pfn_ops tf_early_pfn_pagelist_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = pagelist_boot,
	.pages = pagelist_pages,
};
