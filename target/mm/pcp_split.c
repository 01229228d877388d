// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 004: the split-path PCP free ("[RFC PATCH 03/40] mm: page_alloc:
 * split-path PCP free with local-trylock + remote-llist").  A page whose
 * pageblock another CPU owns is pushed lock-free onto that CPU's
 * free_llist; the owner absorbs the list under its own PCP lock; CPU
 * death drains it and detaches the owned pageblocks; CPU online absorbs
 * what landed meanwhile.
 *
 * The patch sits on earlier patches of its series that are not in the
 * seeds (pageblock owners, PCP buddies, pcp_rmqueue_smallest()); what
 * they do here is reconstructed from the patch's context lines and
 * comments -- docs/pcp.md lists each inference.  Upstream's paths
 * stay in page_alloc.c; each function here replaces one of them when the
 * machine runs the split path (header byte 4, `machine pcp=split`).
 */
#include "internal.h"
#include "tagfuzz/bugs.h"

static inline void set_pcp_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
}

static inline unsigned int pcp_buddy_order(struct page *page)
{
	return page->private;
}

static void pcp_enqueue(struct per_cpu_pages *pcp, struct page *page, int migratetype,
			unsigned int order)
{
	list_add(&page->pcp_list, &pcp->lists[order_to_pindex(migratetype, order)]);
	pcp->count += 1 << order;
}

/* Called with zone->lock held. */
static void set_pcpblock_owner(struct per_cpu_pages *pcp, struct page *page,
			       unsigned long pfn, int cpu)
{
	struct pageblock_data *pbd = pfn_to_pageblock(page, pfn);

	WRITE_ONCE(pbd->cpu, cpu + 1);
	list_add(&pbd->cpu_node, &pcp->owned_blocks);
}

/* Called with zone->lock held. */
static void clear_pcpblock_owner(struct pageblock_data *pbd)
{
	list_del_init(&pbd->cpu_node);
	WRITE_ONCE(pbd->cpu, 0);
}

/*
 * __free_one_page() merged a whole pageblock (or more) in the zone
 * buddy: its pageblocks are complete and lose their owner.
 */
void pcpblock_release(struct zone *zone, unsigned long pfn, unsigned int order)
{
	unsigned long end = pfn + (1UL << order);

	(void)zone;
	for (; pfn < end; pfn += pageblock_nr_pages) {
		struct pageblock_data *pbd = pfn_to_pageblock(NULL, pfn);

		/* Bug switch: an isolated block keeps its owner. */
		if (tf_bug(TF_BUG_RELEASE_SKIPS_ISOLATED) && is_migrate_isolate(pbd_migratetype(pbd)))
			continue;
		if (pbd->cpu)
			clear_pcpblock_owner(pbd);
	}
}

/*
 * Absorb pages remotely freed into this CPU's pageblocks onto its PCP
 * buddy lists.  Called with pcp->lock held; cheap when the list is empty.
 */
static void absorb_remote_frees(struct per_cpu_pages *pcp)
{
	struct llist_node *node;
	struct page *p, *tmp;
	int absorbed = 0;

	if (likely(llist_empty(&pcp->free_llist)))
		return;

	node = llist_del_all(&pcp->free_llist);
	llist_for_each_entry_safe(p, tmp, node, pcp_llist) {
		unsigned long pfn = page_to_pfn(p);
		unsigned int order = pcp_buddy_order(p);
		int mt = pbd_migratetype(pfn_to_pageblock(p, pfn));

		if (unlikely(mt >= MIGRATE_PCPTYPES))
			mt = MIGRATE_MOVABLE;

		/* From pageblocks this CPU owns: eligible for PCP-buddy merging. */
		pcp_trace("CPU%d absorbs pfn %lu (order %u) from its free_llist", pcp_cpu(pcp),
			  pfn, order);
		__SetPagePCPBuddy(p);
		if (tf_bug(TF_BUG_ABSORB_NO_COUNT))
			list_add(&p->pcp_list, &pcp->lists[order_to_pindex(mt, order)]);
		else
			pcp_enqueue(pcp, p, mt, order);
		absorbed += 1 << order;
	}
	(void)absorbed;
}

/*
 * Search the PCP lists for a page of at least @order; a larger one is
 * split and the remainders stay on the PCP lists (as PCP buddies when the
 * block is this CPU's).
 */
