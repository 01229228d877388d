// SPDX-License-Identifier: GPL-2.0
/*
 * Oracles of the PCP free-path family (issue 5, seed 004), in PCP mode
 * only.  They read the containers through target/sim/observe_pcp.c:
 *
 *  - after every op: no PCP lock or zone->lock held, each free page in at
 *    most one container, every pcp->count equal to what its lists hold,
 *    no page of an isolated pageblock on a PCP list, owned_blocks entries
 *    naming their CPU;
 *  - when page_alloc_cpu_dead() returns: the CPU's lists empty, its
 *    count zero, owned_blocks empty, and nothing that was on its
 *    free_llist when it started dying still there;
 *  - when page_alloc_cpu_online() returns: nothing that was on its
 *    free_llist while it was down still there (stranded);
 *  - when the ops are over: pages on a dead CPU's free_llist are stranded;
 *  - teardown, after drain_all_pages(): an online CPU's free_llist that
 *    the drain left behind;
 *  - memory offlining done (MEM_OFFLINE): no page of the section in any
 *    free container.
 */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "tagfuzz/observe.h"

#define TF_PAGEBLOCK_PAGES	(1UL << TF_PAGEBLOCK_ORDER)

/* What the oracles know of a run: pcp_reset() replaces all of it. */
static struct pcp_run {
	unsigned long nr_pages, section_pages;
	int nr_cpus;
	tf_report_fn report;
	bool reported;		/* pcp:containers, once a run */
} st;

/*
 * The containers, by pfn: where[] and cpus[] are each observation's,
 * prev_where[] is cleared for the run's pages at reset, and snap[] is
 * written when a CPU starts dying or coming up, before it is read.
 */
static struct pcp_pages {
	uint8_t where[TF_MAX_PAGES];
	uint8_t prev_where[TF_MAX_PAGES];	/* at the previous op's check */
	struct tf_pcp_cpu_obs cpus[TF_MAX_CPUS];
	/* Per CPU: pages on its free_llist at the start of its death or online. */
	uint8_t snap[TF_MAX_CPUS][TF_MAX_PAGES / 8];
} pg;

/* A finding of these oracles: its signature, a class or NULL, a formatted detail. */
#define fail(sig, cls, ...)	tf_oracle_reportf(st.report, sig, cls, __VA_ARGS__)

/* PCP mode only. */
static bool pcp_reset(const struct tf_machine *m, tf_report_fn fn)
{
	if (!m->pcp)
		return false;
	st = (struct pcp_run){
		.nr_pages = tf_machine_pages(m),
		.section_pages = m->section_pages,
		.nr_cpus = m->nr_cpus,
		.report = fn,
	};
	memset(pg.prev_where, TF_WHERE_NONE, st.nr_pages);
	return true;
}

/* Look at the containers; false (and reported) if they contradict themselves. */
static bool observe(void)
{
	const char *why;

	if (!tf_observe_pcp(pg.where, pg.cpus, &why)) {
		if (!st.reported)
			fail(TF_SIG_PCP_CONTAINERS, NULL, "%s", why);
		st.reported = true;
		return false;
	}
	return true;
}

static void snapshot_llist(int cpu)
{
	unsigned long pfn;

	memset(pg.snap[cpu], 0, (st.nr_pages + 7) / 8);
	if (!observe())
		return;
	for (pfn = 0; pfn < st.nr_pages; pfn++)
		if (pg.where[pfn] == TF_WHERE_LLIST(cpu))
			pg.snap[cpu][pfn / 8] |= 1 << (pfn % 8);
}

/* The first snapshot page of @cpu still on its free_llist, or -1. */
static long still_on_llist(int cpu)
{
	unsigned long pfn;

	for (pfn = 0; pfn < st.nr_pages; pfn++)
		if ((pg.snap[cpu][pfn / 8] >> (pfn % 8) & 1) && pg.where[pfn] == TF_WHERE_LLIST(cpu))
			return (long)pfn;
	return -1;
}

