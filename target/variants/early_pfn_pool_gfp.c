// SPDX-License-Identifier: GPL-2.0
/*
 * The pfn_pool layout of the seed 000 review outcome (Hao Ge: "keeping
 * alloc_page() but mapping the page body to a proper struct", Suren:
 * "Yeah, that sounds good to me") with v3's gfp handling kept: the pool
 * page is allocated with the caller's gfp minus __GFP_DIRECT_RECLAIM (the
 * recorder runs under rcu_read_lock()) plus __GFP_NO_CODETAG, which the
 * recorder skips.  So an early GFP_ATOMIC or __GFP_MEMALLOC allocation
 * gets its pool page on the same terms as itself, a GFP_NOWAIT one on
 * worse terms than __GFP_HIGH would give.
 */
#include "early_pfn_variant.h"

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

static void __init __alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags)
{
	struct pfn_pool *pool;
	int idx;

	do {
		pool = READ_ONCE(current_pfn_pool);
		if (!pool || atomic_read(&pool->count) >= (int)PFN_POOL_SIZE) {
			gfp_t gfp = gfp_flags & ~__GFP_DIRECT_RECLAIM;
			struct page *new_page = alloc_page(gfp | __GFP_NO_CODETAG);
			struct pfn_pool *new;

			if (!new_page) {
				pr_warn_once("early PFN tracking page allocation failed\n");
				return;
			}
			new = page_address(new_page);
			new->next = pool;
			atomic_set(&new->count, 0);
			if (cmpxchg(&current_pfn_pool, pool, new) != pool) {
				clear_page_tag_ref(new_page);
				__free_page(new_page);
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
	struct pfn_pool *pool, *next;
	struct page *page;
	int i;

	rcu_assign_pointer(alloc_tag_add_early_pfn_ptr, NULL);
	/* Make sure we are not racing with __alloc_tag_add_early_pfn() */
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

		next = pool->next;
		page = virt_to_page(pool);
		clear_page_tag_ref(page);
		__free_page(page);
	}
}

static void pool_boot(void)
{
	current_pfn_pool = NULL;
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
}

static unsigned int pool_pages(struct tf_tracker_page *out, unsigned int max)
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

const struct tf_early_pfn_ops tf_early_pfn_pool_gfp_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = pool_boot,
	.pages = pool_pages,
};
