/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cause journal: what happened in this run, in order, for the
 * known-finding predicates (docs/findings.md, "Cause").  Every event the
 * port emits and every access of a run of concurrent ops (tf_access()),
 * each stamped with the op it came in and, inside a run, the scheduling
 * step it followed (the trace's "[step]").  A predicate cites steps from
 * here, so a reader can find them in `out/replay --trace`.
 */
#ifndef _TAGFUZZ_JOURNAL_H
#define _TAGFUZZ_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tagfuzz/events.h"

/*
 * Records kept per run; past it the journal says it overflowed.  Accesses
 * stop at TF_JOURNAL_ACCESS_MAX so that the rest is left for events, which
 * are few and which the predicates need most (a burst in a run makes tens
 * of thousands of accesses).
 */
#define TF_JOURNAL_MAX		65536
#define TF_JOURNAL_ACCESS_MAX	49152

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
/* Records were dropped: a predicate that finds nothing must say so. */
bool tf_journal_overflowed(void);

/*
 * The last scheduling step an access of op @op (a `run` op: its group)
 * was stamped with, 0 if none: how many steps the group took.  Each
 * schedule of the group is its change points among these (fuzz/explore.c,
 * fuzz/mutator.c).
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
 * or -1.
 */
long tf_journal_find_access(size_t before, int kind, const volatile void *addr, int cpu,
			    const char *site);

#endif /* _TAGFUZZ_JOURNAL_H */
