/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pfn_pool tracker family, once: the pool layout of the seed 000
 * review outcome, its recorder, the clear, and the harness's boot and
 * observation helpers, as mm/alloc_tag.c has them now (the kernel's own
 * copy stays in target/mm/alloc_tag.c, untouched).  A variant file
 * defines only what its patch changes, with the kernel's __HAVE_ARCH_*
 * idiom, and then includes this header:
 *
 *	#define alloc_pfn_pool_page(gfp_flags)	alloc_page(...)
 *	#include "early_pfn_pool.h"
 *
 *	const struct tf_early_pfn_ops tf_early_pfn_NAME_ops = PFN_POOL_TRACKER_OPS;
 *
 * What a version may replace: where a new pool page comes from
 * (the alloc_pfn_pool_page() macro), which allocations
 * the recorder skips (early_pfn_skip(), __HAVE_EARLY_PFN_SKIP), or all of
 * __alloc_tag_add_early_pfn() (__HAVE_ALLOC_TAG_ADD_EARLY_PFN_POOL).
 * Everything else is shared, bug switches included: pool-plain-store and
 * cmpxchg-loser-leaks (in __alloc_tag_add_early_pfn()),
 * clear-overwrites-set, pool-not-freed, clear-store-before-empty and
 * clear-no-synchronize-rcu (in the clear) apply to every
 * variant built on this header that keeps the function they sit in.
 *
 * The gfp flags of the allocation being tagged reach the pool functions
 * for the versions that used them (seed 000 v3's gfp handling); the
 * current version ignores them.
 */
#ifndef _TAGFUZZ_EARLY_PFN_POOL_H
#define _TAGFUZZ_EARLY_PFN_POOL_H

#include "early_pfn_variant.h"
#include "tagfuzz/bugs.h"

/*
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

/*
 * Where a new pool page comes from: the line each version changed.  A
 * macro, so that the allocation's tag names __alloc_tag_add_early_pfn()
 * as the kernel's does (alloc_hooks() tags the call site), and the
 * differential runs compare the pool pages of every version alike.
 */
#ifndef alloc_pfn_pool_page
#define alloc_pfn_pool_page(gfp_flags) \
	__alloc_pages(__GFP_HIGH, 0, numa_mem_id(), NULL, ALLOC_NO_CODETAG)
#endif

#ifndef __HAVE_EARLY_PFN_SKIP
/* Skip allocations for the tracking list itself to avoid recursion. */
static bool early_pfn_skip(gfp_t gfp_flags, unsigned int alloc_flags)
{
	return (alloc_flags & ALLOC_NO_CODETAG) && !tf_bug(TF_BUG_RECORDER_NO_GUARD);
}
#endif

#ifndef __HAVE_ALLOC_TAG_ADD_EARLY_PFN_POOL
static void __init __alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags)
{
	struct pfn_pool *pool;
	int idx;

	do {
		pool = READ_ONCE(current_pfn_pool);
		if (!pool || atomic_read(&pool->count) >= (int)PFN_POOL_SIZE) {
			struct page *new_page = alloc_pfn_pool_page(gfp_flags);
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
#endif

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

	if (early_pfn_skip(gfp_flags, alloc_flags))
		return;

	rcu_read_lock();
	alloc_tag_add = rcu_dereference(alloc_tag_add_early_pfn_ptr);
	if (alloc_tag_add && !tf_bug(TF_BUG_RECORDER_STARTS_NULL))
		alloc_tag_add(pfn, gfp_flags);
	rcu_read_unlock();
}

static void __init clear_early_alloc_pfn_tag_refs(void)
{
	struct pfn_pool *pool, *next;
	struct page *page;
	int i;

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
					 * Freed and reallocated after its page_ext
					 * came up: keep the valid tag (the window
					 * between check and write is accepted).
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

/* Harness: __initdata as before boot. */
static void pfn_pool_boot(void)
{
	current_pfn_pool = NULL;
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
}

/* Harness: the pools, newest first, for tf_observe_tracker_pages(). */
static unsigned int pfn_pool_pages(struct tf_tracker_page *out, unsigned int max)
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

#define PFN_POOL_TRACKER_OPS {				\
	.add = alloc_tag_add_early_pfn,			\
	.clear = clear_early_alloc_pfn_tag_refs,	\
	.boot = pfn_pool_boot,				\
	.pages = pfn_pool_pages,			\
}

#endif /* _TAGFUZZ_EARLY_PFN_POOL_H */
