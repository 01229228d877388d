// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocation tagging (lib/alloc_tag.c, now mm/alloc_tag.c): the
 * page_ext client, tag split and swap, and the early-PFN tracker that
 * remembers pages allocated before page_ext so their refs can be stamped
 * EMPTY once it is there.
 *
 * The tracker is the pfn_pool version with the ALLOC_NO_CODETAG alloc
 * flag (seed 002, current upstream).
 */
#include <linux/rcupdate.h>

#include "internal.h"
#include "tagfuzz/bugs.h"

bool mem_profiling_support = true;

void pgalloc_tag_split(struct folio *folio, int old_order, int new_order)
{
	int i;
	struct alloc_tag *tag;
	unsigned int nr_pages = 1 << new_order;

	if (!mem_alloc_profiling_enabled())
		return;

	tag = __pgalloc_tag_get(&folio->page);
	if (!tag)
		return;

	for (i = nr_pages; i < (1 << old_order); i += nr_pages) {
		union pgtag_ref_handle handle;
		union codetag_ref ref;

		if (get_page_tag_ref(folio_page(folio, i), &ref, &handle)) {
			/* Set new reference to point to the original tag */
			alloc_tag_ref_set(&ref, tag);
			update_page_tag_ref(handle, &ref);
			put_page_tag_ref(handle);
		}
	}
}

void pgalloc_tag_swap(struct folio *new, struct folio *old)
{
	union pgtag_ref_handle handle_old, handle_new;
	union codetag_ref ref_old, ref_new;
	struct alloc_tag *tag_old, *tag_new;

	if (!mem_alloc_profiling_enabled())
		return;

	tag_old = __pgalloc_tag_get(&old->page);
	if (!tag_old)
		return;
	tag_new = __pgalloc_tag_get(&new->page);
	if (!tag_new)
		return;

	if (!get_page_tag_ref(&old->page, &ref_old, &handle_old))
		return;
	if (!get_page_tag_ref(&new->page, &ref_new, &handle_new)) {
		put_page_tag_ref(handle_old);
		return;
	}

	/*
	 * Clear tag references to avoid debug warning when using
	 * __alloc_tag_ref_set() with non-empty reference.
	 */
	set_codetag_empty(&ref_old);
	set_codetag_empty(&ref_new);

	/* swap tags */
	__alloc_tag_ref_set(&ref_old, tag_new);
	update_page_tag_ref(handle_old, &ref_old);
	__alloc_tag_ref_set(&ref_new, tag_old);
	update_page_tag_ref(handle_new, &ref_new);

	put_page_tag_ref(handle_old);
	put_page_tag_ref(handle_new);
}

static bool need_page_alloc_tagging(void)
{
	if (static_key_enabled(&mem_profiling_compressed))
		return false;

	return mem_profiling_support;
}

/*
 * Track page allocations before page_ext is initialized.
 * Some pages are allocated before page_ext becomes available, leaving
 * their codetag uninitialized. Track these early PFNs so we can clear
 * their codetag refs later to avoid warnings when they are freed.
 *
 * Each page is cast to a pfn_pool: the first few bytes hold metadata
 * (next pointer and slot count), the remainder stores PFNs.
 */
struct pfn_pool {
	struct pfn_pool *next;
	atomic_t count;
	unsigned long pfns[];
};

#define PFN_POOL_SIZE	((PAGE_SIZE - sizeof(struct pfn_pool)) / \
			 sizeof(unsigned long))

static struct pfn_pool *current_pfn_pool __initdata;

static void __init __alloc_tag_add_early_pfn(unsigned long pfn)
{
	struct pfn_pool *pool;
	int idx;

	do {
		pool = READ_ONCE(current_pfn_pool);
		if (!pool || atomic_read(&pool->count) >= (int)PFN_POOL_SIZE) {
			struct page *new_page = __alloc_pages(__GFP_HIGH, 0, numa_mem_id(),
							      NULL, ALLOC_NO_CODETAG);
			struct pfn_pool *new;

			if (!new_page) {
				pr_warn_once("early PFN tracking page allocation failed\n");
				return;
			}
			new = page_address(new_page);
			new->next = pool;
			atomic_set(&new->count, 0);
			if (tf_bug(TF_BUG_POOL_PLAIN_STORE)) {
				WRITE_ONCE(current_pfn_pool, new);
			} else if (cmpxchg(&current_pfn_pool, pool, new) != pool) {
				if (tf_bug(TF_BUG_CMPXCHG_LOSER_LEAKS))
					continue;
				clear_page_tag_ref(new_page);
				__free_page(new_page);
				if (tf_bug(TF_BUG_CMPXCHG_LOSER_DROPS)) {
					pr_warn_once("early PFN tracking page allocation failed\n");
					return;
				}
				continue;
			}
			pool = new;
		}

		idx = atomic_read(&pool->count);
		if (idx >= (int)PFN_POOL_SIZE)
			continue;
		if (atomic_cmpxchg(&pool->count, idx, idx + 1) == idx)
			break;
	} while (1);

	pool->pfns[idx] = pfn;
}

