// SPDX-License-Identifier: GPL-2.0
/*
 * The structure-aware mutator as an AFL++ custom mutator library
 * (out/afl/tagfuzz_mutator.so, issue 18).  The mutations are fuzz/mutator.c's
 * tf_mutate() and tf_cross_over(), the ones libFuzzer's hooks call: this
 * file only adapts AFL++'s API to them.
 *
 * AFL++ runs its custom mutator stage right before havoc, as many rounds
 * as havoc gets, and havoc still runs after it (AFL_CUSTOM_MUTATOR_ONLY is
 * not set), so the byte mutations are not lost.  Each round here makes one
 * to four structured edits of the queue entry, or, one round in eight when
 * AFL++ passes another queue entry, a cross-over with it.  A result equal
 * to the input is tried again with another seed.
 *
 * What each run group did (its steps and conflict steps): under libFuzzer
 * the target notes it after each run, in the process that mutates
 * (tf_mutator_note_run()).
 * This library runs in afl-fuzz, not in the target, so it learns them
 * itself: the first time a queue entry with a run group comes to be
 * mutated, a forked child of afl-fuzz runs it on the port (tf_run(), as
 * the target runs it: TAGFUZZ_BUGS, TAGFUZZ_TRACKER with one variant or
 * the current one, TAGFUZZ_PCP=upstream|split, TAGFUZZ_WHAT_IF) and sends
 * the steps back through a pipe.  The child keeps afl-fuzz safe from
 * anything the run does; its cost is counted and printed at the end with
 * the other counts (docs/benchmarks.md has the numbers).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "afl_mutator.h"
#include "codec.h"
#include "mutator.h"
#include "phases.h"
#include "run.h"
#include "tagfuzz/variants.h"

#define EXPORT		__attribute__((visibility("default")))
/* The longest encoding tf_mutate() writes. */
#define ENC_MAX		(TF_HDR_BYTES + TF_OP_BYTES * 2 * TF_MAX_OPS)
#define TRIES		8	/* seeds tried for a result that differs from the input */
#define LEARN_SECS	10	/* a learning run longer than this is killed */
/*
 * Rounds per queue entry visit.  Without afl_custom_fuzz_count() AFL++
 * gives the stage havoc's rounds and doubles them (and the entry's score,
 * which havoc then uses too) each time a round finds a new entry, up to
 * 64 times: in two 120 s runs of fuzz_pcp AFL++ then finished 1 and 2
 * queue entries, against 37 and 61 without the library.  A fixed count
 * leaves that to havoc.
 */
#define ROUNDS		256
/*
 * An entry with a run group gets four times as many: its schedule is where
 * a race is, and AFL++ picks entries by their own score, blind to that.
 */
#define RACE_ROUNDS	(4 * ROUNDS)

struct tf_afl {
	uint64_t rng;
	bool structured;		/* TAGFUZZ_MUTATOR is not "bytes" */
	uint8_t what_if;		/* TAGFUZZ_WHAT_IF */
	struct tf_run_opts opts;	/* .bugs: TAGFUZZ_BUGS */
	int tracker;			/* TAGFUZZ_TRACKER, or -1: the header's */
	int pcp_variant;		/* TAGFUZZ_PCP=upstream|split, or -1 */
	uint8_t *out;
	size_t cap;
	uint64_t last_input;		/* the queue entry steps were last looked up for */
	char desc[64];
	struct {
		unsigned long calls, made, none, same, cross;
		unsigned long kind[TF_NR_MUTATIONS];
		unsigned long learned, learn_failed, known;	/* queue entries */
		uint64_t learn_ns, fuzz_ns;
	} n;
};

/* The queue entry being learnt (decoded), run in the child. */
static struct tf_scenario learn_s;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint32_t next(struct tf_afl *a)
{
	a->rng ^= a->rng << 13;
	a->rng ^= a->rng >> 7;
	a->rng ^= a->rng << 17;
	return a->rng >> 16;
}

