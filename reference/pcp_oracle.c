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

#include "journal.h"
#include "oracle.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/strmatch.h"

#define TF_PAGEBLOCK_PAGES	(1UL << TF_PAGEBLOCK_ORDER)

/* What the oracles know of a run: pcp_reset() replaces all of it. */
static struct pcp_run {
	unsigned long nr_pages, section_pages;
	int nr_cpus;
	tf_report_fn report;
	bool reported;		/* pcp:containers, once a run */
	unsigned long onlined;	/* CPUs page_alloc_cpu_online() ran for in this op */
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

/*
 * What the last drain_all_pages() of the harness (teardown, isolate) saw
 * when it started (TF_PCP_PT_DRAIN_ALL), for F15's cause: each CPU's
 * pcp->count, and which CPU's free_llist each page was on (CPU + 1, 0:
 * none).  op is the op it ran in (-1: teardown), or -2 before any.
 */
static struct pcp_drain_snap {
	long op;
	long count[TF_MAX_CPUS];	/* over the CPU's pagesets, as drain_all_pages(NULL) */
	bool dead[TF_MAX_CPUS];
	uint8_t llist[TF_MAX_PAGES];
	uint8_t isolated[TF_MAX_PAGES];	/* its pageblock was isolated then */
	long zone_count[TF_MAX_PAGES];	/* the count of its CPU's pageset in its zone */
} drain;

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
	drain.op = -2;
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

/* <linux/mmzone.h>: page_alloc_cpu_dead() has started. */
#define PCPF_CPU_DEAD_BIT	0x4

/*
 * The predicates' words when the journal lost accesses: an access not
 * found may be among them (every access kept came after every one
 * dropped, journal.h; the events these read are all kept).
 */
static const char *overflow_note(void)
{
	return tf_journal_lost(-1, (long)tf_journal_len()) & TF_JOURNAL_LOST_ACCESS ?
	       " (the journal overflowed: records are missing)" : "";
}

/* Accesses after record @from were dropped: a scan forward from it may miss some. */
static bool accesses_lost_after(long from)
{
	return tf_journal_lost(from, (long)tf_journal_len()) & TF_JOURNAL_LOST_ACCESS;
}

/*
 * The last event before record @before of @kind with point/section
 * @section for @cpu (TF_EV_PCP; any when negative), or -1.
 */
static long find_event(size_t before, enum tf_event_kind kind, unsigned int section, long cpu)
{
	size_t i;

	for (i = before; i-- > 0;) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (r->access || r->ev.kind != kind || r->ev.section != section)
			continue;
		if (kind == TF_EV_PCP && cpu >= 0 && (long)r->ev.pfn != cpu)
			continue;
		return (long)i;
	}
	return -1;
}

/* page_alloc_cpu_dead(@cpu)'s start before record @before: its TF_EV_CPU_DOWN, or -1. */
static long find_death(size_t before, int cpu)
{
	return find_event(before, TF_EV_CPU_DOWN, (unsigned int)cpu, -1);
}

/* The first record from @from on: an access of @kind to @addr by @cpu, or -1. */
static long find_access_after(size_t from, size_t before, int kind, const volatile void *addr,
			      int cpu)
{
	size_t i;

	for (i = from; i < before && i < tf_journal_len(); i++) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (r->access && r->a.addr == addr && r->a.kind == (unsigned int)kind &&
		    r->a.cpu == cpu)
			return (long)i;
	}
	return -1;
}

/* The last llist_add() before @before that pushed @pfn onto the head @a names, or -1. */
static long find_push(size_t before, const struct tf_pcp_addrs *a, unsigned long pfn)
{
	unsigned long node = tf_observe_llist_node(pfn);
	size_t i;

	for (i = before; i-- > 0;) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (r->access && r->a.addr == a->llist_first && r->a.kind == TF_ACC_RMW &&
		    r->a.val == node && tf_str_starts(r->a.site, "try_cmpxchg"))
			return (long)i;
	}
	return -1;
}

