// SPDX-License-Identifier: GPL-2.0
/*
 * The structure-aware mutator (fuzz/mutator.c): every result is a
 * scenario within the size given, every mutation kind happens, schedule
 * changes land on the steps the parent's run took, and TAGFUZZ_MUTATOR's
 * switch is read.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "journal.h"
#include "mutator.h"
#include "run.h"
#include "test.h"
#include "tagfuzz/variants.h"

static uint8_t in[4096], out[4096];
static struct tf_scenario s;

/* @seed's edit of the input @b (@n bytes), decoded into @into when it is a @want edit. */
static bool edit_of_kind(const uint8_t *b, size_t n, unsigned int seed, enum tf_mutation want,
			 struct tf_scenario *into)
{
	enum tf_mutation m = TF_MUT_BYTES;
	size_t k;

	memcpy(out, b, n);
	k = tf_mutate(out, n, sizeof(out), seed, 0, &m);
	if (!k || m != want)
		return false;
	tf_decode(out, k, into);
	return true;
}

static bool test_mutations_stay_scenarios(void)
{
	unsigned int seen[TF_NR_MUTATIONS] = { 0 };
	uint64_t st = 18;

	for (unsigned int i = 0; i < 20000; i++) {
		size_t size = 8 + test_rand(&st) % 120, max = 8 + test_rand(&st) % 400, n;
		enum tf_mutation m = TF_MUT_BYTES;

		for (size_t k = 0; k < size; k++)
			in[k] = test_rand(&st);
		n = tf_mutate(in, size, max, (unsigned int)test_rand(&st), 0, &m);
		ASSERT_TRUE(n <= max);
		if (!n)
			continue;
		ASSERT_TRUE(m > TF_MUT_BYTES && m < TF_NR_MUTATIONS);
		seen[m]++;
		tf_decode(in, n, &s);	/* total: any bytes are a scenario */
		n = tf_cross_over(in, n, out, size, out, max, i, 0);
		ASSERT_TRUE(n <= max);
	}
	for (int m = TF_MUT_INSERT; m < TF_NR_MUTATIONS; m++) {
		if (!seen[m]) {
			fprintf(stderr, "  mutation %s never happened\n", tf_mutation_name[m]);
			return false;
		}
	}
	return true;
}

/* A run group's change points come from the steps its run took. */
static bool test_schedule_from_steps(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
		"pext_init\ncpu_up cpu=1\nalloc cpu=1 order=0 tag=1\n"
		"start free cpu=0 idx=0\nstart alloc cpu=1 order=0 tag=2\nrun first=0\n";
	struct tf_run_opts o = { 0 };
	struct tf_verdict v;
	unsigned int steps = 0, max_at = 0, hits = 0, tries = 0;
	char err[200];
	size_t n, r = 0;

	ASSERT_EQ(tf_parse_text(text, &s, err, sizeof(err)), 0);
	tf_run(&s, &o, &v);
	tf_mutator_note_run(&s);
	for (size_t i = 0; i < s.nr_ops; i++)
		if (s.ops[i].kind == TF_OP_RUN)
			r = i;
	steps = tf_journal_op_steps((long)r);
	/* a bound that says something: the fallback draws from 64 */
	ASSERT_TRUE(steps > 2 && steps < 40);
	n = tf_encode(&s, in, sizeof(in));
	for (unsigned int seed = 0; seed < 4000; seed++) {
		if (!edit_of_kind(in, n, seed, TF_MUT_SCHEDULE, &s))
			continue;
		for (size_t i = 0; i < s.nr_ops; i++) {
			if (s.ops[i].kind != TF_OP_RUN || !s.ops[i].at)
				continue;
			tries++;
			if (s.ops[i].at > max_at)
				max_at = s.ops[i].at;
		}
		hits++;
	}
	ASSERT_TRUE(hits > 100);
	ASSERT_TRUE(tries > 50);
	/* drawn from the steps the run had, or nudged by at most 4 past them */
	ASSERT_TRUE(max_at <= steps + 4);
	return true;
}

