// SPDX-License-Identifier: GPL-2.0
/*
 * The AFL++ custom mutator library (out/afl/tagfuzz_mutator.so, from
 * fuzz/afl_mutator.c), loaded as afl-fuzz loads it (dlopen, dlsym): each
 * afl_custom_fuzz() result is a scenario (its text form parses back to the
 * same bytes) that differs from the input, cross-overs happen when AFL++
 * passes a second input, schedule edits draw on the steps the library
 * learnt by running the input, and TAGFUZZ_MUTATOR=bytes makes nothing
 * (no rounds, no inputs).
 *
 * The library is looked for beside this binary ($(OUT)/afl/, where make
 * puts it), or at $TAGFUZZ_AFL_MUTATOR.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <stdlib.h>
#include <unistd.h>

#include "afl_mutator.h"
#include "codec.h"
#include "journal.h"
#include "run.h"
#include "test.h"

struct lib {
	void *h;
	void *(*init)(void *afl, unsigned int seed);
	unsigned int (*fuzz_count)(void *data, const uint8_t *buf, size_t buf_size);
	size_t (*fuzz)(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
	const char *(*describe)(void *data, size_t max_description_len);
	void (*deinit)(void *data);
};

static const char *lib_path(void)
{
	static char path[4096 + 32];
	char exe[4096];
	const char *env = getenv("TAGFUZZ_AFL_MUTATOR");
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "out/afl/tagfuzz_mutator.so";
	exe[n] = 0;
	snprintf(path, sizeof(path), "%s/afl/tagfuzz_mutator.so", dirname(exe));
	return path;
}

static bool load(struct lib *l)
{
	const char *p = lib_path();

	l->h = dlopen(p, RTLD_NOW | RTLD_LOCAL);
	if (!l->h) {
		fprintf(stderr, "  cannot load %s: %s (make afl-mutator builds it)\n", p, dlerror());
		return false;
	}
	*(void **)&l->init = dlsym(l->h, "afl_custom_init");
	*(void **)&l->fuzz_count = dlsym(l->h, "afl_custom_fuzz_count");
	*(void **)&l->fuzz = dlsym(l->h, "afl_custom_fuzz");
	*(void **)&l->describe = dlsym(l->h, "afl_custom_describe");
	*(void **)&l->deinit = dlsym(l->h, "afl_custom_deinit");
	if (!l->init || !l->fuzz_count || !l->fuzz || !l->describe || !l->deinit) {
		fprintf(stderr, "  %s lacks an afl_custom_* entry point\n", p);
		return false;
	}
	return true;
}

static const char *const seeds[] = {
	/* PCP mode, a run group */
	"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
	"pext_init\ncpu_up cpu=1\nalloc cpu=1 order=0 tag=1\n"
	"start free cpu=0 idx=0\nstart alloc cpu=1 order=0 tag=2\nrun first=0\n",
	/* boot: early allocations, page_ext, frees */
	"machine section_pages=64 sections=2 cpus=1 debug=1 profiling=1 wmark=0\n"
	"alloc cpu=0 order=1 gfp=kernel tag=1\npext_init\nsplit cpu=0 idx=0\nfree cpu=0 idx=1\n",
	/* a debug=0 machine, CPUs up before page_ext */
	"machine section_pages=64 sections=2 cpus=2 debug=0 profiling=1 wmark=0\n"
	"alloc cpu=0 order=0 tag=2\ncpu_up cpu=1\nalloc cpu=1 order=2 tag=3\npext_init\nfree cpu=1 idx=0\n",
};

static struct tf_scenario s, back;
static uint8_t in[4096], add[4096], enc[1 << 16], enc_back[1 << 16];
static char text[1 << 16];

