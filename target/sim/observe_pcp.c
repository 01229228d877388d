// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only views of the PCP free-path family's containers for the
 * oracles (issue 5): PCP lists, per-CPU free_llists, the zone's trylock
 * llist, owned pageblocks.  Every walk is bounded, so a corrupted list
 * is reported instead of looped on.
 */
#include <linux/string.h>

#include "../mm/internal.h"
#include "tagfuzz/observe.h"

BUILD_BUG_ON(TF_MAX_CPUS_OBS != TF_MAX_CPUS);

/* Call @fn on every page of an llist; -1 if it does not end within max_pfn nodes. */
static long walk_llist(struct llist_head *head, void (*fn)(struct page *, void *), void *arg)
{
	struct llist_node *node = __atomic_load_n(&head->first, __ATOMIC_RELAXED);
	long pages = 0, n = 0;

	for (; node; node = node->next) {
		struct page *page = llist_entry(node, struct page, pcp_llist);

		if (++n > (long)max_pfn)
			return -1;
		if (fn)
			fn(page, arg);
		pages++;
	}
	return pages;
}

static void add_cpu_llist_page(struct page *page, void *arg)
{
	*(unsigned long *)arg += 1UL << page->private;	/* set_pcp_order() */
}

static void add_zone_llist_page(struct page *page, void *arg)
{
	*(unsigned long *)arg += 1UL << page->order;	/* add_page_to_zone_llist() */
}

static unsigned long zone_llist_pages(struct zone *zone)
{
	unsigned long total = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		walk_llist(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->free_llist,
			   add_cpu_llist_page, &total);
	walk_llist(&zone->trylock_free_pages, add_zone_llist_page, &total);
	return total;
}

unsigned long tf_observe_llist_pages(void)
{
	unsigned long total = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		total += zone_llist_pages(zone);
	return total;
}

unsigned long tf_observe_node_llist_pages(int nid)
{
	return zone_llist_pages(&NODE_DATA(nid)->node_zones[ZONE_NORMAL]);
}

/* The CPU holding a zone's lock (the first locked zone's), or -1. */
int tf_observe_zone_lock_owner(void)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		if (spin_is_locked(&zone->lock))
			return __atomic_load_n(&zone->lock.owner, __ATOMIC_RELAXED);
	return -1;
}

int tf_observe_block_owner(unsigned long pfn)
{
	return tf_pageblocks[pfn >> pageblock_order].cpu;
}

bool tf_observe_block_isolated(unsigned long pfn)
{
	return is_migrate_isolate(tf_pageblocks[pfn >> pageblock_order].migratetype);
}

struct mark_ctx {
	uint8_t *where;
	uint8_t what;
	uint8_t multi;		/* the map's value for "in two containers" */
	bool ok;
	bool zone_order;	/* the zone llist keeps the order in page->order */
};

static void mark_range(struct mark_ctx *c, unsigned long pfn, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		if (pfn + i >= max_pfn) {
			c->ok = false;
			return;
		}
		if (c->where[pfn + i] != TF_WHERE_NONE) {
			c->where[pfn + i] = c->multi;
			c->ok = false;
		} else {
			c->where[pfn + i] = c->what;
		}
	}
}

static void mark_llist_page(struct page *page, void *arg)
{
	struct mark_ctx *c = arg;

	mark_range(c, page_to_pfn(page), c->zone_order ? page->order : page->private);
}

/* A pfn of @zone's span (a page on another node's lists is misplaced). */
static bool in_zone(const struct zone *zone, unsigned long pfn)
{
	return pfn >= zone->zone_start_pfn && pfn < zone->zone_start_pfn + zone->spanned_pages;
}

/*
 * One zone's containers into @where and @cpus (every zone's pagesets of a
 * CPU add up in its entry); false with *@why when a list does not end.
 */
static bool observe_zone_pcp(struct zone *zone, struct mark_ctx *cp, uint8_t *where,
			     struct tf_pcp_cpu_obs *cpus, const char **why)
{
	struct mark_ctx c = *cp;
	struct list_head *pos;
	unsigned long n;
	int order, mt, cpu, pindex;

