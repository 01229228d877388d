// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_boot: boot-time allocation tagging.  Each input is a scenario of
 * early allocations, page_ext coming online, the init callbacks, frees,
 * splits, CPU bring-up and memory pressure, checked after every op.
 *
 * TAGFUZZ_STRICT=1 reports known findings too; TAGFUZZ_BUGS=a,b turns
 * bug switches on (see `replay --list-bugs`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec.h"
#include "run.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static struct tf_run_opts opts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *bugs = getenv("TAGFUZZ_BUGS"), *strict = getenv("TAGFUZZ_STRICT");
	const char *bad;

	(void)argc;
	(void)argv;
	opts.strict = strict && *strict && *strict != '0';
	if (bugs && tf_bugs_parse(bugs, &opts.bugs, &bad)) {
		fprintf(stderr, "fuzz_boot: TAGFUZZ_BUGS: unknown bug switch '%s'\n", bad);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tf_verdict v;
	const struct tf_finding *f;

	tf_decode(data, size, &scenario);
	tf_run(&scenario, &opts, &v);
	f = tf_verdict_first_new(&v, opts.strict);
	if (f) {
		tf_print_finding(stderr, &scenario, f);
		fflush(stderr);
		abort();
	}
	return 0;
}
