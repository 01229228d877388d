// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario tests: every .txt scenario in the given directories runs and
 * its verdict is checked against the directives in its comments:
 *
 *   # expect: clean          no finding at all, known or new (the default)
 *   # expect: SIG            the first new finding has signature SIG
 *   # expect-known: SIG      non-strict: clean but for the known finding
 *                            SIG; strict: SIG is the first finding
 *   # bugs: a,b              run with these bug switches; the same
 *                            scenario must then be clean without them
 *                            (with expect-looks-like: show nothing new)
 *   # expect-looks-like: Fn  with `# expect: SIG`: SIG is a known
 *                            symptom whose cause is missing here, and
 *                            the finding says "looks like Fn, but ..."
 *   # also-looks-like: Fn SIG; ...  run on past the first finding
 *                            (keep-going), a later finding SIG says
 *                            "looks like Fn, but ...": for a symptom
 *                            that only ever follows another (a decode
 *                            after the capacity check that let it in)
 *
 * An expect-known scenario's finding must also say "known: Fn (cause:
 * ...)": its cause predicate held; every known finding after it in the
 * run (each with its cause) counts as shown with its cause too.
 * tests/scenarios holds, for every known entry (fuzz/known.c), one
 * scenario of each kind: the symptom with its cause, and the symptom from
 * another cause.
 *
 * A scenario that expects clean (or a known finding) of the default
 * tracker must also be free of new findings under every other tracker
 * variant that claims to be correct, and those variants must agree
 * (tests/test_variants.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "codec.h"
#include "expect.h"
#include "run.h"
#include "trace.h"
#include "test.h"
#include "tagfuzz/variants.h"

static struct tf_scenario sc;

/* Known signatures some scenario showed with its cause, and without. */
#define MAX_KNOWN_SEEN	256
static char seen_known[MAX_KNOWN_SEEN][160], seen_looks[MAX_KNOWN_SEEN][160];
static int nr_seen_known, nr_seen_looks;

/* Recorded without the what-if suffix, as fuzz/known.c lists it. */
static void seen(char (*list)[160], int *nr, const char *sig)
{
	size_t n = strlen(sig), sl = strlen(TF_WHAT_IF_SUFFIX);

	if (n >= sl && !strcmp(sig + n - sl, TF_WHAT_IF_SUFFIX))
		n -= sl;
	for (int i = 0; i < *nr; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], sig, n))
			return;
	if (*nr < MAX_KNOWN_SEEN)
		snprintf(list[(*nr)++], sizeof(list[0]), "%.*s", (int)n, sig);
}

static bool was_seen(char (*list)[160], int nr, const char *sig)
{
	for (int i = 0; i < nr; i++)
		if (!strcmp(list[i], sig))
			return true;
	return false;
}

static const char *first_sig(const struct tf_verdict *v, bool strict)
{
	const struct tf_finding *f = tf_verdict_first_new(v, strict);

	return f ? f->sig : "clean";
}

static bool fail_with(const char *path, const char *what, const struct tf_verdict *v)
{
	printf("FAIL scenario %s: %s\n", path, what);
	for (int i = 0; i < v->nr; i++)
		printf("  finding %d: %s%s (op %ld): %s\n", i, v->f[i].sig,
		       v->f[i].known ? " (known)" : "", v->f[i].op, v->f[i].detail);
	return false;
}

/*
 * `# points: N SITE; N SITE ...`: each counted change point (run at=, at2=,
 * preempt at=) still lands on the scheduling point its test was written
 * for.  A patch that adds a READ_ONCE on the path moves the count; without
 * this a race test that expects a clean run would pass without its race.
 */
