/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only views of the port's state for the oracles: a page's stored
 * tag reference, a tag's summed counters, and where free pages sit.
 */
#ifndef _TAGFUZZ_OBSERVE_H
#define _TAGFUZZ_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

enum tf_ref_state {
	TF_REF_NO_EXT,		/* no page_ext for the page's section yet */
	TF_REF_NULL,
	TF_REF_EMPTY,		/* CODETAG_EMPTY */
	TF_REF_TAG,		/* a registered tag: see .tag */
	TF_REF_BAD,		/* a pointer that is none of the above */
};

struct tf_ref_obs {
	enum tf_ref_state state;
	int tag;
};

struct tf_tag_obs {
	int64_t calls;
	int64_t bytes;
	bool inaccurate;
};

struct tf_ref_obs tf_observe_ref(unsigned long pfn);
/*
 * For pfns 0..@n-1 (at most the memory map), a word that changes whenever
 * the page's ref does (the page_ext slot's pointer, page->flags in
 * compressed mode, ~0 without page_ext): for a trace that looks at every
 * page between events and decodes only what changed.
 */
void tf_observe_ref_words(unsigned long *words, unsigned long n);
/*
 * The kernel's own lookup, page_ext_get() and page_ext_put() on CPU 0: the
 * page_ext entry of @pfn, or NULL (no table, or one memory offlining has
 * invalidated or freed).
 */
const void *tf_observe_page_ext_lookup(unsigned long pfn);
struct tf_tag_obs tf_observe_tag(int id);
unsigned long tf_observe_nr_pages(void);

/* Where a free page is: counts per pfn; *bad gets the first inconsistency. */
enum tf_page_loc {
	TF_LOC_NONE,		/* not in any free container (allocated) */
	TF_LOC_BUDDY,
	TF_LOC_PCP,
	TF_LOC_MULTI,		/* in more than one container, or twice */
	TF_LOC_LLIST,		/* a CPU's free_llist or the zone's trylock llist */
};
/*
 * Fill @loc[pfn] for every page; returns false with a reason in @why if
 * the containers contradict their own accounting.
 */
bool tf_observe_free_pages(uint8_t *loc, const char **why);
/* Cheap: pages in buddy plus pages on PCP lists, by walking the lists. */
unsigned long tf_observe_free_count(void);
/*
 * Cheaper: what the port's own counters say is free (the zone's free page
 * count plus every pageset's count).  Per-op checks use this; the lists
 * themselves are walked at the end.
 */
unsigned long tf_observe_free_counted(void);
/*
 * PG_hwpoison of the page at @pfn (false past the memory map).  At the
 * TF_EV_PAGE_FREE of an order-0 page it says the free is
 * __free_pages_prepare()'s HWPoison branch: the page is kept out of the
 * allocator, neither free nor allocated from then on.
 */
bool tf_observe_page_hwpoison(unsigned long pfn);
/* The page's refcount (page_ref_count()), for F19's cause; -1 past the memory map. */
int tf_observe_page_refcount(unsigned long pfn);
/*
 * NUMA (issue 16): the same two counts for node @nid's zone alone (its
 * buddy and PCP lists, its counters and the llists of its pagesets and
 * of the zone).
 */
unsigned long tf_observe_node_free_count(int nid);
unsigned long tf_observe_node_free_counted(int nid);

/* Node @nid's zone, as the allocator's zonelist walk sees it. */
struct tf_zone_obs {
	long free;		/* NR_FREE_PAGES */
	unsigned long high;	/* the high watermark */
	int max_order;		/* largest order on a free list it allocates from, or -1 */
};
struct tf_zone_obs tf_observe_zone(int nid);
/* The nodes of node @nid's fallback zonelist, in order, into @nodes (at most @max): how many. */
int tf_observe_zonelist(int nid, int *nodes, int max);
/* Ops started on several CPUs are running now (inside a `run`). */
bool tf_observe_interleaved(void);

/*
 * PCP mode (target/sim/observe_pcp.c).  Where each page sits among the
 * free containers: the buddy lists, one CPU's PCP lists, one CPU's
 * free_llist, the zone's trylock llist.
 */
#define TF_WHERE_NONE		0
#define TF_WHERE_BUDDY		1
#define TF_WHERE_PCP(cpu)	(2 + (cpu))
#define TF_WHERE_LLIST(cpu)	(2 + TF_MAX_CPUS_OBS + (cpu))
#define TF_WHERE_ZONE_LLIST	(2 + 2 * TF_MAX_CPUS_OBS)
#define TF_WHERE_MULTI		255
#define TF_MAX_CPUS_OBS		8

struct tf_pcp_cpu_obs {
	long count;		/* pcp->count */
	long listed;		/* pages on its PCP lists */
	long llist;		/* pages on its free_llist */
	bool dead;		/* PCPF_CPU_DEAD */
	unsigned int owned;	/* owned_blocks entries */
	bool owned_bad;		/* an entry names another owner, or the walk did not end */
	long owned_offline;	/* the first entry's block whose section is offline, by pfn, or -1 */
	long buddy_bad_pfn;	/* a PagePCPBuddy page of another owner or order, or -1 */
	int count_node;		/* a node whose pageset's count differs from its lists, or -1 */
	int lock_owner;		/* the CPU holding pcp->lock (of any zone), or -1 */
};

/*
 * Fill @where[pfn] for every page and @cpus[] for every CPU (summed over
 * its pagesets in every node's zone); false with a reason in @why when a
 * page sits in two containers or on another node's lists, or a list is
 * corrupt.
 */
bool tf_observe_pcp(uint8_t *where, struct tf_pcp_cpu_obs *cpus, const char **why);
/* The CPU holding a zone->lock, or -1. */
int tf_observe_zone_lock_owner(void);
/* Pages on every CPU's free_llist and on the zone's trylock llist (every zone's). */
unsigned long tf_observe_llist_pages(void);
unsigned long tf_observe_node_llist_pages(int nid);
bool tf_observe_block_isolated(unsigned long pfn);
/* The owner of @pfn's pageblock plus one (0: the zone). */
int tf_observe_block_owner(unsigned long pfn);
/* Mark llist pages in a tf_observe_free_pages() map; false on overlap. */
bool tf_observe_llist_mark(uint8_t *loc, uint8_t what);

/*
 * Issue 17's cause predicates (reference/pcp_oracle.c): the addresses the
 * journal's accesses name for CPU @cpu's pageset in @pfn's zone (its
 * flags, free_llist head and PCP lock; its count), and the llist node of the page at
 * @pfn, which a push writes into the head.  False past the memory map.
 */
struct tf_pcp_addrs {
	const volatile void *flags, *llist_first, *lock;
	long count;		/* and its pcp->count now */
};
bool tf_observe_pcp_addrs(unsigned long pfn, int cpu, struct tf_pcp_addrs *a);
unsigned long tf_observe_llist_node(unsigned long pfn);

/*
 * The early-PFN tracker's own pages (pool pages, list pages), newest
 * first: how many slots each has and how many are used.  Fixed arrays
 * have none.  Valid until the init callbacks start freeing them.
 */
struct tf_tracker_page {
	unsigned long pfn;
	unsigned int used, slots;
	bool head;		/* the page the tracker fills next */
};
unsigned int tf_observe_tracker_pages(struct tf_tracker_page *out, unsigned int max);

#endif /* _TAGFUZZ_OBSERVE_H */
