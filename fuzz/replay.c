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
#include "expect.h"
#include "phases.h"
#include "run.h"
#include "trace.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;
static bool opt_print, opt_keep_going, opt_list_inputs;
static unsigned int opt_trace;	/* TF_TRACE_* (trace.h), 0: no trace */
static struct tf_diff_result diff1, diff2;
static int nr_inputs, nr_findings, nr_errors, nr_expected, nr_unmet, nr_skipped;

/*
 * The variant an input runs: bug switches, strictness, tracker, PCP free
 * path, what-if mode.  From the options and the environment when any is
 * given; otherwise from the .index line the fuzzing run that found the
 * input wrote next to it (./build.sh fuzz), as ./build.sh repro does.
 */
struct variant {
	unsigned long bugs;
	bool strict;
	int tracker;		/* -1: the scenario's own (machine tracker=) */
	bool header_tracker;	/* byte inputs keep the tracker their header names */
	unsigned int diff;	/* trackers of a differential run, or 0 */
	int pcp;		/* -1 the header's free path; 0/1 upstream/split */
	bool diff_pcp;		/* both PCP free paths, compared */
	uint8_t what_if;	/* for inputs that name none */
	char diff_name[64];	/* the list as given */
	const char *from;
};
static struct variant given = { .tracker = -1, .pcp = -1 };
static bool bugs_given;		/* --bugs or TAGFUZZ_BUGS: overrides '# bugs:' */
static bool variant_given;	/* any variant option or variable: no .index */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: replay [options] FILE|DIR...\n"
		"Runs each input (bytes, or a text scenario ending in .txt) and prints its verdict.\n"
		"  -p, --print        print the decoded scenario\n"
		"  -t, --trace[=WHAT] print the trace of the run: events (kernel events,\n"
		"                     notes, tag ref and counter changes, checks),\n"
		"                     sched (each scheduling point a CPU takes in a run\n"
		"                     group: step, kernel function, port file:line, site;\n"
		"                     change points, switches) or all (the default);\n"
		"                     the last --trace given counts\n"
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
		"      --list-inputs  print the inputs FILE|DIR... stand for, run nothing\n"
		"Variant: with none of -s -b --tracker --diff --pcp --what-if and none of\n"
		"  TAGFUZZ_BUGS, _STRICT, _TRACKER, _PCP, _WHAT_IF set, an input found by\n"
		"  ./build.sh fuzz runs the variant recorded in the .index next to it.\n"
		"Inputs: a directory is walked (subdirectories too): *.txt are text scenarios,\n"
		"  other regular files bytes; skipped: dot files, README*, *.md *.json *.index\n"
		"  *.log *.sarif *.options *.dict *.zip *.summary *.variant, AFL++'s\n"
		"  fuzzer_stats plot_data cmdline fuzz_bitmap..., and anything not a regular file.\n"
		"Text scenarios: '# expect:', '# expect-known:', '# expect-looks-like:' are\n"
		"  checked ('# also-looks-like:' is read, its later findings left to the\n"
		"  scenario tests; docs/scenarios.md); a misspelt directive or a signature the tools\n"
		"  cannot report is refused; a NUL or control byte means a byte input.\n"
		"Exit status (the first that applies, each cause reported on its own line):\n"
		"  1 a new finding (one a '# expect' line names does not count)\n"
		"  3 a text scenario's '# expect' not met\n"
		"  2 an input could not be read or was refused, a harness error, a usage error\n"
		"  0 otherwise: no new finding (known ones are reported, \"verdict: known\")\n");
}

static int set_pcp(struct variant *v, const char *which, const char *from)
{
	v->pcp = -1;
	v->diff_pcp = false;
	if (!strcmp(which, "upstream")) {
		v->pcp = 0;
	} else if (!strcmp(which, "split")) {
		v->pcp = 1;
	} else if (!strcmp(which, "diff")) {
		v->diff_pcp = true;
		v->diff = (1u << TF_NR_PCP_FAMILY) - 1;
	} else if (strcmp(which, "header")) {
		fprintf(stderr, "replay: %s=%s: say upstream, split, header or diff\n", from, which);
		return -1;
	}
	return 0;
}

