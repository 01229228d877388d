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

#define alloc_pfn_pool_page(gfp_flags) \
	alloc_page(((gfp_flags) & ~__GFP_DIRECT_RECLAIM) | __GFP_NO_CODETAG)

#define __HAVE_EARLY_PFN_SKIP
/* Skip allocations for the tracking list itself to avoid recursion. */
static bool early_pfn_skip(gfp_t gfp_flags, unsigned int alloc_flags)
{
	return gfp_flags & __GFP_NO_CODETAG;
}

#include "early_pfn_pool.h"

const struct tf_early_pfn_ops tf_early_pfn_pool_gfp_ops = PFN_POOL_TRACKER_OPS;