	c.what = TF_WHERE_BUDDY;
	for (order = 0; order < NR_PAGE_ORDERS; order++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			for (pos = zone->free_area[order].free_list[mt].next, n = 0;
			     pos != &zone->free_area[order].free_list[mt]; pos = pos->next) {
				if (++n > max_pfn) {
					*why = "a buddy free list does not end";
					return false;
				}
				mark_range(&c, page_to_pfn(list_entry(pos, struct page, buddy_list)),
					   order);
			}

	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		struct tf_pcp_cpu_obs *o = &cpus[cpu];
		long listed = 0;

		o->count += pcp->count;
		o->dead |= pcp->flags & PCPF_CPU_DEAD;
		if (spin_is_locked(&pcp->lock))
			o->lock_owner = __atomic_load_n(&pcp->lock.owner, __ATOMIC_RELAXED);
		c.what = TF_WHERE_PCP(cpu);
		for (pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
			for (pos = pcp->lists[pindex].next, n = 0; pos != &pcp->lists[pindex];
			     pos = pos->next) {
				if (++n > max_pfn) {
					*why = "a PCP list does not end";
					return false;
				}
				struct page *page = list_entry(pos, struct page, pcp_list);
				unsigned long pfn = page_to_pfn(page);

				mark_range(&c, pfn, pindex_to_order(pindex));
				if (!in_zone(zone, pfn) && !*why) {
					c.ok = false;
					*why = "a page sits on the PCP list of another node's zone";
				}
				listed += 1L << pindex_to_order(pindex);
				/* A PCP buddy: on its owner's lists, at its own order. */
				if (PagePCPBuddy(page) && o->buddy_bad_pfn < 0 &&
				    (tf_pageblocks[pfn >> pageblock_order].cpu != cpu + 1 ||
				     page->private != (unsigned long)pindex_to_order(pindex)))
					o->buddy_bad_pfn = pfn;
			}
		}
		o->listed += listed;
		if (listed != pcp->count && o->count_node < 0)
			o->count_node = zone_to_nid(zone);
		c.what = TF_WHERE_LLIST(cpu);
		c.zone_order = false;
		n = walk_llist(&pcp->free_llist, mark_llist_page, &c);
		if ((long)n < 0) {
			*why = "a free_llist does not end";
			return false;
		}
		o->llist += n;
		for (pos = pcp->owned_blocks.next, n = 0; pos != &pcp->owned_blocks; pos = pos->next) {
			struct pageblock_data *pbd = list_entry(pos, struct pageblock_data, cpu_node);

			unsigned long bpfn;

			if (++n > (max_pfn >> pageblock_order) + 1 ||
			    pbd < tf_pageblocks || pbd >= tf_pageblocks + (max_pfn >> pageblock_order) ||
			    pbd->cpu != cpu + 1) {
				o->owned_bad = true;
				break;
			}
			bpfn = (unsigned long)(pbd - tf_pageblocks) << pageblock_order;
			/*
			 * A block of a section offlined since it was claimed has
			 * left the zone's span: its own class (F24), not another
			 * zone's entry.
			 */
			if (!pfn_to_online_page(bpfn)) {
				if (o->owned_offline < 0)
					o->owned_offline = (long)bpfn;
			} else if (!in_zone(zone, bpfn)) {
				o->owned_bad = true;
				break;
			}
			o->owned++;
		}
	}
	c.what = TF_WHERE_ZONE_LLIST;
	c.zone_order = true;
	if (walk_llist(&zone->trylock_free_pages, mark_llist_page, &c) < 0) {
		*why = "the zone's trylock llist does not end";
		return false;
	}
	cp->ok = c.ok;
	return true;
}

bool tf_observe_pcp(uint8_t *where, struct tf_pcp_cpu_obs *cpus, const char **why)
{
	struct mark_ctx c = { .where = where, .multi = TF_WHERE_MULTI, .ok = true };
	struct zone *zone;
	int cpu;

	*why = NULL;
	memset(where, TF_WHERE_NONE, max_pfn);
	memset(cpus, 0, sizeof(*cpus) * TF_MAX_CPUS);
	for (cpu = 0; cpu < TF_MAX_CPUS; cpu++) {
		cpus[cpu].buddy_bad_pfn = -1;
		cpus[cpu].owned_offline = -1;
		cpus[cpu].count_node = -1;
		cpus[cpu].lock_owner = -1;
	}
	for_each_populated_zone(zone)
		if (!observe_zone_pcp(zone, &c, where, cpus, why))
			return false;
	if (!c.ok && !*why)
		*why = "a page sits in two free containers (or one twice, or past the end)";
	return c.ok;
}

bool tf_observe_llist_mark(uint8_t *loc, uint8_t what)
{
	struct mark_ctx c = { .where = loc, .what = what, .multi = TF_LOC_MULTI, .ok = true };
	struct zone *zone;
	int cpu;

	for_each_populated_zone(zone) {
		c.zone_order = false;
		for_each_possible_cpu(cpu)
			if (walk_llist(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->free_llist,
				       mark_llist_page, &c) < 0)
				return false;
		c.zone_order = true;
		if (walk_llist(&zone->trylock_free_pages, mark_llist_page, &c) < 0)
			return false;
	}
	return c.ok;
}

bool tf_observe_pcp_addrs(unsigned long pfn, int cpu, struct tf_pcp_addrs *a)
{
	struct per_cpu_pages *pcp;

	if (pfn >= max_pfn || cpu < 0 || cpu >= TF_MAX_CPUS)
		return false;
	pcp = per_cpu_ptr(page_zone(pfn_to_page(pfn))->per_cpu_pageset, cpu);
	a->flags = &pcp->flags;
	a->llist_first = &pcp->free_llist.first;
	a->lock = &pcp->lock;
	a->count = pcp->count;
	return true;
}

unsigned long tf_observe_llist_node(unsigned long pfn)
{
	return pfn < max_pfn ? (unsigned long)&pfn_to_page(pfn)->pcp_llist : 0;
}
