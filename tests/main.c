// SPDX-License-Identifier: GPL-2.0
/*
 * The test runner: every unit test group, then every scenario file in
 * the directories named on the command line.  Ends with one line:
 * "N passed, N failed".
 */
#include <stdlib.h>

#include "test.h"

#define GROUPS(X) X(codec) X(compat) X(phases) X(shims) X(port) X(model) X(sched) X(variants) X(pgflags) X(expect) X(mutator) X(afl_mutator) X(frames) X(journal)

#define DECLARE(g) extern const struct test_case tests_##g[]; extern const size_t nr_tests_##g;
GROUPS(DECLARE)

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = getenv("TEST_ONLY");

#define RUN(g)								\
	for (size_t i = 0; i < nr_tests_##g; i++) {			\
		if (only && !strstr(tests_##g[i].name, only))		\
			continue;					\
		if (tests_##g[i].fn()) {				\
			passed++;					\
		} else {						\
			printf("FAIL %s/%s\n", #g, tests_##g[i].name);	\
			failed++;					\
		}							\
	}
	GROUPS(RUN)
	printf("unit tests: %d ok, %d failing\n", passed, failed);
	run_scenario_dirs(argc - 1, argv + 1, &passed, &failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
