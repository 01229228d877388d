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
 * After each run of a fuzz target: the scheduling steps each run group of
 * @s took, kept by the scenario's canonical bytes, so a later mutation of
 * the same input draws change points from the steps it really had.
 * (tf_mutator_steps_of_run(), then tf_mutator_note_steps(); nothing under
 * TAGFUZZ_MUTATOR=bytes.)
 */
void tf_mutator_note_run(const struct tf_scenario *s);

/* Run groups whose steps are kept, per input (the first ones). */
#define TF_MUT_MAX_GROUPS	8

/*
 * The steps each run group of @s took in the run that just ended (read
 * from the journal), at most 255 each, into @steps; the number of groups.
 */
unsigned int tf_mutator_steps_of_run(const struct tf_scenario *s, uint8_t steps[TF_MUT_MAX_GROUPS]);

/*
 * Keep @nr groups' @steps for @s (nr 0: known to have none; change points
 * then come from the fallback range).  The AFL++ library learns them in a
 * child process it runs the input in (fuzz/afl_mutator.c).
 */
void tf_mutator_note_steps(const struct tf_scenario *s, const uint8_t *steps, unsigned int nr);

/* The run groups of the input @data (@size bytes) in the fuzz run's mode. */
unsigned int tf_mutator_run_groups(const uint8_t *data, size_t size, uint8_t what_if);

/* @s has no run group, or its steps are kept: nothing to learn. */
bool tf_mutator_steps_known(const struct tf_scenario *s);

#endif /* _TAGFUZZ_MUTATOR_H */
