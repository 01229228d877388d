// SPDX-License-Identifier: GPL-2.0
/*
 * No early-PFN tracking: the kernel before seed 001.  Pages allocated
 * before page_ext keep a NULL tag reference once their section has
 * page_ext, and freeing them warns "alloc_tag was not set" -- the problem
 * seed 001 set out to fix.
 */
#include "early_pfn_variant.h"

static void alloc_tag_add_early_pfn(unsigned long pfn, gfp_t gfp_flags,
				    unsigned int alloc_flags)
{
}

/* init_page_alloc_tagging() had nothing to do. */
static void clear_early_alloc_pfn_tag_refs(void)
{
}

static void none_boot(void)
{
}

static unsigned int none_pages(struct tf_tracker_page *out, unsigned int max)
{
	return 0;
}

const struct tf_early_pfn_ops tf_early_pfn_none_ops = {
	.add = alloc_tag_add_early_pfn,
	.clear = clear_early_alloc_pfn_tag_refs,
	.boot = none_boot,
	.pages = none_pages,
};
