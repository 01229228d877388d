// SPDX-License-Identifier: GPL-2.0
/*
 * replay: run reproducers and scenarios without a fuzzing engine.
 *
 * Each input (a byte file, a .txt scenario, or a directory of them) runs
 * twice; a second run that disagrees with the first means state leaked
 * between runs, and is reported as a harness error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "diff.h"
#include "phases.h"
#include "run.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static struct tf_run_opts opts;
static bool opt_print, opt_trace, bugs_given;
static unsigned long base_bugs;
static int opt_tracker = -1;	/* -1: the scenario's own (machine tracker=) */
/* TAGFUZZ_TRACKER=header: byte inputs keep the tracker their header names. */
static bool header_tracker;
static unsigned int opt_diff;
/* PCP mode: -1 the header's free path; 0/1 upstream/split; or both, compared. */
static int opt_pcp = -1;
static bool opt_diff_pcp;	/* trackers of a differential run, or 0 */
static uint8_t opt_what_if;	/* --what-if / TAGFUZZ_WHAT_IF: for inputs that name none */
static struct tf_diff_result diff1, diff2;
static int nr_inputs, nr_findings, nr_errors;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: replay [options] FILE|DIR...\n"
		"Runs each input (bytes, or a text scenario ending in .txt) and prints its verdict.\n"
		"  -p, --print        print the decoded scenario\n"
		"  -t, --trace        print the event trace of the run\n"
		"  -s, --strict       report known findings as findings (or TAGFUZZ_STRICT=1)\n"
		"  -k, --keep-going   record every finding, not just the first\n"
		"  -b, --bugs=LIST    turn on bug switches (comma-separated); overrides a\n"
		"                     text scenario's '# bugs:' line (default: $TAGFUZZ_BUGS)\n"
		"      --list-bugs    list the bug switches and their expected verdicts\n"
		"      --tracker=NAME run with this early-PFN tracker variant instead of the\n"
		"                     scenario's own (default: $TAGFUZZ_TRACKER)\n"
		"      --list-trackers list the tracker variants, their origins and verdicts\n"
		"      --diff=LIST    differential run through these tracker variants (a,b;\n"
		"                     \"correct\", \"all\"), as fuzz_early_pfn_diff does (or a\n"
		"                     list in $TAGFUZZ_TRACKER)\n"
		"      --pcp=WHICH    PCP-mode scenarios: upstream or split runs that free\n"
		"                     path instead of the header's; header keeps the\n"
		"                     header's; diff runs both and compares them, as\n"
		"                     fuzz_pcp with TAGFUZZ_PCP=diff (default: $TAGFUZZ_PCP)\n"
		"      --what-if=MODE run inputs whose machine names no what-if mode in MODE:\n"
		"                     smp-early-boot lets other CPUs run during early boot and\n"
		"                     page_ext_init (default: $TAGFUZZ_WHAT_IF; none)\n"
		"Exit status: 0 no new finding, 1 a finding, 2 an input could not be read.\n");
}

static int set_pcp(const char *which, const char *from)
{
	opt_pcp = -1;
	opt_diff_pcp = false;
	if (!strcmp(which, "upstream")) {
		opt_pcp = 0;
	} else if (!strcmp(which, "split")) {
		opt_pcp = 1;
	} else if (!strcmp(which, "diff")) {
		opt_diff_pcp = true;
		opt_diff = (1u << TF_NR_PCP_FAMILY) - 1;
	} else if (strcmp(which, "header")) {
		fprintf(stderr, "replay: %s=%s: say upstream, split, header or diff\n", from, which);
		return -1;
	}
	return 0;
}

static int set_what_if(const char *mode, const char *from)
{
	int k = tf_what_if_by_name(mode);

	if (k < 0) {
		fprintf(stderr, "replay: %s=%s: the what-if modes are none and smp-early-boot\n",
			from, mode);
		return -1;
	}
	opt_what_if = k;
	return 0;
}

static bool verdicts_equal(const struct tf_verdict *a, const struct tf_verdict *b)
{
	if (a->nr != b->nr || a->nr_new != b->nr_new || a->ended_by_bug != b->ended_by_bug)
		return false;
	for (int i = 0; i < a->nr; i++) {
		if (strcmp(a->f[i].sig, b->f[i].sig) || a->f[i].op != b->f[i].op)
			return false;
	}
	return true;
}

static bool is_text(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".txt");
}

