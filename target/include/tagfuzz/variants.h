/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registries of bug switches and of the early-PFN tracker variants:
 * names, origins and the verdict the harness must give for each.
 * Harness-only: kernel code sees the switches through tagfuzz/bugs.h.
 */
#ifndef _TAGFUZZ_VARIANTS_H
#define _TAGFUZZ_VARIANTS_H

#include <stdbool.h>

#include "tagfuzz/bugs.h"

struct tf_bug_info {
	const char *name;	/* command-line and environment name */
	const char *origin;	/* seed and version it follows */
	const char *what;	/* one line */
	const char *verdict;	/* signature prefix the harness must report */
};

extern const struct tf_bug_info tf_bug_table[TF_NR_BUGS];

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

/*
 * Tests: a tracker's ops to run in place of the registry's for the next
 * boots, the registry row of tf_tracker still telling the model what it
 * records (NULL: the registry's ops).  How tests/demo_tracker.c tries a
 * version without giving it a header byte.
 */
struct tf_early_pfn_ops;
extern const struct tf_early_pfn_ops *tf_tracker_ops_override;

/* -1 if unknown. */
int tf_tracker_by_name(const char *name);
/*
 * Parse "a,b" into a mask of trackers; "correct" names every variant that
 * claims to be correct, "all" every variant.  -1 with the bad word in @bad.
 */
int tf_trackers_parse(const char *list, unsigned int *mask, const char **bad);

#endif /* _TAGFUZZ_VARIANTS_H */
