// SPDX-License-Identifier: GPL-2.0
/*
 * The llist_head alternative from the seed 000 v3 review: Suren suggested
 * an llist_head of tracking pages (llist_add() links atomically); Hao Ge
 * sketched it and showed why it does not work for this use.  llist_add()
 * retries until it succeeds, so CPUs that all see a full (or no) head
 * page each allocate one and each push it:
 *
 *	CPU0: head A is full, allocates B, llist_add(B): head = B -> A
 *	CPU1: head A is full, allocates C, llist_add(C): head = C -> B -> A
 *	CPU0: claims slot 0 in B;  CPU1: claims slot 0 in C
 *
 * Only llist_first() is ever filled again, so B's other slots are
 * stranded.  The recorder follows the sketch; the clear (not in the
 * sketch) is v3's, walking the llist.
 */
#include "early_pfn_variant.h"

#define EARLY_PFNS_PER_PAGE (PAGE_SIZE / sizeof(unsigned long))

static LLIST_HEAD(early_pfn_pages);

static struct page *early_pfn_first(void)
{
	struct llist_node *first = llist_first(&early_pfn_pages);

	return first ? llist_entry(first, struct page, pcp_llist) : NULL;
}

static void __init __alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags)
{
	struct page *page;
	unsigned long idx;

	do {
		page = early_pfn_first();
		if (!page || READ_ONCE(page->private) >= EARLY_PFNS_PER_PAGE) {
			gfp_t gfp = gfp_flags & ~__GFP_DIRECT_RECLAIM;
			struct page *new = alloc_page(gfp | __GFP_NO_CODETAG);

			if (!new) {
				pr_warn_once("early PFN tracking page allocation failed\n");
				return;
			}
			new->private = 0;
			llist_add(&new->pcp_llist, &early_pfn_pages);
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
	if (gfp_flags & __GFP_NO_CODETAG)
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

	llist_for_each_entry_safe(page, next, early_pfn_pages.first, pcp_llist) {
		unsigned long *pfns = page_address(page);

		for (i = 0; i < page->private; i++) {
			unsigned long pfn = pfns[i];

			if (pfn_valid(pfn)) {
				union pgtag_ref_handle handle;
				union codetag_ref ref;

				if (get_page_tag_ref(pfn_to_page(pfn), &ref, &handle)) {
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

		clear_page_tag_ref(page);
		__free_page(page);
	}
}

static void llist_boot(void)
{
	init_llist_head(&early_pfn_pages);
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
}

static unsigned int llist_pages(struct tf_tracker_page *out, unsigned int max)
{
	struct llist_node *node;
	unsigned int n = 0;

	for (node = early_pfn_pages.first; node && n < max; node = node->next, n++) {
		struct page *page = llist_entry(node, struct page, pcp_llist);

		out[n].pfn = page_to_pfn(page);
		out[n].used = min(page->private, (unsigned long)EARLY_PFNS_PER_PAGE);
		out[n].slots = EARLY_PFNS_PER_PAGE;
		out[n].head = !n;
	}
	return n;
}

const struct tf_early_pfn_ops tf_early_pfn_llist_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = llist_boot,
	.pages = llist_pages,
};
