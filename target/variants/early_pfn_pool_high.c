// SPDX-License-Identifier: GPL-2.0
/*
 * The pfn_pool tracker as it stood before seed 002 (the lines seed 002's
 * "mm: remove __GFP_NO_CODETAG" replaces): pool pages from
 * alloc_page(__GFP_HIGH | __GFP_NO_CODETAG), and the recorder skips
 * allocations whose gfp carries __GFP_NO_CODETAG.  Same behaviour as the
 * current tracker, with the guard in the gfp flags instead of alloc_flags
 * (so no slow path can drop it).
 */
#include "early_pfn_variant.h"

#define alloc_pfn_pool_page(gfp_flags)	alloc_page(__GFP_HIGH | __GFP_NO_CODETAG)

#define __HAVE_EARLY_PFN_SKIP
/* Skip allocations for the tracking list itself to avoid recursion. */
static bool early_pfn_skip(gfp_t gfp_flags, unsigned int alloc_flags)
{
	return gfp_flags & __GFP_NO_CODETAG;
}

#include "early_pfn_pool.h"

const struct tf_early_pfn_ops tf_early_pfn_pool_high_ops = PFN_POOL_TRACKER_OPS;
