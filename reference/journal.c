// SPDX-License-Identifier: GPL-2.0
/* The cause journal (journal.h). */
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "tagfuzz/ops.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/strmatch.h"

static struct tf_jrec *jr;
static size_t nr, cap;
static size_t dropped;
static long cur_op = -1;
static long cur_body = -1;

/*
 * Gaps: where a compaction dropped records, as the index of the kept
 * record that follows them (ascending) and what they were
 * (TF_JOURNAL_LOST_*).  pend_lost: records dropped since the last kept
 * one, when even a compaction left no room (memory ran out).
 */
static uint32_t *gap_pos, *gap_pos2;
static uint64_t *gap_mask, *gap_mask2;
static size_t nr_gaps;
static uint64_t pend_lost;
static size_t refused;	/* records dropped since a compaction last made room */

/*
 * Back links, so that the predicates' searches for the last event of a
 * kind or the last access to an object skip the rest of the journal (a
 * run of a few thousand frees had each "alloc_tag was not set" check
 * walk tens of thousands of records): each record's previous record of
 * the same event kind, or of an access to an address in the same
 * bucket, and the last of each.  Rebuilt after a compaction.
 */
#define NR_KINDS	64
#define NR_BUCKETS	1024
_Static_assert(TF_EV_MEM_REFUSED < NR_KINDS - 1, "an event kind past the back links or the lost mask");	/* the last kind */
static int *prev_same;
static int last_kind[NR_KINDS];
static int last_bucket[NR_BUCKETS];

/* tf_journal_event() and tf_journal_access() copy each field: none may be missed. */
_Static_assert(sizeof(struct tf_event) == 4 * 2 + 8 * 2 + 4 * 6 + 8 * 3, "copy a new tf_event field");
_Static_assert(sizeof(struct tf_access_rec) == 8 + 4 * 2 + 8 * 4, "copy a new tf_access_rec field");

/* Per op: the last step an access of it was stamped with; ops_touched[] to reset. */
static unsigned long op_steps[TF_MAX_OPS];
static int ops_touched[TF_MAX_OPS];
static size_t nr_ops_touched;

/* A compaction's scratch: keep[i], and the pfns a later record of each key covers. */
static uint8_t *keep;
static uint8_t seen_alloc[TF_MAX_PAGES], seen_split[TF_MAX_PAGES], seen_free[TF_MAX_PAGES];

static unsigned int bucket_of(const volatile void *addr)
{
	unsigned long a = (unsigned long)addr >> 3;

	return (a ^ (a >> 10) ^ (a >> 20)) % NR_BUCKETS;
}

/*
 * Room for @n records in every array; false when memory ran out (then
 * the room is the smaller of @n and what it was: some arrays may have
 * been resized already).
 */
static bool grow(size_t n)
{
	void *p;

#define GROW(arr) do {							\
		p = realloc((arr), n * sizeof(*(arr)));			\
		if (!p) {						\
			if (n < cap)					\
				cap = n;				\
			return false;					\
		}							\
		(arr) = p;						\
	} while (0)
	GROW(jr);
	GROW(prev_same);
	GROW(keep);
	GROW(gap_pos);
	GROW(gap_pos2);
	GROW(gap_mask);
	GROW(gap_mask2);
#undef GROW
	cap = n;
	return true;
}

void tf_journal_reset(void)
{
	/*
	 * A few megabytes at the first run (without them every record is
	 * dropped, and says so); back to them after a run that grew it, so
	 * that what a run keeps does not depend on the runs before it.
	 */
	if (!jr || cap > TF_JOURNAL_INIT)
		grow(TF_JOURNAL_INIT);
	nr = 0;
	dropped = 0;
	nr_gaps = 0;
	pend_lost = 0;
	refused = 0;
	cur_op = -1;
	cur_body = -1;
	memset(last_kind, 0xff, sizeof(last_kind));
	memset(last_bucket, 0xff, sizeof(last_bucket));
	for (size_t i = 0; i < nr_ops_touched; i++)
		op_steps[ops_touched[i]] = 0;
	nr_ops_touched = 0;
}

void tf_journal_set_op(long op)
{
	cur_op = op;
}

void tf_journal_set_body(long body)
{
	cur_body = body;
}

/* What dropping an access, or an event of @kind, loses, in tf_journal_lost()'s terms. */
static uint64_t lost_bit(bool access, enum tf_event_kind kind)
{
	return access ? TF_JOURNAL_LOST_ACCESS :
	       (unsigned int)kind < NR_KINDS - 1 ? TF_JOURNAL_LOST_EV(kind) : 0;
}

enum jclass {
	J_KEEP,		/* always kept: a few per op, or bounded by the pages */
	J_KEYED,	/* kept while the last of its pfn (covering it, for an allocation) */
	J_DROP,		/* kept only in the tail: no cause reads it */
};

