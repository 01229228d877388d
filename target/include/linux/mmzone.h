/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

#include "tagfuzz/limits.h"

/* Per machine: a max-order block never spans a section (see tagfuzz/ops.h). */
extern unsigned int tf_max_page_order;
#define MAX_PAGE_ORDER		tf_max_page_order
#define NR_PAGE_ORDERS_MAX	(TF_MAX_ORDER + 1)
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define PAGE_ALLOC_COSTLY_ORDER	3

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,	/* can't allocate from here */
	MIGRATE_TYPES
};

static inline bool is_migrate_isolate(int migratetype)
{
	return migratetype == MIGRATE_ISOLATE;
}

/*
 * A pageblock is as large as the largest order the PCP lists hold, so the
 * split path's PCP buddies merge up to a whole block (seed 004's series
 * keeps pageblock_order-sized entries on the PCP lists).
 */
#define pageblock_order		PAGE_ALLOC_COSTLY_ORDER
BUILD_BUG_ON(pageblock_order != TF_PAGEBLOCK_ORDER);
#define pageblock_nr_pages	(1UL << pageblock_order)

#define NR_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK
};

/*
 * pcp->flags.  PCPF_PREV_FREE_HIGH_ORDER: the previous free on this
 * pageset was of a high-order page.  PCPF_FREE_HIGH_BATCH: the CPU's data
 * cache slice is large enough to keep pcp->batch pages when draining for a
 * run of high-order frees (set from cacheinfo upstream; here at pageset
 * setup).  PCPF_CPU_DEAD is seed 004's series' (reconstructed): the next
 * free bit.
 */
#define PCPF_PREV_FREE_HIGH_ORDER	BIT(0)
#define PCPF_FREE_HIGH_BATCH		BIT(1)
#define PCPF_CPU_DEAD			BIT(2)	/* page_alloc_cpu_dead() has started */

/* The Kconfig default (mm/Kconfig PCP_BATCH_SCALE_MAX). */
#define CONFIG_PCP_BATCH_SCALE_MAX	5

struct per_cpu_pages {
	spinlock_t lock;	/* Protects lists field */
	int count;		/* number of pages in the list */
	int high;		/* high watermark, emptying needed */
	int high_min;		/* min high watermark */
	int high_max;		/* max high watermark */
	int batch;		/* chunk size for buddy add/remove */
	unsigned char flags;	/* PCPF_* */
	short free_count;	/* consecutive free count */
	/* Pageblocks owned by this CPU, for fragment recovery (split path) */
	struct list_head owned_blocks;
	/*
	 * Pages remotely freed by other CPUs into pageblocks owned by this
	 * CPU (seed 004): pushed lock-free, absorbed under pcp->lock.
	 */
	struct llist_head free_llist;
	struct list_head lists[NR_PCP_LISTS];
};

/*
 * Per-pageblock data of seed 004's series: the owning CPU plus one (0:
 * owned by the zone), the block's migratetype, and its entry on the
 * owner's owned_blocks list.
 */
struct pageblock_data {
	int cpu;
	int migratetype;
	struct list_head cpu_node;
};

extern struct pageblock_data tf_pageblocks[];

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[1];
	struct per_cpu_pages __percpu *per_cpu_pageset;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long managed_pages;
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS_MAX];
	atomic_long_t nr_free_pages;	/* vm_stat[NR_FREE_PAGES] */
	/* Pages freed with FPI_TRYLOCK while zone->lock was held elsewhere */
	struct llist_head trylock_free_pages;
};

extern struct zone tf_zone;

/*
 * One node with one zone: every zonelist starts (and ends) at it, and
 * the zone walks visit it alone.
 */
struct zoneref {
	struct zone *zone;
};

struct zonelist;

static inline struct zonelist *node_zonelist(int nid, gfp_t flags)
{
	return NULL;
}

static inline struct zoneref *first_zones_zonelist(struct zonelist *zonelist,
						   int highest_zoneidx, void *nodes)
{
	static struct zoneref the_zone = { &tf_zone };

	return &the_zone;
}

static inline struct zone *zonelist_zone(struct zoneref *zoneref)
{
	return zoneref->zone;
}

#define for_each_populated_zone(zone) \
	for (zone = &tf_zone; zone; zone = NULL)

static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}

static inline long zone_free_pages(struct zone *z)
{
	return __atomic_load_n(&z->nr_free_pages.counter, __ATOMIC_RELAXED);
}

static inline struct zone *page_zone(const struct page *page)
{
	(void)page;
	return &tf_zone;
}

static inline struct pageblock_data *pfn_to_pageblock(const struct page *page,
						      unsigned long pfn)
{
	(void)page;
	return &tf_pageblocks[pfn >> pageblock_order];
}

static inline int pbd_migratetype(const struct pageblock_data *pbd)
{
	return READ_ONCE(pbd->migratetype);
}

static inline int get_pfnblock_migratetype(const struct page *page, unsigned long pfn)
{
	return pbd_migratetype(pfn_to_pageblock(page, pfn));
}

#endif /* _LINUX_MMZONE_H */
