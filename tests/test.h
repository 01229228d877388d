/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test harness in the style of tools/testing/: each test is a
 * `bool test_x(void)` that returns false on the first failed ASSERT.
 * Each test file ends with a TEST_LIST naming its tests; tests/main.c
 * runs every list and prints one closing "N passed, N failed" line.
 */
#ifndef _TAGFUZZ_TEST_H
#define _TAGFUZZ_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ASSERT_TRUE(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: ASSERT_TRUE(%s) failed\n",	\
			__FILE__, __LINE__, #cond);			\
		return false;						\
	}								\
} while (0)
#define ASSERT_FALSE(cond)	ASSERT_TRUE(!(cond))
#define ASSERT_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		fprintf(stderr, "  %s:%d: ASSERT_EQ(%s, %s): %lld != %lld\n", \
			__FILE__, __LINE__, #a, #b, __a, __b);		\
		return false;						\
	}								\
} while (0)
#define ASSERT_NE(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a == __b) {						\
		fprintf(stderr, "  %s:%d: ASSERT_NE(%s, %s): both %lld\n", \
			__FILE__, __LINE__, #a, #b, __a);		\
		return false;						\
	}								\
} while (0)
#define ASSERT_STREQ(a, b) do {						\
	const char *__a = (a), *__b = (b);				\
	if (!__a || !__b || strcmp(__a, __b)) {				\
		fprintf(stderr, "  %s:%d: ASSERT_STREQ(%s, %s): \"%s\" != \"%s\"\n", \
			__FILE__, __LINE__, #a, #b, __a ? __a : "(null)", \
			__b ? __b : "(null)");				\
		return false;						\
	}								\
} while (0)

/* xorshift: the tests must not depend on libc's rand(). */
static inline uint64_t test_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

struct test_case {
	const char *name;
	bool (*fn)(void);
};

#define TEST(fn)	{ #fn, fn }
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * Each test file ends with:
 *   const struct test_case tests_GROUP[] = { TEST(a), TEST(b) };
 *   const size_t nr_tests_GROUP = ARRAY_LEN(tests_GROUP);
 * and tests/main.c lists GROUP once.
 */

struct tf_scenario;
/* tests/test_scenarios.c: every scenario file in the directories, counted. */
int run_scenario_dirs(int nr_dirs, char **dirs, int *passed, int *failed);
/* tests/test_variants.c: a scenario's tracker/variant directives hold. */
bool check_scenario_variants(const char *path, const struct tf_scenario *s);

#endif /* _TAGFUZZ_TEST_H */