/* @out (@n bytes) as text, parsed back: the same scenario, the same bytes. */
static bool parses_back(const uint8_t *out, size_t n)
{
	char err[200];
	FILE *f = fmemopen(text, sizeof(text), "w");
	size_t k;

	ASSERT_TRUE(f);
	tf_decode(out, n, &s);
	tf_print_scenario(f, &s);
	fclose(f);
	if (tf_parse_text(text, &back, err, sizeof(err))) {
		fprintf(stderr, "  output does not parse: %s\n%s", err, text);
		return false;
	}
	k = tf_encode(&s, enc, sizeof(enc));
	ASSERT_TRUE(k <= sizeof(enc));
	ASSERT_EQ(tf_encode(&back, enc_back, sizeof(enc_back)), k);
	ASSERT_TRUE(!memcmp(enc, enc_back, k));
	return true;
}

/* Outputs of a few seeds: scenarios, different from their input, described. */
static bool test_afl_outputs_are_new_scenarios(void)
{
	struct lib l;
	void *m;
	unsigned int made = 0, cross = 0;
	char err[200];

	ASSERT_TRUE(load(&l));
	m = l.init(NULL, 18);
	ASSERT_TRUE(m);
	for (size_t i = 0; i < ARRAY_LEN(seeds); i++) {
		size_t n, an;

		ASSERT_EQ(tf_parse_text(seeds[i], &s, err, sizeof(err)), 0);
		n = tf_encode(&s, in, sizeof(in));
		ASSERT_EQ(tf_parse_text(seeds[(i + 1) % ARRAY_LEN(seeds)], &s, err, sizeof(err)), 0);
		an = tf_encode(&s, add, sizeof(add));
		ASSERT_TRUE(l.fuzz_count(m, in, n) > 0);
		for (unsigned int r = 0; r < 300; r++) {
			uint8_t *out = NULL, copy[4096];
			uint8_t other[4096];
			const char *d;
			size_t k;

			memcpy(copy, in, n);
			memcpy(other, add, an);
			k = l.fuzz(m, copy, n, &out, r % 2 ? other : NULL, r % 2 ? an : 0, 1 << 20);
			ASSERT_TRUE(out);
			ASSERT_TRUE(!memcmp(copy, in, n));	/* the input is left alone */
			if (!k)
				continue;
			made++;
			ASSERT_TRUE(k != n || memcmp(out, in, n));
			d = l.describe(m, 200);
			ASSERT_TRUE(!strncmp(d, "op:tagfuzz-", 11) && d[11]);
			cross += !strcmp(d, "op:tagfuzz-cross");
			if (!parses_back(out, k)) {
				fprintf(stderr, "  seed %zu round %u (%s)\n", i, r, d);
				return false;
			}
			memcpy(add, other, an);
		}
	}
	ASSERT_TRUE(made > 800);
	ASSERT_TRUE(cross > 10);
	/* a short description when AFL++ has little room left */
	ASSERT_TRUE(strlen(l.describe(m, 8)) < 8);
	l.deinit(m);
	dlclose(l.h);
	return true;
}

