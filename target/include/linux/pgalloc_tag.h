/* SPDX-License-Identifier: GPL-2.0 */
/* Page allocation tagging: the codetag ref of a page lives in page_ext. */
#ifndef _LINUX_PGALLOC_TAG_H
#define _LINUX_PGALLOC_TAG_H

#include <linux/alloc_tag.h>
#include <linux/page_ext.h>
#include <linux/pgalloc_tag_compressed.h>

extern struct page_ext_operations page_alloc_tagging_ops;

union pgtag_ref_handle {
	union codetag_ref *ref;	/* reference in page extension */
	struct page *page;	/* reference in page flags */
};

static inline union codetag_ref *codetag_ref_from_page_ext(struct page_ext *page_ext)
{
	return (union codetag_ref *)page_ext_data(page_ext, &page_alloc_tagging_ops);
}

static inline struct page_ext *page_ext_from_codetag_ref(union codetag_ref *ref)
{
	return (struct page_ext *)((void *)ref - page_alloc_tagging_ops.offset);
}

/* Should be called only if mem_alloc_profiling_enabled() */
static inline bool get_page_tag_ref(struct page *page, union codetag_ref *ref,
				    union pgtag_ref_handle *handle)
{
	struct page_ext *page_ext;
	union codetag_ref *tmp;

	if (!page)
		return false;

	if (static_key_enabled(&mem_profiling_compressed)) {
		pgalloc_tag_idx idx;

		idx = (page->flags >> alloc_tag_ref_offs) & alloc_tag_ref_mask;
		idx_to_ref(idx, ref);
		handle->page = page;
		tf_sched_point("read page tag ref");	/* harness annotation, as below */
		tf_access(TF_ACC_READ, "read page tag ref", &page->flags,
			  (unsigned long)ref->ct);
		return true;
	}

	page_ext = page_ext_get(page);
	if (!page_ext)
		return false;

	tmp = codetag_ref_from_page_ext(page_ext);
	tf_page_ext_access(tmp);	/* harness: not in a freed table (memory offlining) */
	ref->ct = tmp->ct;
	handle->ref = tmp;
	/*
	 * Harness annotation, not kernel code: the plain read above and the
	 * caller's later write are where the early clear's accepted
	 * check-then-set race lives, so another CPU may run in between.
	 */
	tf_sched_point("read page tag ref");
	tf_access(TF_ACC_READ, "read page tag ref", tmp, (unsigned long)ref->ct);
	return true;
}

static inline void put_page_tag_ref(union pgtag_ref_handle handle)
{
	if (WARN_ON(!handle.ref))
		return;

	if (!static_key_enabled(&mem_profiling_compressed))
		page_ext_put(page_ext_from_codetag_ref(handle.ref));
}

static inline void update_page_tag_ref(union pgtag_ref_handle handle,
				       union codetag_ref *ref)
{
	if (static_key_enabled(&mem_profiling_compressed)) {
		struct page *page = handle.page;
		unsigned long old_flags;
		unsigned long flags;
		unsigned long idx;

		if (WARN_ON(!page || !ref))
			return;

		idx = (unsigned long)ref_to_idx(ref);
		idx = (idx & alloc_tag_ref_mask) << alloc_tag_ref_offs;
		do {
			old_flags = READ_ONCE(page->flags);
			flags = old_flags;
			flags &= ~(alloc_tag_ref_mask << alloc_tag_ref_offs);
			flags |= idx;
			if (tf_bug(TF_BUG_PGFLAGS_PLAIN_STORE)) {
				WRITE_ONCE(page->flags, flags);
				break;
			}
		} while (unlikely(!try_cmpxchg(&page->flags, &old_flags, flags)));
		return;
	}

	if (WARN_ON(!handle.ref || !ref))
		return;

	tf_sched_point("write page tag ref");	/* harness annotation, as above */
	tf_page_ext_access(handle.ref);
	handle.ref->ct = ref->ct;
	tf_access(TF_ACC_WRITE, "write page tag ref", handle.ref, (unsigned long)ref->ct);
}

void __clear_page_tag_ref(struct page *page);
static inline void clear_page_tag_ref(struct page *page)
{
	if (mem_alloc_profiling_enabled())
		__clear_page_tag_ref(page);
}

/* Should be called only if mem_alloc_profiling_enabled() */
static inline struct alloc_tag *__pgalloc_tag_get(struct page *page)
{
	struct alloc_tag *tag = NULL;
	union pgtag_ref_handle handle;
	union codetag_ref ref;

	if (get_page_tag_ref(page, &ref, &handle)) {
		alloc_tag_sub_check(&ref);
		if (ref.ct && !is_codetag_empty(&ref))
			tag = ct_to_alloc_tag(ref.ct);
		put_page_tag_ref(handle);
	}

	return tag;
}

static inline struct alloc_tag *pgalloc_tag_get(struct page *page)
{
	if (mem_alloc_profiling_enabled())
		return __pgalloc_tag_get(page);
	return NULL;
}

void pgalloc_tag_split(struct folio *folio, int old_order, int new_order);
void pgalloc_tag_swap(struct folio *new, struct folio *old);

#endif /* _LINUX_PGALLOC_TAG_H */