static uint64_t hash(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull ^ n;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* The target's variant, from the environment it shares with afl-fuzz. */
static void read_env(struct tf_afl *a)
{
	const char *w = getenv("TAGFUZZ_WHAT_IF"), *b = getenv("TAGFUZZ_BUGS");
	const char *t = getenv("TAGFUZZ_TRACKER"), *p = getenv("TAGFUZZ_PCP");
	const char *bad;
	int k;

	a->tracker = TF_TRACKER_CURRENT;
	a->pcp_variant = -1;
	if (w && *w && (k = tf_what_if_by_name(w)) >= 0)
		a->what_if = k;
	if (b && *b && tf_bugs_parse(b, &a->opts.bugs, &bad))
		a->opts.bugs = 0;	/* the target refuses to start on it */
	if (t && !strcmp(t, "header"))
		a->tracker = -1;
	else if (t && *t && (k = tf_tracker_by_name(t)) >= 0)
		a->tracker = k;		/* a list: the differential targets run the current one too */
	if (p && !strcmp(p, "upstream"))
		a->pcp_variant = 0;
	else if (p && !strcmp(p, "split"))
		a->pcp_variant = 1;
}

EXPORT void *afl_custom_init(void *afl, unsigned int seed)
{
	struct tf_afl *a = calloc(1, sizeof(*a));

	(void)afl;
	if (!a)
		return NULL;
	a->cap = ENC_MAX;
	a->out = malloc(a->cap);
	if (!a->out) {
		free(a);
		return NULL;
	}
	a->rng = seed * 0x9e3779b97f4a7c15ull + 0x7466;	/* never 0 */
	a->structured = tf_mutator_structured();
	read_env(a);
	if (!a->structured)
		fprintf(stderr, "==tagfuzz== AFL++ mutator: TAGFUZZ_MUTATOR=bytes, making nothing\n");
	return a;
}

/*
 * What each run group of @s did (steps, conflict steps), learnt in a
 * child that runs it: noted for @s (nothing noted if the child failed).  Returns whether the
 * child reported.
 */
static bool learn_steps(struct tf_afl *a, struct tf_scenario *s)
{
	struct tf_mut_run_info ri;
	ssize_t got = -1;
	int fd[2], status;
	pid_t pid;

	if (pipe(fd))
		return false;
	pid = fork();
	if (pid == 0) {
		struct tf_verdict v;
		int null = open("/dev/null", O_WRONLY);

		close(fd[0]);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		signal(SIGALRM, SIG_DFL);
		alarm(LEARN_SECS);
		/* as the target runs it: fuzz_boot, fuzz_pcp, fuzz_pgflags */
		if (!s->m.pgflag_bits && a->tracker >= 0)
			s->m.tracker = a->tracker;
		if (a->pcp_variant >= 0)
			s->m.pcp_variant = a->pcp_variant;
		a->opts.for_mutator = true;
		tf_run(s, &a->opts, &v);
		tf_mutator_run_info(s, &ri);
		_exit(write(fd[1], &ri, sizeof(ri)) == sizeof(ri) ? 0 : 1);
	}
	close(fd[1]);
	if (pid > 0) {
		size_t have = 0;

		/* until the child's end closes the pipe */
		for (;;) {
			ssize_t r = read(fd[0], (uint8_t *)&ri + have, sizeof(ri) - have);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			have += r;
			if (have == sizeof(ri))
				break;
		}
		got = have;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(fd[0]);
	if (got != sizeof(ri))
		return false;
	tf_mutator_note_info(s, &ri);	/* kept within bounds there */
	return true;
}

/* Before mutating @buf: its steps, unless known (or not this run's mode). */
static void know_steps(struct tf_afl *a, const uint8_t *buf, size_t size)
{
	uint64_t h = hash(buf, size), t0;

	if (h == a->last_input)
		return;
	a->last_input = h;
	tf_decode_what_if(buf, size, a->what_if, &learn_s);
	if (tf_mutator_steps_known(&learn_s)) {
		a->n.known++;
		return;
	}
	if (learn_s.m.what_if && !a->what_if) {
		/* the target passes over it: no steps to learn */
		tf_mutator_note_info(&learn_s, NULL);
		return;
	}
	t0 = now_ns();
	if (learn_steps(a, &learn_s)) {
		a->n.learned++;
	} else {
		a->n.learn_failed++;
		/* the fallback range from now on, not a child each round */
		tf_mutator_note_info(&learn_s, NULL);
	}
	a->n.learn_ns += now_ns() - t0;
}

static void describe(struct tf_afl *a, const char *what)
{
	size_t len = strlen(a->desc);

	snprintf(a->desc + len, sizeof(a->desc) - len, "%s%s",
		 len > strlen("op:tagfuzz-") ? "+" : "", what);
}

/* One round: edits of @buf (or a cross-over with @add) in a->out; the size. */
static size_t mutate(struct tf_afl *a, const uint8_t *buf, size_t size, const uint8_t *add,
		     size_t add_size, size_t max)
{
	unsigned int edits = 1u << (next(a) % 3), i;
	size_t n = 0;

	strcpy(a->desc, "op:tagfuzz-");
	if (add && add_size && next(a) % 8 == 0) {
		n = tf_cross_over(buf, size, add, add_size, a->out, max, next(a), a->what_if);
		if (n) {
			a->n.cross++;
			describe(a, "cross");
			return n;
		}
	}
	memcpy(a->out, buf, size);
	n = size;
	for (i = 0; i < edits; i++) {
		enum tf_mutation m = TF_MUT_BYTES;
		size_t k = tf_mutate(a->out, n, max, next(a), a->what_if, &m);

		if (!k)
			continue;	/* a->out is left as it was */
		n = k;
		a->n.kind[m]++;
		describe(a, tf_mutation_name[m]);
	}
	return strlen(a->desc) > strlen("op:tagfuzz-") ? n : 0;
}

EXPORT unsigned int afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size)
{
	struct tf_afl *a = data;

	if (!a->structured)
		return 0;
	return tf_mutator_run_groups(buf, buf_size, a->what_if) ? RACE_ROUNDS : ROUNDS;
}

EXPORT size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
			      uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	struct tf_afl *a = data;
	uint64_t t0 = now_ns();
	size_t n = 0, max;

	a->n.calls++;
	*out_buf = a->out;
	if (!a->structured)
		return 0;
	if (buf_size > a->cap) {
		uint8_t *p = realloc(a->out, buf_size);

		if (!p)
			return 0;
		a->out = *out_buf = p;
		a->cap = buf_size;
	}
	max = max_size < a->cap ? max_size : a->cap;
	if (buf_size > max)
		return 0;
	know_steps(a, buf, buf_size);
	for (int t = 0; t < TRIES; t++) {
		n = mutate(a, buf, buf_size, add_buf, add_buf_size, max);
		if (n && (n != buf_size || memcmp(a->out, buf, n)))
			break;
		if (n)
			a->n.same++;
		n = 0;
	}
	if (n)
		a->n.made++;
	else
		a->n.none++;
	a->n.fuzz_ns += now_ns() - t0;
	return n;
}