static void dead_done(int cpu)
{
	long pfn;

	if (!observe())
		return;
	if (pg.cpus[cpu].listed || pg.cpus[cpu].count)
		fail(TF_SIG_PCP_DEAD_LISTS_NOT_EMPTY, NULL,
		     "CPU%d is dead with %ld page(s) on its PCP lists, pcp->count %ld", cpu,
		     pg.cpus[cpu].listed, pg.cpus[cpu].count);
	else if (pg.cpus[cpu].owned || pg.cpus[cpu].owned_bad)
		fail(TF_SIG_PCP_DEAD_OWNED_BLOCKS, NULL, "CPU%d is dead with %u owned_blocks entries%s",
		     cpu, pg.cpus[cpu].owned, pg.cpus[cpu].owned_bad ? " (list corrupt)" : "");
	pfn = still_on_llist(cpu);
	if (pfn >= 0)
		fail(TF_SIG_PCP_DEAD_LLIST_NOT_DRAINED, NULL,
		     "pfn %ld was on CPU%d's free_llist when it started dying and still is", pfn, cpu);
}

static void online_done(int cpu)
{
	long pfn;

	if (!observe())
		return;
	pfn = still_on_llist(cpu);
	if (pfn >= 0)
		fail(TF_SIG_PCP_STRANDED_AFTER_ONLINE, NULL,
		     "pfn %ld landed on CPU%d's free_llist while it was down and is still there after it came back online",
		     pfn, cpu);
}

static void drained_all(void)
{
	int cpu;

	if (!observe())
		return;
	for (cpu = 0; cpu < st.nr_cpus; cpu++)
		if (pg.cpus[cpu].llist > 0)
			fail(TF_SIG_PCP_LLIST_SURVIVES_DRAIN_ALL, NULL,
			     "drain_all_pages() left %ld page(s) on CPU%d's free_llist (pcp->count %ld)",
			     pg.cpus[cpu].llist, cpu, pg.cpus[cpu].count);
}

/* offline_pages() took the section's pages out of the buddy: none is free any more. */
static void offlined(unsigned int section)
{
	unsigned long start = section * st.section_pages, pfn;

	if (start >= st.nr_pages || !observe())
		return;
	for (pfn = start; pfn < start + st.section_pages; pfn++)
		if (pg.where[pfn] != TF_WHERE_NONE) {
			fail(TF_SIG_PCP_OFFLINED_PAGE_IN_CONTAINER, NULL,
			     "section %u went offline with pfn %lu still in a free container (%d)",
			     section, pfn, pg.where[pfn]);
			return;
		}
}

static void pcp_on_event(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_MEM_NOTIFY:
		if (ev->order == TF_MEM_OFFLINE)
			offlined(ev->section);
		break;
	case TF_EV_CPU_UP:
		snapshot_llist(ev->cpu);
		break;
	case TF_EV_CPU_DOWN:
		snapshot_llist(ev->section);
		break;
	case TF_EV_PCP:
		if (ev->section == TF_PCP_PT_DEAD_DONE)
			dead_done(ev->pfn);
		else if (ev->section == TF_PCP_PT_ONLINE_DONE)
			online_done(ev->pfn);
		else if (ev->section == TF_PCP_PT_DRAINED_ALL)
			drained_all();
		break;
	default:
		break;
	}
}

