// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz/expect.c: the text check, the directives of a text scenario and
 * the judging of '# expect' lines, as replay, scenario and the scenario
 * tests share them (issue 19); and that a text scenario keeps its
 * verdict once encoded unless `scenario encode` warns (bug switches, a
 * tracker other than the current one).
 */
#include <dirent.h>
#include <stdlib.h>

#include "codec.h"
#include "expect.h"
#include "oracle.h"
#include "run.h"
#include "test.h"
#include "tagfuzz/variants.h"

static bool test_text_check(void)
{
	static const char nul[] = "machine cpus=1\nalloc cpu=0 order=0\0 tag=1\n";
	char err[256];

	ASSERT_EQ(tf_text_check("machine cpus=1\n\talloc cpu=0\r\n", 28, err, sizeof(err)), 0);
	ASSERT_EQ(tf_text_check(nul, sizeof(nul) - 1, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "NUL") && strstr(err, "byte input"));
	ASSERT_EQ(tf_text_check("machine\x1b[0m", 11, err, sizeof(err)), -1);
	return true;
}

static bool parses(const char *text)
{
	struct tf_expect e;
	char err[256];

	return !tf_expect_parse(text, &e, err, sizeof(err));
}

static bool test_directives(void)
{
	struct tf_expect e;
	char err[256];

	ASSERT_EQ(tf_expect_parse("# expect: model:ref-mismatch\n# bugs: a,b\n"
				  "# points: 45 cmpxchg(&x)\nmachine cpus=1\n", &e, err, sizeof(err)), 0);
	ASSERT_TRUE(e.has_expect && e.has_bugs && e.has_points && !e.has_known);
	ASSERT_STREQ(e.expect, "model:ref-mismatch");
	ASSERT_STREQ(e.bugs, "a,b");
	ASSERT_EQ(tf_expect_parse("machine cpus=1\n", &e, err, sizeof(err)), 0);
	ASSERT_STREQ(e.expect, "clean");
	/* misspelt directives */
	ASSERT_FALSE(parses("# expcet: clean\n"));
	ASSERT_FALSE(parses("# bug: recorder-no-guard\n"));
	ASSERT_FALSE(parses("# expected: clean\n"));
	ASSERT_FALSE(parses("# expect-know: model:ref-mismatch\n"));
	ASSERT_FALSE(parses("  # point: 3 spin_lock\n"));
	ASSERT_TRUE(tf_expect_parse("x\n# expcet: clean\n", &e, err, sizeof(err)) &&
		    strstr(err, "line 2: unknown directive '# expcet:'"));
	/* prose that looks like a word and a colon, as the tree's scenarios have */
	ASSERT_TRUE(parses("# here: a harness bug).\n# bug-recorder-no-guard: without it\n"
			   "# up: it holds the tag\n# model:ref-mismatch; see O1\n# first: x\n"));
	/* signatures */
	ASSERT_FALSE(parses("# expect: model:no-such-thing\n"));
	ASSERT_FALSE(parses("# expect: check:WRN:alloc_tag was not set\n"));
	ASSERT_FALSE(parses("# expect-known: clean\n"));
	ASSERT_TRUE(parses("# expect: check:WARN:alloc_tag was not set [early-tail] [what-if]\n"));
	ASSERT_TRUE(parses("# expect-known: pcp:isolated-page-on-pcp [via-llist]\n"));
	ASSERT_FALSE(parses("# expect: clean\n# expect: clean\n"));
	ASSERT_FALSE(parses("# expect-looks-like: F14\n"));
	ASSERT_TRUE(parses("# expect: model:ref-mismatch\n"
			   "# also-looks-like: F13 model:pgflags-decode [module-unchecked]; "
			   "F10 model:ref-mismatch\n"));
	ASSERT_FALSE(parses("# also-looks-like: F13 model:ref-mismatch\n"));
	ASSERT_FALSE(parses("# expect: model:ref-mismatch\n# also-looks-like: F13\n"));
	ASSERT_FALSE(parses("# expect: model:ref-mismatch\n# also-looks-like: F13 model:nope\n"));
	ASSERT_FALSE(parses("# expect: model:ref-mismatch\n# also-look-like: F13 model:ref-mismatch\n"));
	for (int i = 0; i < TF_NR_SIGS; i++)
		ASSERT_TRUE(tf_sig_valid(tf_sigs[i].name));
	return true;
}

