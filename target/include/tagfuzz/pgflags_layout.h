/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine's page->flags layout, for <linux/page-flags-layout.h>
 * and for the harness that reads the flags back (tagfuzz/pgflags.h).
 * Pure definitions: kernel code may include this.
 *
 * page->flags, from bit 0 up, for a scenario with B spare bits:
 *
 *   [0, 24)          PG_ flags (NR_PAGEFLAGS)
 *   [24, 24+B)       unused by the page flags: the tag index
 *   [24+B, 26+B)     LRU_REFS          [26+B, 29+B)   LRU_GEN
 *   [29+B, 62)       LAST_CPUPID       [62, 64)       ZONES
 *
 * (no SECTIONS, NODES or KASAN tag bits: vmemmap, one node, no KASAN.)
 */
#ifndef _TAGFUZZ_PGFLAGS_LAYOUT_H
#define _TAGFUZZ_PGFLAGS_LAYOUT_H

#include <stdint.h>

#define TF_PGF_NR_PAGEFLAGS	24
#define TF_PGF_MAX_BITS		32	/* spare bits a scenario may choose: 1..32 */
#define TF_PGF_ZONES_PGOFF	62
#define TF_PGF_ZONE		1ul	/* every page is in zone 1 */

/* Variants of the family (struct tf_machine.pgflags_variant). */
enum tf_pgf_variant {
	TF_PGF_CURRENT,		/* mem_profiling_compressed: shut profiling down */
	TF_PGF_V3,		/* seed 003 (v3): fall back to page_ext */
	TF_PGF_NR_VARIANTS
};

/* Bits [lo, lo + n) of a word. */
static inline uint64_t tf_pgf_field(unsigned int lo, unsigned int n)
{
	return n >= 64 ? ~0ull : ((1ull << n) - 1) << lo;
}

/* The tag index field for @bits spare bits. */
static inline uint64_t tf_pgf_tag_field(unsigned int bits)
{
	return tf_pgf_field(TF_PGF_NR_PAGEFLAGS, bits);
}

/*
 * page->flags of every page at boot: its zone, and LAST_CPUPID all ones
 * (page_cpupid_reset_last()); PG_ flags, LRU bits and the tag index zero.
 */
static inline uint64_t tf_pgf_boot_flags(unsigned int bits)
{
	unsigned int cpupid_lo = TF_PGF_NR_PAGEFLAGS + bits + 5;

	return (TF_PGF_ZONE << TF_PGF_ZONES_PGOFF) |
	       tf_pgf_field(cpupid_lo, TF_PGF_ZONES_PGOFF - cpupid_lo);
}

#endif /* _TAGFUZZ_PGFLAGS_LAYOUT_H */
