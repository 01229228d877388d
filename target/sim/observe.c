// SPDX-License-Identifier: GPL-2.0
/* Read-only views of the port for the oracles. */
#include <linux/string.h>

#include "../mm/internal.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/events.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim_internal.h"

struct tf_ref_obs tf_observe_ref(unsigned long pfn)
{
	struct tf_ref_obs obs = { TF_REF_NO_EXT, TF_TAG_NONE };
	struct mem_section *section = &mem_section[pfn_to_section_nr(pfn)];
	union codetag_ref *ref;
	struct codetag *ct;

	/* None, or invalidated by memory offlining (PAGE_EXT_INVALID, bit 0). */
	if (!section->page_ext || ((unsigned long)section->page_ext & 1))
		return obs;
	ref = (union codetag_ref *)((char *)section->page_ext +
		(sizeof(struct page_ext) + sizeof(union codetag_ref)) *
		(pfn & (PAGES_PER_SECTION - 1)) + page_alloc_tagging_ops.offset);
	ct = ref->ct;
	if (!ct) {
		obs.state = TF_REF_NULL;
	} else if (ct == CODETAG_EMPTY) {
		obs.state = TF_REF_EMPTY;
	} else {
		obs.tag = tf_tag_id(ct_to_alloc_tag(ct));
		obs.state = obs.tag == TF_TAG_NONE ? TF_REF_BAD : TF_REF_TAG;
	}
	return obs;
}

/* For traces only, over every page between events: no ASan checks in the loop. */
__attribute__((no_sanitize("address", "undefined")))
void tf_observe_ref_words(unsigned long *words, unsigned long n)
{
	const size_t stride = sizeof(struct page_ext) + sizeof(union codetag_ref);
	unsigned long pfn = 0, k;

	if (n > max_pfn)
		n = max_pfn;
	if (static_key_enabled(&mem_profiling_compressed)) {
		for (; pfn < n; pfn++)
			words[pfn] = __atomic_load_n(&pfn_to_page(pfn)->flags, __ATOMIC_RELAXED);
		return;
	}
	/* A section at a time: its table once, then one load a page. */
	while (pfn < n) {
		struct mem_section *section = &mem_section[pfn_to_section_nr(pfn)];
		unsigned long end = (pfn | (PAGES_PER_SECTION - 1)) + 1;
		char *base = (char *)section->page_ext;

		if (end > n)
			end = n;
		if (!base || ((unsigned long)base & 1)) {
			for (; pfn < end; pfn++)
				words[pfn] = ~0UL;
			continue;
		}
		base += page_alloc_tagging_ops.offset;
		for (k = pfn & (PAGES_PER_SECTION - 1); pfn < end; pfn++, k++)
			words[pfn] = (unsigned long)((union codetag_ref *)(base + stride * k))->ct;
	}
}

const void *tf_observe_page_ext_lookup(unsigned long pfn)
{
	struct page_ext *page_ext;

	if (pfn >= max_pfn)
		return NULL;
	page_ext = page_ext_get(pfn_to_page(pfn));
	page_ext_put(page_ext);
	return page_ext;
}

struct tf_tag_obs tf_observe_tag(int id)
{
	struct tf_tag_obs obs = { 0, 0, false };
	struct alloc_tag *tag = tf_tag_by_id(id);
	struct alloc_tag_counters c;

	/* Module tag counters clean_unused_counters() freed: nothing to read. */
	if (!tag || tf_pcpu_state(tag->counters) == TF_PCPU_NULLISH ||
	    tf_pcpu_state(tag->counters) == TF_PCPU_FREED)
		return obs;
	c = alloc_tag_read(tag);
	obs.calls = (int64_t)c.calls;
	obs.bytes = (int64_t)c.bytes;
	obs.inaccurate = tag->ct.flags & CODETAG_FLAG_INACCURATE;
	return obs;
}

struct tf_zone_obs tf_observe_zone(int nid)
{
	struct zone *zone = &NODE_DATA(nid)->node_zones[ZONE_NORMAL];
	struct tf_zone_obs o = { zone_free_pages(zone), wmark_pages(zone, WMARK_HIGH), -1 };
	int order;