static bool test_judge(void)
{
	struct tf_verdict v = { 0 };
	struct tf_expect e;
	char err[256], msg[256];

	ASSERT_EQ(tf_expect_parse("# expect: model:ref-mismatch\n", &e, err, sizeof(err)), 0);
	ASSERT_FALSE(tf_expect_judge(&e, &v, false, msg, sizeof(msg)));
	ASSERT_STREQ(msg, "expected model:ref-mismatch, got clean");
	v.nr = v.nr_new = 1;
	strcpy(v.f[0].sig, "model:ref-mismatch");
	ASSERT_TRUE(tf_expect_judge(&e, &v, false, msg, sizeof(msg)));
	ASSERT_EQ(tf_expect_parse("# expect-known: model:ref-mismatch\n", &e, err, sizeof(err)), 0);
	ASSERT_FALSE(tf_expect_judge(&e, &v, false, msg, sizeof(msg)));	/* new, not known */
	v.nr_new = 0;
	v.f[0].known = "accepted";
	strcpy(v.f[0].cause, "known: F1 (cause: seen)");
	ASSERT_TRUE(tf_expect_judge(&e, &v, false, msg, sizeof(msg)));
	ASSERT_TRUE(tf_expect_judge(&e, &v, true, msg, sizeof(msg)));
	strcpy(v.f[0].cause, "");
	ASSERT_FALSE(tf_expect_judge(&e, &v, false, msg, sizeof(msg)));
	return true;
}

static const char *first(const struct tf_verdict *v)
{
	const struct tf_finding *f = tf_verdict_first_new(v, false);

	return f ? f->sig : "clean";
}

/*
 * Every scenario of tests/scenarios that `scenario encode` does not warn
 * about keeps its verdict in byte form, run as replay runs bytes (the
 * current tracker, no bug switches).
 */
static bool test_encode_keeps_verdict(void)
{
	static struct tf_scenario s, b;
	static uint8_t bytes[TF_HDR_BYTES + 2 * TF_OP_BYTES * TF_MAX_OPS];
	struct tf_run_opts o = { 0 };
	struct tf_verdict v1, v2;
	DIR *d = opendir("tests/scenarios");
	struct dirent *de;
	int checked = 0;

	ASSERT_TRUE(d);
	while ((de = readdir(d))) {
		char path[512], err[256], *text;
		struct tf_expect e;
		size_t n = strlen(de->d_name), size;

		if (n < 5 || strcmp(de->d_name + n - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "tests/scenarios/%s", de->d_name);
		text = tf_read_file(path, &size);
		ASSERT_TRUE(text);
		if (tf_expect_parse(text, &e, err, sizeof(err)) ||
		    tf_parse_text(text, &s, err, sizeof(err)) || e.has_bugs ||
		    s.m.tracker != TF_TRACKER_CURRENT) {
			free(text);
			continue;	/* refused (test_scenarios says why) or warned about */
		}
		free(text);
		size = tf_encode(&s, bytes, sizeof(bytes));
		ASSERT_TRUE(size <= sizeof(bytes));
		tf_decode(bytes, size, &b);
		b.m.tracker = TF_TRACKER_CURRENT;
		tf_run(&s, &o, &v1);
		tf_run(&b, &o, &v2);
		if (strcmp(first(&v1), first(&v2)) || v1.nr != v2.nr) {
			fprintf(stderr, "  %s: text %s, bytes %s\n", path, first(&v1), first(&v2));
			closedir(d);
			return false;
		}
		checked++;
	}
	closedir(d);
	ASSERT_TRUE(checked > 50);
	return true;
}

/*
 * op -1 is boot before the first op, "after the last op" for the oracles'
 * end-of-ops checks, teardown after that (fuzz/run.c).
 */
static bool test_op_label(void)
{
	static struct tf_scenario s;
	struct tf_finding f = { .sig = "model:leaked-tracking-page", .op = -1, .at_boot = true };
	struct tf_run_opts o = { .bugs = 0 };
	struct tf_verdict v;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *m;
	unsigned long bugs;
	const char *bad;

	ASSERT_EQ(tf_parse_text("machine section_pages=64 sections=2 cpus=1 debug=1\n", &s, err,
				sizeof(err)), 0);
	m = open_memstream(&out, &len);
	ASSERT_TRUE(m);
	tf_print_finding(m, &s, &f);
	f.at_boot = false;
	tf_print_finding(m, &s, &f);
	f.at_end = true;
	tf_print_finding(m, &s, &f);
	fclose(m);
	ASSERT_TRUE(strstr(out, "FINDING: ") && strstr(out, " (boot)") && strstr(out, " (teardown)") &&
		    strstr(out, " (after the last op)") && !strstr(out, "op -1"));
	free(out);
	/* a finding of the teardown is not a boot one */
	ASSERT_EQ(tf_bugs_parse("pool-not-freed", &bugs, &bad), 0);
	o.bugs = bugs;
	tf_run(&s, &o, &v);
	ASSERT_TRUE(v.nr > 0);
	ASSERT_EQ(v.f[0].op, -1);
	ASSERT_FALSE(v.f[0].at_boot);
	return true;
}

const struct test_case tests_expect[] = {
	TEST(test_text_check),
	TEST(test_directives),
	TEST(test_judge),
	TEST(test_encode_keeps_verdict),
	TEST(test_op_label),
};
const size_t nr_tests_expect = ARRAY_LEN(tests_expect);
