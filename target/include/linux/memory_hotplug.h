/* SPDX-License-Identifier: GPL-2.0 */
/* Memory hotplug (include/linux/memory_hotplug.h), target/mm/memory_hotplug.c. */
#ifndef _LINUX_MEMORY_HOTPLUG_H
#define _LINUX_MEMORY_HOTPLUG_H

#include <linux/mmzone.h>

struct memory_group;	/* none here: one memory block per section */

typedef void (*online_page_callback_t)(struct page *page, unsigned int order);

void generic_online_page(struct page *page, unsigned int order);
int online_pages(unsigned long pfn, unsigned long nr_pages, struct zone *zone,
		 struct memory_group *group);
int offline_pages(unsigned long start_pfn, unsigned long nr_pages, struct zone *zone,
		  struct memory_group *group);
/*
 * drivers/base/memory.c (target/sim/memory.c): onlining a memory block,
 * which is one section here; -EHWPOISON while it counts a poisoned page.
 */
int memory_block_online(unsigned long section_nr, struct zone *zone);
/* mm/sparse.c */
void online_mem_sections(unsigned long start_pfn, unsigned long end_pfn);
void offline_mem_sections(unsigned long start_pfn, unsigned long end_pfn);
/* mm/page_alloc.c */
void adjust_managed_page_count(struct page *page, long count);
void init_per_zone_wmark_min(void);

#endif /* _LINUX_MEMORY_HOTPLUG_H */