/*
 * The fuzz targets run their own tracker (and fuzz_pcp its free path)
 * whatever the input's header says, and note the steps under the scenario
 * they ran: the mutator, holding the input, must find them.
 */
static bool test_steps_found_under_target_overrides(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
		"pext_init\ncpu_up cpu=1\nalloc cpu=1 order=0 tag=1\n"
		"start free cpu=0 idx=0\nstart alloc cpu=1 order=0 tag=3\nrun first=0\n";
	static struct tf_scenario s, input;
	struct tf_run_opts o = { 0 };
	struct tf_verdict v;
	char err[256];

	ASSERT_EQ(tf_parse_text(text, &s, err, sizeof(err)), 0);
	input = s;
	input.m.tracker = TF_TRACKER_CURRENT + 1;	/* what the input's byte 3 said */
	input.m.pcp_variant = s.m.pcp_variant + 1;
	ASSERT_TRUE(!tf_mutator_steps_known(&input));	/* not run yet */
	tf_run(&s, &o, &v);
	tf_mutator_note_run(&s);
	ASSERT_TRUE(tf_mutator_steps_known(&input));
	return true;
}

/*
 * A wrapped group starts one op a CPU: a second start on a CPU would run
 * the group before it with the default schedule (callers.c).
 */
static bool test_wrap_one_op_a_cpu(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=3 pcp=split\n"
		"pext_init\ncpu_up cpu=1\ncpu_up cpu=2\n"
		"alloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\nalloc cpu=2 order=0 tag=1\n"
		"free cpu=1 idx=0\nfree cpu=1 idx=0\nfree cpu=2 idx=0\n";
	static struct tf_scenario w;
	uint8_t b[4096];
	unsigned int wraps = 0;
	char err[256];
	size_t n;

	ASSERT_EQ(tf_parse_text(text, &w, err, sizeof(err)), 0);
	n = tf_encode(&w, b, sizeof(b));
	for (unsigned int seed = 0; seed < 3000; seed++) {
		if (!edit_of_kind(b, n, seed, TF_MUT_WRAP, &w))
			continue;
		wraps++;
		for (size_t i = 0, started = 0; i < w.nr_ops; i++) {
			unsigned int cpu = w.ops[i].kind == TF_OP_CPU_UP || w.ops[i].kind == TF_OP_ALLOC ||
					   w.ops[i].kind == TF_OP_FREE ? w.ops[i].cpu : 0;

			if (w.ops[i].kind == TF_OP_RUN) {
				started = 0;
				continue;
			}
			if (!w.ops[i].async)
				continue;
			ASSERT_TRUE(!(started & (1u << cpu)));
			started |= 1u << cpu;
		}
	}
	ASSERT_TRUE(wraps > 20);
	return true;
}

/* Which CPUs are up before op @at (CPU 0 boots, the others start down). */
static unsigned int up_before(const struct tf_scenario *w, size_t at)
{
	unsigned int up = 1;

	for (size_t i = 0; i < at; i++) {
		if (w->ops[i].kind == TF_OP_CPU_UP)
			up |= 1u << w->ops[i].cpu;
		else if (w->ops[i].kind == TF_OP_CPU_DOWN)
			up &= ~(1u << w->ops[i].cpu);
	}
	return up;
}

/*
 * The race mutation adds one run group of two started ops, each on a CPU
 * of its own that is up there (one brought up first if only CPU 0 is).
 */
