// SPDX-License-Identifier: GPL-2.0
/*
 * Early-PFN tracker variants: the registry, the header byte and text
 * word that pick one, the burst rounds that make thousands of early
 * allocations cheap, differential runs, and (for the scenario tests)
 * check_scenario_variants(): every variant that claims to be correct is
 * free of new findings on every clean scenario, and they agree.
 *
 * The buggy variants' verdicts are proved by tests/scenarios/variant-*.txt,
 * whose `# expect:` lines test_variants_registry checks against the
 * registry.
 */
#include <stdlib.h>

#include "codec.h"
#include "diff.h"
#include "run.h"
#include "test.h"
#include "tagfuzz/variants.h"

static struct tf_scenario vs;
static struct tf_verdict vv;
static struct tf_diff_result dr;

bool check_scenario_variants(const char *path, const struct tf_scenario *s)
{
	struct tf_run_opts o = { 0 };
	struct tf_diff_opts d = { 0 };
	const struct tf_finding *f;
	const char *who, *bad;
	bool ok = true;

	/* PCP mode: upstream's free path and seed 004's split path must agree. */
	if (s->m.pcp) {
		d.pcp = true;
		d.trackers = (1u << TF_NR_PCP_FAMILY) - 1;
		tf_diff_run(s, &d, &dr);
		f = tf_diff_first_new(&dr, false, &who);
		if (f) {
			printf("FAIL scenario %s: PCP differential run (%s): %s (op %ld): %s\n", path,
			       who, f->sig, f->op, f->detail);
			tf_diff_print(stdout, s, &dr, false);
			return false;
		}
		return true;
	}
	vs = *s;
	for (unsigned int t = 0; t < TF_NR_TRACKERS; t++) {
		if (!tf_tracker_table[t].correct || t == TF_TRACKER_CURRENT)
			continue;
		vs.m.tracker = t;
		tf_run(&vs, &o, &vv);
		f = tf_verdict_first_new(&vv, false);
		if (f || vv.ended_by_bug) {
			printf("FAIL scenario %s: tracker=%s claims to be correct but gives %s (op %ld): %s\n",
			       path, tf_tracker_table[t].name, f ? f->sig : "a BUG", f ? f->op : -1,
			       f ? f->detail : "");
			ok = false;
		}
	}
	if (tf_trackers_parse("correct", &d.trackers, &bad))
		return false;
	tf_diff_run(s, &d, &dr);
	f = tf_diff_first_new(&dr, false, &who);
	if (f) {
		printf("FAIL scenario %s: differential run (%s): %s (op %ld): %s\n", path, who,
		       f->sig, f->op, f->detail);
		tf_diff_print(stdout, s, &dr, false);
		ok = false;
	}
	return ok;
}

/* The variants that claim to be correct, counted from the registry. */
static int nr_correct_trackers(void)
{
	int t, n = 0;

	for (t = 0; t < TF_NR_TRACKERS; t++)
		n += tf_tracker_table[t].correct;
	return n;
}

static bool parse(const char *text)
{
	char err[256];

	if (tf_parse_text(text, &vs, err, sizeof(err))) {
		fprintf(stderr, "  parse: %s\n", err);
		return false;
	}
	return true;
}

/* Every row names a real scenario whose expectation is the row's verdict. */
static bool test_variants_registry(void)
{
	unsigned int mask;
	const char *bad;

	ASSERT_STREQ(tf_tracker_table[0].name, "current");
	ASSERT_TRUE(tf_tracker_table[0].correct);
	for (int t = 0; t < TF_NR_TRACKERS; t++) {
		const struct tf_tracker_info *ti = &tf_tracker_table[t];
		char path[256], expect[200], want[64];
		size_t size;
		char *text;

		ASSERT_EQ(tf_tracker_by_name(ti->name), t);
		ASSERT_TRUE(ti->origin && *ti->origin && ti->what && *ti->what);
		/* Claims to be correct exactly when its verdict is clean. */
		ASSERT_EQ(ti->correct, !strcmp(ti->verdict, "clean"));
		if (ti->correct)
			continue;
		ASSERT_TRUE(sscanf(ti->test, "%255s", path) == 1);
		text = tf_read_file(path, &size);
		if (!text) {
			fprintf(stderr, "  %s: cannot read %s\n", ti->name, path);
			return false;
		}
		ASSERT_TRUE(tf_text_directive(text, "expect", expect, sizeof(expect)));
		ASSERT_STREQ(expect, ti->verdict);
		snprintf(want, sizeof(want), "tracker=%s", ti->name);
		ASSERT_TRUE(strstr(text, want) != NULL);
		free(text);
	}
	ASSERT_EQ(tf_tracker_by_name("no-such-tracker"), -1);
	ASSERT_EQ(tf_trackers_parse("llist,none", &mask, &bad), 0);
	ASSERT_EQ(mask, 1u << TF_TRACKER_LLIST | 1u << TF_TRACKER_NONE);
	ASSERT_EQ(tf_trackers_parse("all", &mask, &bad), 0);
	ASSERT_EQ(mask, (1u << TF_NR_TRACKERS) - 1);
	ASSERT_EQ(tf_trackers_parse("correct", &mask, &bad), 0);
	for (int t = 0; t < TF_NR_TRACKERS; t++)
		ASSERT_EQ(!!(mask & (1u << t)), tf_tracker_table[t].correct);
	ASSERT_EQ(tf_trackers_parse("current,bogus", &mask, &bad), -1);
	ASSERT_STREQ(bad, "bogus");
	return true;
}

