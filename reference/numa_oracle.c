// SPDX-License-Identifier: GPL-2.0
/*
 * The NUMA oracle (issue 16), on machines with more than one node.  Its
 * view of the nodes comes from the scenario header alone: node n holds
 * the sections tf_machine_section_nid() gives it, CPU c sits on node
 * tf_machine_cpu_nid(); which pages are allocated, from the events.
 *
 *  - after every op, per node: the free pages of the node's zone as its
 *    counters say (NR_FREE_PAGES, every pageset's count, the pages on its
 *    llists) plus the node's allocated pages make the node's pages, and
 *    no more;
 *  - at every allocation: the page comes from its preferred node -- the
 *    allocating CPU's (numa_node_id(): alloc_pages(), the tracker's pool
 *    page, bulk, migration targets, CPU bring-up), or the section's for a
 *    page_ext table (alloc_pages_exact_nid() in alloc_page_ext()) -- unless
 *    that node could not serve it.  "Could serve" is a sufficient
 *    condition only: free pages above the high watermark by the
 *    allocation's size and a free block of its order or larger on the
 *    lists the allocator takes from.  Then the zonelist walk, which tries
 *    the preferred zone first with at most the high watermark, cannot
 *    have passed it.  Checked only while no other CPU runs an op (the
 *    zone cannot change between the walk and the event), and for a table
 *    once its section comes online (only allocations, from the preferred
 *    zone or not, come between: the condition holding then held at the
 *    walk).
 */
#include <stdio.h>

#include "oracle.h"
#include "tagfuzz/observe.h"

static struct numa_run {
	struct tf_machine m;
	tf_report_fn report;
	unsigned int nodes;
	unsigned long nr_pages;
	unsigned int section_shift;
	unsigned long pages[TF_MAX_NODES];	/* each node's pages */
	long allocated[TF_MAX_NODES];		/* by the events (with pages kept poisoned) */
	/* Per CPU: the section whose table its next allocation is, plus one (0: none). */
	unsigned int table_next[TF_MAX_CPUS];
	/* The last page_ext table allocation, checked when its section comes online. */
	unsigned int table_section;
	long table_pfn;
	unsigned int table_order;
	int table_cpu;
	bool table_interleaved;
	bool conservation_reported, remote_reported;
} st;

#define fail(sig, ...)	tf_oracle_reportf(st.report, sig, NULL, __VA_ARGS__)

static unsigned int pfn_nid(unsigned long pfn)
{
	return tf_machine_section_nid(&st.m, pfn >> st.section_shift);
}

static bool numa_reset(const struct tf_machine *m, tf_report_fn fn)
{
	unsigned int s;

	if (tf_machine_nodes(m) < 2)
		return false;
	st = (struct numa_run){
		.m = *m,
		.report = fn,
		.nodes = tf_machine_nodes(m),
		.nr_pages = (unsigned long)m->section_pages * (m->nr_sections + m->hotplug_sections),
		.section_shift = __builtin_ctz(m->section_pages),
		.table_pfn = -1,
	};
	/*
	 * Memory hotplug: a section that is offline counts as allocated (out of
	 * its zone); online_pages()'s frees give its pages to the zone, and
	 * MEM_OFFLINE takes them back out.
	 */
	for (s = 0; s < m->nr_sections + m->hotplug_sections; s++) {
		st.pages[tf_machine_section_nid(m, s)] += m->section_pages;
		if (s >= m->nr_sections)
			st.allocated[tf_machine_section_nid(m, s)] += m->section_pages;
	}
	return true;
}

/*
 * An allocation of order @order on node @got, preferring node @want: fine
 * when they are one node or @want could not have served it.
 */
static void check_node(unsigned long pfn, unsigned int order, unsigned int got,
		       unsigned int want, const char *who)
{
	struct tf_zone_obs z;

	if (got == want || st.remote_reported || want >= st.nodes)
		return;
	z = tf_observe_zone(want);
	if (z.free < (long)(z.high + (1UL << order) + 1) || z.max_order < (int)order)
		return;
	st.remote_reported = true;
	fail(TF_SIG_NUMA_REMOTE_ALLOC,
	     "%s: pfn %lu order %u came from node %u, while node %u had %ld pages free (high watermark %lu) and a free block of order %d",
	     who, pfn, order, got, want, z.free, z.high, z.max_order);
}

