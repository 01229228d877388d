/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario definitions shared by the port's harness glue (target/sim),
 * the scenario codec (fuzz/) and the reference model (reference/).
 *
 * A scenario is a machine header followed by a list of ops.  Every field
 * here holds an already-normalised value: the decoder maps raw bytes into
 * these ranges, so anything that holds a struct tf_scenario is valid.
 */
#ifndef _TAGFUZZ_OPS_H
#define _TAGFUZZ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tagfuzz/limits.h"	/* TF_MAX_CPUS, TF_MAX_SECTIONS, TF_MAX_ORDER, ... */

#define TF_MAX_OPS		4096	/* decoder stops here and says so */
#define TF_NR_USER_TAGS		16	/* call sites a scenario can allocate from */
#define TF_MAX_EXACT_PAGES	32
#define TF_MAX_BULK		32
#define TF_MAX_BURST		256
#define TF_MAX_BURST_ORDER	3
#define TF_MAX_BURST_ROUNDS	16
#define TF_MAX_SETUP_PAGES	63
#define TF_MAX_FAIL_NEXT	15
#define TF_MAX_FAIL_SKIP	15
#define TF_NR_PRESSURE		4
#define TF_MAX_MOD_ALIGN_CODE	8	/* align = code ? 1 << (code - 1) : 0 */
#define TF_MOD_PREPEND_STEP	20	/* prepend = code * 20 bytes, code 0..15 */
#define TF_MAX_HOTPLUG_SECTIONS	3	/* header byte 1 bits 6-7 */

struct tf_machine {
	uint8_t section_pages;	/* 16, 32, 64 or 128 */
	uint8_t nr_sections;	/* 1..TF_MAX_SECTIONS */
	uint8_t nr_cpus;	/* 1..TF_MAX_CPUS; CPU 0 boots, others start down */
	/*
	 * NUMA nodes, 1..TF_MAX_NODES and at most nr_sections (0 reads as 1):
	 * the sections are spread over them in contiguous ranges, node order
	 * = pfn order (tf_machine_section_nid()); CPU c sits on node
	 * c % nodes (tf_machine_cpu_nid()).
	 */
	uint8_t nr_nodes;
	bool debug;		/* CONFIG_MEM_ALLOC_PROFILING_DEBUG */
	bool profiling;		/* mem_alloc_profiling_enabled() */
	uint8_t wmark;		/* 0..7: min watermark = pages * (wmark + 1) / 128, at least 1 */
	uint8_t tracker;	/* early-PFN tracker variant: enum tf_tracker (variants.h) */
	/*
	 * Page-flag tag references (issue 6, tagfuzz/pgflags.h): 0 keeps refs
	 * in page_ext; 1..TF_PGF_MAX_BITS is NR_UNUSED_PAGEFLAG_BITS and turns
	 * the compressed mode on, with kernel_tags tags in the kernel section
	 * and pgflags_variant (enum tf_pgf_variant) picking the family member.
	 */
	uint8_t pgflag_bits;
	uint8_t pgflags_variant;
	uint32_t kernel_tags;
	/*
	 * PCP mode (issue 5, seed 004): the PCP ops are decodable and the run
	 * uses pcp_variant (0 upstream's free path, 1 seed 004's split path).
	 * Never together with page-flag mode.
	 */
	bool pcp;
	uint8_t pcp_variant;
	/*
	 * Boot order (fuzz/phases.c, docs/fidelity.md "Execution contexts").
	 * early_page_ext: page_ext_init() runs from mm_core_init() on the
	 * boot CPU, before smp_init(); always so with debug (the DEBUG config
	 * defaults it on, the boot parameter can only turn it on).  Off (a
	 * non-debug kernel with deferred struct page init) it runs from
	 * kernel_init_freeable() after smp_init(), while other CPUs run.
	 * what_if (enum tf_what_if): a labelled mode that lifts the boot
	 * order; its findings are not claims about upstream.
	 */
	bool early_page_ext;
	uint8_t what_if;
	/*
	 * Memory hotplug (issue 16): hotplug_sections more sections after the
	 * nr_sections boot ones, in the memory map but offline at boot, for
	 * mem_online to hot-add (0..TF_MAX_HOTPLUG_SECTIONS; all sections
	 * together at most TF_MAX_SECTIONS).
	 */
	uint8_t hotplug_sections;
};

/* Sections in the memory map: the boot ones and those hot-added later. */
static inline unsigned int tf_machine_sections(const struct tf_machine *m)
{
	return m->nr_sections + m->hotplug_sections;
}