static bool test_race_two_cpus_up(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=3 pcp=split\n"
		"pext_init\nalloc cpu=0 order=0 tag=1\nalloc cpu=0 order=0 tag=1\n"
		"free cpu=0 idx=0\ncpu_up cpu=2\nalloc cpu=2 order=0 tag=1\nfree cpu=2 idx=1\n";
	static struct tf_scenario w;
	uint8_t b[4096];
	unsigned int races = 0, pairs = 0, brought_up = 0, frees = 0, same = 0;
	char err[256];
	size_t n;

	ASSERT_EQ(tf_parse_text(text, &w, err, sizeof(err)), 0);
	n = tf_encode(&w, b, sizeof(b));
	for (unsigned int seed = 0; seed < 20000; seed++) {
		unsigned int runs = 0, started = 0, nstarted = 0, up = 0;
		size_t first = 0;

		if (!edit_of_kind(b, n, seed, TF_MUT_RACE, &w))
			continue;
		races++;
		for (size_t i = 0; i < w.nr_ops; i++) {
			const struct tf_op *op = &w.ops[i];
			unsigned int cpu;

			runs += op->kind == TF_OP_RUN;
			if (!op->async)
				continue;
			if (!nstarted++) {
				first = i;
				up = up_before(&w, i);
			}
			/* `drain all` names no CPU: CPU 0 runs it */
			cpu = op->kind == TF_OP_CPU_UP ? op->cpu :
			      op->kind == TF_OP_CPU_DOWN || op->kind == TF_OP_PEXT_ONLINE ||
			      op->kind == TF_OP_PEXT_INIT || (op->kind == TF_OP_DRAIN && op->all) ?
			      0 : op->cpu;
			ASSERT_TRUE(op->kind == TF_OP_CPU_UP || (up & (1u << cpu)));
			ASSERT_TRUE(!(started & (1u << cpu)));
			started |= 1u << cpu;
		}
		ASSERT_EQ(runs, 1);
		/* the decoder may refuse a start (memory beside CPU hotplug) */
		ASSERT_TRUE(nstarted <= 2);
		if (nstarted < 2)
			continue;
		pairs++;
		ASSERT_EQ(w.ops[first + 2].kind, TF_OP_RUN);
		brought_up += first < 4;	/* before the input's cpu_up: one was inserted */
		if (w.ops[first].kind == TF_OP_FREE && w.ops[first + 1].kind == TF_OP_FREE) {
			frees++;
			same += w.ops[first].n == w.ops[first + 1].n;
		}
	}
	/*
	 * Two frees: copies of idx=0 and idx=1 name the same allocation half
	 * the time by chance; the race edit puts the second on the first's
	 * allocation half the time besides (3/4 in all).
	 */
	fprintf(stderr, "  race: %u pairs of frees, %u on one allocation\n", frees, same);
	ASSERT_TRUE(frees > 60);
	ASSERT_TRUE(same * 100 > frees * 65);
	ASSERT_TRUE(races > 50);
	ASSERT_TRUE(pairs > races / 2);
	ASSERT_TRUE(brought_up > 0);
	return true;
}

static bool has_conflict(const struct tf_mut_group_info *gi, unsigned int cpu, unsigned int point)
{
	for (unsigned int i = 0; i < gi->nr_conflicts; i++)
		if (gi->conflict_cpu[i] == cpu && gi->conflict_point[i] == point)
			return true;
	return false;
}

static const struct tf_mut_group_info *run_info_of(const char *text, struct tf_mut_run_info *ri)
{
	struct tf_run_opts o = { .for_mutator = true };
	struct tf_verdict v;
	char err[256];

	if (tf_parse_text(text, &s, err, sizeof(err)))
		return NULL;
	tf_run(&s, &o, &v);
	tf_mutator_run_info(&s, ri);
	return ri->nr == 1 ? &ri->g[0] : NULL;
}

/*
 * A group's conflicts: the points right before an access to an object the
 * other CPU also touches, as (CPU, its nth point).  A free on CPU1 and a
 * drain of every CPU's pageset on CPU0: CPU1 takes its pageset's lock at
 * its 14th point and drops it before its 19th; CPU0's drain takes the same
 * lock later.  The CPUs' copies of the pageset lie 64 KiB apart (an object
 * table indexed by low address bits lost CPU1's to CPU0's), and an unlock's
 * point comes after it (the switch that matters is the one right after).
 */
