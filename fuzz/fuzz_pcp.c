// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pcp: the PCP free-path family (issue 5, seed 004).  Scenarios in
 * PCP mode only (header byte 4 set): allocations and frees from chosen
 * CPUs, so frees are often remote; batched frees (free_unref_folios());
 * free_pages_nolock(); drains; CPU down and up; pageblock isolation; all
 * of it interleavable.  Inputs outside PCP mode are left out of the
 * corpus (they are fuzz_boot's).
 *
 * The header picks the free path (upstream's or the RFC's split path).
 * TAGFUZZ_PCP=upstream|split runs every input on that one; TAGFUZZ_PCP=diff
 * runs each input on both and compares what must not differ: each run's
 * own verdict (page conservation, no leaks, the PCP oracles) and the tag
 * state of every allocation.  TAGFUZZ_STRICT=1 reports known findings
 * too; TAGFUZZ_BUGS=a,b turns bug switches on (`replay --list-bugs`).
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
static int pcp_variant = -1;		/* -1: the input's header chooses */
static struct tf_diff_opts diff;	/* .pcp set: differential runs */
static struct tf_diff_result result;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *pcp = getenv("TAGFUZZ_PCP");

	(void)argc;
	(void)argv;
	tf_fuzz_env("fuzz_pcp", &opts.strict, &opts.bugs, &what_if);
	if (pcp && *pcp && strcmp(pcp, "header")) {
		if (!strcmp(pcp, "upstream")) {
			pcp_variant = 0;
		} else if (!strcmp(pcp, "split")) {
			pcp_variant = 1;
		} else if (!strcmp(pcp, "diff")) {
			diff.pcp = true;
			diff.trackers = (1u << TF_NR_PCP_FAMILY) - 1;
			diff.strict = opts.strict;
			diff.bugs = opts.bugs;
		} else {
			fprintf(stderr, "fuzz_pcp: TAGFUZZ_PCP=%s: say upstream, split, header or diff\n",
				pcp);
			exit(2);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tf_fuzz_decode(data, size, what_if, &scenario))
		return -1;	/* a what-if mode this run was not asked for */
	if (!scenario.m.pcp)
		return -1;	/* not PCP mode: not this target's */
	/* The current early-PFN tracker, as fuzz_boot and replay use for bytes. */
	scenario.m.tracker = TF_TRACKER_CURRENT;
	if (pcp_variant >= 0)
		scenario.m.pcp_variant = pcp_variant;
	if (diff.pcp)
		tf_fuzz_diff_one(&scenario, &diff, &result, NULL);
	else
		tf_fuzz_one(&scenario, &opts);
	return 0;
}
