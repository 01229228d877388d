/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bug switches: known-buggy versions of single functions, each a switch
 * off by default.  The registry (target/variants/bugs.c) names each one,
 * where it comes from, and the verdict the harness must give for it.
 */
#ifndef _TAGFUZZ_VARIANTS_H
#define _TAGFUZZ_VARIANTS_H

#include <stdbool.h>

enum tf_bug {
	TF_BUG_SKIP_EARLY_CLEAR,	/* init callback never clears early pfns */
	TF_BUG_RECORDER_NO_GUARD,	/* recorder ignores ALLOC_NO_CODETAG */
	TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS, /* slow path forgets ac->alloc_flags */
	TF_BUG_CLEAR_OVERWRITES_SET,	/* clear stamps EMPTY on set tags too */
	TF_BUG_POOL_NOT_FREED,		/* clear never frees the pool pages */
	TF_BUG_CMPXCHG_LOSER_LEAKS,	/* the CPU that loses the install keeps its page */
	TF_BUG_POOL_PLAIN_STORE,	/* a new pool page installed with a plain store */
	TF_NR_BUGS
};

struct tf_bug_info {
	const char *name;	/* command-line and environment name */
	const char *origin;	/* seed and version it follows */
	const char *what;	/* one line */
	const char *verdict;	/* signature prefix the harness must report */
};

extern unsigned long tf_bugs;
extern const struct tf_bug_info tf_bug_table[TF_NR_BUGS];

static inline bool tf_bug(enum tf_bug bug)
{
	return tf_bugs & (1UL << bug);
}

/* -1 if unknown. */
int tf_bug_by_name(const char *name);
/* Parse "a,b,c" into a mask; returns -1 and names the bad word in @bad. */
int tf_bugs_parse(const char *list, unsigned long *mask, const char **bad);

#endif /* _TAGFUZZ_VARIANTS_H */
