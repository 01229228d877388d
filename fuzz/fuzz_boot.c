// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_boot: boot-time allocation tagging.  Each input is a scenario of
 * early allocations, page_ext coming online, the init callbacks, frees,
 * splits, CPU bring-up and memory pressure, checked after every op.
 *
 * TAGFUZZ_STRICT=1 reports known findings too; TAGFUZZ_BUGS=a,b turns
 * bug switches on (see `replay --list-bugs`); TAGFUZZ_TRACKER=NAME runs
 * that early-PFN tracker variant (`replay --list-trackers`; default the
 * current one; "header" lets each input's header byte 3 choose), and a
 * list (a,b or "correct") runs each input through all of them and
 * compares them, as fuzz_early_pfn_diff does.
 *
 * Inputs whose header turns page-flag mode on (byte 5) or PCP mode on
 * (byte 4) are left out of the corpus: they are fuzz_pgflags's and
 * fuzz_pcp's, and running page-flag ones here spent most of this
 * target's time on module areas it does not check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "diff.h"
#include "fuzz_target.h"
#include "run.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static struct tf_run_opts opts;
static uint8_t what_if;			/* TAGFUZZ_WHAT_IF */
static int tracker = TF_TRACKER_CURRENT;	/* -1: the input's header chooses */
static struct tf_diff_opts diff;		/* .trackers set: differential runs */
static struct tf_diff_result result;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *trk = getenv("TAGFUZZ_TRACKER");
	const char *bad;

	(void)argc;
	(void)argv;
	tf_fuzz_env("fuzz_boot", &opts.strict, &opts.bugs, &what_if);
	if (trk && *trk && (strchr(trk, ',') || !strcmp(trk, "correct") || !strcmp(trk, "all"))) {
		if (tf_trackers_parse(trk, &diff.trackers, &bad)) {
			fprintf(stderr, "fuzz_boot: TAGFUZZ_TRACKER: unknown tracker variant '%s'\n", bad);
			exit(2);
		}
		diff.strict = opts.strict;
		diff.bugs = opts.bugs;
	} else if (trk && *trk) {
		tracker = strcmp(trk, "header") ? tf_tracker_by_name(trk) : -1;
		if (tracker < 0 && strcmp(trk, "header")) {
			fprintf(stderr, "fuzz_boot: TAGFUZZ_TRACKER: unknown tracker variant '%s'\n", trk);
			exit(2);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tf_fuzz_decode(data, size, what_if, &scenario))
		return -1;	/* a what-if mode this run was not asked for */
	if (scenario.m.pgflag_bits || scenario.m.pcp)
		return -1;	/* page-flag mode: fuzz_pgflags's; PCP mode: fuzz_pcp's */
	if (tracker >= 0)
		scenario.m.tracker = tracker;
	if (diff.trackers)
		tf_fuzz_diff_one(&scenario, &diff, &result, "TAGFUZZ_TRACKER");
	else
		tf_fuzz_one(&scenario, &opts);
	return 0;
}