static enum jclass class_of(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		/* The early tracker's pool pages: F4 reads each (bounded by the pages). */
		if ((ev->alloc_flags & TF_EV_ALLOC_NO_CODETAG) || (ev->gfp & TF_EV_GFP_NO_CODETAG))
			return J_KEEP;
		return J_KEYED;
	case TF_EV_PAGE_FREE:
	case TF_EV_PAGE_SPLIT:
		return J_KEYED;
	case TF_EV_PAGE_MIGRATE:
	case TF_EV_CHECK:
	case TF_EV_PRINTK:
	case TF_EV_NOTE:
	case TF_EV_CALL:
	case TF_EV_PAGE_REF:
		return J_DROP;
	case TF_EV_PGF:
		return ev->section == TF_PGF_EV_BIT_SET || ev->section == TF_PGF_EV_BIT_CLEAR ||
		       ev->section == TF_PGF_EV_COUNTERS_USE ? J_DROP : J_KEEP;
	default:
		return J_KEEP;
	}
}

/*
 * Record @r's keys, in a walk from the journal's end: true when one of
 * them has no later record (@r is the last of it).
 */
static bool mark_keys(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1;
	uint8_t *seen;
	bool last;

	if (pfn >= TF_MAX_PAGES)
		return false;	/* outside memory: a finding of its own, no cause reads it */
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		seen = seen_alloc;
		n = ev->order < 32 ? 1UL << ev->order : TF_MAX_PAGES;
		if (n > TF_MAX_PAGES - pfn)
			n = TF_MAX_PAGES - pfn;
		break;
	case TF_EV_PAGE_SPLIT:
		seen = seen_split;
		break;
	default:
		seen = seen_free;
		break;
	}
	/* A few pages at a time: byte by byte costs less than the sanitizers' memchr(). */
	last = false;
	for (unsigned long p = pfn; p < pfn + n; p++) {
		last |= !seen[p];
		seen[p] = 1;
	}
	return last;
}

/* Record @i's back link. */
static inline void link(size_t i)
{
	const struct tf_jrec *r = &jr[i];

	if (r->access) {
		unsigned int b = bucket_of(r->a.addr);

		prev_same[i] = last_bucket[b];
		last_bucket[b] = (int)i;
	} else if ((unsigned int)r->ev.kind < NR_KINDS) {
		prev_same[i] = last_kind[r->ev.kind];
		last_kind[r->ev.kind] = (int)i;
	} else {
		prev_same[i] = -1;
	}
}

/*
 * The journal is full: keep the tail whole and, before it, what the
 * causes read by key (journal.h); the gaps say what went.
 */
static void compact(void)
{
	size_t cut = nr - TF_JOURNAL_TAIL, i, j, g = 0, ng = 0;
	uint64_t pend = 0;
	void *t;

	memset(seen_alloc, 0, sizeof(seen_alloc));
	memset(seen_split, 0, sizeof(seen_split));
	memset(seen_free, 0, sizeof(seen_free));
	for (i = nr; i-- > 0;) {
		const struct tf_jrec *r = &jr[i];
		bool tail = i >= cut;

		if (r->access) {
			keep[i] = tail;
			continue;
		}
		switch (class_of(&r->ev)) {
		case J_KEEP:
			/* A pool page is the last allocation of its pfn too. */
			if (r->ev.kind == TF_EV_PAGE_ALLOC)
				mark_keys(&r->ev);
			keep[i] = true;
			break;
		case J_KEYED:
			keep[i] = mark_keys(&r->ev) || tail;
			break;
		default:
			keep[i] = tail;
			break;
		}
	}
	/* Forward, moving each run of kept records down at once (the tail is one). */
	for (i = j = 0; i < nr; i++) {
		size_t run;

		for (; g < nr_gaps && gap_pos[g] == i; g++)
			pend |= gap_mask[g];
		if (!keep[i]) {
			pend |= lost_bit(jr[i].access, jr[i].ev.kind);
			dropped++;
			continue;
		}
		if (pend) {
			gap_pos2[ng] = (uint32_t)j;
			gap_mask2[ng++] = pend;
			pend = 0;
		}
		for (run = 1; i + run < nr && keep[i + run] &&
			      !(g < nr_gaps && gap_pos[g] == i + run); run++)
			;
		if (j != i)
			memmove(&jr[j], &jr[i], run * sizeof(*jr));
		j += run;
		i += run - 1;
	}
	nr = j;
	t = gap_pos, gap_pos = gap_pos2, gap_pos2 = t;
	t = gap_mask, gap_mask = gap_mask2, gap_mask2 = t;
	nr_gaps = ng;
	memset(last_kind, 0xff, sizeof(last_kind));
	memset(last_bucket, 0xff, sizeof(last_bucket));
	for (i = 0; i < nr; i++)
		link(i);
	/* The kept part grew: a quarter of the room free at least until the next one. */
	if (cap - nr < cap / 4)
		grow(cap * 2);
}

