// SPDX-License-Identifier: GPL-2.0
/*
 * Oracles of the PCP free-path family (issue 5, seed 004), in PCP mode
 * only.  They read the containers through target/sim/observe_pcp.c:
 *
 *  - after every op: each free page in at most one container, every
 *    pcp->count equal to what its lists hold, no page of an isolated
 *    pageblock on a PCP list, owned_blocks entries naming their CPU;
 *  - when page_alloc_cpu_dead() returns: the CPU's lists empty, its
 *    count zero, owned_blocks empty, and nothing that was on its
 *    free_llist when it started dying still there;
 *  - when page_alloc_cpu_online() returns: nothing that was on its
 *    free_llist while it was down still there (stranded);
 *  - when the ops are over: pages on a dead CPU's free_llist are stranded;
 *  - teardown, after drain_all_pages(): an online CPU's free_llist that
 *    the drain left behind.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "pcp_oracle.h"
#include "tagfuzz/observe.h"

#define TF_PAGEBLOCK_PAGES	(1UL << TF_PAGEBLOCK_ORDER)

static bool active;
static unsigned long nr_pages;
static model_report_fn report;
static uint8_t where[TF_MAX_PAGES];
static uint8_t prev_where[TF_MAX_PAGES];	/* at the previous op's check */
static struct tf_pcp_cpu_obs cpus[TF_MAX_CPUS];
static int nr_cpus;
/* Per CPU: pages on its free_llist at the start of its death or online. */
static uint8_t snap[TF_MAX_CPUS][TF_MAX_PAGES / 8];
static bool reported;

/* A finding of this model: its signature and a formatted detail. */
#define fail(sig, ...)	model_reportf(report, sig, __VA_ARGS__)

void pcp_oracle_reset(const struct tf_machine *m, model_report_fn fn)
{
	active = m->pcp;
	report = fn;
	reported = false;
	if (!active)
		return;
	nr_pages = (unsigned long)m->section_pages * m->nr_sections;
	nr_cpus = m->nr_cpus;
	memset(prev_where, TF_WHERE_NONE, nr_pages);
}

bool pcp_oracle_active(void)
{
	return active;
}

/* Look at the containers; false (and reported) if they contradict themselves. */
static bool observe(void)
{
	const char *why;

	if (!tf_observe_pcp(where, cpus, &why)) {
		if (!reported)
			fail("pcp:containers", "%s", why);
		reported = true;
		return false;
	}
	return true;
}

static void snapshot_llist(int cpu)
{
	unsigned long pfn;

	memset(snap[cpu], 0, (nr_pages + 7) / 8);
	if (!observe())
		return;
	for (pfn = 0; pfn < nr_pages; pfn++)
		if (where[pfn] == TF_WHERE_LLIST(cpu))
			snap[cpu][pfn / 8] |= 1 << (pfn % 8);
}

/* The first snapshot page of @cpu still on its free_llist, or -1. */
static long still_on_llist(int cpu)
{
	unsigned long pfn;

	for (pfn = 0; pfn < nr_pages; pfn++)
		if ((snap[cpu][pfn / 8] >> (pfn % 8) & 1) && where[pfn] == TF_WHERE_LLIST(cpu))
			return (long)pfn;
	return -1;
}

static void dead_done(int cpu)
{
	long pfn;

	if (!observe())
		return;
	if (cpus[cpu].listed || cpus[cpu].count)
		fail("pcp:dead-cpu-lists-not-empty",
		     "CPU%d is dead with %ld page(s) on its PCP lists, pcp->count %ld", cpu,
		     cpus[cpu].listed, cpus[cpu].count);
	else if (cpus[cpu].owned || cpus[cpu].owned_bad)
		fail("pcp:dead-cpu-owned-blocks", "CPU%d is dead with %u owned_blocks entries%s",
		     cpu, cpus[cpu].owned, cpus[cpu].owned_bad ? " (list corrupt)" : "");
	pfn = still_on_llist(cpu);
	if (pfn >= 0)
		fail("pcp:dead-cpu-llist-not-drained",
		     "pfn %ld was on CPU%d's free_llist when it started dying and still is", pfn, cpu);
}

