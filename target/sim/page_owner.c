// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner hooks: the kernel's own record of who allocated a page is
 * where the harness learns of every allocation, split and free.
 */
#include "../mm/internal.h"
#include "../variants/early_pfn.h"
#include "tagfuzz/events.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sim_internal.h"

void set_page_owner(struct page *page, unsigned int order, gfp_t gfp_mask,
		    unsigned int alloc_flags)
{
	/* pgalloc_tag_add() comes next: the gfp for the seed 000 trackers. */
	tf_tagging_gfp_cpu[tf_cur_cpu] = gfp_mask;
	tf_emit_page(TF_EV_PAGE_ALLOC, page_to_pfn(page), 0, order,
		     tf_tag_id(current->alloc_tag), alloc_flags, gfp_mask);
}

void reset_page_owner(struct page *page, unsigned int order)
{
	tf_emit_page(TF_EV_PAGE_FREE, page_to_pfn(page), 0, order, 0, 0, 0);
}

void split_page_owner(struct page *page, int old_order, int new_order)
{
	(void)new_order;
	tf_emit_page(TF_EV_PAGE_SPLIT, page_to_pfn(page), 0, old_order, 0, 0, 0);
}
