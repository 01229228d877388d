// SPDX-License-Identifier: GPL-2.0
/*
 * What ClusterFuzz sees of a finding (issue 19):
 *
 *  - the frames a fuzz target aborts through (fuzz/frames.c): every
 *    signature of the registry and every check kind has a frame named
 *    after it, the names are ones ClusterFuzz does not ignore, and
 *    different signatures take different frames (every known one and
 *    every registry name); tests/finding_frames.sh checks the same on the
 *    stacks of a real fuzz target.
 */
#include <ctype.h>

#include "oracle.h"
#include "run.h"
#include "test.h"

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

const struct test_case tests_frames[] = {
	TEST(test_frames_named),
	TEST(test_frames_keep_findings_apart),
};
const size_t nr_tests_frames = ARRAY_LEN(tests_frames);
