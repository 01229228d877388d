// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pgflags: page allocation tag references compressed into page flags
 * (issue 6, seed 003, current upstream's mem_profiling_compressed mode).
 * The same scenarios as fuzz_boot, in page-flag mode only: header byte 5
 * gives the spare bits (and the v3 variant), bytes 6-7 the kernel tag
 * count; the ops add allocations from any kernel or module tag, module
 * load and unload, page flag bits set and cleared by other CPUs, and
 * profiling shutdown.  Inputs whose header is in page_ext mode are left
 * out of the corpus (they are fuzz_boot's), so a crash file always
 * replays in page-flag mode.
 *
 * TAGFUZZ_STRICT=1 reports known findings too; TAGFUZZ_BUGS=a,b turns
 * bug switches on (see `replay --list-bugs`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "fuzz_target.h"
#include "run.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static struct tf_run_opts opts;
static uint8_t what_if;			/* TAGFUZZ_WHAT_IF */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tf_fuzz_env("fuzz_pgflags", &opts.strict, &opts.bugs, &what_if);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tf_fuzz_decode(data, size, what_if, &scenario))
		return -1;	/* a what-if mode this run was not asked for */
	if (!scenario.m.pgflag_bits)
		return -1;	/* page_ext mode: not this target's */
	tf_fuzz_one(&scenario, &opts);
	return 0;
}
