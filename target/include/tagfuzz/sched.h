/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deterministic scheduler: every simulated CPU can have one op in
 * flight on a fiber of its own; every shim scheduling point lets the
 * scheduler pick which CPU runs next.  Choices follow PCT: the in-flight
 * CPUs have priorities, the highest-priority runnable CPU runs, and at
 * each change point (counted in scheduling points since the run began)
 * the running CPU drops to the lowest priority.  With no change points
 * left the running CPU goes on until its op ends or it blocks.
 */
#ifndef _TAGFUZZ_SCHED_H
#define _TAGFUZZ_SCHED_H

#include <stdbool.h>

#include "tagfuzz/ops.h"

struct tf_loc;

#define TF_MAX_CHANGE_POINTS	16

struct tf_sched_plan {
	unsigned int first;	/* rotation of the initial priority order */
	unsigned int nr_points;
	unsigned int points[TF_MAX_CHANGE_POINTS];	/* step numbers, ascending */
};

/* Runs @op on the CPU it is queued for; supplied by the callers (callers.c). */
typedef void tf_op_fn(const struct tf_op *op);

void tf_sched_reset(tf_op_fn *fn);
/* Queue @op on @cpu; false if @cpu already has an op queued. */
bool tf_sched_queue(int cpu, const struct tf_op *op);
bool tf_sched_pending(void);
/*
 * Run every queued op to its end, interleaved as @plan says.  A BUG in
 * any of them, or a schedule in which no CPU can make progress, ends the
 * scenario through tf_bug_jmp.
 */
void tf_sched_run(const struct tf_sched_plan *plan);
/* True while the calling code runs on a fiber under the scheduler. */
bool tf_sched_active(void);

/*
 * Every scheduling point of a run as the scheduler counts it: @step (the
 * trace's "[step]"), the CPU at it, the shim's @what, its place @loc
 * (tagfuzz/harness.h's struct tf_loc: the API called, the port function
 * and file:line that called it), and @change_point, the number of the
 * change point at which the CPU drops to the lowest priority there (0:
 * none).  Called on the CPU's own stack before the
 * scheduler picks the next CPU.  NULL (the default): nothing is called.
 * fuzz/run.c sets it for a run watch that asks (fuzz/report.c).
 */
extern void (*tf_sched_observer)(unsigned long step, int cpu, const char *what,
				 const struct tf_loc *loc, unsigned int change_point);
/* The bounds of the running CPU's fiber stack; false outside a fiber. */
bool tf_sched_stack(const void **lo, const void **hi);

/* Blocking, for the shims: called only when the wait cannot be avoided. */
void tf_sched_block_on_lock(void *lock);
void tf_sched_block_on_rcu(void);
/* Hotplug: wait until @cpu has no op in flight (it stops before it dies). */
void tf_sched_wait_idle(int cpu);

#endif /* _TAGFUZZ_SCHED_H */