static unsigned long step_of(long i)
{
	return tf_journal_at((size_t)i)->a.step;
}

/* What F14's race left in the journal: the freer's flag read, the death's set, the push. */
struct f14_seen {
	long read, set, push;
	int x;		/* the pushing CPU */
};

/*
 * F14's cause, for @pfn that got onto dead @cpu's free_llist: a remote
 * freer read PCPF_CPU_DEAD clear before page_alloc_cpu_dead() set it, and
 * its llist_add() landed after the death's last look at the llist (the
 * drain).  Any other way onto a dead CPU's llist is not F14: @why then
 * says which part is missing.
 */
static bool f14_arrival(unsigned long pfn, int cpu, struct f14_seen *s, char *why, size_t len)
{
	struct tf_pcp_addrs a;
	long down, look, done, detach;
	int dying;

	if (!tf_observe_pcp_addrs(pfn, cpu, &a)) {
		snprintf(why, len, "pfn %lu has no pageset of CPU%d to look at", pfn, cpu);
		return false;
	}
	s->push = find_push(tf_journal_len(), &a, pfn);
	if (s->push < 0) {
		snprintf(why, len, "no llist_add() of pfn %lu onto CPU%d's free_llist is in the run's accesses%s",
			 pfn, cpu, overflow_note());
		return false;
	}
	s->x = tf_journal_at(s->push)->a.cpu;
	s->read = tf_journal_find_access(s->push, TF_ACC_READ, a.flags, s->x, NULL);
	if (s->read < 0) {
		snprintf(why, len, "CPU%d pushed pfn %lu at step %lu without reading CPU%d's PCPF_CPU_DEAD first%s",
			 s->x, pfn, step_of(s->push), cpu, overflow_note());
		return false;
	}
	if (tf_journal_at(s->read)->a.val & PCPF_CPU_DEAD_BIT) {
		snprintf(why, len, "CPU%d read PCPF_CPU_DEAD set at step %lu before its push",
			 s->x, step_of(s->read));
		return false;
	}
	down = find_death(tf_journal_len(), cpu);
	if (down < 0 || s->push < down) {
		snprintf(why, len, "CPU%d's push of pfn %lu at step %lu came before CPU%d's last page_alloc_cpu_dead() began",
			 s->x, pfn, step_of(s->push), cpu);
		return false;
	}
	dying = tf_journal_at(down)->ev.cpu;
	if (accesses_lost_after(down)) {
		snprintf(why, len, "page_alloc_cpu_dead(%d)'s accesses (from op %ld) are not all kept: the journal overflowed: records are missing",
			 cpu, tf_journal_at(down)->op);
		return false;
	}
	/* The flag is set under the first pcp->lock the death takes. */
	s->set = find_access_after(down, tf_journal_len(), TF_ACC_LOCK, a.lock, dying);
	if (s->set < 0 || s->read > s->set) {
		snprintf(why, len, "CPU%d's PCPF_CPU_DEAD read at step %lu did not come before page_alloc_cpu_dead() set it",
			 s->x, step_of(s->read));
		return false;
	}
	done = find_event(tf_journal_len(), TF_EV_PCP, TF_PCP_PT_DEAD_DONE, cpu);
	if (done < down)
		done = (long)tf_journal_len();
	/* The drain ends where the death takes pcp->lock for the last time, to detach. */
	detach = tf_journal_find_access(done, TF_ACC_LOCK, a.lock, dying, NULL);
	look = tf_journal_find_access(detach > down ? detach : done, -1, a.llist_first, dying,
				      NULL);
	if (look < s->set) {
		snprintf(why, len, "page_alloc_cpu_dead(%d)'s drain (from step %lu) never looked at CPU%d's free_llist",
			 cpu, step_of(s->set), cpu);
		return false;
	}
	if (s->push < look) {
		snprintf(why, len, "CPU%d's push of pfn %lu at step %lu came before the drain's last look at the free_llist (step %lu), which left it there",
			 s->x, pfn, step_of(s->push), step_of(look));
		return false;
	}
	return true;
}

