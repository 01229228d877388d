// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/alloc_tag.c (see glue_page_alloc.c).  The early-PFN
 * tracker a run picks (target/variants/, struct tf_machine.tracker) hooks
 * in here, not inside the kernel text: alloc_tag.c's
 * alloc_tag_add_early_pfn() is renamed before the include and the
 * kernel's name becomes a dispatcher, and at boot
 * page_alloc_tagging_ops.init is pointed at the variant's clear.
 */
#include "../mm/internal.h"
#include "../variants/early_pfn.h"
#include "tagfuzz/glue.h"

#define alloc_tag_add_early_pfn	current_alloc_tag_add_early_pfn
void current_alloc_tag_add_early_pfn(unsigned long pfn, unsigned int alloc_flags);

/*
 * F5: the early clear's check-then-set (clear_early_alloc_pfn_tag_refs():
 * "We accept this race") reads and writes a page's tag ref with plain
 * accesses inside get_page_tag_ref() and update_page_tag_ref(), helpers
 * every allocation and free shares.  alloc_tag.c calls them under these
 * names in that one function (its only harness lines for this), so
 * fuzz/tsan.supp can name the clear's two calls and nothing else; the
 * probes make the calls in the clear's own frame instead.
 */
static noinline bool tf_racy_clear_get_ref(struct page *page, union codetag_ref *ref,
					   union pgtag_ref_handle *handle)
{
	return get_page_tag_ref(page, ref, handle);
}

static noinline void tf_racy_clear_update_ref(union pgtag_ref_handle handle,
					      union codetag_ref *ref)
{
	update_page_tag_ref(handle, ref);
}

/* The probes' calls: the same helpers inlined into the clear's own frame. */
static inline __attribute__((__always_inline__)) bool
clear_get_ref_unnamed(struct page *page, union codetag_ref *ref, union pgtag_ref_handle *handle)
{
	return get_page_tag_ref(page, ref, handle);
}

static inline __attribute__((__always_inline__)) void
clear_update_ref_unnamed(union pgtag_ref_handle handle, union codetag_ref *ref)
{
	update_page_tag_ref(handle, ref);
}

#define tf_racy_clear_get_ref(pg_, ref_, handle_)				\
	(tf_racy_probe_on(clear_get_ref) ?					\
	 clear_get_ref_unnamed(pg_, ref_, handle_) :				\
	 (tf_racy_clear_get_ref)(pg_, ref_, handle_))
#define tf_racy_clear_update_ref(handle_, ref_) do {				\
	if (tf_racy_probe_on(clear_update_ref))					\
		clear_update_ref_unnamed(handle_, ref_);			\
	else									\
		(tf_racy_clear_update_ref)(handle_, ref_);			\
} while (0)

#include "../mm/alloc_tag.c"

#undef tf_racy_clear_get_ref
#undef tf_racy_clear_update_ref

#undef alloc_tag_add_early_pfn

void alloc_tag_add_early_pfn(unsigned long pfn, unsigned int alloc_flags)
{
	/* The variants never ran in compressed mode: it returns first. */
	if (static_key_enabled(&mem_profiling_compressed))
		return;
	if (tf_early_pfn_ops) {
		tf_early_pfn_ops->add(pfn, tf_tagging_gfp(), alloc_flags);
		return;
	}
	current_alloc_tag_add_early_pfn(pfn, alloc_flags);
}

/* init_page_alloc_tagging() with a variant's clear_early_alloc_pfn_tag_refs(). */
static void variant_init_page_alloc_tagging(void)
{
	if (!mem_profiling_debug())
		return;
	if (tf_bug(TF_BUG_SKIP_EARLY_CLEAR))
		return;
	tf_early_pfn_ops->clear();
}

/* Boot state, reset for each scenario. */
void tf_alloc_tag_boot(void)
{
	current_pfn_pool = NULL;
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
	tf_early_pfn_select();
	page_alloc_tagging_ops.init = tf_early_pfn_ops ?
		variant_init_page_alloc_tagging : init_page_alloc_tagging;
}

/* The pools, newest first, for tf_observe_tracker_pages(). */
unsigned int tf_early_pfn_current_pages(struct tf_tracker_page *out, unsigned int max)
{
	struct pfn_pool *pool;
	unsigned int n = 0;

	for (pool = current_pfn_pool; pool && n < max; pool = pool->next, n++) {
		out[n].pfn = page_to_pfn(virt_to_page(pool));
		out[n].used = min(atomic_read(&pool->count), (int)PFN_POOL_SIZE);
		out[n].slots = PFN_POOL_SIZE;
		out[n].head = !n;
	}
	return n;
}