static struct page *pcp_rmqueue_smallest(struct per_cpu_pages *pcp, unsigned int order,
					 int migratetype)
{
	unsigned int high;

	absorb_remote_frees(pcp);

	for (high = order; high <= pageblock_order; high++) {
		struct list_head *list = &pcp->lists[order_to_pindex(migratetype, high)];
		struct page *page;
		bool owned;

		if (list_empty(list))
			continue;
		page = list_first_entry(list, struct page, pcp_list);
		list_del(&page->pcp_list);
		pcp->count -= 1 << high;
		owned = PagePCPBuddy(page);
		__ClearPagePCPBuddy(page);
		set_page_private(page, 0);
		while (high > order) {
			struct page *rem;

			high--;
			rem = page + (1 << high);
			if (owned) {
				__SetPagePCPBuddy(rem);
				set_pcp_order(rem, high);
			}
			pcp_enqueue(pcp, rem, migratetype, high);
		}
		return page;
	}
	return NULL;
}

/*
 * Refill: take a whole free pageblock from the zone, make this CPU its
 * owner and put it on the PCP lists as one PCP buddy.
 */
static bool pcp_claim_block(struct zone *zone, struct per_cpu_pages *pcp, int migratetype,
			    unsigned int alloc_flags)
{
	unsigned long flags;
	struct page *page;

	if (unlikely(alloc_flags & ALLOC_NOLOCK)) {
		if (!spin_trylock_irqsave(&zone->lock, flags))
			return false;
	} else {
		spin_lock_irqsave(&zone->lock, flags);
	}
	page = __rmqueue_smallest(zone, pageblock_order, migratetype);
	if (page)
		set_pcpblock_owner(pcp, page, page_to_pfn(page), smp_processor_id());
	spin_unlock_irqrestore(&zone->lock, flags);
	if (!page)
		return false;
	pcp_trace("CPU%d claims pageblock %lu (pfn %lu..%lu)", smp_processor_id(),
		  page_to_pfn(page) >> pageblock_order, page_to_pfn(page),
		  page_to_pfn(page) + pageblock_nr_pages - 1);
	__SetPagePCPBuddy(page);
	set_pcp_order(page, pageblock_order);
	pcp_enqueue(pcp, page, migratetype, pageblock_order);
	return true;
}

struct page *pcp_split_rmqueue(struct zone *zone, unsigned int order, int migratetype,
			       unsigned int alloc_flags, struct per_cpu_pages *pcp)
{
	struct page *page;

	do {
		page = pcp_rmqueue_smallest(pcp, order, migratetype);
		if (!page) {
			if (!pcp_claim_block(zone, pcp, migratetype, alloc_flags)) {
				/* No whole pageblock free: zone-owned pages, as upstream. */
				struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
				int batch = READ_ONCE(pcp->batch);

				if (order && batch > 1)
					batch = max(batch >> order, 2);
				pcp->count += rmqueue_bulk(zone, order, batch, list, migratetype,
							   alloc_flags) << order;
			}
			page = pcp_rmqueue_smallest(pcp, order, migratetype);
			if (!page)
				return NULL;
		}
	} while (check_new_pages(page, order));

	return page;
}

/* Merge PCP buddies of this CPU's pageblocks, bottom-up, under pcp->lock. */
static void pcp_merge_pass(struct per_cpu_pages *pcp)
{
	unsigned long merges = 0, steps = 0;
	unsigned int order;
	int mt;

	for (order = 0; order < pageblock_order; order++) {
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
			struct list_head *list = &pcp->lists[order_to_pindex(mt, order)];
			struct page *page;
restart:
			steps = 0;
			list_for_each_entry(page, list, pcp_list) {
				unsigned long pfn = page_to_pfn(page);
				unsigned long buddy_pfn = pfn ^ (1UL << order);
				struct page *buddy, *combined;

				/* A corrupt list must not make the harness spin. */
				if (++steps > max_pfn || merges > max_pfn)
					tf_report_bug(TF_CHECK_BUG, __func__, "PCP lists do not end",
						      "pcp merge pass: a list of over %lu entries, or %lu merges, on %lu pages",
						      steps, merges, max_pfn);

				if (!PagePCPBuddy(page) || buddy_pfn >= max_pfn)
					continue;
				buddy = page + (buddy_pfn - pfn);
				if (!PagePCPBuddy(buddy) || pcp_buddy_order(buddy) != order)
					continue;
				list_del(&page->pcp_list);
				list_del(&buddy->pcp_list);
				combined = buddy_pfn < pfn ? buddy : page;
				__ClearPagePCPBuddy(combined == page ? buddy : page);
				set_page_private(combined == page ? buddy : page, 0);
				set_pcp_order(combined, order + 1);
				list_add(&combined->pcp_list,
					 &pcp->lists[order_to_pindex(mt, order + 1)]);
				merges++;
				goto restart;
			}
		}
	}
}