static int set_what_if(struct variant *v, const char *mode, const char *from)
{
	int k = tf_what_if_by_name(mode);

	if (k < 0) {
		fprintf(stderr, "replay: %s=%s: the what-if modes are none and smp-early-boot\n",
			from, mode);
		return -1;
	}
	v->what_if = k;
	return 0;
}

/* TAGFUZZ_TRACKER's forms: NAME, header, or a list (a,b, correct, all): a diff. */
static int set_tracker(struct variant *v, const char *val, const char *from)
{
	const char *bad;

	if (strchr(val, ',') || !strcmp(val, "correct") || !strcmp(val, "all")) {
		if (tf_trackers_parse(val, &v->diff, &bad) || !v->diff) {
			fprintf(stderr, "replay: %s: unknown tracker variant '%s' (see --list-trackers)\n",
				from, v->diff ? bad : val);
			return -1;
		}
		snprintf(v->diff_name, sizeof(v->diff_name), "%s", val);
	} else if (!strcmp(val, "header")) {
		v->header_tracker = true;
	} else {
		v->tracker = tf_tracker_by_name(val);
		if (v->tracker < 0) {
			fprintf(stderr, "replay: %s: unknown tracker variant '%s' (see --list-trackers)\n",
				from, val);
			return -1;
		}
	}
	return 0;
}

/*
 * The fields ./build.sh fuzz recorded for @path in its directory's .index
 * (name, signature, bugs, strict, engine, tracker, pcp, what_if; tab
 * separated; the last line for a name wins).  False when there is none.
 */
#define NR_INDEX_FIELDS	8
static bool index_record(const char *path, char field[NR_INDEX_FIELDS][128], char *idx,
			 size_t idx_len)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char line[1024];
	bool found = false;
	FILE *f;

	snprintf(idx, idx_len, "%.*s.index", slash ? (int)(slash - path + 1) : 0, path);
	f = fopen(idx, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *tab;
		size_t n = strcspn(line, "\t\n");

		if (n != strlen(base) || strncmp(line, base, n))
			continue;
		found = true;
		for (int i = 0; i < NR_INDEX_FIELDS; i++) {
			n = p ? strcspn(p, "\t\n") : 0;
			snprintf(field[i], sizeof(field[i]), "%.*s", (int)n, p ? p : "");
			tab = p ? strchr(p, '\t') : NULL;
			p = tab ? tab + 1 : NULL;
		}
	}
	fclose(f);
	return found;
}

/* The variant @path runs (see struct variant); -1 when its .index line is bad. */
static int variant_of(const char *path, bool text, const struct tf_expect *e,
		      struct variant *v)
{
	static char from[600];
	char field[NR_INDEX_FIELDS][128], idx[512];
	const char *base = strrchr(path, '/'), *bad;

	*v = given;
	base = base ? base + 1 : path;
	if (variant_given) {
		v->from = "from the options and environment";
	} else if (index_record(path, field, idx, sizeof(idx))) {
		snprintf(from, sizeof(from), "recorded by the fuzzing run that found it, %s", idx);
		v->from = from;
		if (field[2][0] && tf_bugs_parse(field[2], &v->bugs, &bad)) {
			fprintf(stderr, "replay: %s: %s names unknown bug switch '%s'\n", path, idx, bad);
			return -1;
		}
		v->strict = field[3][0] && field[3][0] != '0';
		if ((field[5][0] && set_tracker(v, field[5], idx)) ||
		    (field[6][0] && set_pcp(v, field[6], idx)) ||
		    (field[7][0] && set_what_if(v, field[7], idx)))
			return -1;
	} else if (!strncmp(base, "fuzz_early_pfn_diff-", 20) &&
		   (strstr(base, "-address-") || strstr(base, "-undefined-") ||
		    strstr(base, "-memory-"))) {
		/* ClusterFuzzLite fuzzes the stock variant; this target compares the correct trackers. */
		set_tracker(v, "correct", "fuzz_early_pfn_diff");
		v->from = "ClusterFuzzLite's fuzz_early_pfn_diff: the correct trackers, compared";
	} else {
		v->from = "none recorded";
	}
	if (text && e->has_bugs && !bugs_given && !v->bugs) {
		if (tf_bugs_parse(e->bugs, &v->bugs, &bad)) {
			fprintf(stderr, "replay: %s: '# bugs:' names unknown switch '%s'\n", path, bad);
			return -1;
		}
		v->from = "the scenario's '# bugs:' line";
	}
	return 0;
}

