/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A text scenario's directives and what they expect, read and judged the
 * same way by replay, the scenario tool and the scenario tests:
 *
 *   # expect: clean | SIG      # expect-known: SIG    # expect-looks-like: Fn
 *   # bugs: a,b                # points: N SITE; ...
 *   # also-looks-like: Fn SIG; ...  (later findings of a keep-going run: the
 *                              scenario tests check it, replay reads it only)
 *
 * A `# word:` comment whose word is one of those is a directive.  A word
 * that is not, but is within two letters of one or starts with "expect"
 * (`# expcet:`, `# bug:`, `# expected:`), is refused as a misspelt
 * directive; any other `# word:` comment is prose (the tree's scenarios
 * have many: "# here: a harness bug").  A signature in `# expect:` or
 * `# expect-known:` must be one the tools can report: a registry name
 * (reference/oracle.c tf_sigs), or check:KIND:SITE for a kernel check,
 * each with an optional [class] and [what-if].
 */
#ifndef _TAGFUZZ_EXPECT_H
#define _TAGFUZZ_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

struct tf_expect {
	char expect[200];	/* "clean" when not given */
	char known[200];
	char looks[32];
	char bugs[200];
	char points[512];
	char also[512];
	bool has_expect, has_known, has_looks, has_bugs, has_points, has_also;
};

/*
 * 0 when @size bytes at @text can be a text scenario; else -1 with a
 * one-line reason in @err (a NUL or another control byte: a byte input).
 */
int tf_text_check(const char *text, size_t size, char *err, size_t len);

/* Read @text's directives into @e; -1 with "line N: reason" in @err. */
int tf_expect_parse(const char *text, struct tf_expect *e, char *err, size_t len);

/* @sig could be reported by the tools (see above); "clean" is not a signature. */
bool tf_sig_valid(const char *sig);

/*
 * Whether the verdict @v of a run (strict or not, @strict) meets @e, as
 * tests/test_scenarios.c requires; false with the reason in @msg.
 * expect-known wants, non-strict, only that known finding with its cause
 * ("known: Fn (cause: ...)"), strict, that finding first.
 */
bool tf_expect_judge(const struct tf_expect *e, const struct tf_verdict *v, bool strict,
		     char *msg, size_t len);

#endif /* _TAGFUZZ_EXPECT_H */