/*
 * The start of the series' free_pcppages_bulk() (upstream's loop in
 * page_alloc.c does the rest): remotely freed pages take part in merging
 * like local ones, then a "bottom-up merge pass over PagePCPBuddy entries
 * under pcp->lock only".  pcp->count is unchanged by the merge.
 */
void pcp_split_bulk_prepare(struct per_cpu_pages *pcp)
{
	absorb_remote_frees(pcp);
	pcp_merge_pass(pcp);
}

/* Commit to a PCP list; @owned: this CPU owns the page's block. */
static bool split_commit(struct zone *zone, struct per_cpu_pages *pcp, struct page *page,
			 int migratetype, unsigned int order, fpi_t fpi_flags, bool owned)
{
	if (owned) {
		__SetPagePCPBuddy(page);
		set_pcp_order(page, order);
	}
	return free_frozen_page_commit(zone, pcp, page, migratetype, order, fpi_flags);
}

/*
 * Route by pageblock owner: this CPU's or nobody's -> trylock the local
 * PCP and commit; another CPU's -> push onto its free_llist unless it is
 * dead.  Ownership is stable here: we hold the page.
 */
void pcp_split_free_frozen_pages(struct zone *zone, struct page *page, unsigned long pfn,
				 unsigned int order, int migratetype, fpi_t fpi_flags)
{
	struct pageblock_data *pbd = pfn_to_pageblock(page, pfn);
	struct per_cpu_pages *pcp;
	int owner_cpu, cache_cpu;

	owner_cpu = READ_ONCE(pbd->cpu) - 1;
	cache_cpu = raw_smp_processor_id();

	if (owner_cpu < 0 || owner_cpu == cache_cpu) {
		pcp = per_cpu_ptr(zone->per_cpu_pageset, cache_cpu);

		if (!spin_trylock(&pcp->lock)) {
			pcp_trace("pfn %lu: CPU%d's PCP lock is taken: to the zone%s", pfn, cache_cpu,
				  fpi_flags & FPI_TRYLOCK ? "'s trylock llist" : "");
			if (fpi_flags & FPI_TRYLOCK)
				add_page_to_zone_llist(zone, page, order);
			else
				free_one_page(zone, page, pfn, order, fpi_flags);
			return;
		}

		if (unlikely(pcp->flags & PCPF_CPU_DEAD)) {
			spin_unlock(&pcp->lock);
			free_one_page(zone, page, pfn, order, fpi_flags);
			return;
		}

		/* False: the batched free dropped the lock and could not keep it. */
		if (split_commit(zone, pcp, page, migratetype, order, fpi_flags,
				 owner_cpu == cache_cpu) ||
		    tf_bug(TF_BUG_COMMIT_FALSE_UNLOCKS))
			spin_unlock(&pcp->lock);
		return;
	}

	/* Remote owner: lock-free llist hand-off. */
	pcp = per_cpu_ptr(zone->per_cpu_pageset, owner_cpu);

	if (unlikely(READ_ONCE(pcp->flags) & PCPF_CPU_DEAD)) {
		pcp_trace("pfn %lu: owner CPU%d is dead: to the zone", pfn, owner_cpu);
		free_one_page(zone, page, pfn, order, fpi_flags);
		return;
	}

	set_pcp_order(page, order);
	llist_add(&page->pcp_llist, &pcp->free_llist);
	pcp_trace("pfn %lu pushed onto owner CPU%d's free_llist", pfn, owner_cpu);
}