	/* __rmqueue() takes from the allocation's migratetype alone: MIGRATE_UNMOVABLE. */
	for (order = NR_PAGE_ORDERS - 1; order >= 0 && o.max_order < 0; order--)
		if (!list_empty(&zone->free_area[order].free_list[MIGRATE_UNMOVABLE]))
			o.max_order = order;
	return o;
}

int tf_observe_zonelist(int nid, int *nodes, int max)
{
	struct zoneref *z = NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	int n = 0;

	for (; zonelist_zone(z) && n < max; z++)
		nodes[n++] = zonelist_node_idx(z);
	return n;
}

bool tf_observe_interleaved(void)
{
	return tf_sched_active();
}

unsigned long tf_observe_nr_pages(void)
{
	return max_pfn;
}

static int order_of_pindex(int pindex)
{
	return pindex / MIGRATE_PCPTYPES;
}

/* Walk a list without trusting it: stop at a bound instead of looping. */
#define tf_walk(pos, head, bound, n)					\
	for ((pos) = (head)->next, (n) = 0;				\
	     (pos) != (head) && (n) <= (bound);				\
	     (pos) = (pos)->next, (n)++)

/* Pages on @zone's buddy and PCP lists, by walking them. */
static unsigned long zone_free_count(struct zone *zone)
{
	struct list_head *pos;
	unsigned long total = 0, n;
	int order, mt, cpu, pindex;

	for (order = 0; order < NR_PAGE_ORDERS; order++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			tf_walk(pos, &zone->free_area[order].free_list[mt], max_pfn, n)
				total += 1UL << order;
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);

		for (pindex = 0; pindex < NR_PCP_LISTS; pindex++)
			tf_walk(pos, &pcp->lists[pindex], max_pfn, n)
				total += 1UL << order_of_pindex(pindex);
	}
	return total;
}

bool tf_observe_page_hwpoison(unsigned long pfn)
{
	return pfn < max_pfn && PageHWPoison(pfn_to_page(pfn));
}

int tf_observe_page_refcount(unsigned long pfn)
{
	return pfn < max_pfn ? __atomic_load_n(&pfn_to_page(pfn)->_refcount.counter,
					       __ATOMIC_RELAXED) : -1;
}

unsigned long tf_observe_free_count(void)
{
	unsigned long total = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		total += zone_free_count(zone);
	return total;
}

unsigned long tf_observe_node_free_count(int nid)
{
	return zone_free_count(&NODE_DATA(nid)->node_zones[ZONE_NORMAL]);
}

/* No page of [pfn, pfn + n) is in a container yet (n a power of two). */
static bool none_yet(const uint8_t *loc, unsigned long pfn, unsigned long n)
{
	unsigned long i;
	uint64_t w;

	if (n < 8 || (pfn & 7)) {
		for (i = 0; i < n; i++)
			if (loc[pfn + i] != TF_LOC_NONE)
				return false;
		return true;
	}
	for (i = 0; i < n; i += 8) {
		memcpy(&w, loc + pfn + i, sizeof(w));	/* eight pages, one check */
		if (w)
			return false;
	}
	return true;
}

static bool mark(uint8_t *loc, unsigned long pfn, unsigned int order, uint8_t what)
{
	unsigned long i;
	bool ok = true;

	_Static_assert(TF_LOC_NONE == 0, "a word of loc[] is 0 where no page is marked");
	/* The common case: a block inside memory, in no container yet. */
	if (pfn < max_pfn && (1UL << order) <= max_pfn - pfn &&
	    none_yet(loc, pfn, 1UL << order)) {
		memset(loc + pfn, what, 1UL << order);
		return true;
	}

	for (i = 0; i < (1UL << order) && pfn + i < max_pfn; i++) {
		if (loc[pfn + i] != TF_LOC_NONE) {
			loc[pfn + i] = TF_LOC_MULTI;
			ok = false;
		} else {
			loc[pfn + i] = what;
		}
	}
	return ok && pfn + (1UL << order) <= max_pfn;
}

