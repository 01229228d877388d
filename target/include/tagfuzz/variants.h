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
	TF_BUG_RECORDER_BLOCKING_GFP,	/* tracker page with GFP_KERNEL under rcu_read_lock() */
	TF_BUG_PGFLAGS_PLAIN_STORE,	/* tag bits written back with a plain store, no cmpxchg */
	/* Seed 004's split-path PCP free (machine pcp=split only). */
	TF_BUG_OWNED_BLOCKS_INIT_ONLY,	/* cpu_dead reinitialises owned_blocks without detaching */
	TF_BUG_ONLINE_NO_ABSORB,	/* cpu_online clears the dead flag, does not absorb */
	TF_BUG_ABSORB_NO_COUNT,		/* absorb_remote_frees() leaves pcp->count as it was */
	TF_BUG_DRAIN_IGNORES_LLIST,	/* drain_pages_zone() does not absorb the free_llist */
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

/*
 * Early-PFN tracker variants: every version of the tracker the seeds
 * record, one file each under target/variants/ (the current one stays in
 * target/mm/alloc_tag.c).  A run picks one from its machine header
 * (struct tf_machine.tracker, header byte 3, `machine tracker=NAME`);
 * replay --tracker and TAGFUZZ_TRACKER override it.  The index is the
 * header byte (mod TF_NR_TRACKERS): append only.
 */
enum tf_tracker {
	TF_TRACKER_CURRENT,	/* pfn_pool + ALLOC_NO_CODETAG (seed 002): the default */
	TF_TRACKER_NONE,	/* no tracking (before seed 001) */
	TF_TRACKER_ARRAY256,	/* 256 pfns under a spinlock, state flag (seed 001 v1) */
	TF_TRACKER_ARRAY8192,	/* 8192 pfns, cmpxchg slot claim, RCU pointer (landed first) */
	TF_TRACKER_PAGELIST,	/* page->lru chain, page->private count (seed 000 v3) */
	TF_TRACKER_LLIST,	/* llist_head of pages (seed 000 v3 review alternative) */
	TF_TRACKER_POOL_GFP,	/* pfn_pool, the caller's gfp minus direct reclaim */
	TF_TRACKER_POOL_HIGH,	/* pfn_pool, __GFP_HIGH | __GFP_NO_CODETAG (before seed 002) */
	TF_NR_TRACKERS
};

struct tf_tracker_info {
	const char *name;	/* header text, replay --tracker, TAGFUZZ_TRACKER */
	const char *origin;	/* seed and version it follows */
	const char *what;	/* one line */
	const char *verdict;	/* the signature it must give, or "clean" */
	const char *test;	/* the scenario that proves the verdict */
	bool correct;		/* claims to be correct: differential runs compare it */
	/* What the reference model must know about it. */
	bool records;		/* records early pfns at all */
	unsigned int capacity;	/* pfns it can hold; 0: grows as needed */
};

extern const struct tf_tracker_info tf_tracker_table[TF_NR_TRACKERS];
/* The variant this run uses (set at boot from the machine header). */
extern unsigned int tf_tracker;

/* -1 if unknown. */
int tf_tracker_by_name(const char *name);
/*
 * Parse "a,b" into a mask of trackers; "correct" names every variant that
 * claims to be correct, "all" every variant.  -1 with the bad word in @bad.
 */
int tf_trackers_parse(const char *list, unsigned int *mask, const char **bad);

#endif /* _TAGFUZZ_VARIANTS_H */