static void run_one(const char *path)
{
	struct tf_verdict v1, v2;
	struct tf_run_opts o = opts;
	const struct tf_finding *f;
	size_t size;
	char *buf = tf_read_file(path, &size);

	nr_inputs++;
	if (!buf) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		nr_errors++;
		return;
	}
	o.bugs = base_bugs;
	if (is_text(path)) {
		char err[256], bugs[256];
		const char *bad;

		if (tf_parse_text_what_if(buf, opt_what_if, &scenario, err, sizeof(err))) {
			fprintf(stderr, "replay: %s: %s\n", path, err);
			nr_errors++;
			free(buf);
			return;
		}
		if (!bugs_given && tf_text_directive(buf, "bugs", bugs, sizeof(bugs))) {
			if (tf_bugs_parse(bugs, &o.bugs, &bad)) {
				fprintf(stderr, "replay: %s: '# bugs:' names unknown switch '%s'\n",
					path, bad);
				nr_errors++;
				free(buf);
				return;
			}
		}
	} else {
		tf_decode_what_if((const uint8_t *)buf, size, opt_what_if, &scenario);
		/*
		 * The fuzz targets run the current tracker whatever the header
		 * byte says, unless TAGFUZZ_TRACKER asks otherwise: a byte
		 * input replays the way it was found.
		 */
		if (!header_tracker)
			scenario.m.tracker = TF_TRACKER_CURRENT;
	}
	free(buf);
	if (opt_tracker >= 0)
		scenario.m.tracker = opt_tracker;
	if (opt_pcp >= 0 && scenario.m.pcp)
		scenario.m.pcp_variant = opt_pcp;

	printf("== %s\n", path);
	if (o.bugs) {
		printf("bug switches:");
		for (int i = 0; i < TF_NR_BUGS; i++)
			if (o.bugs & (1UL << i))
				printf(" %s", tf_bug_table[i].name);
		printf("\n");
	}
	if (opt_print)
		tf_print_scenario(stdout, &scenario);

	if (opt_diff && (!opt_diff_pcp || scenario.m.pcp)) {
		struct tf_diff_opts d = { .trackers = opt_diff, .strict = o.strict, .bugs = o.bugs };

		if (opt_diff_pcp) {
			d.pcp = true;
			d.trackers = (1u << TF_NR_PCP_FAMILY) - 1;
		}
		const char *who;

		tf_diff_run(&scenario, &d, &diff1);
		tf_diff_run(&scenario, &d, &diff2);
		if (diff1.nr != diff2.nr || diff1.nr_new != diff2.nr_new ||
		    diff1.nr_compared != diff2.nr_compared) {
			fprintf(stderr, "replay: %s: HARNESS ERROR: the second differential run differs "
				"from the first (state leaks between runs)\n", path);
			nr_errors++;
		}
		tf_diff_print(stdout, &scenario, &diff1, o.strict);
		f = tf_diff_first_new(&diff1, o.strict, &who);
		if (!f) {
			printf("verdict: clean (%zu ops, %d variants)\n", scenario.nr_ops,
			       diff1.nr_variants);
			return;
		}
		nr_findings++;
		printf("==tagfuzz== variant: %s\n", who);
		tf_print_finding(stdout, &scenario, f);
		printf("verdict: %s\n", f->sig);
		return;
	}
	o.trace = opt_trace ? stdout : NULL;
	tf_run(&scenario, &o, &v1);
	o.trace = NULL;
	tf_run(&scenario, &o, &v2);
	fflush(stdout);
	if (!verdicts_equal(&v1, &v2)) {
		fprintf(stderr, "replay: %s: HARNESS ERROR: the second run's verdict differs "
			"from the first (state leaks between runs)\n", path);
		nr_errors++;
	}

	for (int i = 0; i < v1.nr; i++) {
		if (!v1.f[i].known || o.strict)
			continue;
		if (v1.f[i].op < 0)
			printf("known finding: %s (teardown)\n", v1.f[i].sig);
		else
			printf("known finding: %s (op %ld)\n", v1.f[i].sig, v1.f[i].op);
		printf("  %s\n", v1.f[i].cause);
	}
	f = tf_verdict_first_new(&v1, o.strict);
	if (!f) {
		printf("verdict: clean (%zu ops)\n", scenario.nr_ops);
		return;
	}
	nr_findings++;
	for (int i = 0; i < v1.nr; i++) {
		if (!v1.f[i].known || o.strict)
			tf_print_finding(stdout, &scenario, &v1.f[i]);
		if (!opts.keep_going)
			break;
	}
	if (v1.truncated)
		printf("(more than %d findings; the rest were not recorded)\n", TF_MAX_FINDINGS);
	printf("verdict: %s\n", f->sig);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, cap = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		nr_errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_one(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		nr_errors++;
		return;
	}
	while ((de = readdir(d))) {
		char full[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (nr == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				fprintf(stderr, "replay: out of memory\n");
				exit(2);
			}
		}
		names[nr++] = strdup(full);
	}
	closedir(d);
	if (nr)		/* an empty directory: names is NULL, which qsort() must not get */
		qsort(names, nr, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nr; i++) {
		run_path(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "print", no_argument, NULL, 'p' },
		{ "trace", no_argument, NULL, 't' },
		{ "strict", no_argument, NULL, 's' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "bugs", required_argument, NULL, 'b' },
		{ "list-bugs", no_argument, NULL, 'L' },
		{ "tracker", required_argument, NULL, 'T' },
		{ "list-trackers", no_argument, NULL, 'R' },
		{ "diff", required_argument, NULL, 'D' },
		{ "pcp", required_argument, NULL, 'P' },
		{ "what-if", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bad, *env;
	int c;

	/* The fuzz targets' environment applies here too, so a finding replays. */
	env = getenv("TAGFUZZ_BUGS");
	if (env && *env) {
		if (tf_bugs_parse(env, &base_bugs, &bad)) {
			fprintf(stderr, "replay: TAGFUZZ_BUGS: unknown bug switch '%s'\n", bad);
			return 2;
		}
		bugs_given = true;
	}
	env = getenv("TAGFUZZ_STRICT");
	opts.strict = env && *env && *env != '0';
	env = getenv("TAGFUZZ_TRACKER");
	if (env && (strchr(env, ',') || !strcmp(env, "correct") || !strcmp(env, "all"))) {
		if (tf_trackers_parse(env, &opt_diff, &bad)) {
			fprintf(stderr, "replay: TAGFUZZ_TRACKER: unknown tracker variant '%s'\n", bad);
			return 2;
		}
	} else if (env && !strcmp(env, "header")) {
		header_tracker = true;
	} else if (env && *env) {
		opt_tracker = tf_tracker_by_name(env);
		if (opt_tracker < 0) {
			fprintf(stderr, "replay: TAGFUZZ_TRACKER: unknown tracker variant '%s'\n", env);
			return 2;
		}
	}

	env = getenv("TAGFUZZ_PCP");
	if (env && *env && set_pcp(env, "TAGFUZZ_PCP"))
		return 2;
	env = getenv("TAGFUZZ_WHAT_IF");
	if (env && *env && set_what_if(env, "TAGFUZZ_WHAT_IF"))
		return 2;

	while ((c = getopt_long(argc, argv, "ptskb:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			opt_print = true;
			break;
		case 't':
			opt_trace = true;
			break;
		case 's':
			opts.strict = true;
			break;
		case 'k':
			opts.keep_going = true;
			break;
		case 'b':
			if (tf_bugs_parse(optarg, &base_bugs, &bad)) {
				fprintf(stderr, "replay: unknown bug switch '%s' (see --list-bugs)\n", bad);
				return 2;
			}
			bugs_given = true;
			break;
		case 'L':
			for (int i = 0; i < TF_NR_BUGS; i++)
				printf("%-28s %s\n%-28s follows: %s\n%-28s verdict: %s\n",
				       tf_bug_table[i].name, tf_bug_table[i].what, "",
				       tf_bug_table[i].origin, "", tf_bug_table[i].verdict);
			return 0;
		case 'T':
			opt_tracker = tf_tracker_by_name(optarg);
			if (opt_tracker < 0) {
				fprintf(stderr, "replay: unknown tracker variant '%s' (see --list-trackers)\n",
					optarg);
				return 2;
			}
			break;
		case 'D':
			if (tf_trackers_parse(optarg, &opt_diff, &bad) || !opt_diff) {
				fprintf(stderr, "replay: --diff: unknown tracker variant '%s' (see --list-trackers)\n",
					opt_diff ? bad : optarg);
				return 2;
			}
			break;
		case 'P':
			if (set_pcp(optarg, "--pcp"))
				return 2;
			break;
		case 'W':
			if (set_what_if(optarg, "--what-if"))
				return 2;
			break;
		case 'R':
			for (int i = 0; i < TF_NR_TRACKERS; i++)
				printf("%-12s %s\n%-12s follows: %s\n%-12s verdict: %s%s\n%-12s test: %s\n",
				       tf_tracker_table[i].name, tf_tracker_table[i].what, "",
				       tf_tracker_table[i].origin, "", tf_tracker_table[i].verdict,
				       tf_tracker_table[i].correct ? " (claims to be correct)" : "",
				       "", tf_tracker_table[i].test);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (; optind < argc; optind++)
		run_path(argv[optind]);
	printf("replayed %d input(s): %d with a finding, %d error(s)\n",
	       nr_inputs, nr_findings, nr_errors);
	if (nr_errors)
		return 2;
	return nr_findings ? 1 : 0;
}