/* Change points come from the steps the library learnt by running the input. */
static bool test_afl_schedule_from_learnt_steps(void)
{
	struct tf_run_opts o = { 0 };
	struct tf_verdict v;
	unsigned int steps = 0, max_at = 0, hits = 0;
	struct lib l;
	char err[200];
	size_t n, r = 0;
	void *m;

	ASSERT_EQ(tf_parse_text(seeds[0], &s, err, sizeof(err)), 0);
	n = tf_encode(&s, in, sizeof(in));
	/* the steps, as test_mutator.c finds them */
	tf_run(&s, &o, &v);
	for (size_t i = 0; i < s.nr_ops; i++)
		if (s.ops[i].kind == TF_OP_RUN)
			r = i;
	for (size_t j = 0; j < tf_journal_len(); j++) {
		const struct tf_jrec *rec = tf_journal_at(j);

		if (rec->access && rec->op == (long)r && rec->a.step > steps)
			steps = rec->a.step;
	}
	ASSERT_TRUE(steps > 2 && steps < 40);	/* the fallback draws from 64 */
	ASSERT_TRUE(load(&l));
	m = l.init(NULL, 7);
	ASSERT_TRUE(m);
	for (unsigned int round = 0; round < 6000; round++) {
		uint8_t *out = NULL, copy[4096];
		size_t k;

		memcpy(copy, in, n);
		k = l.fuzz(m, copy, n, &out, NULL, 0, 1 << 20);
		if (!k || strcmp(l.describe(m, 200), "op:tagfuzz-schedule"))
			continue;
		tf_decode(out, k, &s);
		for (size_t i = 0; i < s.nr_ops; i++) {
			if (s.ops[i].kind != TF_OP_RUN || !s.ops[i].at)
				continue;
			hits++;
			if (s.ops[i].at > max_at)
				max_at = s.ops[i].at;
		}
	}
	l.deinit(m);
	dlclose(l.h);
	ASSERT_TRUE(hits > 50);
	/* drawn from the steps the run had, or nudged by at most 4 past them */
	if (max_at > steps + 4) {
		fprintf(stderr, "  change point %u past the run's %u steps: not learnt\n", max_at, steps);
		return false;
	}
	return true;
}

/* An entry with a run group gets more rounds than one without. */
static bool test_afl_more_rounds_for_run_groups(void)
{
	unsigned int with, without;
	struct lib l;
	char err[200];
	size_t n;
	void *m;

	ASSERT_TRUE(load(&l));
	m = l.init(NULL, 3);
	ASSERT_TRUE(m);
	ASSERT_EQ(tf_parse_text(seeds[0], &s, err, sizeof(err)), 0);	/* a run group */
	n = tf_encode(&s, in, sizeof(in));
	with = l.fuzz_count(m, in, n);
	ASSERT_EQ(tf_parse_text(seeds[1], &s, err, sizeof(err)), 0);	/* none */
	n = tf_encode(&s, in, sizeof(in));
	without = l.fuzz_count(m, in, n);
	l.deinit(m);
	dlclose(l.h);
	ASSERT_TRUE(without > 0);
	ASSERT_TRUE(with > without);
	return true;
}

/* TAGFUZZ_MUTATOR=bytes: the library makes nothing (AFL++ skips the round). */
static bool test_afl_bytes_makes_nothing(void)
{
	const char *was = getenv("TAGFUZZ_MUTATOR");
	char saved[64] = "";
	struct lib l;
	uint8_t *out = NULL;
	char err[200];
	size_t n, k = 0;
	bool loaded;
	void *m = NULL;

	if (was)
		snprintf(saved, sizeof(saved), "%s", was);
	setenv("TAGFUZZ_MUTATOR", "bytes", 1);
	ASSERT_EQ(tf_parse_text(seeds[1], &s, err, sizeof(err)), 0);
	n = tf_encode(&s, in, sizeof(in));
	loaded = load(&l);
	if (loaded) {
		m = l.init(NULL, 1);
		k = m ? l.fuzz_count(m, in, n) : 0;	/* AFL++ skips the stage */
		for (int r = 0; m && r < 50 && !k; r++)
			k = l.fuzz(m, in, n, &out, NULL, 0, 1 << 20);
		if (m)
			l.deinit(m);
		dlclose(l.h);
	}
	if (was)
		setenv("TAGFUZZ_MUTATOR", saved, 1);
	else
		unsetenv("TAGFUZZ_MUTATOR");
	ASSERT_TRUE(loaded && m);
	ASSERT_EQ(k, 0);
	ASSERT_TRUE(out);
	return true;
}

const struct test_case tests_afl_mutator[] = {
	TEST(test_afl_bytes_makes_nothing),
	TEST(test_afl_outputs_are_new_scenarios),
	TEST(test_afl_schedule_from_learnt_steps),
	TEST(test_afl_more_rounds_for_run_groups),
};
const size_t nr_tests_afl_mutator = ARRAY_LEN(tests_afl_mutator);