static void pcp_check_op(void)
{
	unsigned long pfn;
	int cpu;

	if (!observe())
		return;
	/*
	 * Between ops no CPU is inside the allocator: every lock a free or
	 * drain took is released (the commit's lock drop and false return).
	 */
	for (cpu = 0; cpu < st.nr_cpus; cpu++) {
		if (pg.cpus[cpu].lock_owner >= 0) {
			fail(TF_SIG_PCP_LOCK_HELD, NULL, "CPU%d's PCP lock is held by CPU%d between ops",
			     cpu, pg.cpus[cpu].lock_owner);
			return;
		}
	}
	if (tf_observe_zone_lock_owner() >= 0) {
		fail(TF_SIG_PCP_LOCK_HELD, NULL, "zone->lock is held by CPU%d between ops",
		     tf_observe_zone_lock_owner());
		return;
	}
	for (cpu = 0; cpu < st.nr_cpus; cpu++) {
		if (pg.cpus[cpu].count != pg.cpus[cpu].listed || pg.cpus[cpu].count_node >= 0) {
			fail(TF_SIG_PCP_COUNT_MISMATCH, NULL,
			     "CPU%d: pcp->count %ld, its lists hold %ld pages (node %d's pageset differs)",
			     cpu, pg.cpus[cpu].count, pg.cpus[cpu].listed, pg.cpus[cpu].count_node);
			return;
		}
		if (pg.cpus[cpu].owned_bad) {
			fail(TF_SIG_PCP_OWNED_BLOCKS_CORRUPT, NULL,
			     "CPU%d's owned_blocks holds an entry of another owner or does not end", cpu);
			return;
		}
		if (pg.cpus[cpu].buddy_bad_pfn >= 0) {
			int owner = tf_observe_block_owner(pg.cpus[cpu].buddy_bad_pfn);

			fail(TF_SIG_PCP_BUDDY_MISPLACED, NULL,
			     "pfn %ld is a PCP buddy on CPU%d's lists; its block's owner: %s%d (-1: the zone), or its order is not its list's",
			     pg.cpus[cpu].buddy_bad_pfn, cpu, "CPU", owner - 1);
			return;
		}
	}
	/* A pageblock wholly free in the buddy lists has no owner any more. */
	for (pfn = 0; pfn + TF_PAGEBLOCK_PAGES <= st.nr_pages; pfn += TF_PAGEBLOCK_PAGES) {
		unsigned long k;

		for (k = 0; k < TF_PAGEBLOCK_PAGES && pg.where[pfn + k] == TF_WHERE_BUDDY; k++)
			;
		if (k == TF_PAGEBLOCK_PAGES && tf_observe_block_owner(pfn)) {
			fail(TF_SIG_PCP_OWNER_ON_FREE_BLOCK, NULL,
			     "pageblock %lu is wholly free in the buddy lists and still owned by CPU%d",
			     pfn / TF_PAGEBLOCK_PAGES, tf_observe_block_owner(pfn) - 1);
			return;
		}
	}
	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		if (pg.where[pfn] >= TF_WHERE_PCP(0) && pg.where[pfn] < TF_WHERE_PCP(TF_MAX_CPUS) &&
		    tf_observe_block_isolated(pfn)) {
			bool via_llist = pg.prev_where[pfn] >= TF_WHERE_LLIST(0) &&
					 pg.prev_where[pfn] < TF_WHERE_LLIST(TF_MAX_CPUS);

			/* Absorbed from a free_llist the isolation's drain passed by: F15. */
			fail(TF_SIG_PCP_ISOLATED_PAGE_ON_PCP, via_llist ? "via-llist" : NULL,
			     "pfn %lu of an isolated pageblock is on CPU%d's PCP list%s", pfn,
			     pg.where[pfn] - TF_WHERE_PCP(0),
			     via_llist ? ", absorbed from a free_llist" : "");
			return;
		}
	}
	memcpy(pg.prev_where, pg.where, st.nr_pages);
}

/* Pages stranded on dead CPUs' llists, before teardown brings the CPUs back. */
static void pcp_end_of_ops(void)
{
	unsigned long pfn;

	if (!observe())
		return;
	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		int w = pg.where[pfn];

		if (w >= TF_WHERE_LLIST(0) && w < TF_WHERE_LLIST(TF_MAX_CPUS) &&
		    pg.cpus[w - TF_WHERE_LLIST(0)].dead) {
			fail(TF_SIG_PCP_STRANDED_LLIST_PAGE, NULL,
			     "pfn %lu is on CPU%d's free_llist and CPU%d stays down: nothing will absorb it",
			     pfn, w - TF_WHERE_LLIST(0), w - TF_WHERE_LLIST(0));
			return;
		}
	}
}

const struct tf_oracle tf_pcp_oracle = {
	.name = "pcp",
	.reset = pcp_reset,
	.on_event = pcp_on_event,
	.check_op = pcp_check_op,
	.end_of_ops = pcp_end_of_ops,
};