/* @zone's buddy and PCP lists into @loc; false (and *@why) where they contradict themselves. */
static bool zone_free_pages_loc(struct zone *zone, uint8_t *loc, const char **why)
{
	unsigned long zend = zone->zone_start_pfn + zone->spanned_pages;
	struct list_head *pos;
	unsigned long n, buddy_pages = 0;
	int order, mt, cpu, pindex;
	bool ok = true;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		unsigned long nr = 0;

		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			tf_walk(pos, &zone->free_area[order].free_list[mt], max_pfn, n) {
				struct page *page = list_entry(pos, struct page, buddy_list);

				nr++;
				buddy_pages += 1UL << order;
				if (page_to_pfn(page) < zone->zone_start_pfn ||
				    page_to_pfn(page) + (1UL << order) > zend) {
					ok = false;
					*why = *why ? *why : "a page on a zone's free lists lies outside the zone (its node)";
				}
				if (!PageBuddy(page) || page->private != (unsigned long)order) {
					ok = false;
					*why = *why ? *why : "buddy list entry without PageBuddy of its order";
				}
				if (!mark(loc, page_to_pfn(page), order, TF_LOC_BUDDY)) {
					ok = false;
					*why = *why ? *why : "page on a free list twice or past the end";
				}
			}
		}
		if (nr != zone->free_area[order].nr_free) {
			ok = false;
			*why = *why ? *why : "free_area nr_free differs from its lists";
		}
	}
	if ((long)buddy_pages != zone_free_pages(zone)) {
		ok = false;
		*why = *why ? *why : "NR_FREE_PAGES differs from the buddy lists";
	}
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		long count = 0;

		for (pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
			tf_walk(pos, &pcp->lists[pindex], max_pfn, n) {
				struct page *page = list_entry(pos, struct page, pcp_list);

				count += 1L << order_of_pindex(pindex);
				if (page_to_pfn(page) < zone->zone_start_pfn ||
				    page_to_pfn(page) >= zend) {
					ok = false;
					*why = *why ? *why : "a page on a zone's PCP list lies outside the zone (its node)";
				}
				if (!mark(loc, page_to_pfn(page), order_of_pindex(pindex), TF_LOC_PCP)) {
					ok = false;
					*why = *why ? *why : "page on a PCP list twice or also free";
				}
			}
		}
		if (count != pcp->count) {
			ok = false;
			*why = *why ? *why : "pcp->count differs from its lists";
		}
	}
	return ok;
}

bool tf_observe_free_pages(uint8_t *loc, const char **why)
{
	struct zone *zone;
	bool ok = true;

	*why = NULL;
	memset(loc, TF_LOC_NONE, max_pfn);
	for_each_populated_zone(zone)
		if (!zone_free_pages_loc(zone, loc, why))
			ok = false;
	if (!tf_observe_llist_mark(loc, TF_LOC_LLIST)) {
		ok = false;
		*why = *why ? *why : "a page on an llist is also elsewhere, or an llist does not end";
	}
	return ok;
}

/* What @zone's counters say is free: NR_FREE_PAGES and every pageset's count. */
static long zone_free_counted(struct zone *zone)
{
	long total = zone_free_pages(zone);
	int cpu;

	for_each_possible_cpu(cpu)
		total += per_cpu_ptr(zone->per_cpu_pageset, cpu)->count;
	return total;
}

unsigned long tf_observe_free_counted(void)
{
	struct zone *zone;
	long total = 0;

	for_each_populated_zone(zone)
		total += zone_free_counted(zone);
	/* Freed but on no counter yet: remote frees and deferred zone frees. */
	total += tf_observe_llist_pages();
	return total < 0 ? 0 : (unsigned long)total;
}

unsigned long tf_observe_node_free_counted(int nid)
{
	long total = zone_free_counted(&NODE_DATA(nid)->node_zones[ZONE_NORMAL]);

	total += tf_observe_node_llist_pages(nid);
	return total < 0 ? 0 : (unsigned long)total;
}
