/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-flag tag references (issue 6): the id space of kernel and module
 * tags, the page-flag events and what the harness observes, shared by the
 * port's harness glue (target/sim/pgflags.c), the scenario codec and the
 * reference model.  Nothing here includes kernel shims.
 *
 * The page->flags layout is in tagfuzz/pgflags_layout.h (kernel code may
 * include that one; this one is harness-only).
 */
#ifndef _TAGFUZZ_PGFLAGS_H
#define _TAGFUZZ_PGFLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags_layout.h"

/* The kernel tag section holds up to this many tags (2^20 + 8192). */
#define TF_PGF_MAX_KERNEL_TAGS	((1u << 20) + 8192)
#define TF_PGF_MAX_MODULES	16	/* loaded at once */
#define TF_PGF_AREA_TAGS	100000	/* the module tag area: MODULE_ALLOC_TAG_VMAP_SIZE */

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

/* TF_EV_PGF events: .section says which. */
enum tf_pgf_event {
	TF_PGF_EV_BIT_SET,	/* pfn, bit in .order: set_bit() on page->flags */
	TF_PGF_EV_BIT_CLEAR,	/* pfn, bit in .order: clear_bit() */
	TF_PGF_EV_MODULE_LOAD,	/* pfn: first area slot, pfn2: tags, order: module */
	TF_PGF_EV_MODULE_FAILED,/* pfn: align, pfn2: tags, order: module: the load failed;
				 * alloc_flags TF_PGF_FAIL_COUNTERS: load_module()
				 * could not allocate counters (pfn: first area slot) */
	TF_PGF_EV_MODULE_GOING,	/* pfn: first area slot, pfn2: tags, order: module: its
				 * unload begins (release_module_tags() comes next) */
	TF_PGF_EV_MODULE_UNLOAD,/* pfn: first area slot, pfn2: tags, order: module */
	TF_PGF_EV_SHUTDOWN,	/* shutdown_mem_profiling() by the scenario */
	TF_PGF_EV_SYSCTL,	/* vm.mem_profiling written: pfn the value, pfn2 the result (0, -errno) */
	TF_PGF_EV_COUNTERS_USE,	/* a per-CPU access through NULL or freed counters
				 * (target/sim/percpu.c): pfn TF_PGF_CTR_USE_*, pfn2
				 * the field's offset, order enum tf_pcpu_access,
				 * func the function, site the access */
	TF_PGF_EV_MODULE_BUSY,	/* mod_unload refused (-EBUSY): module .order's code
				 * runs on a CPU (an allocation in flight) */
};

/* TF_PGF_EV_MODULE_FAILED's alloc_flags: the counters, not the area, failed. */
#define TF_PGF_FAIL_COUNTERS	1u

/* TF_PGF_EV_COUNTERS_USE's pfn. */
#define TF_PGF_CTR_USE_NULL	0	/* computed from a NULL per-CPU pointer */
#define TF_PGF_CTR_USE_FREED	1	/* inside a slot free_percpu() gave back */

/* What a kernel or module tag's counters pointer holds (tf_observe_pgf_counters()). */
enum tf_pgf_ctr {
	TF_PGF_CTR_OWN,		/* counters of its own, live */
	TF_PGF_CTR_SHADOW,	/* a slot nothing loaded or allocated with: the shared shadow */
	TF_PGF_CTR_NULL,	/* NULL: never allocated, or freed by clean_unused_counters() */
	TF_PGF_CTR_FREED,	/* a pointer to counters free_percpu() gave back */
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
enum tf_pgf_ctr tf_observe_pgf_counters(int id);
/*
 * The tag's counters pointer as the per-CPU shim records its accesses
 * (the CPU 0 address of .bytes), to find them in the cause journal.
 */
const volatile void *tf_observe_pgf_counters_addr(int id);

#endif /* _TAGFUZZ_PGFLAGS_H */