/* Header byte 3 picks the variant; the text form names it; both round-trip. */
static bool test_variants_header_and_text(void)
{
	uint8_t in[8] = { 0, 1, 1, 0 }, out[16];
	char line[200], err[256];

	for (int b = 0; b < 256; b += 5) {
		in[3] = b;
		tf_decode(in, sizeof(in), &vs);
		ASSERT_EQ(vs.m.tracker, b % TF_NR_TRACKERS);
		ASSERT_EQ(tf_encode(&vs, out, sizeof(out)), 8);
		ASSERT_EQ(out[3], b % TF_NR_TRACKERS);
	}
	ASSERT_TRUE(parse("machine section_pages=32 tracker=llist\nalloc order=0 tag=1\n"));
	ASSERT_EQ(vs.m.tracker, TF_TRACKER_LLIST);
	tf_format_machine(&vs.m, line, sizeof(line));
	ASSERT_TRUE(strstr(line, " tracker=llist") != NULL);
	/* The default is not written, so older scenario texts print as before. */
	ASSERT_TRUE(parse("machine section_pages=32\n"));
	ASSERT_EQ(vs.m.tracker, TF_TRACKER_CURRENT);
	tf_format_machine(&vs.m, line, sizeof(line));
	ASSERT_TRUE(strstr(line, "tracker") == NULL);
	ASSERT_EQ(tf_parse_text("machine tracker=bogus\n", &vs, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "bogus") != NULL);
	return true;
}

/* burst rounds= free= in bytes and text. */
static bool test_variants_burst_rounds(void)
{
	static struct tf_scenario back;
	uint8_t buf[64];
	char line[160];
	size_t n;

	ASSERT_TRUE(parse("machine section_pages=128 sections=4\n"
			  "burst count=256 order=0 tag=1 rounds=16 free=1\n"
			  "burst count=3 order=1 tag=2 rounds=2\n"
			  "burst count=5 order=0 tag=3\n"));
	ASSERT_EQ(vs.ops[0].rounds, 16);
	ASSERT_TRUE(vs.ops[0].churn);
	ASSERT_EQ(vs.ops[1].rounds, 2);
	ASSERT_FALSE(vs.ops[1].churn);
	n = tf_encode(&vs, buf, sizeof(buf));
	tf_decode(buf, n, &back);
	ASSERT_EQ(back.nr_ops, 3);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(back.ops[i].rounds, vs.ops[i].rounds);
		ASSERT_EQ(back.ops[i].churn, vs.ops[i].churn);
		ASSERT_EQ(back.ops[i].n, vs.ops[i].n);
	}
	tf_format_op(&vs.ops[0], line, sizeof(line));
	ASSERT_STREQ(line, "burst cpu=0 count=256 order=0 tag=1 rounds=16 free=1");
	tf_format_op(&vs.ops[2], line, sizeof(line));
	ASSERT_STREQ(line, "burst cpu=0 count=5 order=0 tag=3");
	/* 4096 early allocations in one op, in little memory, all cleared. */
	ASSERT_TRUE(parse("machine section_pages=128 sections=4 tracker=pagelist\n"
			  "burst count=256 order=0 tag=1 rounds=16 free=1\n"
			  "pext_init\n"));
	tf_run(&vs, &(struct tf_run_opts){ 0 }, &vv);
	ASSERT_EQ(vv.nr, 0);
	return true;
}

/* The correct variants agree on a scenario with early pages of every kind. */
static bool test_diff_correct_variants_agree(void)
{
	struct tf_diff_opts d = { 0 };
	const char *who, *bad;

	ASSERT_EQ(tf_trackers_parse("correct", &d.trackers, &bad), 0);
	ASSERT_TRUE(parse("machine section_pages=64 sections=4 cpus=2\n"
			  "burst count=10 order=0 tag=4\n"
			  "alloc order=2 tag=1\n"
			  "alloc order=0 tag=none\n"
			  "burst count=200 order=0 tag=2 rounds=4 free=1\n"
			  "pext_online section=3\n"
			  "alloc order=0 tag=3\n"
			  "pext_init\n"
			  "free idx=0\nfree idx=0\nfree idx=0\n"));
	tf_diff_run(&vs, &d, &dr);
	ASSERT_EQ(dr.nr_variants, nr_correct_trackers());
	ASSERT_TRUE(tf_diff_first_new(&dr, false, &who) == NULL);
	ASSERT_EQ(dr.nr, 0);
	ASSERT_EQ(dr.nr_diverged, 0);
	/* Each variant but the first is compared on at least 14 pages. */
	ASSERT_TRUE(dr.nr_compared >= (nr_correct_trackers() - 1) * 14);
	return true;
}

