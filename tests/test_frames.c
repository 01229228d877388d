// SPDX-License-Identifier: GPL-2.0
/*
 * What ClusterFuzz and libFuzzer see of a finding (issue 19):
 *
 *  - the frames a fuzz target aborts through (fuzz/frames.c): every
 *    signature of the registry and every check kind has a frame named
 *    after it, the names are ones ClusterFuzz does not ignore, and
 *    different signatures take different frames (every known one and
 *    every registry name); tests/finding_frames.sh checks the same on the
 *    stacks of a real fuzz target;
 *  - no string comparison libFuzzer hears of on the fuzzing path: a run
 *    (every scenario of tests/scenarios, strict and not, with its bug
 *    switches, and its differential run) calls no intercepted strcmp(),
 *    strncmp(), memcmp(), strstr(), ... that libFuzzer would take into its
 *    dictionary (tagfuzz/strmatch.h says why).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sanitizer/common_interface_defs.h>

#include "codec.h"
#include "diff.h"
#include "expect.h"
#include "mutator.h"
#include "oracle.h"
#include "run.h"
#include "test.h"
#include "tagfuzz/variants.h"

/* "model:ref-mismatch" -> "tagfuzz_finding_model_ref_mismatch" */
static void frame_name_of(const char *what, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "tagfuzz_finding_");

	for (; *what && n + 1 < len; what++)
		buf[n++] = *what == ':' || *what == '-' ? '_' : tolower((unsigned char)*what);
	buf[n] = '\0';
}

