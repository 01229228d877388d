/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the simulated machine tells the harness while it runs: page-owner
 * style allocation events, page_ext progress, kernel checks and printks.
 * The reference model consumes these and nothing else from the port.
 */
#ifndef _TAGFUZZ_EVENTS_H
#define _TAGFUZZ_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tagfuzz/harness.h"

enum tf_event_kind {
	TF_EV_PAGE_ALLOC,	/* post_alloc_hook: pfn, order, tag, alloc_flags */
	TF_EV_PAGE_FREE,	/* free_pages_prepare, before the tag is dropped */
	TF_EV_PAGE_SPLIT,	/* split_page()/make_alloc_exact(): pfn, order */
	TF_EV_PAGE_MIGRATE,	/* tag swap: pfn (new) takes pfn2's (old) tag */
	TF_EV_PEXT_ONLINE,	/* a section's page_ext table is live: section */
	TF_EV_PEXT_CALLBACKS,	/* page_ext init callbacks are about to run */
	TF_EV_PEXT_INIT_DONE,	/* ... and have returned */
	TF_EV_CPU_UP,
	TF_EV_CPU_DOWN,
	TF_EV_CHECK,		/* a kernel check fired: check, func, site, msg */
	TF_EV_PRINTK,		/* msg */
	TF_EV_NOTE,		/* harness narration for the trace: msg */
	TF_EV_CALL,		/* a caller is about to free/split/migrate the
				 * allocation at pfn, pfn2 pages long; with
				 * .order TF_CALL_BATCH, a batch of them: each
				 * page's TF_EV_PAGE_FREE says which */
	TF_EV_OP_END,		/* the op running on this CPU has ended */
	TF_EV_PGF,		/* page-flag mode (tagfuzz/pgflags.h): flag bits,
				 * modules, shutdown; .section says which */
	TF_EV_PCP,		/* PCP mode: a hotplug or drain point (TF_PCP_PT_*
				 * in .section) for CPU .pfn has been reached */
	TF_EV_PEXT_TABLE,	/* alloc_page_ext() is about to allocate the table
				 * of .section on node .pfn (the nid it was given);
				 * this CPU's next TF_EV_PAGE_ALLOC is the table */
	TF_EV_MEM_NOTIFY,	/* memory hotplug: the memory notifier chain has run
				 * for action .order (MEM_* of <linux/memory.h>:
				 * TF_MEM_*) on pfns .pfn, .pfn2 of them: .section */
	TF_EV_PAGE_REF,		/* a caller's extra reference on the page at pfn:
				 * .section is enum tf_ref_step */
	TF_EV_HWPOISON,		/* memory_failure() (.section 0) or unpoison_memory()
				 * (.section 1) of pfn is about to run */
	TF_EV_MEM_REFUSED,	/* memory_block_online() refused the block of
				 * .section, at .pfn, with -EHWPOISON before
				 * online_pages() (no notifier ran): .pfn2 is
				 * the poisoned pages the block counts */
};

/* The memory notifier's actions (TF_EV_MEM_NOTIFY .order), as <linux/memory.h>. */
#define TF_MEM_ONLINE		(1 << 0)
#define TF_MEM_GOING_OFFLINE	(1 << 1)
#define TF_MEM_OFFLINE		(1 << 2)
#define TF_MEM_GOING_ONLINE	(1 << 3)
#define TF_MEM_CANCEL_ONLINE	(1 << 4)
#define TF_MEM_CANCEL_OFFLINE	(1 << 5)

/* TF_EV_PAGE_REF's steps, each emitted by the caller on its own CPU. */
enum tf_ref_step {
	TF_REF_GET,		/* folio_try_get() is about to run on pfn */
	TF_REF_GOT,		/* ... and took its reference */
	TF_REF_PUT,		/* put_page() of a held reference is about to run */
	TF_REF_OWNER_FREE,	/* the owner frees the allocation at pfn while
				 * extra references are held: the head stays */
};

#define TF_HWPOISON_POISON	0
#define TF_HWPOISON_UNPOISON	1

enum tf_pcp_point {
	TF_PCP_PT_DEAD_DONE,	/* page_alloc_cpu_dead() has returned */
	TF_PCP_PT_ONLINE_DONE,	/* page_alloc_cpu_online() has returned */
	TF_PCP_PT_DRAINED_ALL,	/* teardown: everything freed, drain_all_pages() done */
	TF_PCP_PT_DRAIN_ALL,	/* a drain_all_pages() of the harness (teardown, isolate) starts */
};

#define TF_TAG_NONE	(-1)
#define TF_CALL_BATCH	1

/* The ALLOC_NO_CODETAG bit in TF_EV_PAGE_ALLOC's alloc_flags. */
#define TF_EV_ALLOC_NO_CODETAG	0x1000u
/* __GFP_NO_CODETAG (__GFP_NO_OBJ_EXT) in its gfp: the tracker variants of seed 000. */
#define TF_EV_GFP_NO_CODETAG	0x400000u

struct tf_event {
	enum tf_event_kind kind;
	int cpu;
	unsigned long pfn, pfn2;
	unsigned int order;
	int tag;		/* tag id (tf_tag_info), or TF_TAG_NONE */
	unsigned int alloc_flags;
	unsigned int gfp;
	unsigned int section;
	enum tf_check_kind check;
	const char *func;
	const char *site;	/* stable name of the check */
	const char *msg;	/* formatted text, valid during the callback */
};

/* Set by the harness; NULL drops events. */
extern void (*tf_event_sink)(const struct tf_event *ev);
/* Stamps ev->cpu and hands the event to the sink (no copy: hot path). */
void tf_emit(struct tf_event *ev);
/* The same for the per-page events; the fields not named are zero. */
void tf_emit_page(enum tf_event_kind kind, unsigned long pfn, unsigned long pfn2,
		  unsigned int order, int tag, unsigned int alloc_flags, unsigned int gfp);

/*
 * One access of a run of concurrent ops (tagfuzz/harness.h's tf_access()),
 * stamped by the scheduler: the run's scheduling step it followed (the
 * trace's "[step]") and the CPU that made it.
 */
struct tf_access_rec {
	unsigned long step;
	int cpu;
	enum tf_access_kind kind;
	const char *site;
	const volatile void *addr;
	unsigned long val;
	const struct tf_loc *loc;	/* where in the port, or NULL */
};
/* Set by the harness; NULL drops accesses (as it does outside runs). */
extern void (*tf_access_sink)(const struct tf_access_rec *a);

/*
 * The scheduler's lines of a trace: each scheduling point a CPU takes
 * during a run (@step, the point's site name @what, its place @loc), or
 * the scheduler's own narration in @msg (@what NULL): the run's start,
 * change points, switches, waits.  Set by the harness while it traces;
 * NULL drops them.
 */
struct tf_sched_line {
	int cpu;
	unsigned long step;
	const char *what;
	const struct tf_loc *loc;
	const char *msg;
};
extern void (*tf_sched_trace_sink)(const struct tf_sched_line *l);

/* Tags, by id: user call sites first, then sites inside the port. */
struct tf_tag_info {
	const char *function;
	const char *filename;
	unsigned int lineno;
	bool user;		/* one of the scenario's call sites */
};
int tf_nr_tags(void);
struct tf_tag_info tf_tag_info(int id);

#endif /* _TAGFUZZ_EVENTS_H */
