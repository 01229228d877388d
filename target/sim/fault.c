// SPDX-License-Identifier: GPL-2.0
/* Fault injection (should_fail_alloc_page) and the allocator depth guard. */
#include <linux/gfp.h>

#include "tagfuzz/fault.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sim_internal.h"

static unsigned int tf_fail_next, tf_fail_skip;

/* tf_fail_next is read without the lock (should_fail_alloc_page()): written atomically. */
void tf_fault_reset(void)
{
	__atomic_store_n(&tf_fail_next, 0, __ATOMIC_RELAXED);
	tf_fail_skip = 0;
}

/*
 * Let @skip allocations pass, then fail @n: nested allocations (the
 * tracker's pool page, page_ext tables) are reachable only with a skip,
 * since the outer allocation is counted first.
 */
void tf_fault_fail_next(unsigned int n, unsigned int skip)
{
	tf_fail_skip = n ? skip : 0;
	__atomic_store_n(&tf_fail_next, n, __ATOMIC_RELAXED);
}

bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	unsigned int left;

	if (gfp_mask & __GFP_NOFAIL)
		return false;
	/* Nothing armed (the common case): no lock. */
	if (!__atomic_load_n(&tf_fail_next, __ATOMIC_RELAXED))
		return false;
	tf_harness_lock();
	if (!__atomic_load_n(&tf_fail_next, __ATOMIC_RELAXED)) {
		tf_harness_unlock();
		return false;
	}
	if (tf_fail_skip) {
		tf_fail_skip--;
		tf_harness_unlock();
		return false;
	}
	left = __atomic_sub_fetch(&tf_fail_next, 1, __ATOMIC_RELAXED);
	tf_harness_unlock();
	tf_note("fault injection: order-%u allocation fails (%u more to fail)", order, left);
	return true;
}

void tf_alloc_depth_enter(void)
{
	if (++tf_cpus[tf_cur_cpu].alloc_depth > TF_ALLOC_DEPTH_MAX)
		tf_report_bug(TF_CHECK_RECURSION, "__alloc_pages_noprof",
			      "page allocator recursion",
			      "page allocator re-entered %d deep on CPU%d",
			      tf_cpus[tf_cur_cpu].alloc_depth, tf_cur_cpu);
}

void tf_alloc_depth_exit(void)
{
	tf_cpus[tf_cur_cpu].alloc_depth--;
}