static void online_done(int cpu)
{
	long pfn;

	if (!observe())
		return;
	pfn = still_on_llist(cpu);
	if (pfn >= 0)
		fail("pcp:stranded-after-online",
		     "pfn %ld landed on CPU%d's free_llist while it was down and is still there after it came back online",
		     pfn, cpu);
}

static void drained_all(void)
{
	int cpu;

	if (!observe())
		return;
	for (cpu = 0; cpu < nr_cpus; cpu++)
		if (cpus[cpu].llist > 0)
			fail("pcp:llist-survives-drain-all",
			     "drain_all_pages() left %ld page(s) on CPU%d's free_llist (pcp->count %ld)",
			     cpus[cpu].llist, cpu, cpus[cpu].count);
}

void pcp_oracle_on_event(const struct tf_event *ev)
{
	if (!active)
		return;
	switch (ev->kind) {
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

void pcp_oracle_check_op(void)
{
	unsigned long pfn;
	int cpu;

	if (!active || !observe())
		return;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		if (cpus[cpu].count != cpus[cpu].listed) {
			fail("pcp:count-mismatch", "CPU%d: pcp->count %ld, its lists hold %ld pages",
			     cpu, cpus[cpu].count, cpus[cpu].listed);
			return;
		}
		if (cpus[cpu].owned_bad) {
			fail("pcp:owned-blocks-corrupt",
			     "CPU%d's owned_blocks holds an entry of another owner or does not end", cpu);
			return;
		}
		if (cpus[cpu].buddy_bad_pfn >= 0) {
			int owner = tf_observe_block_owner(cpus[cpu].buddy_bad_pfn);

			fail("pcp:pcp-buddy-misplaced",
			     "pfn %ld is a PCP buddy on CPU%d's lists; its block's owner: %s%d (-1: the zone), or its order is not its list's",
			     cpus[cpu].buddy_bad_pfn, cpu, "CPU", owner - 1);
			return;
		}
	}
	/* A pageblock wholly free in the buddy lists has no owner any more. */
	for (pfn = 0; pfn + TF_PAGEBLOCK_PAGES <= nr_pages; pfn += TF_PAGEBLOCK_PAGES) {
		unsigned long k;

		for (k = 0; k < TF_PAGEBLOCK_PAGES && where[pfn + k] == TF_WHERE_BUDDY; k++)
			;
		if (k == TF_PAGEBLOCK_PAGES && tf_observe_block_owner(pfn)) {
			fail("pcp:owner-on-free-block",
			     "pageblock %lu is wholly free in the buddy lists and still owned by CPU%d",
			     pfn / TF_PAGEBLOCK_PAGES, tf_observe_block_owner(pfn) - 1);
			return;
		}
	}
	for (pfn = 0; pfn < nr_pages; pfn++) {
		if (where[pfn] >= TF_WHERE_PCP(0) && where[pfn] < TF_WHERE_PCP(TF_MAX_CPUS) &&
		    tf_observe_block_isolated(pfn)) {
			bool via_llist = prev_where[pfn] >= TF_WHERE_LLIST(0) &&
					 prev_where[pfn] < TF_WHERE_LLIST(TF_MAX_CPUS);

			/* Absorbed from a free_llist the isolation's drain passed by: F15. */
			fail(via_llist ? "pcp:isolated-page-on-pcp [via-llist]" :
				"pcp:isolated-page-on-pcp",
			     "pfn %lu of an isolated pageblock is on CPU%d's PCP list%s", pfn,
			     where[pfn] - TF_WHERE_PCP(0),
			     via_llist ? ", absorbed from a free_llist" : "");
			return;
		}
	}
	memcpy(prev_where, where, nr_pages);
}

void pcp_oracle_end_of_ops(void)
{
	unsigned long pfn;

	if (!active || !observe())
		return;
	for (pfn = 0; pfn < nr_pages; pfn++) {
		int w = where[pfn];

		if (w >= TF_WHERE_LLIST(0) && w < TF_WHERE_LLIST(TF_MAX_CPUS) &&
		    cpus[w - TF_WHERE_LLIST(0)].dead) {
			fail("pcp:stranded-llist-page",
			     "pfn %lu is on CPU%d's free_llist and CPU%d stays down: nothing will absorb it",
			     pfn, w - TF_WHERE_LLIST(0), w - TF_WHERE_LLIST(0));
			return;
		}
	}
}