static bool test_frames_named(void)
{
	char names[3][TF_FRAME_NAME_LEN], want[96], sig[192];

	for (size_t i = 0; i < TF_NR_SIGS; i++) {
		frame_name_of(tf_sigs[i].name, want, sizeof(want));
		tf_finding_frames(tf_sigs[i].name, names);
		if (strcmp(names[0], want)) {
			fprintf(stderr, "  %s aborts through %s: give it %s in fuzz/frames.c SIG_FRAMES\n",
				tf_sigs[i].name, names[0], want);
			return false;
		}
		snprintf(sig, sizeof(sig), "%s [some-class]%s", tf_sigs[i].name, TF_WHAT_IF_SUFFIX);
		tf_finding_frames(sig, names);
		ASSERT_STREQ(names[0], want);
	}
	for (size_t k = 0; k < tf_nr_check_kinds; k++) {
		snprintf(sig, sizeof(sig), "check:%s", tf_check_kind_name[k]);
		frame_name_of(sig, want, sizeof(want));
		snprintf(sig, sizeof(sig), "check:%s:WARN_ON(a: b) [cls]", tf_check_kind_name[k]);
		tf_finding_frames(sig, names);
		ASSERT_STREQ(names[0], want);
	}
	tf_finding_frames("diff:current/array256:check", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_diff_check");
	tf_finding_frames("diff:upstream/split:counters [what-if]", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_diff_counters");
	tf_finding_frames("diff:current/pagelist:tag-state", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_diff_tag_state");
	tf_finding_frames("model:no-such-invariant", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_unlisted");
	tf_finding_frames("check:WARNING:x", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_unlisted");
	tf_finding_frames("model:ref-mismatchX", names);
	ASSERT_STREQ(names[0], "tagfuzz_finding_unlisted");
	return true;
}

/*
 * A name ClusterFuzz's stack analyzer leaves out of a crash state
 * (STACK_FRAME_IGNORE_REGEXES in clusterfuzz/stacktraces/constants.py,
 * the ones a C name of ours could meet).
 */
static bool ignored_by_clusterfuzz(const char *fn)
{
	static const char *const starts[] = {
		"abort", "exit", "raise", "free", "malloc", "calloc", "realloc", "main", "new",
		"New", "delete", "operator", "scanf", "dump_stack", "show_stack", "kasan_",
		"asan_", "__", "_start", "LLVMFuzzer", "fuzzer::", "panic", "print_trailer",
		"object_err", "check_memory_region", "common_exit", "g_log", "gsignal",
		"memcmp", "memcpy", "memmove", "memset", "strcmp", "strcpy", "strdup", "strlen",
		"strncpy", "generic_cpp_", "print_address_description",
	};
	static const char *const contains[] = { "assert", "logger", "DebugBreak", "libpthread" };

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (!strncmp(fn, starts[i], strlen(starts[i])))
			return true;
	for (size_t i = 0; i < sizeof(contains) / sizeof(contains[0]); i++)
		if (strstr(fn, contains[i]))
			return true;
	return false;
}

#define MAX_SIGS	256

static bool test_frames_keep_findings_apart(void)
{
	static char sigs[MAX_SIGS][192], state[MAX_SIGS][3 * TF_FRAME_NAME_LEN];
	char names[3][TF_FRAME_NAME_LEN], again[3][TF_FRAME_NAME_LEN];
	const char *s;
	int nr = 0;

	/* every known signature, every registry name, what-if or not */
	for (size_t i = 0; (s = tf_known_sig(i)) && nr + 2 <= MAX_SIGS; i++) {
		snprintf(sigs[nr++], sizeof(sigs[0]), "%s", s);
		snprintf(sigs[nr++], sizeof(sigs[0]), "%s%s", s, TF_WHAT_IF_SUFFIX);
	}
	for (size_t i = 0; i < TF_NR_SIGS && nr + 2 <= MAX_SIGS; i++) {
		snprintf(sigs[nr++], sizeof(sigs[0]), "%s", tf_sigs[i].name);
		snprintf(sigs[nr++], sizeof(sigs[0]), "%s%s", tf_sigs[i].name, TF_WHAT_IF_SUFFIX);
	}
	ASSERT_TRUE(nr + 2 <= MAX_SIGS);
	for (int i = 0; i < nr; i++) {
		tf_finding_frames(sigs[i], names);
		tf_finding_frames(sigs[i], again);
		for (int k = 0; k < 3; k++) {
			ASSERT_STREQ(names[k], again[k]);
			if (ignored_by_clusterfuzz(names[k])) {
				fprintf(stderr, "  %s: ClusterFuzz ignores frame %s\n", sigs[i], names[k]);
				return false;
			}
		}
		snprintf(state[i], sizeof(state[0]), "%s %s %s", names[0], names[1], names[2]);
		for (int j = 0; j < i; j++) {
			if (strcmp(sigs[i], sigs[j]) && !strcmp(state[i], state[j])) {
				fprintf(stderr, "  '%s' and '%s' share the crash state %s\n", sigs[i],
					sigs[j], state[i]);
				return false;
			}
		}
	}
	return true;
}

/* --- the comparisons libFuzzer hears of ------------------------------------- */

/* volatile: the compiler knows strcmp() reads neither, but the hooks do */
static volatile bool hooks_armed;
static volatile int nr_heard;
static char first_heard[256];

static void heard(const char *fn, const void *a, size_t alen, const void *b, size_t blen)
{
	if (!hooks_armed)
		return;
	if (!nr_heard)
		snprintf(first_heard, sizeof(first_heard), "%s(\"%.*s\", \"%.*s\")", fn,
			 (int)(alen < 80 ? alen : 80), (const char *)a,
			 (int)(blen < 80 ? blen : 80), (const char *)b);
	nr_heard = nr_heard + 1;
}

/* As libFuzzer does (FuzzerTracePC.cpp): equal operands teach it nothing. */
void __sanitizer_weak_hook_memcmp(void *pc, const void *s1, const void *s2, size_t n, int result)
{
	if (result)
		heard("memcmp", s1, n, s2, n);
}

void __sanitizer_weak_hook_strncmp(void *pc, const char *s1, const char *s2, size_t n,
				   int result)
{
	if (result)
		heard("strncmp", s1, strnlen(s1, n), s2, strnlen(s2, n));
}

void __sanitizer_weak_hook_strncasecmp(void *pc, const char *s1, const char *s2, size_t n,
				       int result)
{
	if (result)
		heard("strncasecmp", s1, strnlen(s1, n), s2, strnlen(s2, n));
}

void __sanitizer_weak_hook_strcmp(void *pc, const char *s1, const char *s2, int result)
{
	if (result)
		heard("strcmp", s1, strlen(s1), s2, strlen(s2));
}

void __sanitizer_weak_hook_strcasecmp(void *pc, const char *s1, const char *s2, int result)
{
	if (result)
		heard("strcasecmp", s1, strlen(s1), s2, strlen(s2));
}

void __sanitizer_weak_hook_strstr(void *pc, const char *s1, const char *s2, char *result)
{
	heard("strstr", s1, strlen(s1), s2, strlen(s2));
}

void __sanitizer_weak_hook_strcasestr(void *pc, const char *s1, const char *s2, char *result)
{
	heard("strcasestr", s1, strlen(s1), s2, strlen(s2));
}

void __sanitizer_weak_hook_memmem(void *pc, const void *s1, size_t len1, const void *s2,
				  size_t len2, void *result)
{
	heard("memmem", s1, len1, s2, len2);
}

static struct tf_scenario hs;
static struct tf_verdict hv;
static struct tf_diff_result hd;
static struct tf_scenario hd_scenario;
static uint8_t bytes[1 << 16], mutated[1 << 16];

/*
 * The runs a fuzz target makes of @path's scenario and the mutator's edits
 * of it, armed; false if one was heard.
 */
static bool runs_quietly(const char *path)
{
	struct tf_run_opts o = { 0 };
	struct tf_diff_opts d = { 0 };
	char err[256], bugs[200];
	const char *bad;
	size_t size;
	char *text = tf_read_file(path, &size);

	if (!text || tf_parse_text(text, &hs, err, sizeof(err))) {
		fprintf(stderr, "  %s: %s\n", path, text ? err : strerror(errno));
		free(text);
		return false;
	}
	if (tf_text_directive(text, "bugs", bugs, sizeof(bugs)) && tf_bugs_parse(bugs, &o.bugs, &bad))
		o.bugs = 0;
	free(text);
	size = tf_encode(&hs, bytes, sizeof(bytes));
	nr_heard = 0;
	hooks_armed = true;
	/* as tf_fuzz_one() does (but for its count of known findings, printed at exit) */
	tf_fuzz_decode(bytes, size, hs.m.what_if, &hd_scenario);
	tf_run(&hs, &o, &hv);
	tf_mutator_note_run(&hs);
	o.strict = true;
	tf_run(&hs, &o, &hv);
	if (hs.m.pcp) {
		d.pcp = true;
		d.trackers = (1u << TF_NR_PCP_FAMILY) - 1;
	} else {
		d.trackers = (1u << TF_NR_TRACKERS) - 1;
	}
	d.bugs = o.bugs;
	tf_diff_run(&hs, &d, &hd);
	/* and the mutator's edits of it, as LLVMFuzzerCustomMutator() makes them */
	for (unsigned int seed = 1; seed <= 64; seed++) {
		memcpy(mutated, bytes, size);
		tf_mutate(mutated, size, sizeof(mutated), seed, hs.m.what_if, NULL);
	}
	hooks_armed = false;
	if (nr_heard)
		fprintf(stderr, "  %s: %d intercepted comparison(s) libFuzzer takes words from, "
			"the first %s (use tagfuzz/strmatch.h)\n", path, nr_heard, first_heard);
	return !nr_heard;
}

static bool test_no_string_compares_heard(void)
{
	const char *dirpath = "tests/scenarios";
	const char *volatile x = "signature-a", *volatile y = "signature-b";
	DIR *dir;
	struct dirent *de;
	char path[512];
	int nr = 0;
	bool ok = true;

	/* The hooks are called at all (an ASan build). */
	nr_heard = 0;
	hooks_armed = true;
	ASSERT_TRUE(strcmp(x, y) != 0);
	hooks_armed = false;
	ASSERT_EQ(nr_heard, 1);

	dir = opendir(dirpath);
	ASSERT_TRUE(dir != NULL);
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);

		if (n < 5 || strcmp(de->d_name + n - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		nr++;
		if (!runs_quietly(path))
			ok = false;
	}
	closedir(dir);
	ASSERT_TRUE(nr > 100);
	return ok;
}

const struct test_case tests_frames[] = {
	TEST(test_frames_named),
	TEST(test_frames_keep_findings_apart),
	TEST(test_no_string_compares_heard),
};
const size_t nr_tests_frames = ARRAY_LEN(tests_frames);
