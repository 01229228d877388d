// SPDX-License-Identifier: GPL-2.0
/*
 * A two-line change to the current early-PFN tracker, as a throwaway
 * variant: the pool page allocated with GFP_KERNEL, as seed 000 v2 did
 * for the page list when the caller could block.  The recorder calls it
 * under rcu_read_lock(), so might_sleep() must fire.  Built on the shared
 * pfn_pool family (target/variants/early_pfn_pool.h); the test that runs
 * it is test_demo_tracker_two_lines in tests/test_variants.c.
 */
#include "../target/variants/early_pfn_variant.h"

#define alloc_pfn_pool_page(gfp_flags) \
	__alloc_pages(GFP_KERNEL, 0, numa_mem_id(), NULL, ALLOC_NO_CODETAG)

#include "../target/variants/early_pfn_pool.h"

const struct tf_early_pfn_ops tf_demo_tracker_ops = PFN_POOL_TRACKER_OPS;
