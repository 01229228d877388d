/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/page-flags-layout.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

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
#define pageblock_align(pfn)		ALIGN((pfn), pageblock_nr_pages)
#define pageblock_aligned(pfn)		(!((pfn) & (pageblock_nr_pages - 1)))
#define pageblock_start_pfn(pfn)	((pfn) & ~(pageblock_nr_pages - 1))
#define pageblock_end_pfn(pfn)		(pageblock_start_pfn(pfn) + pageblock_nr_pages)

/* Who hands pages to the buddy for the first time (memblock, or memory hotplug). */
enum meminit_context {
	MEMINIT_EARLY,
	MEMINIT_HOTPLUG,
};

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

/* One zone type: every node has ZONE_NORMAL, and only that. */
enum zone_type {
	ZONE_NORMAL,
	__MAX_NR_ZONES
};
#define MAX_NR_ZONES	__MAX_NR_ZONES

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages __percpu *per_cpu_pageset;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	atomic_long_t managed_pages;
	/* What zone_pcp_enable() puts back (memory offlining sets 0, 0, 1). */
	int pageset_high_min;
	int pageset_high_max;
	int pageset_batch;
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS_MAX];
	atomic_long_t nr_free_pages;	/* vm_stat[NR_FREE_PAGES] */
	/* Pages freed with FPI_TRYLOCK while zone->lock was held elsewhere */
	struct llist_head trylock_free_pages;
};

/*
 * Zonelists as upstream builds them (target/mm/zonelist.c): the fallback
 * list of each node holds every node's zone, the node's own first; the
 * __GFP_THISNODE list only its own.
 */
enum {
	ZONELIST_FALLBACK,	/* zonelist with fallback */
	ZONELIST_NOFALLBACK,	/* zonelist without fallback (__GFP_THISNODE) */
	MAX_ZONELISTS
};

struct zoneref {
	struct zone *zone;	/* Pointer to actual zone */
	int zone_idx;		/* zone_idx(zoneref->zone) */
};

#define MAX_ZONES_PER_ZONELIST	(MAX_NUMNODES * MAX_NR_ZONES)

struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
} pg_data_t;

/* The nodes the machine has; set up at boot (target/sim/glue_page_alloc.c). */
extern struct pglist_data tf_node_data[MAX_NUMNODES];
#define NODE_DATA(nid)		(&tf_node_data[(nid)])

/* Harness shorthand: node 0's zone, the only one of a one-node machine. */
#define tf_zone			(tf_node_data[0].node_zones[ZONE_NORMAL])

#define node_start_pfn(nid)	(NODE_DATA(nid)->node_start_pfn)
#define node_end_pfn(nid)	(NODE_DATA(nid)->node_start_pfn + \
				 NODE_DATA(nid)->node_spanned_pages)

static inline int zone_to_nid(const struct zone *zone)
{
	return zone->node;
}

#define zone_idx(zone)		((zone) - (zone)->zone_pgdat->node_zones)

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages;
}

static inline struct pglist_data *next_online_pgdat(struct pglist_data *pgdat)
{
	int nid = pgdat->node_id + 1;

	while (nid < MAX_NUMNODES && !node_online(nid))
		nid++;
	return nid < MAX_NUMNODES ? NODE_DATA(nid) : NULL;
}

static inline struct zone *next_zone(struct zone *zone)
{
	pg_data_t *pgdat = zone->zone_pgdat;

	if (zone < pgdat->node_zones + MAX_NR_ZONES - 1) {
		zone++;
	} else {
		pgdat = next_online_pgdat(pgdat);
		zone = pgdat ? pgdat->node_zones : NULL;
	}
	return zone;
}

#define first_online_pgdat()	NODE_DATA(first_online_node)

#define for_each_online_pgdat(pgdat)			\
	for (pgdat = first_online_pgdat();		\
	     pgdat;					\
	     pgdat = next_online_pgdat(pgdat))

#define for_each_populated_zone(zone)			\
	for (zone = (first_online_pgdat())->node_zones;	\
	     zone;					\
	     zone = next_zone(zone))			\
		if (!populated_zone(zone))		\
			; /* do nothing */		\
		else

static inline struct zone *zonelist_zone(struct zoneref *zoneref)
{
	return zoneref->zone;
}

static inline int zonelist_zone_idx(const struct zoneref *zoneref)
{
	return zoneref->zone_idx;
}

