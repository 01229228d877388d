/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differential runs: one scenario through several early-PFN tracker
 * variants -- or, in PCP mode, through upstream's PCP free path and seed
 * 004's split path -- each on a freshly booted machine, and a comparison
 * of what tagging did in each (docs/variants.md):
 *
 *  - per allocation (identified by the CPU it ran on and its place in
 *    that CPU's sequence of allocations): the tag state its head holds
 *    when it is freed (a tag, none -- NULL or EMPTY --, or no page_ext)
 *    and whether a kernel check fired on it that the model did not
 *    expect;
 *  - per tag: calls, bytes and the inaccurate flag after the scenario's
 *    ops and after teardown, leaving out the tracker's own call site.
 *
 * Only what is comparable is compared: runs that allocated differently
 * (different allocations succeeded, or frees picked different ones --
 * tracker pages take memory and fault-injection slots) are "diverged";
 * an allocation made or freed while several ops were in flight (the same
 * run bytes are a different schedule in each variant, which has its own
 * count of scheduling points) or that was early in one variant and not
 * in another (tracker pages move later allocations to other pfns) is
 * skipped, and its tag's counters with it.
 */
#ifndef _TAGFUZZ_DIFF_H
#define _TAGFUZZ_DIFF_H

#include "run.h"
#include "tagfuzz/variants.h"

/* PCP mode: upstream's free path (the baseline) and seed 004's split path. */
#define TF_NR_PCP_FAMILY	2

struct tf_diff_opts {
	unsigned int trackers;	/* mask of variants; the lowest is the baseline */
	bool pcp;		/* the variants are PCP free paths (mask bits 0..1), not trackers */
	bool strict;		/* known findings and known disagreements count */
	unsigned long bugs;	/* bug switches, for every variant */
};

struct tf_diff_result {
	int nr_variants;
	bool pcp;		/* variants are PCP free paths */
	uint8_t variant[TF_NR_TRACKERS];
	struct tf_verdict v[TF_NR_TRACKERS];	/* each variant's own run */
	/* Disagreements with the baseline, "diff:BASE/OTHER:what". */
	int nr, nr_new;
	struct tf_finding f[TF_MAX_FINDINGS];
	char known[TF_MAX_FINDINGS][192];
	/* What was compared. */
	unsigned int nr_diverged;	/* variants not comparable with the baseline */
	unsigned int nr_compared;	/* allocations compared, summed over variants */
	unsigned int nr_skipped;	/* allocations skipped (interleaved or placed apart) */
};

void tf_diff_run(const struct tf_scenario *s, const struct tf_diff_opts *o,
		 struct tf_diff_result *r);

/*
 * The first new finding: a variant's own (*who is its name) or a
 * disagreement (*who is "BASE/OTHER"); NULL if there is none.
 */
const struct tf_finding *tf_diff_first_new(const struct tf_diff_result *r, bool strict,
					   const char **who);

/*
 * A differential fuzz target's body: tf_diff_run(); on a new finding print
 * which variant (and, with @env, "ENV=WHO to replay"), the comparison,
 * the finding and the scenario to stderr and abort.
 */
void tf_fuzz_diff_one(const struct tf_scenario *s, const struct tf_diff_opts *o,
		      struct tf_diff_result *r, const char *env);

/* One summary line per variant and the disagreements, for the tools. */
void tf_diff_print(FILE *f, const struct tf_scenario *s, const struct tf_diff_result *r,
		   bool strict);

#endif /* _TAGFUZZ_DIFF_H */