static bool check_points(const char *path, const char *points, const struct tf_run_opts *base)
{
	struct tf_run_opts o = *base;
	struct tf_verdict v;
	char *trace = NULL, want[64], site[200], list[512], *item, *save = NULL;
	size_t len = 0;
	bool ok = true;

	o.trace = open_memstream(&trace, &len);
	if (!o.trace)
		return false;
	o.trace_what = TF_TRACE_SCHED;
	tf_run(&sc, &o, &v);
	fclose(o.trace);
	snprintf(list, sizeof(list), "%s", points);
	for (item = strtok_r(list, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		unsigned int step;
		const char *line, *end;
		int at;

		while (*item == ' ')
			item++;
		if (sscanf(item, "%u %n", &step, &at) != 1) {
			printf("FAIL scenario %s: '# points:' item '%s' is not 'STEP SITE'\n", path, item);
			ok = false;
			break;
		}
		/* "  CPUn sched #STEP function() file:line [api] SITE": the site ends the line. */
		snprintf(want, sizeof(want), " sched #%u ", step);
		snprintf(site, sizeof(site), " %s\n", item + at);
		line = strstr(trace, want);
		end = line ? strchr(line, '\n') : NULL;
		if (!end || (size_t)(end + 1 - line) < strlen(site) ||
		    strncmp(end + 1 - strlen(site), site, strlen(site))) {
			printf("FAIL scenario %s: step %u is no longer '%s' (the change point moved; replay --trace=sched shows where it lands now)\n",
			       path, step, item + at);
			ok = false;
		}
	}
	free(trace);
	return ok;
}

/*
 * `# also-looks-like: Fn SIG; ...`: run on past the first finding; each
 * SIG is among the later ones and says "looks like Fn, but ...".
 */
static bool check_also_looks_like(const char *path, const char *also,
				  const struct tf_run_opts *base)
{
	struct tf_run_opts o = *base;
	struct tf_verdict v;
	char list[512], want[64], msg[256], *item, *save = NULL;
	bool ok = true;

	o.keep_going = true;
	tf_run(&sc, &o, &v);
	snprintf(list, sizeof(list), "%s", also);
	for (item = strtok_r(list, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char id[16];
		int at, i;

		while (*item == ' ')
			item++;
		if (sscanf(item, "%15s %n", id, &at) != 1 || !item[at]) {
			printf("FAIL scenario %s: '# also-looks-like:' item '%s' is not 'Fn SIG'\n",
			       path, item);
			return false;
		}
		snprintf(want, sizeof(want), "looks like %s, but ", id);
		for (i = 0; i < v.nr; i++)
			if (!strcmp(v.f[i].sig, item + at) &&
			    !strncmp(v.f[i].cause, want, strlen(want)))
				break;
		if (i == v.nr) {
			snprintf(msg, sizeof(msg), "no finding %s says \"%s...\"", item + at, want);
			ok = fail_with(path, msg, &v);
			continue;
		}
		seen(seen_looks, &nr_seen_looks, item + at);
	}
	return ok;
}

static bool check_scenario(const char *path)
{
	struct tf_run_opts o = { 0 };
	struct tf_expect directives;
	struct tf_verdict v;
	char err[256], expect[200] = "clean", known[200], bugs[200], msg[512], points[512];
	char looks[32], also[512];
	const char *bad;
	bool has_known, has_points, has_looks, has_also, ok = true;
	size_t size;
	char *text = tf_read_file(path, &size);

	if (!text) {
		printf("FAIL scenario %s: %s\n", path, strerror(errno));
		return false;
	}
	/* replay's reading: a misspelt directive or a made-up signature fails (fuzz/expect.h) */
	if (tf_expect_parse(text, &directives, err, sizeof(err)) ||
	    tf_parse_text(text, &sc, err, sizeof(err))) {
		printf("FAIL scenario %s: %s\n", path, err);
		free(text);
		return false;
	}
	tf_text_directive(text, "expect", expect, sizeof(expect));
	has_known = tf_text_directive(text, "expect-known", known, sizeof(known));
	has_points = tf_text_directive(text, "points", points, sizeof(points));
	has_looks = tf_text_directive(text, "expect-looks-like", looks, sizeof(looks));
	has_also = tf_text_directive(text, "also-looks-like", also, sizeof(also));
	if (tf_text_directive(text, "bugs", bugs, sizeof(bugs)) &&
	    tf_bugs_parse(bugs, &o.bugs, &bad)) {
		printf("FAIL scenario %s: unknown bug switch '%s'\n", path, bad);
		free(text);
		return false;
	}
	free(text);
	if (has_points && !check_points(path, points, &o))
		return false;

	if (has_known) {
		/* Non-strict: only the known finding, nothing new. */
		tf_run(&sc, &o, &v);
		if (tf_verdict_first_new(&v, false) || !v.nr || strcmp(v.f[0].sig, known))
			return fail_with(path, "expected only the known finding", &v);
		if (strncmp(v.f[0].cause, "known: ", 7))
			return fail_with(path, "the known finding names no cause", &v);
		for (int i = 0; i < v.nr; i++)
			if (!strncmp(v.f[i].cause, "known: ", 7))
				seen(seen_known, &nr_seen_known, v.f[i].sig);
		o.strict = true;
		tf_run(&sc, &o, &v);
		if (strcmp(first_sig(&v, true), known)) {
			snprintf(msg, sizeof(msg), "strict: expected %s, got %s", known,
				 first_sig(&v, true));
			return fail_with(path, msg, &v);
		}
		return sc.m.tracker != TF_TRACKER_CURRENT || check_scenario_variants(path, &sc);
	}

	tf_run(&sc, &o, &v);
	if (!strcmp(expect, "clean")) {
		if (v.nr)
			ok = fail_with(path, "expected clean", &v);
	} else if (strcmp(first_sig(&v, false), expect)) {
		snprintf(msg, sizeof(msg), "expected %s, got %s", expect, first_sig(&v, false));
		ok = fail_with(path, msg, &v);
	} else if (has_looks) {
		const struct tf_finding *f = tf_verdict_first_new(&v, false);
		char want[64];

		snprintf(want, sizeof(want), "looks like %s, but ", looks);
		if (strncmp(f->cause, want, strlen(want))) {
			snprintf(msg, sizeof(msg), "expected \"%s...\", got \"%s\"", want, f->cause);
			ok = fail_with(path, msg, &v);
		} else {
			seen(seen_looks, &nr_seen_looks, expect);
		}
	}
	if (ok && has_also)
		ok = check_also_looks_like(path, also, &o);
	if (ok && o.bugs) {
		/*
		 * The bug switch, and nothing else, makes the finding.  A known
		 * symptom from another cause may show the known finding itself
		 * without the switch (every memory online warns F18), but only
		 * with its cause: nothing new.
		 */
		o.bugs = 0;
		tf_run(&sc, &o, &v);
		if (has_looks ? tf_verdict_first_new(&v, false) != NULL : v.nr != 0)
			ok = fail_with(path, has_looks ?
				       "expected nothing new without the bug switches" :
				       "expected clean without the bug switches", &v);
	}
	if (ok && !o.bugs && !strcmp(expect, "clean") && sc.m.tracker == TF_TRACKER_CURRENT)
		ok = check_scenario_variants(path, &sc);
	return ok;
}

/*
 * Every known entry has a scenario with its cause (suppressed) and one
 * with the same symptom from another cause (reported, "looks like").
 */
static void check_known_covered(int *passed, int *failed)
{
	const char *sig;

	for (size_t k = 0; (sig = tf_known_sig(k)); k++) {
		bool with = was_seen(seen_known, nr_seen_known, sig);
		bool without = was_seen(seen_looks, nr_seen_looks, sig);

		if (with && without) {
			(*passed)++;
			continue;
		}
		printf("FAIL known %s %s: no scenario in tests/scenarios %s\n", tf_known_id(k), sig,
		       !with ? "shows it with its cause (# expect-known:)" :
		       "shows it from another cause (# expect: SIG, # expect-looks-like: Fn)");
		(*failed)++;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int run_scenario_dirs(int nr_dirs, char **dirs, int *passed, int *failed)
{
	for (int d = 0; d < nr_dirs; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;
		char *names[1024];
		int nr = 0, found = 0;

		if (!dir) {
			printf("FAIL scenario directory %s: %s\n", dirs[d], strerror(errno));
			(*failed)++;
			continue;
		}
		while ((de = readdir(dir)) && nr < 1024) {
			size_t n = strlen(de->d_name);

			if (n > 4 && !strcmp(de->d_name + n - 4, ".txt"))
				names[nr++] = strdup(de->d_name);
		}
		closedir(dir);
		qsort(names, nr, sizeof(names[0]), cmp_str);
		for (int i = 0; i < nr; i++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]);
			free(names[i]);
			found++;
			if (check_scenario(path))
				(*passed)++;
			else
				(*failed)++;
		}
		if (!found) {
			printf("FAIL scenario directory %s: no .txt scenarios\n", dirs[d]);
			(*failed)++;
		}
	}
	for (int d = 0; d < nr_dirs; d++) {
		size_t n = strlen(dirs[d]);

		if (n >= 15 && !strcmp(dirs[d] + n - 15, "tests/scenarios"))
			check_known_covered(passed, failed);
	}
	return 0;
}