/* The batched free, split the same way (prepared by free_unref_folios()). */
void pcp_split_free_unref_folios(struct folio_batch *folios)
{
	struct per_cpu_pages *pcp = NULL, *remote_pcp;
	struct zone *locked_zone = NULL;
	int locked_cpu = -1;
	unsigned int i;

	for (i = 0; i < folios->nr; i++) {
		struct folio *folio = folios->folios[i];
		struct zone *zone = folio_zone(folio);
		unsigned long pfn = folio_pfn(folio);
		unsigned int order = folio->page.private;
		struct pageblock_data *pbd;
		int migratetype, owner_cpu;

		folio->page.private = 0;
		pbd = pfn_to_pageblock(&folio->page, pfn);
		migratetype = pbd_migratetype(pbd);
		owner_cpu = READ_ONCE(pbd->cpu) - 1;

		/* Isolated pages always go directly to the zone buddy. */
		if (unlikely(is_migrate_isolate(migratetype)) &&
		    !(tf_bug(TF_BUG_BATCH_PUSHES_ISOLATED) && owner_cpu >= 0 &&
		      owner_cpu != raw_smp_processor_id())) {
			if (pcp) {
				spin_unlock(&pcp->lock);
				pcp = NULL;
				locked_zone = NULL;
				locked_cpu = -1;
			}
			free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
			continue;
		}

		if (locked_cpu < 0)
			locked_cpu = raw_smp_processor_id();

		/* Remote owner: drop the local lock, push onto the owner's llist. */
		if (owner_cpu >= 0 && owner_cpu != locked_cpu) {
			if (pcp) {
				spin_unlock(&pcp->lock);
				pcp = NULL;
				locked_zone = NULL;
			}
			remote_pcp = per_cpu_ptr(zone->per_cpu_pageset, owner_cpu);
			if (unlikely(READ_ONCE(remote_pcp->flags) & PCPF_CPU_DEAD)) {
				free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
				continue;
			}
			set_pcp_order(&folio->page, order);
			llist_add(&folio->page.pcp_llist, &remote_pcp->free_llist);
			pcp_trace("pfn %lu pushed onto owner CPU%d's free_llist", pfn, owner_cpu);
			continue;
		}

		/* Local owner (or unowned): trylock the local PCP. */
		if (zone != locked_zone) {
			if (pcp) {
				spin_unlock(&pcp->lock);
				pcp = NULL;
				locked_zone = NULL;
			}
			pcp = per_cpu_ptr(zone->per_cpu_pageset, locked_cpu);
			if (!spin_trylock(&pcp->lock)) {
				pcp = NULL;
				free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
				continue;
			}
			if (unlikely(pcp->flags & PCPF_CPU_DEAD)) {
				spin_unlock(&pcp->lock);
				pcp = NULL;
				free_one_page(zone, &folio->page, pfn, order, FPI_NONE);
				continue;
			}
			locked_zone = zone;
		}

		if (unlikely(migratetype >= MIGRATE_PCPTYPES))
			migratetype = MIGRATE_MOVABLE;

		if (!split_commit(zone, pcp, &folio->page, migratetype, order, FPI_NONE,
				  owner_cpu == locked_cpu)) {
			pcp = NULL;
			locked_zone = NULL;
			locked_cpu = -1;
		}
	}

	if (pcp)
		spin_unlock(&pcp->lock);
	folios->nr = 0;
}

/* The absorb seed 004 adds to each round of drain_pages_zone(). */
void pcp_split_drain_absorb(struct per_cpu_pages *pcp)
{
	if (!tf_bug(TF_BUG_DRAIN_IGNORES_LLIST))
		absorb_remote_frees(pcp);
}

int pcp_split_cpu_dead(unsigned int cpu)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		unsigned long zflags;

		/* From here remote freers send this CPU's pages to the zone. */
		spin_lock(&pcp->lock);
		pcp_flags_set_dead(pcp);	/* pcp->flags |= PCPF_CPU_DEAD (glue: F17) */
		spin_unlock(&pcp->lock);

		/*
		 * drain_pages_zone() absorbs the llist and frees until pcp->count is
		 * zero.  A remote freer that read the flag clear before it was set
		 * and pushes after the drain leaves pages on the llist: the RFC
		 * absorbs them when the CPU comes back online.
		 */
		drain_pages_zone(cpu, zone);

		/*
		 * Detach every owned pageblock before reinitialising the head, so a
		 * later clear_pcpblock_owner()'s list_del_init() is a self-loop no-op.
		 */
		spin_lock(&pcp->lock);
		spin_lock_irqsave(&zone->lock, zflags);
		pcp_trace("CPU%u dead: count %d, free_llist %s; detaching owned_blocks", cpu,
			  pcp->count, llist_empty(&pcp->free_llist) ? "empty" : "NOT empty");
		if (!tf_bug(TF_BUG_OWNED_BLOCKS_INIT_ONLY)) {
			while (!list_empty(&pcp->owned_blocks)) {
				struct pageblock_data *pbd =
					list_first_entry(&pcp->owned_blocks,
							 struct pageblock_data, cpu_node);

				list_del_init(&pbd->cpu_node);
			}
		}
		INIT_LIST_HEAD(&pcp->owned_blocks);
		spin_unlock_irqrestore(&zone->lock, zflags);
		spin_unlock(&pcp->lock);
	}
	return 0;
}

int pcp_split_cpu_online(unsigned int cpu)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);

		spin_lock(&pcp->lock);
		pcp_flags_clear_dead(pcp);	/* pcp->flags &= ~PCPF_CPU_DEAD (glue: F17) */
		/* Pull in pages that landed on the free_llist while the CPU was down. */
		if (!tf_bug(TF_BUG_ONLINE_NO_ABSORB))
			absorb_remote_frees(pcp);
		spin_unlock(&pcp->lock);
	}
	return 0;
}