/* F14, for @pfn stranded on dead @cpu's free_llist when the ops are over. */
static void f14_cause(unsigned long pfn, int cpu)
{
	struct f14_seen s;
	char why[200];

	if (!f14_arrival(pfn, cpu, &s, why, sizeof(why))) {
		tf_oracle_cause("F14", false, "%s", why);
		return;
	}
	tf_oracle_cause("F14", true, "CPU%d read PCPF_CPU_DEAD clear at op %ld step %lu before page_alloc_cpu_dead(%d) set it at step %lu; its llist_add() at step %lu came after the drain",
			s.x, tf_journal_at(s.read)->op, step_of(s.read), cpu, step_of(s.set),
			step_of(s.push));
}

/* @pfn's last push onto @cpu's free_llist came while @cpu was down (its route to F14). */
static bool pushed_while_down(unsigned long pfn, int cpu)
{
	struct tf_pcp_addrs a;
	long push, down;

	if (!tf_observe_pcp_addrs(pfn, cpu, &a))
		return false;
	push = find_push(tf_journal_len(), &a, pfn);
	down = push < 0 ? -1 : find_death((size_t)push, cpu);
	return down >= 0 && find_event((size_t)push, TF_EV_PCP, TF_PCP_PT_ONLINE_DONE, cpu) < down;
}

/*
 * F14's cause reaching the isolation symptom: @pfn, now on @cpu's PCP
 * list in an isolated block, got onto dead @cpu's free_llist by F14's
 * race; the block was isolated after that push, while @cpu was down (its
 * drain_all_pages() leaves offline CPUs out), and page_alloc_cpu_online()
 * absorbed the page when @cpu came back in this op.
 */
static void f14_isolated_cause(unsigned long pfn, int cpu)
{
	struct f14_seen s;
	char why[200];
	long iso, up;

	if (!f14_arrival(pfn, cpu, &s, why, sizeof(why))) {
		tf_oracle_cause("F14", false, "%s", why);
		return;
	}
	iso = find_event(tf_journal_len(), TF_EV_PCP, TF_PCP_PT_DRAIN_ALL, -1);
	if (drain.op < 0 || iso < s.push) {
		tf_oracle_cause("F14", false, "no isolation's drain_all_pages() came after CPU%d's push of pfn %lu at step %lu",
				s.x, pfn, step_of(s.push));
		return;
	}
	if (!drain.dead[cpu] || drain.llist[pfn] != cpu + 1 || !drain.isolated[pfn]) {
		tf_oracle_cause("F14", false, "pfn %lu was not on down CPU%d's free_llist in an isolated block when the isolation's drain_all_pages() (op %ld) started",
				pfn, cpu, drain.op);
		return;
	}
	if (!(st.onlined & 1UL << cpu)) {
		tf_oracle_cause("F14", false, "pfn %lu was absorbed from CPU%d's free_llist, but not by page_alloc_cpu_online(%d)",
				pfn, cpu, cpu);
		return;
	}
	up = find_event(tf_journal_len(), TF_EV_PCP, TF_PCP_PT_ONLINE_DONE, cpu);
	tf_oracle_cause("F14", true, "CPU%d read PCPF_CPU_DEAD clear (step %lu) before CPU%d's death set it (step %lu), pushed pfn %lu after the drain (step %lu); isolated at op %ld, absorbed at online, op %ld",
			s.x, step_of(s.read), cpu, step_of(s.set), pfn, step_of(s.push), drain.op,
			up < 0 ? -1 : tf_journal_at((size_t)up)->op);
}

/*
 * F16's cause, for @pfn left on dead @cpu's PCP list: a remote push of it
 * landed after drain_pages_zone()'s absorb and before free_pcppages_bulk()'s,
 * both under one hold of the pcp->lock, so the page was absorbed but the
 * loop, counting down its own count, ended without freeing it.
 */