/* Pages in the memory map (max_pfn). */
static inline unsigned long tf_machine_pages(const struct tf_machine *m)
{
	return (unsigned long)m->section_pages * tf_machine_sections(m);
}

enum tf_what_if {
	TF_WHAT_IF_NONE,
	TF_WHAT_IF_SMP_EARLY_BOOT,	/* other CPUs run in the early phase and in page_ext_init() */
	TF_NR_WHAT_IF
};

/*
 * The ops.  These values are not byte codes: an op's code in each mode
 * (what saved inputs mean) is fixed in the op table of fuzz/codec.c, with
 * its compatibility rule, so a new op can go anywhere here.
 */
enum tf_op_kind {
	TF_OP_ALLOC,		/* cpu, alloc kind, order/pages/nr, gfp, tag, untagged */
	TF_OP_FREE,		/* cpu, idx: free a live allocation (whole) */
	TF_OP_SPLIT,		/* cpu, idx: split_page() a live order > 0 allocation */
	TF_OP_FREE_EXACT,	/* cpu, idx: free_pages_exact() a live exact allocation */
	TF_OP_PEXT_ONLINE,	/* section: page_ext_init() has reached this section */
	TF_OP_PEXT_INIT,	/* page_ext_init() finishes: all sections, then callbacks */
	TF_OP_PRESSURE,		/* level 0..3: move the watermarks */
	TF_OP_FAIL_NEXT,	/* n, skip: after skip more, n page allocations fail */
	TF_OP_CPU_UP,		/* cpu, pages: bring a CPU up; its setup allocates pages */
	TF_OP_CPU_DOWN,		/* cpu: take a CPU down (never CPU 0) */
	TF_OP_BURST,		/* cpu, count, order, tag: count allocations in one op */
	TF_OP_DRAIN,		/* cpu, all: drain one CPU's pagesets, or every CPU's */
	TF_OP_MIGRATE,		/* cpu, idx: migrate a live allocation (tag swap) */
	TF_OP_START,		/* bytes only: the next op is started, not awaited */
	TF_OP_RUN,		/* first, at, at2: run the started ops interleaved */
	TF_OP_PREEMPT,		/* at: one more change point for the next run */
	/* Page-flag mode only (machine pgflag_bits=N). */
	TF_OP_TAGALLOC,		/* cpu, order, gfp, tagsel: alloc_pages() from any kernel/module tag */
	TF_OP_MOD_LOAD,		/* n tags, align, prepend: load a module */
	TF_OP_MOD_UNLOAD,	/* n: unload a loaded module (modulo how many) */
	TF_OP_PGFLAG,		/* cpu, n (live idx), page, bit, clear: set/clear a page flag bit */
	TF_OP_PROF_SHUTDOWN,	/* shutdown_mem_profiling() */
	TF_OP_PROF_SYSCTL,	/* n 0/1: write vm.mem_profiling from user space */
	/* PCP mode only (machine pcp=...). */
	TF_OP_ISOLATE,		/* n block, clear: isolate a pageblock (then drain all), or undo */
	TF_OP_FREE_BATCH,	/* cpu, n idx, count: free_unref_folios() of count allocations */
	TF_OP_FREE_NOLOCK,	/* cpu, n idx: free_pages_nolock() */
	/* Memory hotplug (issue 16), every mode, runtime only. */
	TF_OP_MEM_ONLINE,	/* n section: hot-add (or re-online) a section: online_pages() */
	TF_OP_MEM_OFFLINE,	/* n section: hot-remove a section: offline_pages() */
	/* Extra page references and poisoned pages (issue 16): every mode. */
	TF_OP_GET_PAGE,		/* cpu, n idx: an extra reference on a live allocation's head */
	TF_OP_PUT_PAGE,		/* cpu, n idx: drop an extra reference (modulo how many are held) */
	TF_OP_POISON,		/* cpu, n idx: memory_failure() on a live order-0 allocation's page */
	TF_OP_UNPOISON,		/* cpu, n idx: unpoison_memory() of a poisoned page (modulo how many) */
	TF_NR_OPS
};
#define TF_MAX_FREE_BATCH	31			/* a folio_batch */

enum tf_alloc_kind {
	TF_ALLOC_PAGES,		/* alloc_pages(gfp, order) */
	TF_ALLOC_EXACT,		/* alloc_pages_exact(pages * PAGE_SIZE, gfp) */
	TF_ALLOC_BULK,		/* alloc_pages_bulk(gfp, nr, array) */
	TF_NR_ALLOC_KINDS
};

