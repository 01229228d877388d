// SPDX-License-Identifier: GPL-2.0
/*
 * explore: every schedule of a text scenario's `run` groups within a
 * preemption bound, in a fixed order (CHESS: most concurrency bugs need
 * at most two preemptions).
 *
 *   explore [--preemptions N] [--bugs LIST] [--out FILE] FILE.txt
 *
 * A schedule of one group is its first CPU (the rotation of the queued
 * CPUs' priorities) and up to N change points (`at`, `at2`: the running
 * CPU drops to the lowest priority after that scheduling step; N <= 2,
 * what a `run` op can say).  Each group is explored in turn, the other
 * groups as written; the steps a group can stop at are those it took as
 * written (its last access's step, at most 255).  The first new finding
 * ends the search and its scenario, with that schedule, is written to
 * --out (default: FILE with .explore.txt for .txt).
 *
 * Exit status: 0 every schedule is clean (known findings with their
 * causes allowed), 1 a finding, 2 a usage error or an unreadable or
 * refused scenario.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "expect.h"
#include "journal.h"
#include "run.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/variants.h"

#define MAX_STEP	255	/* a run op's at/at2 range */

static struct tf_scenario scenario;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPUs queued for run op @r: the started ops since the previous run. */
static unsigned int queued_cpus(const struct tf_scenario *s, size_t r)
{
	unsigned int mask = 0, n = 0;
	size_t i = r;

	while (i-- > 0 && s->ops[i].kind != TF_OP_RUN)
		if (s->ops[i].async)	/* where it runs: the control CPU's ops on CPU 0 */
			mask |= 1u << (tf_op_kind_on_control_cpu(s->ops[i].kind) ? 0 : s->ops[i].cpu);
	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/* The steps group @r took in the run just made, as far as a run op can say. */
static unsigned int group_steps(size_t r)
{
	unsigned long steps = tf_journal_op_steps((long)r);

	return steps > MAX_STEP ? MAX_STEP : steps;
}

static int write_repro(const char *out, const char *bugs)
{
	FILE *f = fopen(out, "w");

	if (!f) {
		fprintf(stderr, "explore: %s: %s\n", out, strerror(errno));
		return -1;
	}
	fprintf(f, "# written by explore: the first schedule with a new finding\n");
	if (bugs && *bugs)
		fprintf(f, "# bugs: %s\n", bugs);
	tf_print_scenario(f, &scenario);
	fclose(f);
	return 0;
}

static unsigned long nr_runs;
static double t0;

/*
 * One schedule of run op @r: 0 nothing new, 1 a finding (reported), 2 an
 * error.  *@steps: the steps the group took under it.
 */
static int try_schedule(size_t r, unsigned int first, unsigned int at, unsigned int at2,
			const struct tf_run_opts *o, const char *bugs, const char *out,
			unsigned int *steps)
{
	static struct tf_verdict v;
	const struct tf_finding *f;

	scenario.ops[r].first = first;
	scenario.ops[r].at = at;
	scenario.ops[r].at2 = at2;
	tf_run(&scenario, o, &v);
	nr_runs++;
	*steps = group_steps(r);
	f = tf_verdict_first_new(&v, false);
	if (!f)
		return 0;
	printf("explore: a finding after %lu schedule(s) in %.1f s (op %zu: run first=%u at=%u at2=%u)\n",
	       nr_runs, now() - t0, r, first, at, at2);
	tf_print_finding(stdout, &scenario, f);
	if (write_repro(out, bugs))
		return 2;
	printf("explore: reproducer written to %s\n", out);
	printf("verdict: %s\n", f->sig);
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: explore [--preemptions N] [--bugs LIST] [--out FILE] FILE.txt\n"
		"Runs every schedule of each run group of a text scenario with at most N change\n"
		"points (N 0..2, default 2) and every first CPU, in a fixed order; stops at the\n"
		"first new finding and writes its scenario to --out.  Exit: 0 clean, 1 a finding,\n"
		"2 a usage error or a refused scenario.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "preemptions", required_argument, NULL, 'p' },
		{ "bugs", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tf_run_opts o = { 0 };
	struct tf_expect e;
	const char *bugs = NULL, *out = NULL, *bad, *path;
	char err[256], outbuf[4096];
	unsigned long nr_groups = 0;
	int preemptions = 2, c;
	size_t size;
	char *text;

	t0 = now();
	while ((c = getopt_long(argc, argv, "p:b:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			preemptions = atoi(optarg);
			if (preemptions < 0 || preemptions > 2 || !*optarg) {
				fprintf(stderr, "explore: --preemptions takes 0, 1 or 2 (a run op has at most two change points), got '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
			bugs = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];
	text = tf_read_file(path, &size);
	if (!text) {
		fprintf(stderr, "explore: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (tf_text_check(text, size, err, sizeof(err)) ||
	    tf_expect_parse(text, &e, err, sizeof(err)) ||
	    tf_parse_text(text, &scenario, err, sizeof(err))) {
		fprintf(stderr, "explore: %s: %s\n", path, err);
		free(text);
		return 2;
	}
	free(text);
	if (!bugs && e.has_bugs)
		bugs = e.bugs;
	if (bugs && tf_bugs_parse(bugs, &o.bugs, &bad)) {
		fprintf(stderr, "explore: unknown bug switch '%s'\n", bad);
		return 2;
	}
	if (!out) {
		size_t n = strlen(path);

		snprintf(outbuf, sizeof(outbuf), "%.*s.explore.txt",
			 (int)(n > 4 && !strcmp(path + n - 4, ".txt") ? n - 4 : n), path);
		out = outbuf;
	}

	for (size_t r = 0; r < scenario.nr_ops; r++) {
		struct tf_op saved = scenario.ops[r];
		unsigned int nq, steps, steps1, steps2;
		int ret;

		if (saved.kind != TF_OP_RUN)
			continue;
		nr_groups++;
		nq = queued_cpus(&scenario, r);
		if (!nq)
			nq = 1;
		/*
		 * One CPU queued: nobody to switch to, so every change point
		 * and rotation gives the same run; only the written one runs.
		 */
		if (nq == 1) {
			ret = try_schedule(r, saved.first, saved.at, saved.at2, &o, bugs, out, &steps);
			if (ret)
				return ret;
			continue;
		}
		for (unsigned int first = 0; first < nq; first++) {
			/*
			 * No change point; then each step the group took
			 * without one as the first; then, after each first,
			 * each later step the group took with that first
			 * change point (a schedule's steps depend on it).
			 */
			ret = try_schedule(r, first, 0, 0, &o, bugs, out, &steps);
			if (ret)
				return ret;
			for (unsigned int at = 1; preemptions && at <= steps; at++) {
				ret = try_schedule(r, first, at, 0, &o, bugs, out, &steps1);
				if (ret)
					return ret;
				for (unsigned int at2 = at + 1; preemptions > 1 && at2 <= steps1; at2++) {
					ret = try_schedule(r, first, at, at2, &o, bugs, out, &steps2);
					if (ret)
						return ret;
				}
			}
		}
		scenario.ops[r] = saved;
	}
	printf("explore: %s: %lu schedule(s) of %lu run group(s) within %d preemption(s) in %.1f s: clean\n",
	       path, nr_runs, nr_groups, preemptions, now() - t0);
	return 0;
}
