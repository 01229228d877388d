// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/memory-failure.c (see glue_page_alloc.c).  The
 * zone_pcp_disable()/zone_pcp_enable() it calls are page_alloc.c's own
 * (the port carries them for memory hotplug).  memory_failure() and
 * unpoison_memory() run here with no other op in flight (poison and
 * unpoison cannot be started), which stands for pcp_batch_high_lock.
 */
#include "../mm/internal.h"
#include "tagfuzz/glue.h"

#include "../mm/memory-failure.c"

void tf_memory_failure_reset(void)
{
	num_poisoned_pages.counter = 0;
	hw_memory_failure = false;
}
