/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cause journal: what happened in this run, in order, for the
 * known-finding predicates (docs/findings.md, "Cause").  Every event the
 * port emits and every access of a run of concurrent ops (tf_access()),
 * each stamped with the op it came in and, inside a run, the scheduling
 * step it followed (the trace's "[step]").  A predicate cites steps from
 * here, so a reader can find them in `out/replay --trace`.
 *
 * What it keeps, whatever the scenario (docs/architecture.md, "the cause
 * journal"): when it fills up it is compacted, never cut off.  A
 * compaction keeps the latest TF_JOURNAL_TAIL records whole and, before
 * them, every record a cause reads by its key:
 *
 *   - every event of the kinds that come a few per op (page_ext online,
 *     the init callbacks, memory notifier, hotplug refusal, CPU up and
 *     down, PCP points, op ends, hwpoison, page-flag module and profiling
 *     events) and every allocation of the early PFN tracker's pool pages;
 *   - for each pfn, the last allocation that covers it, the last split
 *     of an allocation at it and the last free of it.
 *
 * It drops, from before the tail, every access, every allocation, split
 * and free a later one of the same pfn superseded, and the events no
 * cause reads (calls, checks, printks, extra references, migrations,
 * page-flag bit flips and counter uses).  So "the last X of pfn p" and
 * "the last event of a kept kind" are exact for any valid scenario, and
 * so is every access found: dropped accesses all came before the oldest
 * one kept.  The kept part is bounded by the pages and the ops
 * (TF_MAX_PAGES * 3 plus a few events per op), and the array doubles when a
 * compaction leaves less than a quarter of it free.  What was dropped
 * between two records is tf_journal_lost(): a cause that scans accesses
 * or a CPU's work inside an op across such a gap says the journal
 * overflowed, as the records are missing.
 */
#ifndef _TAGFUZZ_JOURNAL_H
#define _TAGFUZZ_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tagfuzz/events.h"

/* The room a run starts with, and the latest records a compaction keeps whole. */
#define TF_JOURNAL_INIT		65536
#define TF_JOURNAL_TAIL		16384

struct tf_jrec {
	long op;		/* the scenario op, -1 for boot and teardown */
	/*
	 * The scenario op whose body (context) made it: .op for an op run
	 * directly, the started op's own index for a started op run in a
	 * group (a `run` op's or one an op ran first), -1 for boot and
	 * teardown.  Two records of one body are one context.
	 */
	long body;
	bool access;		/* .a is valid, else .ev */
	union {
		struct tf_access_rec a;
		struct tf_event ev;	/* .msg is not kept (NULL) */
	};
};

void tf_journal_reset(void);
void tf_journal_set_op(long op);
/* The body the next records come from (tf_jrec.body). */
void tf_journal_set_body(long body);
void tf_journal_event(const struct tf_event *ev);
void tf_journal_access(const struct tf_access_rec *a);

size_t tf_journal_len(void);
const struct tf_jrec *tf_journal_at(size_t i);
/* A compaction dropped records in this run (tf_journal_dropped() of them). */
bool tf_journal_overflowed(void);
size_t tf_journal_dropped(void);
/* The room the journal has now (TF_JOURNAL_INIT unless the kept part outgrew it). */
size_t tf_journal_capacity(void);

/*
 * What was dropped between record @from (-1: the run's start) and record
 * @to (tf_journal_len(): now), both excluded: TF_JOURNAL_LOST_ACCESS for
 * accesses, TF_JOURNAL_LOST_EV(kind) for events of that kind; 0 when
 * every record between them is kept.
 */
#define TF_JOURNAL_LOST_ACCESS		(1ull << 63)
#define TF_JOURNAL_LOST_EV(kind)	(1ull << (kind))
uint64_t tf_journal_lost(long from, long to);

/*
 * The last scheduling step an access of op @op (a `run` op: its group)
 * was stamped with, 0 if none: how many steps the group took.  Each
 * schedule of the group is its change points among these (fuzz/explore.c,
 * fuzz/mutator.c).  Kept per op, whatever the compactions dropped.
 */
unsigned long tf_journal_op_steps(long op);

/* The last event of @kind before record @before; its index, or -1. */
long tf_journal_prev_event(size_t before, enum tf_event_kind kind);
/* The event of the same kind before event record @i, or -1. */
long tf_journal_prev_same(long i);

/*
 * The last access before record @before (tf_journal_len() for "now") of
 * kind @kind (or any kind when negative) to @addr by @cpu (any CPU when
 * negative) whose site starts with @site (any site when NULL); its index,
 * or -1 (then, if tf_journal_lost() says accesses were dropped before
 * @before, the journal cannot tell).
 */
long tf_journal_find_access(size_t before, int kind, const volatile void *addr, int cpu,
			    const char *site);

#endif /* _TAGFUZZ_JOURNAL_H */