EXPORT const char *afl_custom_describe(void *data, size_t max_description_len)
{
	struct tf_afl *a = data;

	if (max_description_len < sizeof(a->desc) && strlen(a->desc) >= max_description_len)
		a->desc[max_description_len ? max_description_len - 1 : 0] = 0;
	return a->desc;
}

EXPORT void afl_custom_deinit(void *data)
{
	struct tf_afl *a = data;
	char kinds[256] = "";
	size_t len = 0;

	if (!a)
		return;
	for (int m = TF_MUT_INSERT; m < TF_NR_MUTATIONS; m++)
		len += snprintf(kinds + len, len < sizeof(kinds) ? sizeof(kinds) - len : 0,
				"%s%s %lu", m == TF_MUT_INSERT ? "" : ", ", tf_mutation_name[m],
				a->n.kind[m]);
	fprintf(stderr, "==tagfuzz== AFL++ mutator: %lu calls, %lu inputs made (%lu cross-overs), "
		"%lu none, %lu equal to the input (retried); edits: %s; steps learnt for %lu "
		"queue entries (%lu failed; %lu had no run group or were known) in %.3f s; "
		"%.3f s in the mutator\n",
		a->n.calls, a->n.made, a->n.cross, a->n.none, a->n.same, kinds, a->n.learned,
		a->n.learn_failed, a->n.known, a->n.learn_ns / 1e9, a->n.fuzz_ns / 1e9);
	free(a->out);
	free(a);
}