typedef void alloc_tag_add_func(unsigned long pfn);
static alloc_tag_add_func __rcu *alloc_tag_add_early_pfn_ptr __refdata =
		RCU_INITIALIZER(__alloc_tag_add_early_pfn);

void alloc_tag_add_early_pfn(unsigned long pfn, unsigned int alloc_flags)
{
	alloc_tag_add_func *alloc_tag_add;

	if (static_key_enabled(&mem_profiling_compressed))
		return;

	/* CONFIG_MEM_ALLOC_PROFILING_DEBUG=n has an empty stub here. */
	if (!mem_profiling_debug())
		return;

	/* Skip allocations for the tracking list itself to avoid recursion. */
	if ((alloc_flags & ALLOC_NO_CODETAG) && !tf_bug(TF_BUG_RECORDER_NO_GUARD))
		return;

	rcu_read_lock();
	alloc_tag_add = rcu_dereference(alloc_tag_add_early_pfn_ptr);
	if (alloc_tag_add && !tf_bug(TF_BUG_RECORDER_STARTS_NULL))
		alloc_tag_add(pfn);
	rcu_read_unlock();
}

/* Harness: the accepted race's two accesses under names of their own (F5, fuzz/tsan.supp). */
#define get_page_tag_ref	tf_racy_clear_get_ref
#define update_page_tag_ref	tf_racy_clear_update_ref
static void __init clear_early_alloc_pfn_tag_refs(void)
{
	struct pfn_pool *pool, *next;
	struct page *page;
	int i;

	if (static_key_enabled(&mem_profiling_compressed))
		return;

	rcu_assign_pointer(alloc_tag_add_early_pfn_ptr, NULL);
	/* Make sure we are not racing with __alloc_tag_add_early_pfn() */
	if (!tf_bug(TF_BUG_CLEAR_NO_SYNCHRONIZE_RCU))
		synchronize_rcu();

	for (pool = current_pfn_pool; pool; pool = next) {
		int nr_pfns = atomic_read(&pool->count);

		for (i = 0; i < nr_pfns; i++) {
			unsigned long pfn = pool->pfns[i];

			if (pfn_valid(pfn)) {
				union pgtag_ref_handle handle;
				union codetag_ref ref;

				if (get_page_tag_ref(pfn_to_page(pfn), &ref, &handle)) {
					/*
					 * An early-allocated page could be freed and reallocated
					 * after its page_ext is initialized but before we clear it.
					 * In that case, it already has a valid tag set.
					 * We should not overwrite that valid tag
					 * with CODETAG_EMPTY.
					 *
					 * Note: there is still a small race window between checking
					 * ref.ct and calling set_codetag_empty(). We accept this
					 * race as it's unlikely and the extra complexity of atomic
					 * cmpxchg is not worth it for this debug-only code path.
					 */
					if (ref.ct && !tf_bug(TF_BUG_CLEAR_OVERWRITES_SET)) {
						put_page_tag_ref(handle);
						continue;
					}

					if (!tf_bug(TF_BUG_CLEAR_STORE_BEFORE_EMPTY))
						set_codetag_empty(&ref);
					update_page_tag_ref(handle, &ref);
					put_page_tag_ref(handle);
				}
			}
		}

		next = pool->next;
		if (tf_bug(TF_BUG_POOL_NOT_FREED))
			continue;
		page = virt_to_page(pool);
		if (tf_bug(TF_BUG_CLEAR_UNCOUNTS_POOL_BY_ORDER)) {
			union pgtag_ref_handle handle;
			union codetag_ref ref;

			/* A tagged pool page (F4) uncounted, its order (0) taken as nr. */
			if (get_page_tag_ref(page, &ref, &handle)) {
				if (ref.ct && !is_codetag_empty(&ref))
					alloc_tag_sub(&ref, PAGE_SIZE * 0);
				put_page_tag_ref(handle);
			}
		}
		clear_page_tag_ref(page);
		__free_page(page);
	}
}
#undef get_page_tag_ref
#undef update_page_tag_ref

static void init_page_alloc_tagging(void)
{
	if (!mem_profiling_debug())
		return;
	if (tf_bug(TF_BUG_SKIP_EARLY_CLEAR))
		return;
	clear_early_alloc_pfn_tag_refs();
}

struct page_ext_operations page_alloc_tagging_ops = {
	.size = sizeof(union codetag_ref),
	.need = need_page_alloc_tagging,
	.init = init_page_alloc_tagging,
};