static bool test_conflicts_per_cpu(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=2 pcp=upstream\n"
		"pext_init\ncpu_up cpu=1\nalloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\n"
		"free cpu=1 idx=0\nstart free cpu=1 idx=0\nstart drain all\nrun first=1\n";
	static const char pgflag[] =
		"machine section_pages=64 sections=1 cpus=2 pgflag_bits=8 kernel_tags=100\n"
		"tagalloc order=0 tag=k:1\ncpu_up cpu=1\n"
		"start pgflag cpu=1 idx=0 bit=3 set\nstart free cpu=0 idx=0\nrun first=1\n";
	struct tf_mut_run_info ri;
	const struct tf_mut_group_info *gi = run_info_of(text, &ri);

	ASSERT_TRUE(gi != NULL);
	ASSERT_EQ(gi->cpus, 3);
	ASSERT_TRUE(gi->points[0] > 10 && gi->points[1] > 10);
	ASSERT_TRUE(has_conflict(gi, 1, 14));	/* spin_trylock(&pcp->lock) */
	ASSERT_TRUE(has_conflict(gi, 1, 19));	/* right after its spin_unlock() */
	ASSERT_TRUE(!has_conflict(gi, 1, 1));	/* rcu_read_lock(): CPU1's own */
	/*
	 * set_bit() on page->flags (CPU1's first point) against the free's
	 * READ_ONCE()/WRITE_ONCE() of it (CPU0's 6th and 7th): set_bit() is
	 * an access too.
	 */
	gi = run_info_of(pgflag, &ri);
	ASSERT_TRUE(gi != NULL);
	ASSERT_TRUE(has_conflict(gi, 1, 1));
	ASSERT_TRUE(has_conflict(gi, 0, 6));
	ASSERT_TRUE(has_conflict(gi, 0, 7));
	return true;
}

/*
 * Schedule edits aimed at conflicts find a race the written schedule was
 * taken from: online-no-absorb's reproducer with its change point removed,
 * 600 schedule edits of it.  Drawn from the steps alone (the first version)
 * 10 of them found it; aimed, 59.
 */
static bool test_aimed_schedules_find_race(void)
{
	static const char text[] =
		"machine section_pages=64 sections=2 cpus=3 pcp=split\n"
		"pext_init\ncpu_up cpu=1\ncpu_up cpu=2\n"
		"alloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\n"
		"start free cpu=2 idx=0\nstart cpu_down cpu=1\nrun first=1\n"
		"cpu_up cpu=1\nfree cpu=1 idx=0\n";
	struct tf_run_opts o = { .for_mutator = true };
	struct tf_verdict v;
	static struct tf_scenario child;
	unsigned int tries = 0, hits = 0;
	const char *bad;
	char err[256];
	size_t n;

	ASSERT_EQ(tf_parse_text(text, &s, err, sizeof(err)), 0);
	ASSERT_EQ(tf_bugs_parse("online-no-absorb", &o.bugs, &bad), 0);
	tf_run(&s, &o, &v);
	ASSERT_EQ(v.nr, 0);	/* the written schedule (none) misses it */
	tf_mutator_note_run(&s);
	n = tf_encode(&s, in, sizeof(in));
	for (unsigned int seed = 1; tries < 600; seed++) {
		if (!edit_of_kind(in, n, seed, TF_MUT_SCHEDULE, &child))
			continue;
		tries++;
		tf_run(&child, &o, &v);
		for (int i = 0; i < v.nr; i++)
			hits += !strcmp(v.f[i].sig, "pcp:stranded-after-online");
	}
	ASSERT_TRUE(hits >= 30);
	return true;
}

const struct test_case tests_mutator[] = {
	TEST(test_mutations_stay_scenarios),
	TEST(test_schedule_from_steps),
	TEST(test_steps_found_under_target_overrides),
	TEST(test_wrap_one_op_a_cpu),
	TEST(test_race_two_cpus_up),
	TEST(test_conflicts_per_cpu),
	TEST(test_aimed_schedules_find_race),
};
const size_t nr_tests_mutator = ARRAY_LEN(tests_mutator);
