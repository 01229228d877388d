/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-flag tag references (issue 6): the simulated machine's page->flags
 * layout and the id space of kernel and module tags, shared by the port's
 * harness glue (target/sim/pgflags.c), the scenario codec and the
 * reference model.  Pure definitions: nothing here includes kernel shims.
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
#ifndef _TAGFUZZ_PGFLAGS_H
#define _TAGFUZZ_PGFLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "tagfuzz/observe.h"

#define TF_PGF_NR_PAGEFLAGS	24
#define TF_PGF_MAX_BITS		32	/* spare bits a scenario may choose: 1..32 */
/* The kernel tag section holds up to this many tags (2^20 + 8192). */
#define TF_PGF_MAX_KERNEL_TAGS	((1u << 20) + 8192)
#define TF_PGF_ZONES_PGOFF	62
#define TF_PGF_ZONE		1ul	/* every page is in zone 1 */
#define TF_PGF_MAX_MODULES	16	/* loaded at once */

/* Variants of the family (struct tf_machine.pgflags_variant). */
enum tf_pgf_variant {
	TF_PGF_CURRENT,		/* mem_profiling_compressed: shut profiling down */
	TF_PGF_V3,		/* seed 003 (v3): fall back to page_ext */
	TF_PGF_NR_VARIANTS
};

/* Tag ids (tf_tag_info, events) of kernel section and module area tags. */
#define TF_TAG_ID_KERNEL	(1 << 24)	/* + index in the kernel section */
#define TF_TAG_ID_MODULE	(1 << 25)	/* + slot in the module tag area */

static inline int tf_pgf_is_kernel_id(int id)
{
	return id >= TF_TAG_ID_KERNEL && id < TF_TAG_ID_MODULE;
}

static inline int tf_pgf_is_module_id(int id)
{
	return id >= TF_TAG_ID_MODULE && id < 2 * TF_TAG_ID_MODULE;
}

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

/* TF_EV_PGF events: .section says which. */
enum tf_pgf_event {
	TF_PGF_EV_BIT_SET,	/* pfn, bit in .order: set_bit() on page->flags */
	TF_PGF_EV_BIT_CLEAR,	/* pfn, bit in .order: clear_bit() */
	TF_PGF_EV_MODULE_LOAD,	/* pfn: first area slot, pfn2: tags, order: module */
	TF_PGF_EV_MODULE_FAILED,/* pfn: align, pfn2: tags, order: module: the load failed */
	TF_PGF_EV_MODULE_UNLOAD,/* pfn: first area slot, pfn2: tags, order: module */
	TF_PGF_EV_SHUTDOWN,	/* shutdown_mem_profiling() by the scenario */
	TF_PGF_EV_SYSCTL,	/* vm.mem_profiling written: pfn the value, pfn2 the result (0, -errno) */
};

/* Allocation tag selector (tagalloc op): bits 14-15 which set, 0-13 offset. */
#define TF_PGF_SEL_KERNEL	0	/* kernel tag offset, from the first */
#define TF_PGF_SEL_KERNEL_END	1	/* kernel tag count - 1 - offset */
#define TF_PGF_SEL_MODULE	2	/* loaded modules' tags, in module order */
#define TF_PGF_SEL_MODULE_END	3
#define TF_PGF_SEL_MAX_OFF	0x3fff

/* What a page's flags hold and what the port decodes from them. */
struct tf_pgf_obs {
	uint64_t flags;		/* page->flags */
	bool compressed;	/* refs are in the flags (else page_ext: .state/.tag) */
	uint64_t idx;		/* the stored index (compressed) */
	enum tf_ref_state state;	/* idx_to_ref() of it: NULL, EMPTY, TAG or BAD */
	int tag;		/* TAG: the tag id */
};

struct tf_pgf_state {
	bool compressed;	/* mem_profiling_compressed */
	bool profiling;		/* mem_alloc_profiling_enabled() */
	bool support;		/* mem_profiling_support */
	unsigned long kernel_tags;	/* kernel_tags.count */
	uint64_t ref_mask;
	int ref_offs;
	bool shadow_counted;	/* a tag no allocation used has counts */
};

struct tf_pgf_obs tf_observe_pgf(unsigned long pfn);
/* The tag has no counters of its own: nothing allocated with it (it reads the shadow's). */
bool tf_observe_pgf_tag_unused(int id);
struct tf_pgf_state tf_observe_pgf_state(void);

#endif /* _TAGFUZZ_PGFLAGS_H */
