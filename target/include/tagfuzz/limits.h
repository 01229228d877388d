/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine's fixed bounds: how many CPUs, sections and
 * pages a scenario may have at most, and the orders the port is built
 * for.  Kernel code and the shims may include this (NR_CPUS,
 * NR_MEM_SECTIONS, MAX_PAGE_ORDER's bound, pageblock_order's check); the
 * scenario language (tagfuzz/ops.h) includes it too.
 */
#ifndef _TAGFUZZ_LIMITS_H
#define _TAGFUZZ_LIMITS_H

#define TF_MAX_CPUS		8
#define TF_MAX_NODES		4	/* NUMA nodes (MAX_NUMNODES of the machine) */
#define TF_MAX_SECTIONS		64
#define TF_MAX_SECTION_PAGES	128
#define TF_MAX_PAGES		(TF_MAX_SECTIONS * TF_MAX_SECTION_PAGES)
#define TF_MAX_ORDER		10	/* MAX_PAGE_ORDER */
#define TF_PAGEBLOCK_ORDER	3	/* pageblock_order in the port (mmzone.h) */

#endif /* _TAGFUZZ_LIMITS_H */
