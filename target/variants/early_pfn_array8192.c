// SPDX-License-Identifier: GPL-2.0
/*
 * The first early-PFN tracker to land (seed 001's patch in its v2/v3
 * form; seed 000's diff removes exactly these lines): a fixed __initdata
 * array of 8192 pfns, a slot claimed with atomic_try_cmpxchg() on the
 * count, pr_warn_once() and the pfn dropped when it is full, and the
 * recorder reached through an RCU-protected function pointer that the
 * clear resets (then waits a grace period) before it walks the array.
 */
#include "early_pfn_variant.h"

/*
 * Early allocations include:
 *   - Base allocations independent of CPU count
 *   - Per-CPU allocations (e.g., CPU hotplug callbacks during smp_init)
 *
 * For simplicity, we fix the size to 8192.
 * If insufficient, a warning will be triggered to alert the user.
 */
#define EARLY_ALLOC_PFN_MAX		8192

static unsigned long early_pfns[EARLY_ALLOC_PFN_MAX] __initdata;
static atomic_t early_pfn_count __initdata = ATOMIC_INIT(0);

static void __init __alloc_tag_add_early_pfn(unsigned long pfn)
{
	int old_idx, new_idx;

	do {
		old_idx = atomic_read(&early_pfn_count);
		if (old_idx >= EARLY_ALLOC_PFN_MAX) {
			pr_warn_once("Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (%d)\n",
				     EARLY_ALLOC_PFN_MAX);
			return;
		}
		new_idx = old_idx + 1;
	} while (!atomic_try_cmpxchg(&early_pfn_count, &old_idx, new_idx));

	early_pfns[old_idx] = pfn;
}

typedef void alloc_tag_add_func(unsigned long pfn);
static alloc_tag_add_func __rcu *alloc_tag_add_early_pfn_ptr __refdata =
		RCU_INITIALIZER(__alloc_tag_add_early_pfn);

static void alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags,
				    unsigned int alloc_flags)
{
	alloc_tag_add_func *alloc_tag_add;

	/* CONFIG_MEM_ALLOC_PROFILING_DEBUG=n has an empty stub here. */
	if (!mem_profiling_debug())
		return;

	rcu_read_lock();
	alloc_tag_add = rcu_dereference(alloc_tag_add_early_pfn_ptr);
	if (alloc_tag_add)
		alloc_tag_add(pfn);
	rcu_read_unlock();
}

static void __init clear_early_alloc_pfn_tag_refs(void)
{
	unsigned int i;

	rcu_assign_pointer(alloc_tag_add_early_pfn_ptr, NULL);
	/* Make sure we are not racing with __alloc_tag_add_early_pfn() */
	synchronize_rcu();

	for (i = 0; i < atomic_read(&early_pfn_count); i++) {
		unsigned long pfn = early_pfns[i];

		if (pfn_valid(pfn)) {
			struct page *page = pfn_to_page(pfn);
			union pgtag_ref_handle handle;
			union codetag_ref ref;

			if (get_page_tag_ref(page, &ref, &handle)) {
				/*
				 * An early-allocated page could be freed and
				 * reallocated after its page_ext is initialized
				 * but before we clear it: it already has a valid
				 * tag, which must not become CODETAG_EMPTY.  The
				 * window between the check and the write is
				 * accepted (debug-only path).
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
}

static void array8192_boot(void)
{
	atomic_set(&early_pfn_count, 0);
	alloc_tag_add_early_pfn_ptr = __alloc_tag_add_early_pfn;
}

static unsigned int array8192_pages(struct tf_tracker_page *out, unsigned int max)
{
	return 0;
}

const struct tf_early_pfn_ops tf_early_pfn_array8192_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = array8192_boot,
	.pages = array8192_pages,
};
