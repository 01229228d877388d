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

/*
 * F17: the RFC's one-line pcp->flags updates in page_alloc_cpu_dead() and
 * page_alloc_cpu_online() are plain read-modify-writes under pcp->lock
 * that a remote freer reads with READ_ONCE() and no lock.  pcp_split.c
 * makes them as pcp_flags_set_dead()/pcp_flags_clear_dead(), which are
 * these (fuzz/tsan.supp, tagfuzz/racy.h); each probe makes the write
 * in the hotplug callback's own frame instead.
 */
static noinline void tf_racy_pcp_flags_set_dead(struct per_cpu_pages *pcp)
{
	pcp->flags |= PCPF_CPU_DEAD;
}

static noinline void tf_racy_pcp_flags_clear_dead(struct per_cpu_pages *pcp)
{
	pcp->flags &= ~PCPF_CPU_DEAD;
}

#define pcp_flags_set_dead(pcp) do {						\
	if (tf_racy_probe_on(pcp_flags_set_dead))				\
		(pcp)->flags |= PCPF_CPU_DEAD;					\
	else									\
		tf_racy_pcp_flags_set_dead(pcp);				\
} while (0)
#define pcp_flags_clear_dead(pcp) do {						\
	if (tf_racy_probe_on(pcp_flags_clear_dead))				\
		(pcp)->flags &= ~PCPF_CPU_DEAD;					\
	else									\
		tf_racy_pcp_flags_clear_dead(pcp);				\
} while (0)

#include "../mm/pcp_split.c"
