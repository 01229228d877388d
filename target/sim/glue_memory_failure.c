// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/memory-failure.c (see glue_page_alloc.c): the two
 * page_alloc.c functions it calls that the port does not carry.
 */
#include "../mm/internal.h"
#include "tagfuzz/glue.h"

/*
 * zone_pcp_disable()/zone_pcp_enable() (mm/page_alloc.c) set every
 * pageset's high to 0 and batch to 1, drain every online CPU's lists of
 * the zone (__drain_all_pages(zone, true)), and put high and batch back.
 * memory_failure() and unpoison_memory() run here with no other op in
 * flight (poison and unpoison cannot be started), so only the forced
 * drain has an effect.
 */
void zone_pcp_disable(struct zone *zone)
{
	int cpu;

	for_each_online_cpu(cpu)
		drain_pages_zone(cpu, zone);
}

void zone_pcp_enable(struct zone *zone)
{
}

#include "../mm/memory-failure.c"

void tf_memory_failure_reset(void)
{
	num_poisoned_pages.counter = 0;
	hw_memory_failure = false;
}
