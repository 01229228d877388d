// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of early-PFN tracker variants: one row each, in header
 * byte order (append only), with the seed and version it follows, the
 * verdict the harness must give for it and the scenario that proves it.
 * docs/variants.md is the same table with the reasoning.
 */
#include <string.h>

#include "early_pfn.h"
#include "tagfuzz/variants.h"

unsigned int tf_tracker;
const struct tf_early_pfn_ops *tf_early_pfn_ops;
const struct tf_early_pfn_ops *tf_tracker_ops_override;
gfp_t tf_tagging_gfp_cpu[TF_MAX_CPUS];

const struct tf_tracker_info tf_tracker_table[TF_NR_TRACKERS] = {
	[TF_TRACKER_CURRENT] = {
		.name = "current",
		.origin = "seed 002 (ALLOC_NO_CODETAG v2 13/13 as reviewed) on the pfn_pool of the seed 000 review",
		.what = "pfn_pool pages from __alloc_pages(__GFP_HIGH, ALLOC_NO_CODETAG), cmpxchg on the head, loser frees",
		.verdict = "clean",
		.test = "every scenario of tests/scenarios and corpus/ (known findings only)",
		.correct = true,
		.records = true,
	},
	[TF_TRACKER_NONE] = {
		.name = "none",
		.origin = "before seed 001: no early-PFN tracking at all",
		.what = "nothing records early pages, the init callback clears nothing",
		.verdict = "check:WARN:alloc_tag was not set [early-untracked]",
		.test = "tests/scenarios/variant-none.txt",
	},
	[TF_TRACKER_ARRAY256] = {
		.name = "array256",
		.origin = "seed 001 v1 (Hao Ge, Mar 2026): fixed array, spinlock, mem_profiling_state",
		.what = "256 pfns under a spinlock while the state flag is DOWN; the clear stamps every entry EMPTY, then UP",
		.verdict = "model:ref-mismatch",
		.test = "tests/scenarios/variant-array256-overwrite.txt",
		.records = true,
		.capacity = 256,
	},
	[TF_TRACKER_ARRAY8192] = {
		.name = "array8192",
		.origin = "seed 001 v2/v3 as it landed first (the lines seed 000 removes)",
		.what = "8192 pfns, slot claimed by atomic_try_cmpxchg, RCU recorder pointer; pr_warn_once when full",
		.verdict = "check:WARN:alloc_tag was not set [early-overflow]",
		.test = "tests/scenarios/variant-array8192-overflow.txt",
		.records = true,
		.capacity = 8192,
	},
	[TF_TRACKER_PAGELIST] = {
		.name = "pagelist",
		.origin = "seed 000 v3 (Hao Ge, Apr 2026): page list",
		.what = "pages chained through page->lru, page->private counts slots, cmpxchg on the current page, "
			"alloc_page(caller gfp & ~__GFP_DIRECT_RECLAIM | __GFP_NO_CODETAG)",
		.verdict = "clean",
		.test = "tests/scenarios/variant-pagelist.txt and the whole corpus",
		.correct = true,
		.records = true,
	},
	[TF_TRACKER_LLIST] = {
		.name = "llist",
		.origin = "seed 000 v3 review: the llist_head alternative Hao Ge sketched",
		.what = "pages pushed with llist_add(); concurrent refills each push one, only the head is filled",
		.verdict = "model:stranded-tracking-slots [what-if]",	/* two CPUs refill */
		.test = "tests/scenarios/variant-llist-stranded.txt",
		.records = true,
	},
	[TF_TRACKER_POOL_GFP] = {
		.name = "pool-gfp",
		.origin = "seed 000 review outcome (pfn_pool) keeping v3's gfp handling",
		.what = "pfn_pool pages from alloc_page(caller gfp & ~__GFP_DIRECT_RECLAIM | __GFP_NO_CODETAG)",
		.verdict = "clean",
		.test = "tests/scenarios/variant-pool-gfp.txt and the whole corpus",
		.correct = true,
		.records = true,
	},
	[TF_TRACKER_POOL_HIGH] = {
		.name = "pool-high",
		.origin = "seed 002's removed lines: pfn_pool with __GFP_NO_CODETAG",
		.what = "pfn_pool pages from alloc_page(__GFP_HIGH | __GFP_NO_CODETAG), gfp guard",
		.verdict = "clean",
		.test = "tests/scenarios/variant-pool-high.txt and the whole corpus",
		.correct = true,
		.records = true,
	},
};

static const struct tf_early_pfn_ops *const tracker_ops[TF_NR_TRACKERS] = {
	[TF_TRACKER_CURRENT] = NULL,
	[TF_TRACKER_NONE] = &tf_early_pfn_none_ops,
	[TF_TRACKER_ARRAY256] = &tf_early_pfn_array256_ops,
	[TF_TRACKER_ARRAY8192] = &tf_early_pfn_array8192_ops,
	[TF_TRACKER_PAGELIST] = &tf_early_pfn_pagelist_ops,
	[TF_TRACKER_LLIST] = &tf_early_pfn_llist_ops,
	[TF_TRACKER_POOL_GFP] = &tf_early_pfn_pool_gfp_ops,
	[TF_TRACKER_POOL_HIGH] = &tf_early_pfn_pool_high_ops,
};

void tf_early_pfn_select(void)
{
	if (tf_tracker >= TF_NR_TRACKERS)
		tf_tracker = TF_TRACKER_CURRENT;
	tf_early_pfn_ops = tf_tracker_ops_override ?: tracker_ops[tf_tracker];
	memset(tf_tagging_gfp_cpu, 0, sizeof(tf_tagging_gfp_cpu));
	if (tf_early_pfn_ops)
		tf_early_pfn_ops->boot();
}

unsigned int tf_observe_tracker_pages(struct tf_tracker_page *out, unsigned int max)
{
	if (tf_early_pfn_ops)
		return tf_early_pfn_ops->pages(out, max);
	return tf_early_pfn_current_pages(out, max);
}

int tf_tracker_by_name(const char *name)
{
	int i;

	for (i = 0; i < TF_NR_TRACKERS; i++) {
		if (!strcmp(tf_tracker_table[i].name, name))
			return i;
	}
	return -1;
}

int tf_trackers_parse(const char *list, unsigned int *mask, const char **bad)
{
	static char word[64];
	const char *p = list;
	int i;

	*mask = 0;
	while (p && *p) {
		size_t len = strcspn(p, ",");

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		if (!strcmp(word, "correct") || !strcmp(word, "all")) {
			for (i = 0; i < TF_NR_TRACKERS; i++)
				if (word[0] == 'a' || tf_tracker_table[i].correct)
					*mask |= 1u << i;
		} else if (len) {
			i = tf_tracker_by_name(word);
			if (i < 0) {
				*bad = word;
				return -1;
			}
			*mask |= 1u << i;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}