static void print_variant(const struct variant *v)
{
	bool any = false;

	printf("variant:");
	if (v->bugs) {
		printf(" bugs=");
		for (int i = 0, n = 0; i < TF_NR_BUGS; i++)
			if (v->bugs & (1UL << i))
				printf("%s%s", n++ ? "," : "", tf_bug_table[i].name);
		any = true;
	}
	if (v->diff && !v->diff_pcp)
		printf("%s tracker=%s", any ? "," : "", v->diff_name), any = true;
	else if (v->header_tracker)
		printf("%s tracker=header", any ? "," : ""), any = true;
	else if (v->tracker >= 0)
		printf("%s tracker=%s", any ? "," : "", tf_tracker_table[v->tracker].name), any = true;
	if (v->diff_pcp || v->pcp >= 0)
		printf("%s pcp=%s", any ? "," : "",
		       v->diff_pcp ? "diff" : v->pcp ? "split" : "upstream"), any = true;
	if (v->what_if)
		printf("%s what_if=%s", any ? "," : "", tf_what_if_names[v->what_if % TF_NR_WHAT_IF]),
			any = true;
	if (v->strict)
		printf("%s strict", any ? "," : ""), any = true;
	printf("%s (%s)\n", any ? "" : " stock", v->from);
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

/*
 * Why a file of a directory is not an input, or NULL when it is one (see
 * usage()): reports, logs and indexes sit next to reproducers, and AFL++'s
 * output directories hold its bookkeeping.
 */
static const char *not_input(const char *name)
{
	static const char *const exts[] = {
		"md", "json", "index", "log", "sarif", "options", "dict", "zip", "summary",
		"variant", "html", "lcov", "profraw", "profdata", "yaml", "yml", "sh", "c", "h",
	};
	static const char *const afl[] = {
		"fuzzer_stats", "fuzzer_setup", "plot_data", "cmdline", "fuzz_bitmap",
		"target_hash", "is_main_node", "fastresume.bin",
	};
	const char *dot = strrchr(name, '.');

	if (name[0] == '.')
		return "a dot file";
	if (!strncmp(name, "README", 6))
		return "a README";
	if (strstr(name, "bug-summary"))
		return "a bug summary";
	for (size_t i = 0; i < sizeof(afl) / sizeof(afl[0]); i++)
		if (!strcmp(name, afl[i]))
			return "AFL++'s bookkeeping";
	for (size_t i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
		if (!strcmp(dot + 1, exts[i]))
			return "not a reproducer's extension";
	return NULL;
}

static void input_error(const char *path, const char *fmt, const char *what)
{
	fprintf(stderr, "replay: %s: ", path);
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	nr_errors++;
}

static void run_one(const char *path)
{
	struct tf_verdict v1, v2;
	struct tf_run_opts o = { .keep_going = opt_keep_going };
	struct tf_expect e = { 0 };
	struct variant var;
	const struct tf_finding *f;
	char err[256];
	size_t size;
	bool text = is_text(path), judged = false, met = true;
	char *buf = tf_read_file(path, &size);

	nr_inputs++;
	if (!buf) {
		input_error(path, "%s", strerror(errno));
		return;
	}
	if (text && (tf_text_check(buf, size, err, sizeof(err)) ||
		     tf_expect_parse(buf, &e, err, sizeof(err)))) {
		input_error(path, "%s", err);
		free(buf);
		return;
	}
	if (variant_of(path, text, &e, &var)) {
		nr_errors++;
		free(buf);
		return;
	}
	o.bugs = var.bugs;
	o.strict = var.strict;
	if (text) {
		if (tf_parse_text_what_if(buf, var.what_if, &scenario, err, sizeof(err))) {
			input_error(path, "%s", err);
			free(buf);
			return;
		}
	} else {
		tf_decode_what_if((const uint8_t *)buf, size, var.what_if, &scenario);
		/*
		 * The fuzz targets run the current tracker whatever the header
		 * byte says, unless TAGFUZZ_TRACKER asks otherwise: a byte
		 * input replays the way it was found (scenario decode agrees).
		 */
		if (!var.header_tracker)
			scenario.m.tracker = TF_TRACKER_CURRENT;
	}
	free(buf);
	if (var.tracker >= 0)
		scenario.m.tracker = var.tracker;
	if (var.pcp >= 0 && scenario.m.pcp)
		scenario.m.pcp_variant = var.pcp;

	printf("== %s\n", path);
	print_variant(&var);
	if (opt_print)
		tf_print_scenario(stdout, &scenario);

	if (var.diff && (!var.diff_pcp || scenario.m.pcp)) {
		struct tf_diff_opts d = { .trackers = var.diff, .strict = o.strict, .bugs = o.bugs };

		if (var.diff_pcp) {
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
	o.trace_what = opt_trace;
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
		if (v1.f[i].op >= 0)
			printf("known finding: %s (op %ld)\n", v1.f[i].sig, v1.f[i].op);
		else
			printf("known finding: %s (%s)\n", v1.f[i].sig, tf_finding_when(&v1.f[i]));
		printf("  %s\n", v1.f[i].cause);
	}
	if (text && (e.has_expect || e.has_known)) {
		judged = true;
		met = tf_expect_judge(&e, &v1, o.strict, err, sizeof(err));
	}
	f = tf_verdict_first_new(&v1, o.strict);
	if (!f) {
		char id[8];

		if (v1.nr && sscanf(v1.f[0].cause, "known: %7s", id) == 1)
			printf("verdict: known %s: %s\n", id, v1.f[0].sig);
		else
			printf("verdict: clean (%zu ops)\n", scenario.nr_ops);
	} else {
		for (int i = 0; i < v1.nr; i++) {
			if (!v1.f[i].known || o.strict)
				tf_print_finding(stdout, &scenario, &v1.f[i]);
			if (!o.keep_going)
				break;
		}
		if (v1.truncated)
			printf("(more than %d findings; the rest were not recorded)\n",
			       TF_MAX_FINDINGS);
		printf("verdict: %s\n", f->sig);
	}
	if (judged && met) {
		printf("expect: met (%s)\n", e.has_known ? e.known : e.expect);
		if (f)
			nr_expected++;
		return;
	}
	if (judged) {
		printf("expect: NOT MET: %s\n", err);
		fprintf(stderr, "replay: %s: '# expect' not met: %s\n", path, err);
		nr_unmet++;
	}
	if (f)
		nr_findings++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @top: named on the command line (an error when it cannot be an input). */
static void run_path(const char *path, bool top)
{
	const char *slash = strrchr(path, '/'), *why;
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, cap = 0;
	int before = nr_inputs + nr_errors;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		nr_errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		const char *what = S_ISFIFO(st.st_mode) ? "a fifo" :
				   S_ISSOCK(st.st_mode) ? "a socket" : "a device";

		if (top) {
			input_error(path, "%s, not a regular file: not replayed", what);
		} else {
			fprintf(stderr, "replay: %s: skipped: %s, not a regular file\n", path, what);
			nr_skipped++;
		}
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		why = not_input(slash ? slash + 1 : path);
		if (why && top && strcmp(why, "a dot file")) {
			input_error(path, "%s, not an input (replay --help says which files are)", why);
			return;
		}
		if (why && !top) {
			fprintf(stderr, "replay: %s: skipped: %s\n", path, why);
			nr_skipped++;
			return;
		}
		if (opt_list_inputs) {
			printf("%s\n", path);
			nr_inputs++;
			return;
		}
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

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_name[0] == '.')
			continue;	/* .index, .state/, .run-start: silently */
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
		run_path(names[i], false);
		free(names[i]);
	}
	free(names);
	/* An empty artifact directory is no error (a run that found nothing). */
	if (top && nr_inputs + nr_errors == before)
		fprintf(stderr, "replay: %s: no inputs in it\n", path);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "print", no_argument, NULL, 'p' },
		{ "trace", optional_argument, NULL, 't' },
		{ "strict", no_argument, NULL, 's' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "bugs", required_argument, NULL, 'b' },
		{ "list-bugs", no_argument, NULL, 'L' },
		{ "tracker", required_argument, NULL, 'T' },
		{ "list-trackers", no_argument, NULL, 'R' },
		{ "diff", required_argument, NULL, 'D' },
		{ "pcp", required_argument, NULL, 'P' },
		{ "what-if", required_argument, NULL, 'W' },
		{ "list-inputs", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bad, *env;
	int c;

	/* The fuzz targets' environment applies here too, so a finding replays. */
	env = getenv("TAGFUZZ_BUGS");
	if (env && *env) {
		if (tf_bugs_parse(env, &given.bugs, &bad)) {
			fprintf(stderr, "replay: TAGFUZZ_BUGS: unknown bug switch '%s'\n", bad);
			return 2;
		}
		bugs_given = variant_given = true;
	}
	env = getenv("TAGFUZZ_STRICT");
	if (env && *env) {
		given.strict = *env != '0';
		variant_given = true;
	}
	env = getenv("TAGFUZZ_TRACKER");
	if (env && *env) {
		if (set_tracker(&given, env, "TAGFUZZ_TRACKER"))
			return 2;
		variant_given = true;
	}
	env = getenv("TAGFUZZ_PCP");
	if (env && *env) {
		if (set_pcp(&given, env, "TAGFUZZ_PCP"))
			return 2;
		variant_given = true;
	}
	env = getenv("TAGFUZZ_WHAT_IF");
	if (env && *env) {
		if (set_what_if(&given, env, "TAGFUZZ_WHAT_IF"))
			return 2;
		variant_given = true;
	}

	while ((c = getopt_long(argc, argv, "ptskb:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			opt_print = true;
			break;
		case 't':
			opt_trace = optarg ? tf_trace_parse(optarg) : TF_TRACE_ALL;
			if (!opt_trace) {
				fprintf(stderr, "replay: --trace=%s: say events, sched or all\n", optarg);
				return 2;
			}
			break;
		case 's':
			given.strict = variant_given = true;
			break;
		case 'k':
			opt_keep_going = true;
			break;
		case 'I':
			opt_list_inputs = true;
			break;
		case 'b':
			if (tf_bugs_parse(optarg, &given.bugs, &bad)) {
				fprintf(stderr, "replay: unknown bug switch '%s' (see --list-bugs)\n", bad);
				return 2;
			}
			bugs_given = variant_given = true;
			break;
		case 'L':
			for (int i = 0; i < TF_NR_BUGS; i++)
				printf("%-28s %s\n%-28s follows: %s\n%-28s verdict: %s\n",
				       tf_bug_table[i].name, tf_bug_table[i].what, "",
				       tf_bug_table[i].origin, "", tf_bug_table[i].verdict);
			return 0;
		case 'T':
			given.tracker = tf_tracker_by_name(optarg);
			if (given.tracker < 0) {
				fprintf(stderr, "replay: unknown tracker variant '%s' (see --list-trackers)\n",
					optarg);
				return 2;
			}
			given.header_tracker = false;
			variant_given = true;
			break;
		case 'D':
			if (tf_trackers_parse(optarg, &given.diff, &bad) || !given.diff) {
				fprintf(stderr, "replay: --diff: unknown tracker variant '%s' (see --list-trackers)\n",
					given.diff ? bad : optarg);
				return 2;
			}
			snprintf(given.diff_name, sizeof(given.diff_name), "%s", optarg);
			variant_given = true;
			break;
		case 'P':
			if (set_pcp(&given, optarg, "--pcp"))
				return 2;
			variant_given = true;
			break;
		case 'W':
			if (set_what_if(&given, optarg, "--what-if"))
				return 2;
			variant_given = true;
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
		run_path(argv[optind], true);
	if (opt_list_inputs)
		return nr_errors ? 2 : 0;
	printf("replayed %d input(s): %d with a finding, %d error(s)", nr_inputs, nr_findings,
	       nr_errors);
	if (nr_expected)
		printf(", %d finding(s) as '# expect' says", nr_expected);
	if (nr_unmet)
		printf(", %d '# expect' not met", nr_unmet);
	if (nr_skipped)
		printf(", %d file(s) skipped", nr_skipped);
	printf("\n");
	if (nr_findings)
		return 1;
	if (nr_unmet)
		return 3;
	return nr_errors ? 2 : 0;
}
