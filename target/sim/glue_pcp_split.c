// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/pcp_split.c (see glue_page_alloc.c): the harness
 * narration the split path prints for `replay -t`, and the CPU a
 * pageset belongs to (the series' context has it; the port computes it
 * from the per-CPU layout).
 */
#include "../mm/internal.h"
#include "tagfuzz/sim.h"

/* Harness narration for `replay -t` (where each page went); no effect on the port. */
#define pcp_trace(...)	tf_note(__VA_ARGS__)

static inline int pcp_cpu(const struct per_cpu_pages *pcp)
{
	struct zone *zone;

	/* Each node's zone has its pagesets: find the one @pcp belongs to. */
	for_each_populated_zone(zone) {
		long off = (const char *)pcp - (const char *)zone->per_cpu_pageset;

		if (off >= 0 && off < (long)TF_MAX_CPUS * TF_PCPU_UNIT && !(off % TF_PCPU_UNIT))
			return off / TF_PCPU_UNIT;
	}
	return -1;
}

#include "../mm/pcp_split.c"
