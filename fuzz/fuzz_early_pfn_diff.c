// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_early_pfn_diff: every input runs through several early-PFN tracker
 * variants, each on a freshly booted machine, and the variants' outcomes
 * are compared (fuzz/diff.h).  A new finding is either one variant's own
 * (its oracles, as in fuzz_boot) or a disagreement, which names both
 * variants: "diff:BASE/OTHER:what".
 *
 * TAGFUZZ_TRACKER=a,b,... picks the variants (default "correct": every
 * variant that claims to be correct; the lowest in registry order is the
 * baseline); the scenario header's tracker byte is not used.
 * TAGFUZZ_STRICT=1 and TAGFUZZ_BUGS=a,b as for fuzz_boot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "diff.h"
#include "fuzz_target.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static struct tf_diff_opts opts;
static struct tf_diff_result result;
static uint8_t what_if;			/* TAGFUZZ_WHAT_IF */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *trackers = getenv("TAGFUZZ_TRACKER");
	const char *bad;

	(void)argc;
	(void)argv;
	tf_fuzz_env("fuzz_early_pfn_diff", &opts.strict, &opts.bugs, &what_if);
	if (!trackers || !*trackers)
		trackers = "correct";
	if (tf_trackers_parse(trackers, &opts.trackers, &bad) || !opts.trackers) {
		fprintf(stderr, "fuzz_early_pfn_diff: TAGFUZZ_TRACKER: unknown tracker variant '%s'\n",
			opts.trackers ? bad : trackers);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tf_fuzz_decode(data, size, what_if, &scenario))
		return -1;	/* a what-if mode this run was not asked for */
	scenario.m.tracker = TF_TRACKER_CURRENT;	/* the variants come from opts */
	tf_fuzz_diff_one(&scenario, &opts, &result, "TAGFUZZ_TRACKER");
	return 0;
}
