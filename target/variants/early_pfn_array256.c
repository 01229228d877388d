// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 001, v1 of "mm/alloc_tag: clear codetag for pages allocated before
 * page_ext initialization" (Hao Ge, March 2026): a global array of 256
 * pfns under a spinlock, and a global profiling state that goes UP once
 * the clear has run.
 *
 * The seed quotes the declarations and the __pgalloc_tag_add() hunk; the
 * bodies are elided.  They are written here from the patch description
 * and from what v2 says it changed: v2 "replace[d] spin_lock_irqsave()
 * with atomic_try_cmpxchg()", "add[ed] pr_warn_once() when the limit is
 * exceeded" (so v1 drops silently), "check[ed] ref.ct before clearing to
 * avoid overwriting valid tags" (so v1 stamps every entry), and "use[d] a
 * function pointer instead of state" (so v1 tests the state flag).
 */
#include "early_pfn_variant.h"

/*
 * State of the alloc_tag: DOWN until page_ext is fully initialized and
 * the early pages are cleared, then UP.
 */
enum mem_profiling_state {
	DOWN,	/* No mem_profiling functionality yet */
	UP	/* Everything is working */
};

static enum mem_profiling_state mem_profiling_state = DOWN;

static bool mem_profiling_is_available(void)
{
	return mem_profiling_state == UP;
}

#define EARLY_ALLOC_PFN_MAX 256

static unsigned long early_pfns[EARLY_ALLOC_PFN_MAX];
static unsigned int early_pfn_count;
static DEFINE_SPINLOCK(early_pfn_lock);

static void __alloc_tag_add_early_pfn(unsigned long pfn)
{
	unsigned long flags;

	spin_lock_irqsave(&early_pfn_lock, flags);
	if (early_pfn_count < EARLY_ALLOC_PFN_MAX)
		early_pfns[early_pfn_count++] = pfn;
	spin_unlock_irqrestore(&early_pfn_lock, flags);
}

/*
 * __pgalloc_tag_add(), page_ext not available yet:
 *	if (!mem_profiling_is_available())
 *		alloc_tag_add_early_pfn(page_to_pfn(page));
 */
static void alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags,
				    unsigned int alloc_flags)
{
	/* CONFIG_MEM_ALLOC_PROFILING_DEBUG=n: no array, an empty stub. */
	if (!mem_profiling_debug())
		return;
	if (!mem_profiling_is_available())
		__alloc_tag_add_early_pfn(pfn);
}

static void clear_early_alloc_pfn_tag_refs(void)
{
	unsigned int i;

	for (i = 0; i < early_pfn_count; i++) {
		unsigned long pfn = early_pfns[i];

		if (pfn_valid(pfn)) {
			struct page *page = pfn_to_page(pfn);
			union pgtag_ref_handle handle;
			union codetag_ref ref;

			if (get_page_tag_ref(page, &ref, &handle)) {
				set_codetag_empty(&ref);
				update_page_tag_ref(handle, &ref);
				put_page_tag_ref(handle);
			}
		}
	}
	mem_profiling_state = UP;
}

static void array256_boot(void)
{
	mem_profiling_state = DOWN;
	early_pfn_count = 0;
	spin_lock_init(&early_pfn_lock);
}

static unsigned int array256_pages(struct tf_tracker_page *out, unsigned int max)
{
	return 0;
}

const struct tf_early_pfn_ops tf_early_pfn_array256_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = array256_boot,
	.pages = array256_pages,
};