static void on_alloc(const struct tf_event *ev)
{
	unsigned int nid;
	char who[48];

	if (ev->pfn >= st.nr_pages)
		return;		/* the models report it */
	nid = pfn_nid(ev->pfn);
	st.allocated[nid] += 1L << ev->order;
	if (st.table_next[ev->cpu]) {
		st.table_section = st.table_next[ev->cpu] - 1;
		st.table_next[ev->cpu] = 0;
		st.table_pfn = (long)ev->pfn;
		st.table_order = ev->order;
		st.table_cpu = ev->cpu;
		st.table_interleaved = tf_observe_interleaved();
		return;
	}
	if (tf_observe_interleaved())
		return;
	snprintf(who, sizeof(who), "an allocation on CPU%d", ev->cpu);
	check_node(ev->pfn, ev->order, nid, tf_machine_cpu_nid(&st.m, ev->cpu), who);
}

static void on_section_online(const struct tf_event *ev)
{
	char who[64];

	st.table_next[ev->cpu] = 0;	/* no allocation: the vmalloc fall-back */
	if (st.table_pfn < 0 || st.table_section != ev->section)
		return;
	if (!st.table_interleaved && !tf_observe_interleaved()) {
		snprintf(who, sizeof(who), "section %u's page_ext table (CPU%d)", ev->section,
			 st.table_cpu);
		check_node(st.table_pfn, st.table_order, pfn_nid(st.table_pfn),
			   tf_machine_section_nid(&st.m, ev->section), who);
	}
	st.table_pfn = -1;
}

/*
 * offline_pages() took the section's free pages out of its zone.  It
 * skips poisoned pages, which are counted as allocated already: kept by
 * their free, or still held by their owner.
 */
static void on_offline(unsigned int section)
{
	unsigned long start = (unsigned long)section * st.m.section_pages, pfn;
	long out = st.m.section_pages;

	for (pfn = start; pfn < start + st.m.section_pages && pfn < st.nr_pages; pfn++)
		out -= tf_observe_page_hwpoison(pfn);
	st.allocated[tf_machine_section_nid(&st.m, section)] += out;
}

static void numa_on_event(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		on_alloc(ev);
		break;
	case TF_EV_PAGE_FREE:
		/*
		 * A poisoned order-0 page's free keeps it out of the allocator
		 * for good (__free_pages_prepare()'s HWPoison branch): it stays
		 * counted with the allocated pages.
		 */
		if (ev->pfn < st.nr_pages && !(!ev->order && tf_observe_page_hwpoison(ev->pfn)))
			st.allocated[pfn_nid(ev->pfn)] -= 1L << ev->order;
		break;
	case TF_EV_PEXT_TABLE:
		st.table_next[ev->cpu] = ev->section + 1;
		break;
	case TF_EV_PEXT_ONLINE:
		on_section_online(ev);
		break;
	case TF_EV_MEM_NOTIFY:
		if (ev->order == TF_MEM_OFFLINE && ev->section < TF_MAX_SECTIONS)
			on_offline(ev->section);
		break;
	default:
		break;
	}
}

static void numa_check_op(void)
{
	unsigned int nid;

	if (st.conservation_reported)
		return;
	for (nid = 0; nid < st.nodes; nid++) {
		unsigned long free = tf_observe_node_free_counted(nid);

		if (free + st.allocated[nid] == st.pages[nid])
			continue;
		st.conservation_reported = true;
		fail(TF_SIG_NUMA_PAGE_CONSERVATION,
		     "node %u: %lu pages free by its zone's counters plus %ld allocated != its %lu pages",
		     nid, free, st.allocated[nid], st.pages[nid]);
		return;
	}
}

const struct tf_oracle tf_numa_oracle = {
	.name = "numa",
	.reset = numa_reset,
	.on_event = numa_on_event,
	.check_op = numa_check_op,
	.check_end = numa_check_op,
};