/*
 * Found by fuzz_early_pfn_diff (kept as found; a PCP-mode header, which the
 * tracker comparison runs like any other): an untagged early alloc_exact
 * whose part pfn 12 carries a stale entry in one tracker only.  Freeing a
 * part warns in pgalloc_tag_get() before its free event names it, so that
 * check counts on the part freed before it: the stale stamp shows as a
 * difference on a sibling that itself held NULL.  Known (O1), not new.
 * The two drains (added with the batched free_frozen_page_commit(), issue
 * 16) return what the frees left on the PCP lists, as the one-shot commit
 * did, so the block is claimed again whole as when it was found.
 */
static bool test_diff_stale_stamp_moves_between_parts(void)
{
	struct tf_diff_opts d = { 0 };
	const char *who, *bad;

	ASSERT_EQ(tf_trackers_parse("correct", &d.trackers, &bad), 0);
	ASSERT_TRUE(parse(
			  "machine section_pages=16 sections=1 cpus=1 debug=1 profiling=1 wmark=0 pcp=split\n"
			  "free_exact cpu=0 idx=365\n"
			  "run first=0 at=147 at2=248\n"
			  "pressure level=1\n"
			  "run first=2 at=109 at2=114\n"
			  "drain cpu=0\n"
			  "drain all\n"
			  "split cpu=0 idx=31084\n"
			  "alloc cpu=0 order=0 gfp=nowait tag=none\n"
			  "split cpu=0 idx=62140\n"
			  "free_batch cpu=0 idx=48316 count=24\n"
			  "drain cpu=0\n"
			  "free_batch cpu=0 idx=3004 count=24\n"
			  "alloc cpu=0 order=2 gfp=kernel tag=5\n"
			  "alloc cpu=0 order=0 gfp=atomic tag=9\n"
			  "free_batch cpu=0 idx=110 count=13\n"
			  "drain cpu=0\n"
			  "alloc_exact cpu=0 pages=5 gfp=memalloc tag=none\n"
			  "alloc cpu=0 order=2 gfp=kernel tag=0\n"
			  "alloc cpu=0 order=2 gfp=kernel tag=0\n"
			  "pressure level=0\n"
			  "fail_next n=0\n"
			  "alloc cpu=0 order=3 gfp=kernel tag=12\n"
			  "free_batch cpu=0 idx=48316 count=24\n"
			  "free_batch cpu=0 idx=48316 count=24\n"
			  "free_batch cpu=0 idx=256 count=2\n"
			  "alloc_exact cpu=0 pages=1 gfp=memalloc tag=none\n"));
	tf_diff_run(&vs, &d, &dr);
	ASSERT_TRUE(tf_diff_first_new(&dr, false, &who) == NULL);
	ASSERT_TRUE(dr.nr >= 1);	/* the known O1 disagreements are there */
	return true;
}

/*
 * An untagged early page: the model expects its free to warn when no
 * tracker stamped it, so tracker=none passes its own oracles here -- the
 * differential run is what tells it from the current tracker, and names
 * both.
 */
static bool test_diff_names_both_variants(void)
{
	struct tf_diff_opts d = { 0 };
	const struct tf_finding *f;
	const char *who, *bad;

	ASSERT_EQ(tf_trackers_parse("current,none", &d.trackers, &bad), 0);
	ASSERT_TRUE(parse("machine section_pages=64 sections=2 cpus=1\n"
			  "alloc order=0 tag=none\n"
			  "pext_init\n"
			  "free idx=0\n"));
	tf_diff_run(&vs, &d, &dr);
	ASSERT_TRUE(tf_verdict_first_new(&dr.v[0], true) == NULL);
	ASSERT_TRUE(tf_verdict_first_new(&dr.v[1], true) == NULL);
	f = tf_diff_first_new(&dr, false, &who);
	ASSERT_TRUE(f != NULL);
	ASSERT_STREQ(f->sig, "diff:current/none:check");
	ASSERT_STREQ(who, "current/none");
	ASSERT_EQ(f->op, 2);
	ASSERT_TRUE(f->known == NULL);
	/* Without the differential run it goes unnoticed. */
	d.trackers = 1u << TF_TRACKER_NONE;
	tf_diff_run(&vs, &d, &dr);
	ASSERT_TRUE(tf_diff_first_new(&dr, true, &who) == NULL);
	return true;
}