static struct tf_jrec *next(bool access, enum tf_event_kind kind)
{
	/* Out of memory, it tries again only after a quarter of its room went by. */
	if (nr == cap && nr > TF_JOURNAL_TAIL && !(refused % (cap / 4))) {
		compact();
		if (nr < cap)
			refused = 0;
	}
	if (nr == cap) {
		/* No memory for the kept part: this record goes, and says so. */
		pend_lost |= lost_bit(access, kind);
		dropped++;
		refused++;
		return NULL;
	}
	if (pend_lost) {
		gap_pos[nr_gaps] = (uint32_t)nr;
		gap_mask[nr_gaps++] = pend_lost;
		pend_lost = 0;
	}
	return &jr[nr++];
}

void tf_journal_event(const struct tf_event *ev)
{
	struct tf_jrec *r;

	/* Scheduling-point notes are the trace's, not the run's. */
	if (ev->kind == TF_EV_NOTE || !(r = next(false, ev->kind)))
		return;
	r->op = cur_op;
	r->body = cur_body;
	r->access = false;
	/* Field by field: cheaper than a struct copy under the sanitizers, on every event. */
	r->ev.kind = ev->kind;
	r->ev.cpu = ev->cpu;
	r->ev.pfn = ev->pfn;
	r->ev.pfn2 = ev->pfn2;
	r->ev.order = ev->order;
	r->ev.tag = ev->tag;
	r->ev.alloc_flags = ev->alloc_flags;
	r->ev.gfp = ev->gfp;
	r->ev.section = ev->section;
	r->ev.check = ev->check;
	r->ev.func = ev->func;
	r->ev.site = ev->site;
	r->ev.msg = NULL;
	link(nr - 1);
}

void tf_journal_access(const struct tf_access_rec *a)
{
	struct tf_jrec *r;

	if (cur_op >= 0 && cur_op < TF_MAX_OPS && a->step > op_steps[cur_op]) {
		if (!op_steps[cur_op])
			ops_touched[nr_ops_touched++] = (int)cur_op;
		op_steps[cur_op] = a->step;
	}
	if (!(r = next(true, 0)))
		return;
	r->op = cur_op;
	r->body = cur_body;
	r->access = true;
	r->a.step = a->step;
	r->a.cpu = a->cpu;
	r->a.kind = a->kind;
	r->a.site = a->site;
	r->a.addr = a->addr;
	r->a.val = a->val;
	r->a.loc = a->loc;
	link(nr - 1);
}

size_t tf_journal_len(void)
{
	return nr;
}

const struct tf_jrec *tf_journal_at(size_t i)
{
	return i < nr ? &jr[i] : NULL;
}

bool tf_journal_overflowed(void)
{
	return dropped != 0;
}

size_t tf_journal_dropped(void)
{
	return dropped;
}

size_t tf_journal_capacity(void)
{
	return cap;
}

uint64_t tf_journal_lost(long from, long to)
{
	size_t lo = 0, hi = nr_gaps;
	uint64_t m = 0;

	/* The first gap after record @from. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((long)gap_pos[mid] <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nr_gaps && (long)gap_pos[lo] <= to; lo++)
		m |= gap_mask[lo];
	if (to >= (long)nr)
		m |= pend_lost;
	return m;
}

long tf_journal_prev_event(size_t before, enum tf_event_kind kind)
{
	long i = (unsigned int)kind < NR_KINDS ? last_kind[kind] : -1;

	while (i >= 0 && (size_t)i >= before)
		i = prev_same[i];
	return i;
}

unsigned long tf_journal_op_steps(long op)
{
	return op >= 0 && op < TF_MAX_OPS ? op_steps[op] : 0;
}

long tf_journal_prev_same(long i)
{
	return i >= 0 && (size_t)i < nr && !jr[i].access ? prev_same[i] : -1;
}

long tf_journal_find_access(size_t before, int kind, const volatile void *addr, int cpu,
			    const char *site)
{
	long i = last_bucket[bucket_of(addr)];

	for (; i >= 0; i = prev_same[i]) {
		const struct tf_access_rec *a = &jr[i].a;

		if ((size_t)i >= before || a->addr != addr ||
		    (kind >= 0 && a->kind != (unsigned)kind) ||
		    (cpu >= 0 && a->cpu != cpu) || (site && !tf_str_starts(a->site, site)))
			continue;
		return i;
	}
	return -1;
}
