/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String tests for the harness's own strings on the fuzzing path:
 * signatures and known-list entries, finding ids, check sites, access
 * sites, printk messages, tag function names.
 *
 * Not libc's strcmp()/strncmp()/strstr(): under ASan their interceptors
 * hand both operands to libFuzzer (__sanitizer_weak_hook_strcmp and the
 * like) while the target runs, and libFuzzer then splices them into
 * inputs as dictionary words and lists them in its "Recommended
 * dictionary" -- "check:WARN:alloc_tag was not set [early-tail]", "F19",
 * "early_pfn" -- although no input byte is ever compared with them.
 * Leaving a file out of coverage or building without trace-cmp does not
 * help: the hooks are in the sanitizer's interceptors, not in the
 * instrumented code.  tests/test_frames.c checks that a run makes no such
 * call.
 */
#ifndef _TAGFUZZ_STRMATCH_H
#define _TAGFUZZ_STRMATCH_H

#include <stdbool.h>
#include <stddef.h>

/* @a and @b are the same string. */
static inline bool tf_str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* @s begins with @prefix. */
static inline bool tf_str_starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return !*prefix;
}

/* @s contains @needle. */
static inline bool tf_str_has(const char *s, const char *needle)
{
	if (!*needle)
		return true;
	for (; *s; s++)
		if (tf_str_starts(s, needle))
			return true;
	return false;
}

#endif /* _TAGFUZZ_STRMATCH_H */
