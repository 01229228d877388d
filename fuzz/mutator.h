/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The structure-aware mutator (issue 18): mutations on ops, the machine
 * header and schedules instead of bytes, for libFuzzer's custom mutator
 * and cross-over hooks (fuzz/mutator.c) and the AFL++ custom mutator
 * library built from the same source (fuzz/afl_mutator.c).
 */
#ifndef _TAGFUZZ_MUTATOR_H
#define _TAGFUZZ_MUTATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tagfuzz/ops.h"

/* What the mutator did last (for the tests and the trace). */
enum tf_mutation {
	TF_MUT_BYTES,		/* the engine's own byte mutation */
	TF_MUT_INSERT,		/* a new op from the input's mode's table */
	TF_MUT_DELETE,
	TF_MUT_DUPLICATE,
	TF_MUT_SWAP,		/* two neighbours */
	TF_MUT_OPERAND,		/* one operand within its range */
	TF_MUT_WRAP,		/* ops into a start ... run group */
	TF_MUT_UNWRAP,		/* a run group back into plain ops */
	TF_MUT_HEADER,		/* one machine header bit */
	TF_MUT_SCHEDULE,	/* a run's change points or first CPU, or a preempt */
	TF_MUT_RACE,		/* two ops started together on two CPUs, then a run */
	TF_NR_MUTATIONS
};
extern const char *const tf_mutation_name[TF_NR_MUTATIONS];

/*
 * TAGFUZZ_MUTATOR=bytes leaves every mutation to the engine (read once;
 * anything else, or unset, mixes both).
 */
bool tf_mutator_structured(void);

/*
 * Mutate the input @data (@size bytes, room for @max) in place with one
 * structured mutation chosen by @seed; the new size (0 when it could not,
 * then the caller falls back to bytes).  @what_if: the fuzz run's mode.
 */
size_t tf_mutate(uint8_t *data, size_t size, size_t max, unsigned int seed, uint8_t what_if,
		 enum tf_mutation *done);

/* A child of two inputs: @a's header and first ops, then @b's last ops. */
size_t tf_cross_over(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		     uint8_t *out, size_t max, unsigned int seed, uint8_t what_if);

/* The fuzz run's what-if mode (TAGFUZZ_WHAT_IF), for the libFuzzer hooks. */
void tf_mutator_set_what_if(uint8_t what_if);

/*
 * After each run of a fuzz target: what each run group of @s did (its
 * steps and its conflict steps, below), kept by the scenario's canonical
 * bytes, so a later mutation of the same input draws change points from
 * the run it really had.  (tf_mutator_run_info(), then
 * tf_mutator_note_info(); nothing under TAGFUZZ_MUTATOR=bytes.)
 */
void tf_mutator_note_run(const struct tf_scenario *s);

/* Run groups whose steps are kept, per input (the first ones). */
#define TF_MUT_MAX_GROUPS	8
/* Conflict steps kept per group. */
#define TF_MUT_MAX_CONFLICTS	32

/*
 * What a run of an input showed, per run group: the steps it took (at
 * most 255), which CPUs took them and how many each, and its conflicts:
 * points right before an access to an object another CPU of the group
 * also accesses in that run, each as (CPU, its nth point).  A change
 * point at one of them moves that access after the other CPU's; a switch
 * anywhere else only reorders accesses to objects no other CPU touches
 * (RFF's and PCT's observation: a race's few points are among the
 * conflicting accesses).  A CPU's own points are counted, not the run's
 * steps: they stay the same when the schedule changes, and a schedule
 * aimed at them is built from them (mutate_schedule()).
 */
struct tf_mut_group_info {
	uint8_t steps;			/* the run's, at most 255 */
	uint8_t cpus;			/* the CPUs that took points, a mask */
	uint8_t points[TF_MAX_CPUS];	/* each CPU's points, at most 255 */
	uint8_t nr_conflicts;
	uint8_t conflict_cpu[TF_MUT_MAX_CONFLICTS];
	uint8_t conflict_point[TF_MUT_MAX_CONFLICTS];	/* 1: the CPU's first */
};

struct tf_mut_run_info {
	uint8_t nr;			/* run groups */
	struct tf_mut_group_info g[TF_MUT_MAX_GROUPS];
};

/*
 * What each run group of @s did in the run that just ended (steps from
 * the journal, conflict steps from tf_mutator_access()) into @ri.
 */
void tf_mutator_run_info(const struct tf_scenario *s, struct tf_mut_run_info *ri);

/*
 * Keep @ri for @s (@ri NULL or ri->nr 0: known to have no steps; change
 * points then come from the fallback range).  The AFL++ library learns it
 * in a child process it runs the input in (fuzz/afl_mutator.c).
 */
void tf_mutator_note_info(const struct tf_scenario *s, const struct tf_mut_run_info *ri);

/*
 * The run's side, from fuzz/run.c: every run begins; each scheduling
 * point and each access of a run group, in scenario op @op (the group's
 * `run` op, or the op that ran it), when the run collects for the mutator
 * (tf_run_opts.for_mutator).  Nothing under TAGFUZZ_MUTATOR=bytes.
 */
struct tf_access_rec;
void tf_mutator_run_begin(void);
void tf_mutator_sched(long op, unsigned long step, int cpu);
void tf_mutator_access(long op, const struct tf_access_rec *a);

/* The run groups of the input @data (@size bytes) in the fuzz run's mode. */
unsigned int tf_mutator_run_groups(const uint8_t *data, size_t size, uint8_t what_if);

/* @s has no run group, or its steps are kept: nothing to learn. */
bool tf_mutator_steps_known(const struct tf_scenario *s);

#endif /* _TAGFUZZ_MUTATOR_H */