static bool f16_cause(unsigned long pfn, int cpu)
{
	struct tf_pcp_addrs a;
	long push, down, check, take, unlock;
	int x, dying;

	if (!tf_observe_pcp_addrs(pfn, cpu, &a))
		return false;
	push = find_push(tf_journal_len(), &a, pfn);
	down = find_death(tf_journal_len(), cpu);
	if (push < 0 || down < 0 || push < down) {
		tf_oracle_cause("F16", false, "pfn %lu is on dead CPU%d's PCP list, and no push of it onto CPU%d's free_llist came during page_alloc_cpu_dead()%s",
				pfn, cpu, cpu, overflow_note());
		return false;
	}
	x = tf_journal_at(push)->a.cpu;
	dying = tf_journal_at(down)->ev.cpu;
	if (accesses_lost_after(down)) {
		tf_oracle_cause("F16", false, "page_alloc_cpu_dead(%d)'s accesses (from op %ld) are not all kept: the journal overflowed: records are missing",
				cpu, tf_journal_at(down)->op);
		return false;
	}
	check = tf_journal_find_access(push, -1, a.llist_first, dying, NULL);
	take = find_access_after(push, tf_journal_len(), TF_ACC_RMW, a.llist_first, dying);
	if (check < down || take < 0) {
		tf_oracle_cause("F16", false, "CPU%d's push of pfn %lu at step %lu was not between two absorbs of page_alloc_cpu_dead()'s drain",
				x, pfn, step_of(push));
		return false;
	}
	unlock = find_access_after(check, take, TF_ACC_UNLOCK, a.lock, dying);
	if (unlock >= 0) {
		tf_oracle_cause("F16", false, "CPU%d's push of pfn %lu at step %lu fell between two rounds of the drain (pcp->lock dropped at step %lu), not inside one",
				x, pfn, step_of(push), step_of(unlock));
		return false;
	}
	tf_oracle_cause("F16", true, "CPU%d's llist_add() of pfn %lu at op %ld step %lu landed between drain_pages_zone()'s absorb (step %lu) and free_pcppages_bulk()'s (step %lu); the loop ended on its own count",
			x, pfn, tf_journal_at(push)->op, step_of(push), step_of(check), step_of(take));
	return true;
}

/* Every page on dead @cpu's PCP lists is F16's; the cause of the first that is not. */
static void f16_causes(int cpu)
{
	unsigned long pfn;
	bool any = false;

	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		if (pg.where[pfn] != TF_WHERE_PCP(cpu))
			continue;
		if (!f16_cause(pfn, cpu))
			return;
		any = true;
	}
	if (!any)
		tf_oracle_cause("F16", false, "CPU%d's PCP lists hold no page; only pcp->count is off", cpu);
}

/* drain_all_pages() starts: what it will choose by (F15). */
static void drain_all_starts(void)
{
	unsigned long pfn;
	int cpu;

	if (!observe())
		return;
	drain.op = tf_journal_len() ? tf_journal_at(tf_journal_len() - 1)->op : -1;
	for (cpu = 0; cpu < st.nr_cpus; cpu++) {
		drain.count[cpu] = pg.cpus[cpu].count;
		drain.dead[cpu] = pg.cpus[cpu].dead;
	}
	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		int w = pg.where[pfn];
		struct tf_pcp_addrs a;

		drain.llist[pfn] = w >= TF_WHERE_LLIST(0) && w < TF_WHERE_LLIST(TF_MAX_CPUS) ?
				   w - TF_WHERE_LLIST(0) + 1 : 0;
		drain.isolated[pfn] = drain.llist[pfn] && tf_observe_block_isolated(pfn);
		drain.zone_count[pfn] = drain.llist[pfn] &&
					tf_observe_pcp_addrs(pfn, drain.llist[pfn] - 1, &a) ? a.count : 0;
	}
}

/*
 * F15's cause, teardown: drain_all_pages() left @cpu out because its
 * pcp->count was 0 while its free_llist held the pages still there.
 */