/*
 * An early __GFP_MEMALLOC allocation under pressure: the current tracker
 * cannot get its __GFP_HIGH pool page and drops the pfn (F3, known);
 * pool-gfp takes its page with the caller's gfp and records it.  The
 * disagreement is known (one side is an accepted finding) and strict mode
 * reports it.
 */
static bool test_diff_known_disagreement(void)
{
	struct tf_diff_opts d = { 0 };
	const char *who, *bad;
	bool found = false;

	ASSERT_EQ(tf_trackers_parse("current,pool-gfp", &d.trackers, &bad), 0);
	ASSERT_TRUE(parse("machine section_pages=64 sections=2 cpus=1\n"
			  "pressure level=3\n"
			  "alloc order=0 gfp=memalloc tag=1\n"
			  "pressure level=0\n"
			  "pext_init\n"
			  "free idx=0\n"));
	tf_diff_run(&vs, &d, &dr);
	ASSERT_TRUE(tf_diff_first_new(&dr, false, &who) == NULL);
	for (int i = 0; i < dr.nr; i++) {
		if (!strcmp(dr.f[i].sig, "diff:current/pool-gfp:check")) {
			ASSERT_TRUE(dr.f[i].known != NULL);
			ASSERT_TRUE(strstr(dr.f[i].known, "[early-dropped]") != NULL);
			found = true;
		}
	}
	ASSERT_TRUE(found);
	d.strict = true;
	tf_diff_run(&vs, &d, &dr);
	ASSERT_TRUE(tf_diff_first_new(&dr, true, &who) != NULL);
	return true;
}

/*
 * tests/demo_tracker.c: a two-line change to the current tracker (its
 * pool page with GFP_KERNEL), tried without a registry row of its own.
 * It must trip might_sleep() under the recorder's rcu_read_lock(); the
 * tracker it changes runs the same scenario clean.
 */
extern const struct tf_early_pfn_ops tf_demo_tracker_ops;

static bool test_demo_tracker_two_lines(void)
{
	static const char want[] = "check:might_sleep:sleeping function called from invalid context";
	struct tf_run_opts o = { 0 };
	const struct tf_finding *f;

	ASSERT_TRUE(parse("machine section_pages=64 sections=2 cpus=1 tracker=current\n"
			  "alloc order=0 tag=1\n"
			  "pext_init\n"
			  "free idx=0\n"));
	tf_tracker_ops_override = &tf_demo_tracker_ops;
	tf_run(&vs, &o, &vv);
	tf_tracker_ops_override = NULL;
	f = tf_verdict_first_new(&vv, false);
	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(!strncmp(f->sig, want, strlen(want)));
	tf_run(&vs, &o, &vv);
	ASSERT_TRUE(tf_verdict_first_new(&vv, false) == NULL);
	return true;
}

/* Each variant boots fresh: the same diff twice gives the same result. */
static bool test_diff_deterministic(void)
{
	static struct tf_diff_result first;
	struct tf_diff_opts d = { 0 };
	const char *bad;

	ASSERT_EQ(tf_trackers_parse("all", &d.trackers, &bad), 0);
	ASSERT_TRUE(parse("machine section_pages=32 sections=4 cpus=2\n"
			  "burst count=5 order=0 tag=4\n"
			  "alloc order=1 tag=1\n"
			  "pext_online section=0\n"
			  "alloc order=0 tag=2\n"
			  "pext_init\n"
			  "free idx=1\n"));
	tf_diff_run(&vs, &d, &first);
	tf_diff_run(&vs, &d, &dr);
	ASSERT_EQ(first.nr_variants, TF_NR_TRACKERS);
	ASSERT_EQ(first.nr, dr.nr);
	ASSERT_EQ(first.nr_compared, dr.nr_compared);
	for (int k = 0; k < first.nr_variants; k++) {
		ASSERT_EQ(first.v[k].nr, dr.v[k].nr);
		for (int i = 0; i < first.v[k].nr; i++)
			ASSERT_STREQ(first.v[k].f[i].sig, dr.v[k].f[i].sig);
	}
	return true;
}

const struct test_case tests_variants[] = {
	TEST(test_variants_registry),
	TEST(test_variants_header_and_text),
	TEST(test_variants_burst_rounds),
	TEST(test_diff_correct_variants_agree),
	TEST(test_diff_names_both_variants),
	TEST(test_diff_stale_stamp_moves_between_parts),
	TEST(test_diff_known_disagreement),
	TEST(test_diff_deterministic),
	TEST(test_demo_tracker_two_lines),
};
const size_t nr_tests_variants = ARRAY_LEN(tests_variants);