static inline int zonelist_node_idx(const struct zoneref *zoneref)
{
	return zone_to_nid(zoneref->zone);
}

static inline struct zoneref *next_zones_zonelist(struct zoneref *z,
						  enum zone_type highest_zoneidx,
						  nodemask_t *nodes)
{
	while (zonelist_zone(z) && (zonelist_zone_idx(z) > (int)highest_zoneidx ||
				    (nodes && !node_isset(zonelist_node_idx(z), *nodes))))
		z++;
	return z;
}

static inline struct zoneref *first_zones_zonelist(struct zonelist *zonelist,
						   enum zone_type highest_zoneidx,
						   nodemask_t *nodes)
{
	return next_zones_zonelist(zonelist->_zonerefs, highest_zoneidx, nodes);
}

#define for_each_zone_zonelist_nodemask(zone, z, zlist, highidx, nodemask) \
	for (z = first_zones_zonelist(zlist, highidx, nodemask), zone = zonelist_zone(z); \
	     zone;							\
	     z = next_zones_zonelist(++z, highidx, nodemask),		\
		zone = zonelist_zone(z))

#define for_next_zone_zonelist_nodemask(zone, z, highidx, nodemask)	\
	for (zone = zonelist_zone(z);					\
	     zone;							\
	     z = next_zones_zonelist(++z, highidx, nodemask),		\
		zone = zonelist_zone(z))

/* No __GFP_THISNODE caller: every allocation takes the fallback list. */
static inline int gfp_zonelist(gfp_t flags)
{
	(void)flags;
	return ZONELIST_FALLBACK;
}

static inline struct zonelist *node_zonelist(int nid, gfp_t flags)
{
	return NODE_DATA(nid)->node_zonelists + gfp_zonelist(flags);
}

static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}

static inline long zone_free_pages(struct zone *z)
{
	return __atomic_load_n(&z->nr_free_pages.counter, __ATOMIC_RELAXED);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	(void)page;
	return ZONE_NORMAL;
}

/*
 * The links __init_single_page() writes into page->flags (include/linux/mm.h
 * set_page_links(), page_cpupid_reset_last()).  The layout has no NODES or
 * SECTIONS field (<linux/page-flags-layout.h>), and page_zonenum() reads
 * no ZONES field: it holds the number the machine's layout gives the one
 * zone type, as every page has from boot (tagfuzz/pgflags_layout.h).
 */
#define ZONES_MASK		((1UL << ZONES_WIDTH) - 1)
#define LAST_CPUPID_MASK	((1UL << LAST_CPUPID_SHIFT) - 1)

static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	(void)zone;
	page->flags &= ~(ZONES_MASK << ZONES_PGOFF);
	page->flags |= (TF_PGF_ZONE & ZONES_MASK) << ZONES_PGOFF;
}

static inline void set_page_links(struct page *page, enum zone_type zone,
				  unsigned long node, unsigned long pfn)
{
	(void)node;
	(void)pfn;
	set_page_zone(page, zone);
}

static inline void page_cpupid_reset_last(struct page *page)
{
	page->flags |= LAST_CPUPID_MASK << LAST_CPUPID_PGOFF;
}

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

/* The zone of a page as a number, for the buddy check (no ZONEID bits in page->flags here). */
static inline int page_zone_id(const struct page *page)
{
	return page_to_nid(page) * MAX_NR_ZONES + page_zonenum(page);
}

void build_all_zonelists(pg_data_t *pgdat);

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

static inline int get_pageblock_migratetype(const struct page *page)
{
	return get_pfnblock_migratetype(page, page_to_pfn(page));
}

static inline bool is_migrate_isolate_page(const struct page *page)
{
	return is_migrate_isolate(get_pageblock_migratetype(page));
}

/*
 * The pageblock's one migratetype.  Isolation is MIGRATE_ISOLATE in that
 * field here (upstream: a separate PB_migrate_isolate bit), and undoing it
 * gives the block MIGRATE_UNMOVABLE back, the one type the port allocates.
 */
static inline void set_pageblock_migratetype(struct page *page, int migratetype)
{
	WRITE_ONCE(pfn_to_pageblock(page, page_to_pfn(page))->migratetype, migratetype);
}

static inline unsigned long zone_managed_pages(struct zone *zone)
{
	return (unsigned long)__atomic_load_n(&zone->managed_pages.counter, __ATOMIC_RELAXED);
}

#endif /* _LINUX_MMZONE_H */
