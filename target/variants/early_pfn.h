/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The early-PFN tracker family: each historical or alternative version
 * of alloc_tag_add_early_pfn() and clear_early_alloc_pfn_tag_refs() sits
 * in its own file here, written in kernel style against the shims (the
 * pfn_pool versions on the shared text of early_pfn_pool.h).  The
 * current version stays in target/mm/alloc_tag.c; when a run picks
 * another one (struct tf_machine.tracker), its glue
 * (target/sim/glue_alloc_tag.c) hands both calls to the variant's ops.
 * The registry with names, origins and expected verdicts is
 * target/variants/trackers.c.
 */
#ifndef _TAGFUZZ_EARLY_PFN_H
#define _TAGFUZZ_EARLY_PFN_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "../mm/internal.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/bugs.h"

/*
 * Seed 000: skip early PFN recording for a page allocation.  Reuses the
 * %__GFP_NO_OBJ_EXT bit (later replaced by ALLOC_NO_CODETAG, seed 002).
 */
#define __GFP_NO_CODETAG	__GFP_NO_OBJ_EXT

struct tf_early_pfn_ops {
	/*
	 * That version's alloc_tag_add_early_pfn(), guards included.  The
	 * versions of seed 000 took the allocation's gfp flags, current
	 * upstream its alloc_flags: both are passed, each uses its own.
	 */
	void (*add)(unsigned long pfn, gfp_t gfp_flags, unsigned int alloc_flags);
	/* clear_early_alloc_pfn_tag_refs(), from the page_ext init callback */
	void (*clear)(void);
	/* Harness: reset its __initdata for a new run. */
	void (*boot)(void);
	/* Harness: its tracking pages for tf_observe_tracker_pages(). */
	unsigned int (*pages)(struct tf_tracker_page *out, unsigned int max);
};

/* NULL: target/mm/alloc_tag.c's own (current) tracker runs. */
extern const struct tf_early_pfn_ops *tf_early_pfn_ops;

extern const struct tf_early_pfn_ops tf_early_pfn_none_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_array256_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_array8192_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_pagelist_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_llist_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_pool_gfp_ops;
extern const struct tf_early_pfn_ops tf_early_pfn_pool_high_ops;

/*
 * Harness: the gfp flags of the allocation being tagged on this CPU.
 * set_page_owner() records them just before post_alloc_hook() calls
 * pgalloc_tag_add(); they stand for the gfp_flags argument the seed 000
 * versions threaded through pgalloc_tag_add() (page_alloc.c passes
 * alloc_flags, as upstream does now).
 */
extern gfp_t tf_tagging_gfp_cpu[TF_MAX_CPUS];

static inline gfp_t tf_tagging_gfp(void)
{
	return tf_tagging_gfp_cpu[tf_cur_cpu];
}

/* alloc_tag.c: the current tracker's pools, for the observation. */
unsigned int tf_early_pfn_current_pages(struct tf_tracker_page *out, unsigned int max);
/* Pick the variant for the next boot (tf_tracker). */
void tf_early_pfn_select(void);

#endif /* _TAGFUZZ_EARLY_PFN_H */