enum tf_gfp_class {
	TF_GFP_KERNEL,		/* GFP_KERNEL */
	TF_GFP_ATOMIC,		/* GFP_ATOMIC */
	TF_GFP_NOWAIT,		/* GFP_NOWAIT */
	TF_GFP_MEMALLOC,	/* GFP_KERNEL | __GFP_MEMALLOC */
	TF_NR_GFP_CLASSES
};

struct tf_op {
	enum tf_op_kind kind;
	uint8_t cpu;		/* < machine.nr_cpus */
	uint8_t alloc_kind;	/* ALLOC: enum tf_alloc_kind */
	uint8_t gfp;		/* ALLOC: enum tf_gfp_class */
	uint8_t tag;		/* ALLOC, BURST: < TF_NR_USER_TAGS */
	bool untagged;		/* ALLOC: current->alloc_tag is NULL */
	bool all;		/* DRAIN: every CPU */
	/*
	 * The one numeric operand, by kind: ALLOC order (PAGES), pages
	 * (EXACT) or nr (BULK); FREE/SPLIT/FREE_EXACT/MIGRATE live index
	 * (taken modulo the live count at run time); PEXT_ONLINE section;
	 * PRESSURE level; FAIL_NEXT n; CPU_UP setup pages; BURST count;
	 * MEM_ONLINE/MEM_OFFLINE section.
	 */
	uint16_t n;
	uint8_t order;		/* BURST: order of each allocation */
	uint8_t rounds;		/* BURST: the count is allocated this often (1..16; 0 reads as 1) */
	bool churn;		/* BURST: each round's pages are freed at its end */
	uint8_t skip;		/* FAIL_NEXT: allocations that pass first */
	bool async;		/* started: queued on its CPU until the next run */
	/* RUN: initial priority rotation and up to two change points. */
	uint8_t first;
	uint16_t at, at2;	/* 0: none; at2 > at */
	/* Page-flag mode ops. */
	uint16_t tagsel;	/* TAGALLOC: TF_PGF_SEL_* << 14 | offset */
	uint8_t align_code;	/* MOD_LOAD: align = code ? 1 << (code - 1) : 0 */
	uint8_t prepend_code;	/* MOD_LOAD: prepend = code * TF_MOD_PREPEND_STEP bytes */
	uint8_t bit;		/* PGFLAG: the flag bit (never a tag index bit) */
	uint8_t page;		/* PGFLAG: page within the allocation (modulo its pages) */
	bool clear;		/* PGFLAG: clear the bit (else set it); ISOLATE: undo */
	uint8_t count;		/* FREE_BATCH: allocations in the batch (1..31) */
};

/*
 * The buddy allocator's largest order on this machine: a max-order block
 * never spans a memory section, as in the kernel (where a section is far
 * larger than a max-order block).  Decoded orders are taken modulo it.
 */
static inline unsigned int tf_machine_max_order(const struct tf_machine *m)
{
	unsigned int order = 0;

	while ((2u << order) <= m->section_pages && order < TF_MAX_ORDER)
		order++;
	return order;
}

/* The machine's NUMA nodes: nr_nodes, 0 read as 1. */
static inline unsigned int tf_machine_nodes(const struct tf_machine *m)
{
	return m->nr_nodes ? m->nr_nodes : 1;
}

/* The first section of node @nid (node @nid ends where node @nid + 1 starts). */
static inline unsigned int tf_machine_node_start_section(const struct tf_machine *m,
							 unsigned int nid)
{
	return nid * m->nr_sections / tf_machine_nodes(m);
}

/*
 * The node of section @section, from the machine alone: node n holds
 * sections [n * sections / nodes, (n + 1) * sections / nodes).  A section
 * past the boot memory (memory hot-add) extends the last node.  The
 * harness's set_section_nid() at boot, page_to_nid() through it and the
 * reference model all take the layout from here.
 */
static inline unsigned int tf_machine_section_nid(const struct tf_machine *m,
						  unsigned int section)
{
	unsigned int nid = tf_machine_nodes(m) - 1;

	while (nid && section < tf_machine_node_start_section(m, nid))
		nid--;
	return nid;
}

/* cpu_to_node(): CPU @cpu sits on node cpu % nodes. */
static inline unsigned int tf_machine_cpu_nid(const struct tf_machine *m, unsigned int cpu)
{
	return cpu % tf_machine_nodes(m);
}

struct tf_scenario {
	struct tf_machine m;
	size_t nr_ops;
	bool truncated;		/* input held more than TF_MAX_OPS ops */
	struct tf_op ops[TF_MAX_OPS];
};

#endif /* _TAGFUZZ_OPS_H */
