/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page->flags layout (include/linux/page-flags-layout.h and the
 * LRU_*_PGOFF of include/linux/mmzone.h).  In the kernel every width is a
 * build-time constant; here the scenario chooses how many bits the page
 * flags leave unused (NR_UNUSED_PAGEFLAG_BITS, 1..32), and LAST_CPUPID
 * takes what is left, so the constants below are expressions over that
 * one choice.  tagfuzz/pgflags_layout.h draws the resulting layout.
 */
#ifndef _LINUX_PAGE_FLAGS_LAYOUT
#define _LINUX_PAGE_FLAGS_LAYOUT

#include <linux/bitops.h>
#include "tagfuzz/pgflags_layout.h"

/* The scenario's choice; set at boot (target/sim/pgflags.c). */
extern int tf_pgflag_bits;

#define NR_PAGEFLAGS		TF_PGF_NR_PAGEFLAGS

#define SECTIONS_WIDTH		0
#define NODES_WIDTH		0
#define ZONES_WIDTH		2
#define KASAN_TAG_WIDTH		0
#define LRU_GEN_WIDTH		3
#define LRU_REFS_WIDTH		2
#define LAST_CPUPID_SHIFT	(BITS_PER_LONG - NR_PAGEFLAGS - tf_pgflag_bits - \
				 SECTIONS_WIDTH - NODES_WIDTH - ZONES_WIDTH - \
				 KASAN_TAG_WIDTH - LRU_GEN_WIDTH - LRU_REFS_WIDTH)
#define LAST_CPUPID_WIDTH	LAST_CPUPID_SHIFT

#define SECTIONS_PGOFF		(BITS_PER_LONG - SECTIONS_WIDTH)
#define NODES_PGOFF		(SECTIONS_PGOFF - NODES_WIDTH)
#define ZONES_PGOFF		(NODES_PGOFF - ZONES_WIDTH)
#define LAST_CPUPID_PGOFF	(ZONES_PGOFF - LAST_CPUPID_WIDTH)
#define KASAN_TAG_PGOFF		(LAST_CPUPID_PGOFF - KASAN_TAG_WIDTH)
#define LRU_GEN_PGOFF		(KASAN_TAG_PGOFF - LRU_GEN_WIDTH)
#define LRU_REFS_PGOFF		(LRU_GEN_PGOFF - LRU_REFS_WIDTH)

#define NR_NON_PAGEFLAG_BITS	(SECTIONS_WIDTH + NODES_WIDTH + ZONES_WIDTH + \
				 LAST_CPUPID_SHIFT + KASAN_TAG_WIDTH + \
				 LRU_GEN_WIDTH + LRU_REFS_WIDTH)

#define NR_UNUSED_PAGEFLAG_BITS	(BITS_PER_LONG - \
				 (NR_NON_PAGEFLAG_BITS + NR_PAGEFLAGS))

#endif /* _LINUX_PAGE_FLAGS_LAYOUT */
