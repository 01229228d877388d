/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

/* Per machine: a max-order block never spans a section (see ops.h). */
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
	MIGRATE_TYPES
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

struct per_cpu_pages {
	spinlock_t lock;	/* Protects lists field */
	int count;		/* number of pages in the list */
	int high;		/* high watermark, emptying needed */
	int batch;		/* chunk size for buddy add/remove */
	struct list_head lists[NR_PCP_LISTS];
};

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
};

extern struct zone tf_zone;

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

#endif /* _LINUX_MMZONE_H */