static void f15_drain_cause(int cpu)
{
	unsigned long pfn;
	char when[32];

	if (drain.op == -2) {
		tf_oracle_cause("F15", false, "no start of drain_all_pages() was seen");
		return;
	}
	if (drain.dead[cpu]) {
		tf_oracle_cause("F15", false, "CPU%d was offline when drain_all_pages() started", cpu);
		return;
	}
	if (drain.count[cpu]) {
		tf_oracle_cause("F15", false, "CPU%d's pcp->count was %ld (over its pagesets) when drain_all_pages() started: not passed by for a count of 0",
				cpu, drain.count[cpu]);
		return;
	}
	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		if (pg.where[pfn] == TF_WHERE_LLIST(cpu) && drain.llist[pfn] != cpu + 1) {
			tf_oracle_cause("F15", false, "pfn %lu was not on CPU%d's free_llist when drain_all_pages() started",
					pfn, cpu);
			return;
		}
	}
	/* no op: the teardown's drain */
	if (drain.op < 0)
		snprintf(when, sizeof(when), "teardown");
	else
		snprintf(when, sizeof(when), "op %ld", drain.op);
	tf_oracle_cause("F15", true, "drain_all_pages() (%s) passed CPU%d by on pcp->count 0 while its free_llist held %ld page(s)",
			when, cpu, pg.cpus[cpu].llist);
}

/*
 * F15's cause, isolation: @pfn, now on @cpu's PCP list in an isolated
 * block, was on that CPU's free_llist, with its block isolated, when the
 * last drain_all_pages() started, and that CPU's pcp->count was 0: the
 * isolation's drain passed it by and the CPU absorbed it later.
 */
static void f15_isolated_cause(unsigned long pfn, int cpu)
{
	if (drain.op == -2) {
		tf_oracle_cause("F15", false, "no drain_all_pages() ran after the isolation");
		return;
	}
	if (drain.llist[pfn] != cpu + 1 || !drain.isolated[pfn]) {
		tf_oracle_cause("F15", false, "pfn %lu was not on CPU%d's free_llist in an isolated block when the last drain_all_pages() (op %ld) started",
				pfn, cpu, drain.op);
		return;
	}
	if (drain.dead[cpu]) {
		tf_oracle_cause("F15", false, "CPU%d was offline when the isolation's drain_all_pages() (op %ld) started: left out as offline, not for its pcp->count",
				cpu, drain.op);
		return;
	}
	/* drain_all_pages(zone) asks the pageset of the block's zone alone. */
	if (drain.zone_count[pfn]) {
		tf_oracle_cause("F15", false, "CPU%d's pcp->count in pfn %lu's zone was %ld when the isolation's drain_all_pages() (op %ld) started: it was drained, not passed by",
				cpu, pfn, drain.zone_count[pfn], drain.op);
		return;
	}
	tf_oracle_cause("F15", true, "the isolation's drain_all_pages() (op %ld) passed CPU%d by on pcp->count 0 with pfn %lu on its free_llist; absorbed later",
			drain.op, cpu, pfn);
}

static void dead_done(int cpu)
{
	long pfn;

	if (!observe())
		return;
	if (pg.cpus[cpu].listed || pg.cpus[cpu].count) {
		f16_causes(cpu);
		fail(TF_SIG_PCP_DEAD_LISTS_NOT_EMPTY, NULL,
		     "CPU%d is dead with %ld page(s) on its PCP lists, pcp->count %ld", cpu,
		     pg.cpus[cpu].listed, pg.cpus[cpu].count);
	} else if (pg.cpus[cpu].owned || pg.cpus[cpu].owned_bad)
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

	st.onlined |= 1UL << cpu;
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
		if (pg.cpus[cpu].llist > 0) {
			f15_drain_cause(cpu);
			fail(TF_SIG_PCP_LLIST_SURVIVES_DRAIN_ALL, NULL,
			     "drain_all_pages() left %ld page(s) on CPU%d's free_llist (pcp->count %ld)",
			     pg.cpus[cpu].llist, cpu, pg.cpus[cpu].count);
		}
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
		else if (ev->section == TF_PCP_PT_DRAIN_ALL)
			drain_all_starts();
		break;
	default:
		break;
	}
}

#define TF_CLASS_OWNED_OFFLINE	"offline"

/*
 * F24's cause: the pageblock @cpu still owns lies in a section that
 * offline_pages() took offline (its MEM_OFFLINE is in the journal), and a
 * PageHWPoison() page in it -- kept out of the allocator, or still held
 * by its owner (F22) -- passed by the HWPoison skips, so the block never
 * came whole in the buddy and the owner was never released.
 */
static void cause_f24(int cpu, unsigned long bpfn)
{
	long off = -1, poisoned = -1;
	size_t i;

	for (i = tf_journal_len(); i-- > 0 && off < 0;) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (!r->access && r->ev.kind == TF_EV_MEM_NOTIFY && r->ev.order == TF_MEM_OFFLINE &&
		    bpfn >= r->ev.pfn && bpfn < r->ev.pfn + r->ev.pfn2)
			off = (long)i;
	}
	if (off < 0) {
		tf_oracle_cause("F24", false, "no MEM_OFFLINE of pfn %lu's section is in the journal",
				bpfn);
		return;
	}
	for (unsigned long p = bpfn; p < bpfn + TF_PAGEBLOCK_PAGES && poisoned < 0; p++)
		if (tf_observe_page_hwpoison(p))
			poisoned = (long)p;
	if (poisoned < 0) {
		tf_oracle_cause("F24", false, "pageblock %lu (section offline at op %ld) has no PageHWPoison() page: nothing kept it from coming whole, its owner should be released",
				bpfn / TF_PAGEBLOCK_PAGES, tf_journal_at(off)->op);
		return;
	}
	tf_oracle_cause("F24", true, "pageblock %lu of the section offlined at op %ld holds poisoned pfn %ld (skipped, never in the buddy): never whole, CPU%d's ownership never released",
			bpfn / TF_PAGEBLOCK_PAGES, tf_journal_at(off)->op, poisoned, cpu);
}

static void check_op(void)
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
		if (pg.cpus[cpu].owned_offline >= 0) {
			long bpfn = pg.cpus[cpu].owned_offline;

			cause_f24(cpu, (unsigned long)bpfn);
			fail(TF_SIG_PCP_OWNED_BLOCKS_CORRUPT, TF_CLASS_OWNED_OFFLINE,
			     "CPU%d's owned_blocks holds pageblock %lu (pfn %ld..%ld), whose section is offline",
			     cpu, (unsigned long)bpfn / TF_PAGEBLOCK_PAGES, bpfn,
			     bpfn + (long)TF_PAGEBLOCK_PAGES - 1);
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

			/*
			 * Absorbed from a free_llist: pushed there while the CPU
			 * was down, F14's; else one the isolation's drain passed
			 * by, F15's.
			 */
			if (via_llist && pushed_while_down(pfn, pg.where[pfn] - TF_WHERE_PCP(0)))
				f14_isolated_cause(pfn, pg.where[pfn] - TF_WHERE_PCP(0));
			else if (via_llist)
				f15_isolated_cause(pfn, pg.where[pfn] - TF_WHERE_PCP(0));
			fail(TF_SIG_PCP_ISOLATED_PAGE_ON_PCP, via_llist ? "via-llist" : NULL,
			     "pfn %lu of an isolated pageblock is on CPU%d's PCP list%s", pfn,
			     pg.where[pfn] - TF_WHERE_PCP(0),
			     via_llist ? ", absorbed from a free_llist" : "");
			return;
		}
	}
	memcpy(pg.prev_where, pg.where, st.nr_pages);
}

static void pcp_check_op(void)
{
	check_op();
	st.onlined = 0;
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
			f14_cause(pfn, w - TF_WHERE_LLIST(0));
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
