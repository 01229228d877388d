// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model.  It keeps, per page, the tag reference the page
 * should hold and, per allocation, how it came to be; per tag, the
 * counters the live allocations account for.  It learns what happened
 * from page-owner events and page_ext progress, and checks the port
 * through the observation interface only.
 *
 * The rules are the documented intent of allocation tagging:
 *  - a page allocated with page_ext present holds its caller's tag, and
 *    the tag counts one call and its bytes until the page is freed;
 *  - a page allocated before page_ext holds no tag, its caller's tag is
 *    marked inaccurate, and (debug builds) it is stamped EMPTY when the
 *    init callbacks run, so that freeing it later is quiet;
 *  - split parts hold their head's tag, each counting a call;
 *  - the early tracker's own pages are all freed after the clear, and
 *    none but the one it fills next has free slots (no stranded slots);
 *  - what the tracker variant of the run (machine tracker=) declares:
 *    whether it records at all, and how many pfns it can hold (past
 *    that a pfn is dropped and its page is not stamped);
 *  - an extra reference keeps a non-compound allocation's head when its
 *    owner frees it: the tail chunks go then, their bytes (not a call) off
 *    the head's tag and their refs cleared; the head goes at the last put;
 *  - a poisoned order-0 page that is freed is kept: its tag's call and
 *    bytes come off, its ref is cleared (EMPTY in debug builds), and it is
 *    neither free nor allocated from then on;
 *  - every page is allocated or in exactly one free container;
 *  - memory hotplug: a section coming online has page_ext from
 *    MEM_GOING_ONLINE on (page_ext_callback()), zeroed, before its pages
 *    are freed into the buddy (one free each, never allocated before:
 *    in a debug kernel the first one warns, F18); a section going offline
 *    has every page free, and leaves with its page_ext (MEM_OFFLINE).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "oracle.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/variants.h"

#define PREF_EMPTY	(-2)
#define PREF_NULL	(-1)
#define MAX_TAGS	64
#define PAGE_BYTES	4096

enum {
	U_LIVE		= 1 << 0,	/* head of a live allocation */
	U_UNTAGGED	= 1 << 1,	/* made with current->alloc_tag NULL */
	U_EARLY		= 1 << 2,	/* made before its section had page_ext */
	U_DROPPED	= 1 << 3,	/* early, and the tracker lost its pfn */
	U_TRACKER	= 1 << 4,	/* a page of the early-PFN tracker */
	U_CLEAR_RACE	= 1 << 5,	/* allocated while the clear may still reach it */
	U_EXT_RACE	= 1 << 6,	/* early at its event, but its section came up
					 * before the port looked for page_ext */
	U_RECORDED	= 1 << 7,	/* counted in recorded[] at its allocation */
	U_LATE_RECORD	= 1 << 8,	/* its recorder call may come after the clear */
	U_REF_EITHER	= 1 << 9,	/* untagged on a page left NULL or EMPTY */
	U_UNTRACKED	= 1 << 10,	/* early, and the tracker variant records nothing */
	U_OVERFLOW	= 1 << 11,	/* early, and the tracker variant was full */
	U_HOTPLUG	= 1 << 12,	/* freed_unit: pages online_pages() handed to the buddy */
	U_HELD		= 1 << 13,	/* its owner freed it; extra references keep the head */
};

struct unit {
	uint16_t flags;
	uint8_t order;
	int8_t tag;		/* the caller's tag at allocation, or TF_TAG_NONE */
};

/*
 * Per CPU, since ops on several CPUs interleave: the allocation a caller
 * acts on, the op's last allocation (which the same call may split and
 * trim), the head it freed last (free_pages_prepare() reports the free
 * before pgalloc_tag_sub() runs its check, so a check on a page just
 * freed is classified from this copy), and its last early pfn.  An op's
 * end (TF_EV_OP_END) resets it to CPU_CTX_INIT.
 */
struct cpu_ctx {
	unsigned long pfn, nr;
	unsigned long apfn, anr;
	long freed_pfn;
	struct unit freed_unit;
	int16_t freed_pref;
	long last_early;
	long pending_early;	/* early at its event, lookup maybe still ahead */
	bool batch;		/* a batched free: each page's free event says which */
};
#define CPU_CTX_INIT	((struct cpu_ctx){ .freed_pfn = -1, .last_early = -1, \
					   .pending_early = -1 })

/*
 * What the model knows of a run, but the per-page arrays: model_reset()
 * replaces all of it with a fresh one, so a field added here starts
 * every run from zero (or from its initialiser there).
 */
static struct model_run {
	struct tf_machine m;
	tf_report_fn report;
	unsigned long nr_pages;
	unsigned int section_shift;	/* section_pages is a power of two */
	bool online[TF_MAX_SECTIONS];	/* page_ext per section */
	bool callbacks_done;
	unsigned long nr_tracker;	/* pages of the early-PFN tracker allocated */
	/* Entries the tracker holds, against a fixed-size variant's capacity. */
	unsigned long nr_entries;
	bool stranded_reported, tracker_leak_reported;
	/*
	 * The op that runs the clear (clearing[] has the pfns it will walk):
	 * with other CPUs running during it, the clear's check-then-set may
	 * meet their frees and allocations.
	 */
	bool clear_window;
	/* CPUs whose current op overlapped the clear: its reads may predate it. */
	uint8_t overlap_mask;

	int64_t exp_calls[MAX_TAGS], exp_bytes[MAX_TAGS];
	/*
	 * Calls and bytes of this op's frees that the clear may still stamp
	 * EMPTY between the free's event and pgalloc_tag_sub() (F5): the port
	 * may keep them.
	 */
	int64_t f5_calls[MAX_TAGS], f5_bytes[MAX_TAGS];
	/* Early allocations that marked the tag inaccurate: the flag must be set. */
	int exp_inaccurate[MAX_TAGS];
	/* Tags an event of this op named: their counters are checked after it. */
	uint64_t tags_touched;
	unsigned long nr_touched;	/* pages in pg.touched[] */
	bool check_all;			/* every live page after this op */

	/* Untagged allocations with page_ext: each must warn. */
	int expect_current_not_set;
	/* Untagged allocations whose page_ext lookup may have seen their section. */
	int may_current_not_set;
	/* Memory hotplug: the section online_pages() is freeing into the buddy, or -1. */
	int joining;
	struct cpu_ctx ctx[TF_MAX_CPUS];
} st;

/*
 * Per page, by pfn.  model_reset() clears them up to the larger of this
 * run's and the last run's size (a run touches no pfn past its own).
 */
static struct model_pages {
	int16_t pref[TF_MAX_PAGES];		/* the ref each page should hold */
	struct unit units[TF_MAX_PAGES];	/* by head pfn */
	/* Entries for the pfn in the tracker's pools: one per early allocation. */
	uint16_t recorded[TF_MAX_PAGES];
	uint8_t stale[TF_MAX_PAGES];	/* a pool page the clear stamps once freed */
	uint8_t clearing[TF_MAX_PAGES];	/* pfns the running clear walks (st.clear_window) */
	uint8_t free_either[TF_MAX_PAGES];	/* a free page the clear may or may not have stamped EMPTY */
	/*
	 * By head pfn: 1 + the order of an allocation whose tail chunks
	 * ___free_pages() is freeing (extra references keep the head), until
	 * the last chunk has gone.
	 */
	uint8_t shed[TF_MAX_PAGES];
	struct tf_ledger ledger;	/* allocated pages, reset by ledger_reset() */
	/* Pages to check after this op, each once; never cleared: stamp never repeats. */
	unsigned long touched[TF_MAX_PAGES];
	uint32_t touched_stamp[TF_MAX_PAGES], stamp;
} pg;

/* Tag ids live as long as the process: which are the tracker's own, 0 unknown, 1 yes, -1 no. */
static int8_t tracker_tag[MAX_TAGS];

static bool in_clear(int cpu)
{
	return st.clear_window || (st.overlap_mask & (1u << cpu));
}

static void touch_tag(int tag)
{
	if (tag >= 0 && tag < MAX_TAGS)
		st.tags_touched |= 1ull << tag;
}

static unsigned int section_of(unsigned long pfn)
{
	return pfn >> st.section_shift;
}

/* PREF_NULL is all ones: a run of pref[] is set to it with memset. */
_Static_assert(PREF_NULL == -1, "memset(pref, 0xff) writes PREF_NULL");

static bool has_ext(unsigned long pfn)
{
	return st.online[section_of(pfn)];
}

static bool is_tracker_tag(int tag)
{
	if (tag < 0 || tag >= MAX_TAGS)
		return false;
	if (!tracker_tag[tag]) {
		struct tf_tag_info info = tf_tag_info(tag);

		tracker_tag[tag] = strstr(info.function, "early_pfn") ? 1 : -1;
	}
	return tracker_tag[tag] > 0;
}

static void touch(unsigned long pfn)
{
	touch_tag(pg.pref[pfn]);
	if (pg.touched_stamp[pfn] == pg.stamp)
		return;
	pg.touched_stamp[pfn] = pg.stamp;
	pg.touched[st.nr_touched++] = pfn;
}

/* A finding of this model: its signature, a class or NULL, a formatted detail. */
#define fail(sig, cls, ...)	tf_oracle_reportf(st.report, sig, cls, __VA_ARGS__)
static void clear_race(unsigned long pfn, const char *when);

/* Refs in page_ext; page-flag mode is reference/pgflags_model.c's. */
static bool model_reset(const struct tf_machine *m, tf_report_fn fn)
{
	unsigned long old = st.nr_pages;

	if (m->pgflag_bits)
		return false;
	st = (struct model_run){
		.m = *m,
		.report = fn,
		.nr_pages = tf_machine_pages(m),
		.section_shift = __builtin_ctz(m->section_pages),
		.joining = -1,
	};
	for (int c = 0; c < TF_MAX_CPUS; c++)
		st.ctx[c] = CPU_CTX_INIT;
	if (old < st.nr_pages)
		old = st.nr_pages;
	if (!old)
		old = TF_MAX_PAGES;
	memset(pg.pref, 0xff, old * sizeof(pg.pref[0]));	/* PREF_NULL */
	memset(pg.units, 0, old * sizeof(pg.units[0]));
	memset(pg.recorded, 0, old * sizeof(pg.recorded[0]));
	memset(pg.stale, 0, old);
	memset(pg.clearing, 0, old);
	memset(pg.free_either, 0, old);
	memset(pg.shed, 0, old);
	ledger_reset(&pg.ledger, st.nr_pages, fn);
	/* Sections memory hotplug adds later: offline at boot. */
	ledger_set_offline(&pg.ledger, (unsigned long)m->section_pages * m->nr_sections,
			   (unsigned long)m->section_pages * m->hotplug_sections);
	pg.stamp++;
	return true;
}

static bool profiling(void)
{
	return st.m.profiling;
}

static void on_alloc(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order;
	struct unit *u;

	if (!ledger_alloc(&pg.ledger, pfn, ev->order))
		return;
	touch_tag(ev->tag);
	if (!(ev->alloc_flags & TF_EV_ALLOC_NO_CODETAG)) {
		st.ctx[ev->cpu].apfn = pfn;
		st.ctx[ev->cpu].anr = n;
	}
	st.ctx[ev->cpu].pending_early = -1;	/* its lookup is behind us */
	u = &pg.units[pfn];
	u->flags = U_LIVE;
	u->tag = ev->tag;
	if (st.clear_window && pg.clearing[pfn])
		u->flags |= U_CLEAR_RACE;
	if (pg.free_either[pfn] && ev->tag == TF_TAG_NONE)
		u->flags |= U_REF_EITHER;
	pg.free_either[pfn] = 0;
	u->order = ev->order;
	if (ev->tag == TF_TAG_NONE)
		u->flags |= U_UNTAGGED;
	if (is_tracker_tag(ev->tag)) {
		u->flags |= U_TRACKER;
		st.nr_tracker++;
	}
	touch(pfn);
	if (!profiling())
		return;

	if (has_ext(pfn)) {
		if (ev->tag == TF_TAG_NONE) {
			/* alloc_tag_add_check() warns and the ref is left alone. */
			if (st.m.debug)
				st.expect_current_not_set++;
			return;
		}
		pg.pref[pfn] = ev->tag;
		if (!(u->flags & U_TRACKER)) {
			st.exp_calls[ev->tag]++;
			st.exp_bytes[ev->tag] += (int64_t)PAGE_BYTES << ev->order;
		}
		return;
	}

	/* Before page_ext: no ref; the caller's tag becomes inaccurate. */
	if (ev->tag != TF_TAG_NONE)
		st.exp_inaccurate[ev->tag]++;
	st.ctx[ev->cpu].pending_early = pfn;
	/* The tracker's own pages: ALLOC_NO_CODETAG, or seed 000's gfp bit. */
	if ((ev->alloc_flags & TF_EV_ALLOC_NO_CODETAG) ||
	    (ev->gfp & TF_EV_GFP_NO_CODETAG))
		return;
	u->flags |= U_EARLY;
	if (st.m.debug && !st.callbacks_done) {
		const struct tf_tracker_info *t = &tf_tracker_table[st.m.tracker % TF_NR_TRACKERS];

		if (!t->records) {
			u->flags |= U_UNTRACKED;
			return;
		}
		if (t->capacity && st.nr_entries >= t->capacity) {
			u->flags |= U_OVERFLOW;
			return;
		}
		st.nr_entries++;
		pg.recorded[pfn]++;
		u->flags |= U_RECORDED;
		st.ctx[ev->cpu].last_early = pfn;
	}
}

/*
 * An allocation that looked early at its event, whose section came online
 * before the port's own page_ext lookup: the port tagged it as a normal
 * allocation, which is as right as the early path.  Read which way it went
 * and take that outcome from here on.
 */
static void resolve_ext_race(unsigned long pfn)
{
	struct unit *u = &pg.units[pfn];
	struct tf_ref_obs o;

	if (!(u->flags & U_EXT_RACE))
		return;
	u->flags &= ~U_EXT_RACE;
	o = tf_observe_ref(pfn);
	if (o.state != TF_REF_TAG || o.tag != u->tag || u->tag < 0)
		return;		/* the early path: as the model has it */
	u->flags &= ~U_EARLY;
	if (u->flags & U_RECORDED) {
		/* After the clear, recorded[] is spent (zeroed): nothing to take back. */
		if (!st.callbacks_done)
			pg.recorded[pfn]--;
		u->flags &= ~U_RECORDED;
	}
	st.exp_inaccurate[u->tag]--;
	pg.pref[pfn] = u->tag;
	touch_tag(u->tag);
	if (!(u->flags & U_TRACKER)) {
		st.exp_calls[u->tag]++;
		st.exp_bytes[u->tag] += (int64_t)PAGE_BYTES << u->order;
	}
}

/*
 * online_pages() hands a chunk of the section it onlines to the buddy:
 * __free_pages_core() -> __free_pages_ok() -> free_pages_prepare(), the
 * free event and pgalloc_tag_sub() on a ref nobody set (NULL in the
 * zeroed table).  The pages join the zone; no counter moves.
 */
static bool hotplug_free(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order;
	struct cpu_ctx *C = &st.ctx[ev->cpu];

	if (st.joining < 0 || pfn >= st.nr_pages || (int)section_of(pfn) != st.joining ||
	    !ledger_is_offline(&pg.ledger, pfn))
		return false;
	if (!ledger_online(&pg.ledger, pfn, n)) {
		fail(TF_SIG_FREE_MISMATCH, NULL,
		     "online_pages() frees pfn %lu order %u, which is not all offline", pfn, ev->order);
		return true;
	}
	C->freed_pfn = pfn;
	C->freed_unit = (struct unit){ .flags = U_HOTPLUG, .order = ev->order };
	C->freed_pref = pg.pref[pfn];
	return true;
}

static void on_section_online(unsigned int section);

static void on_mem_notify(const struct tf_event *ev)
{
	unsigned int section = ev->section;
	unsigned long start = (unsigned long)section * st.m.section_pages;

	if (section >= TF_MAX_SECTIONS || start >= st.nr_pages)
		return;
	switch (ev->order) {
	case TF_MEM_GOING_ONLINE:
		/*
		 * memmap_init_range() initialised the section's struct pages
		 * first: a page its owner still held since the section went
		 * offline (poisoned) is no allocation any more.
		 */
		if (ledger_reinit(&pg.ledger, start, st.m.section_pages))
			for (unsigned long pfn = start; pfn < start + st.m.section_pages; pfn++)
				if (pg.ledger.orphan[pfn] && (pg.units[pfn].flags & U_LIVE)) {
					if (pg.units[pfn].flags & U_TRACKER)
						st.nr_tracker--;
					pg.units[pfn].flags = 0;
				}
		/* page_ext_callback(): a zeroed table before any page is freed. */
		on_section_online(section);
		st.joining = section;
		break;
	case TF_MEM_ONLINE:
	case TF_MEM_CANCEL_ONLINE:
		st.joining = -1;
		if (ev->order == TF_MEM_CANCEL_ONLINE)
			st.online[section] = false;
		break;
	case TF_MEM_OFFLINE:
		/* Every page is free, out of the buddy now; page_ext is gone. */
		ledger_offline(&pg.ledger, start, st.m.section_pages);
		st.online[section] = false;
		break;
	default:
		break;
	}
}

/*
 * ___free_pages() of a non-compound allocation whose head an extra
 * reference keeps: pgalloc_tag_sub_pages() takes the tails' bytes (not a
 * call) off the head's tag, then chunk j, 1 << j pages at head + (1 << j),
 * goes for j from order - 1 down to 0, its ref cleared first (so it
 * leaves NULL); the head stays, an order-0 page for its last put.  True
 * if @ev is such a chunk.
 */
/* Another CPU's op announced a free (or other call) of the order-@order allocation at @pfn. */
static bool owner_freeing(unsigned long pfn, unsigned int order, int cpu)
{
	for (int c = 0; c < TF_MAX_CPUS; c++)
		if (c != cpu && st.ctx[c].pfn == pfn && st.ctx[c].nr == 1UL << order)
			return true;
	return false;
}

/*
 * The owner's ___free_pages() of @head is in its other branch: the tails'
 * bytes come off the head's tag (pgalloc_tag_get() read it before the
 * owner's put: NULL for NULL and EMPTY refs), and the head is an order-0
 * page from here on.
 */
static void shed_begins(unsigned long head)
{
	struct unit *u = &pg.units[head];
	int16_t tag;

	resolve_ext_race(head);
	tag = pg.pref[head];
	touch_tag(tag);
	if (profiling() && has_ext(head) && tag >= 0 && !(u->flags & U_TRACKER) &&
	    !is_tracker_tag(tag))
		st.exp_bytes[tag] -= (int64_t)PAGE_BYTES * ((1 << u->order) - 1);
	pg.shed[head] = u->order + 1;
	u->order = 0;
	u->flags |= U_HELD;
	touch(head);
}

static bool on_tail_chunk(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, head, i;
	struct unit *u;

	if (ev->order >= TF_MAX_ORDER || pfn < n || pfn + n > st.nr_pages)
		return false;
	head = pfn - n;
	u = &pg.units[head];
	if (pg.shed[head]) {
		if (ev->order >= pg.shed[head] - 1u)
			return false;
	} else {
		if (!(u->flags & U_LIVE) || u->order != ev->order + 1 ||
		    !ledger_refs_held(&pg.ledger, head))
			return false;
		shed_begins(head);
	}
	for (i = 0; i < n; i++)
		if (!ledger_allocated(&pg.ledger, pfn + i))
			return false;
	st.ctx[ev->cpu].freed_pfn = pfn;
	st.ctx[ev->cpu].freed_unit = pg.units[pfn];
	st.ctx[ev->cpu].freed_pref = pg.pref[pfn];
	/* clear_page_tag_ref(), then pgalloc_tag_sub() of the EMPTY it wrote. */
	if (profiling() && has_ext(pfn))
		pg.pref[pfn] = PREF_NULL;
	pg.free_either[pfn] = 0;
	ledger_free(&pg.ledger, pfn, ev->order);
	if (!ev->order)
		pg.shed[head] = 0;
	return true;
}

static void on_free(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order;
	struct unit *u = &pg.units[pfn];
	bool kept;

	if (hotplug_free(ev))
		return;
	if (pfn < st.nr_pages) {
		resolve_ext_race(pfn);
		touch_tag(pg.pref[pfn]);
	}
	/*
	 * The last put_page() of a head whose owner's ___free_pages() took
	 * its other branch and has not freed a chunk yet.
	 */
	if (pfn + n <= st.nr_pages && (u->flags & U_LIVE) && u->order && !ev->order &&
	    !pg.shed[pfn] && ledger_refs_held(&pg.ledger, pfn) && owner_freeing(pfn, u->order, ev->cpu))
		shed_begins(pfn);
	if (pfn + n > st.nr_pages || !(u->flags & U_LIVE) || u->order != ev->order) {
		if (on_tail_chunk(ev))
			return;
		fail(pfn < st.nr_pages && pg.shed[pfn] ? TF_SIG_PAGE_REF : TF_SIG_FREE_MISMATCH,
		     ledger_orphan_in(&pg.ledger, -1, pfn, n) ? TF_CLASS_HWPOISON_OFFLINE : NULL,
		     "free of pfn %lu order %u, which is not a live allocation of that order",
		     pfn, ev->order);
		return;
	}
	if (pg.ledger.unpoisoning[ev->cpu]) {
		ledger_unpoison_cause(&pg.ledger, pfn, ev->cpu,
				      u->flags & U_HELD ? "an extra reference holder" : "its owner");
		fail(TF_SIG_UNPOISON_IN_USE, NULL,
		     "unpoison_memory() freed pfn %lu, whose one reference was %s's, not memory_failure()'s",
		     pfn, u->flags & U_HELD ? "an extra reference holder" : "its owner");
		/* Its holders forget it rather than free it again (callers.c). */
		pg.ledger.refs[pfn] = 0;
	} else if (pg.ledger.refs[pfn])
		fail(TF_SIG_PAGE_REF, NULL, "pfn %lu order %u freed whole while %u extra references are held",
		     pfn, ev->order, pg.ledger.refs[pfn]);
	/* __free_pages_prepare()'s HWPoison branch: order 0 with PG_hwpoison set. */
	kept = !ev->order && pg.ledger.poisoned[pfn];
	if (pg.clearing[pfn] && in_clear(ev->cpu))
		pg.free_either[pfn] = 1;
	if ((u->flags & U_CLEAR_RACE) && !(u->flags & U_TRACKER) && pg.pref[pfn] >= 0 &&
	    profiling() && has_ext(pfn)) {
		if (tf_observe_ref(pfn).state == TF_REF_EMPTY) {
			/* F5 as in check_ref(), freed before its op ended: nothing is subtracted. */
			clear_race(pfn, " (freed in the same op)");
		} else if (in_clear(ev->cpu)) {
			st.f5_calls[pg.pref[pfn]]++;
			st.f5_bytes[pg.pref[pfn]] += (int64_t)PAGE_BYTES << ev->order;
		}
	}
	st.ctx[ev->cpu].freed_pfn = pfn;
	st.ctx[ev->cpu].freed_unit = *u;
	st.ctx[ev->cpu].freed_pref = pg.pref[pfn];
	if (profiling() && has_ext(pfn)) {
		int16_t ref = pg.pref[pfn];

		if (ref >= 0 && !(u->flags & U_TRACKER) && !is_tracker_tag(ref)) {
			st.exp_calls[ref]--;
			st.exp_bytes[ref] -= (int64_t)PAGE_BYTES << ev->order;
		}
		pg.pref[pfn] = PREF_NULL;
		/*
		 * A pool page recorded earlier as an early allocation: the
		 * clear frees it, then stamps it from the older pool.
		 */
		if ((u->flags & U_TRACKER) && pg.stale[pfn])
			pg.pref[pfn] = PREF_EMPTY;
		/* Kept poisoned: clear_page_tag_ref() (NULL without the debug config). */
		if (kept)
			pg.pref[pfn] = st.m.debug ? PREF_EMPTY : PREF_NULL;
	}
	pg.stale[pfn] = 0;
	if (kept)
		ledger_keep(&pg.ledger, pfn);
	else
		ledger_free(&pg.ledger, pfn, ev->order);
	if (u->flags & U_TRACKER)
		st.nr_tracker--;
	u->flags = 0;
	touch(pfn);
}

static void on_split(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	struct unit head;
	int16_t tag;

	if (pfn < st.nr_pages)
		resolve_ext_race(pfn);	/* the head is tagged by now, one way or the other */
	head = pg.units[pfn];
	tag = pg.pref[pfn];

	if (!(head.flags & U_LIVE) || head.order != ev->order) {
		fail(TF_SIG_SPLIT_MISMATCH, NULL, "split of pfn %lu order %u, which is not a live allocation of that order",
		     pfn, ev->order);
		return;
	}
	for (i = 0; i < n; i++) {
		pg.units[pfn + i].flags = head.flags;
		pg.units[pfn + i].order = 0;
		touch(pfn + i);
		if (!i)
			continue;
		if (!profiling() || !has_ext(pfn) || tag < 0 || !has_ext(pfn + i)) {
			/*
			 * The part keeps the ref it had as a free page: one freed
			 * while the clear ran may hold its late stamp (O1).
			 */
			if (pg.free_either[pfn + i])
				pg.units[pfn + i].flags |= U_REF_EITHER;
			pg.free_either[pfn + i] = 0;
			continue;
		}
		/* pgalloc_tag_split(): each part refers to the head's tag. */
		pg.pref[pfn + i] = tag;
		pg.free_either[pfn + i] = 0;
		if (!is_tracker_tag(tag))
			st.exp_calls[tag]++;
	}
}

static void on_migrate(const struct tf_event *ev)
{
	unsigned long new = ev->pfn, old = ev->pfn2;
	int16_t t;

	touch(new);
	touch(old);
	/* pgalloc_tag_swap() swaps only two real tags. */
	if (!profiling() || !has_ext(new) || !has_ext(old) ||
	    pg.pref[new] < 0 || pg.pref[old] < 0)
		return;
	t = pg.pref[new];
	pg.pref[new] = pg.pref[old];
	pg.pref[old] = t;
}

static void on_section_online(unsigned int section)
{
	unsigned long pfn, start;

	if (section >= tf_machine_sections(&st.m) || st.online[section])
		return;
	st.online[section] = true;
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		long p = st.ctx[c].pending_early;

		if (p >= 0 && section_of(p) == section && (pg.units[p].flags & U_LIVE)) {
			pg.units[p].flags |= U_EXT_RACE;
			if ((pg.units[p].flags & U_UNTAGGED) && st.m.debug)
				st.may_current_not_set++;
		}
	}
	/* A new table is zeroed: every ref in the section starts NULL. */
	start = (unsigned long)section * st.m.section_pages;
	memset(&pg.pref[start], 0xff, st.m.section_pages * sizeof(pg.pref[0]));	/* PREF_NULL */
	/* Its live allocations are checked after the op: two units a word. */
	_Static_assert(sizeof(struct unit) == 4 && offsetof(struct unit, flags) == 0 &&
		       U_LIVE == 1, "U_LIVE is bit 0 of each half of a word of units[]");
	for (pfn = start; pfn < start + st.m.section_pages; pfn += 2) {
		if (!(word_at(pg.units, pfn * sizeof(pg.units[0])) & 0x0000000100000001ull))
			continue;
		if (pg.units[pfn].flags & U_LIVE)
			touch(pfn);
		if (pg.units[pfn + 1].flags & U_LIVE)
			touch(pfn + 1);
	}
}

static void on_callbacks(void)
{
	unsigned long pfn;

	st.callbacks_done = true;
	st.check_all = true;
	if (!profiling() || !st.m.debug)
		return;
	/*
	 * The early clear: EMPTY on every recorded page whose ref is NULL.
	 * Pools are walked newest first and each pool page is freed after
	 * its own pfns are stamped, so a pool page that an older pool lists
	 * (it was an early allocation, freed, then taken for a newer pool)
	 * is stamped EMPTY once free.  Sequential runs only: with
	 * interleavings the pools' order is the schedule's.
	 */
	st.clear_window = true;
	st.overlap_mask = 0xff;
	/*
	 * An early allocation between its failed page_ext lookup and its
	 * recorder call: if the recorder pointer is reset and the grace
	 * period ends before that CPU enters its read-side section, the
	 * pfn is never recorded.
	 */
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		long p = st.ctx[c].pending_early;

		if (p >= 0 && (pg.units[p].flags & U_RECORDED))
			pg.units[p].flags |= U_LATE_RECORD;
	}
	/* Only recorded pfns are stamped, marked stale or clearing. */
	memset(pg.stale, 0, st.nr_pages);
	memset(pg.clearing, 0, st.nr_pages);
	for (pfn = 0; pfn < st.nr_pages; pfn++) {
		if (!(pfn & 3) && !word_at(pg.recorded, pfn * sizeof(pg.recorded[0]))) {
			pfn += 3;	/* four pfns, none recorded */
			continue;
		}
		if (!pg.recorded[pfn])
			continue;
		if (pg.pref[pfn] == PREF_NULL)
			pg.pref[pfn] = PREF_EMPTY;
		pg.stale[pfn] = !!(pg.units[pfn].flags & U_TRACKER);
		/* How many entries the clear walks for it (see the WARN below). */
		pg.clearing[pfn] = pg.recorded[pfn] > UINT8_MAX ? UINT8_MAX : pg.recorded[pfn];
		pg.recorded[pfn] = 0;
	}
}

static void on_printk(const struct tf_event *ev)
{
	/*
	 * The tracker could not get a pool page: this allocation's entry is
	 * dropped (an earlier early allocation of the pfn may still have one).
	 */
	if (strstr(ev->msg, "early PFN tracking page allocation failed") &&
	    st.ctx[ev->cpu].last_early >= 0) {
		long pfn = st.ctx[ev->cpu].last_early;

		pg.recorded[pfn]--;
		pg.units[pfn].flags |= U_DROPPED;
		st.ctx[ev->cpu].last_early = -1;
	}
}

static void model_on_event(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		on_alloc(ev);
		break;
	case TF_EV_PAGE_FREE:
		if (st.ctx[ev->cpu].batch) {
			st.ctx[ev->cpu].pfn = ev->pfn;
			st.ctx[ev->cpu].nr = 1UL << ev->order;
			st.ctx[ev->cpu].freed_pfn = -1;
		}
		on_free(ev);
		break;
	case TF_EV_PAGE_SPLIT:
		on_split(ev);
		break;
	case TF_EV_PAGE_MIGRATE:
		on_migrate(ev);
		break;
	case TF_EV_PEXT_ONLINE:
		on_section_online(ev->section);
		break;
	case TF_EV_MEM_NOTIFY:
		on_mem_notify(ev);
		break;
	case TF_EV_PEXT_CALLBACKS:
		on_callbacks();
		break;
	case TF_EV_PAGE_REF:
		ledger_ref_event(&pg.ledger, ev);
		if (ev->pfn < st.nr_pages && ev->section == TF_REF_OWNER_FREE &&
		    (pg.units[ev->pfn].flags & U_LIVE))
			pg.units[ev->pfn].flags |= U_HELD;
		break;
	case TF_EV_HWPOISON:
		if (ev->pfn < st.nr_pages) {
			const struct unit *u = &pg.units[ev->pfn];

			ledger_hwpoison_event(&pg.ledger, ev,
					      (u->flags & U_LIVE) && !(u->flags & U_HELD));
			touch(ev->pfn);
		}
		break;
	case TF_EV_OP_END:
		/* What a CPU's op acted on explains only that op's checks. */
		ledger_op_end(&pg.ledger, ev->cpu);
		st.ctx[ev->cpu] = CPU_CTX_INIT;
		if (!st.clear_window)
			st.overlap_mask &= ~(1u << ev->cpu);
		break;
	case TF_EV_PEXT_INIT_DONE:
		st.clear_window = false;
		/* The CPU that ran the clear reads after it from here on. */
		st.overlap_mask &= ~(1u << ev->cpu);
		break;
	case TF_EV_PRINTK:
		on_printk(ev);
		break;
	case TF_EV_CALL:
		st.ctx[ev->cpu].pfn = ev->pfn;
		st.ctx[ev->cpu].nr = ev->pfn2;
		st.ctx[ev->cpu].freed_pfn = -1;
		st.ctx[ev->cpu].batch = ev->order == TF_CALL_BATCH;
		break;
	default:
		break;
	}
}

/*
 * Find the first live page in [start, start + nr) that holds NULL, and
 * say why: an untagged caller (expected), or an early page (a class).
 * Returns false when no page in the range explains the check.
 */
static bool classify_range(const struct cpu_ctx *C, int cpu, unsigned long start, unsigned long nr, char *cls, size_t len,
			   bool *expected)
{
	unsigned long pfn;

	for (pfn = start; pfn < start + nr && pfn < st.nr_pages; pfn++) {
		const struct unit *u = &pg.units[pfn];
		int16_t ref = pg.pref[pfn];

		if ((long)pfn == C->freed_pfn && !(u->flags & U_LIVE)) {
			u = &C->freed_unit;
			ref = C->freed_pref;
		}
		/* The model stamps at the callbacks; the clear may not be there yet. */
		bool unstamped = ref == PREF_EMPTY &&
				 ((in_clear(cpu) && pg.clearing[pfn]) || (u->flags & U_LATE_RECORD));

		if (!(u->flags & U_LIVE) || !has_ext(pfn) || (ref != PREF_NULL && !unstamped))
			continue;
		*expected = u->flags & U_UNTAGGED;
		if (*expected || !(u->flags & U_EARLY))
			return true;
		if (u->flags & U_LATE_RECORD)
			snprintf(cls, len, "early-record-race");
		else if (unstamped)
			snprintf(cls, len, "early-during-clear");
		else if (!st.callbacks_done)
			snprintf(cls, len, "early-before-clear");
		else if (u->flags & U_DROPPED)
			snprintf(cls, len, "early-dropped");
		else if (u->flags & U_OVERFLOW)
			snprintf(cls, len, "early-overflow");
		else if (u->flags & U_UNTRACKED)
			snprintf(cls, len, "early-untracked");
		else
			snprintf(cls, len, "early-tail");
		return true;
	}
	return false;
}

/*
 * A kernel check: expected when an untagged caller explains it; for
 * "alloc_tag was not set" on an early page, a class saying why.
 */
static bool model_classify_check(const struct tf_event *ev, char *cls, size_t len)
{
	bool expected = false;

	cls[0] = '\0';
	if (ev->check == TF_CHECK_BUG && strstr(ev->site, "page_count(page) == 0") &&
	    ledger_orphan_in(&pg.ledger, ev->cpu, st.ctx[ev->cpu].pfn, st.ctx[ev->cpu].nr)) {
		/* A put of a page onlining gave to the buddy under its holder. */
		snprintf(cls, len, TF_CLASS_HWPOISON_OFFLINE);
		return false;
	}
	if (ev->check != TF_CHECK_WARN)
		return false;

	if (!strcmp(ev->site, "current->alloc_tag not set")) {
		if (st.expect_current_not_set > 0) {
			st.expect_current_not_set--;
			return true;
		}
		if (st.may_current_not_set > 0) {
			long p = st.ctx[ev->cpu].pending_early;

			st.may_current_not_set--;
			/*
			 * The untagged allocation in flight on this CPU found
			 * its section's page_ext after all: not early, not
			 * recorded, and alloc_tag_add() leaves its ref alone.
			 * That ref is NULL unless the clear already ran and
			 * had an older entry for the pfn (an earlier early
			 * allocation of it): then it stamped EMPTY, before or
			 * after this lookup (O1).
			 */
			if (p >= 0 && (pg.units[p].flags & U_EXT_RACE)) {
				bool own = (pg.units[p].flags & U_RECORDED) && !(pg.units[p].flags & U_DROPPED);

				pg.units[p].flags &= ~(U_EXT_RACE | U_EARLY);
				pg.pref[p] = PREF_NULL;
				/*
				 * The clear's count took in the entry this allocation never
				 * made.  With the clear still running, its stamp may also
				 * fall between this lookup's read and its write-back of
				 * NULL (update_page_tag_ref()): NULL or EMPTY.
				 */
				if (pg.clearing[p] > own) {
					pg.pref[p] = PREF_EMPTY;
					if (in_clear(ev->cpu))
						pg.units[p].flags |= U_REF_EITHER;
				} else if (!pg.clearing[p] && own) {
					pg.recorded[p]--;
				}
				pg.units[p].flags &= ~(U_RECORDED | U_LATE_RECORD);
				touch(p);
			}
			return true;
		}
	}
	if (strcmp(ev->site, "alloc_tag was not set"))
		return false;

	const struct cpu_ctx *C = &st.ctx[ev->cpu];

	/* A page online_pages() frees for the first time: nobody ever set its ref (F18). */
	if (C->freed_pfn >= 0 && (C->freed_unit.flags & U_HOTPLUG) && C->freed_pref == PREF_NULL) {
		ledger_hotplug_online_cause(C->freed_pfn, ev->cpu, true);
		snprintf(cls, len, "hotplug-online");
		return false;
	}
	/* The old owner's free of a page onlining initialised again (F22). */
	if (C->freed_pfn < 0 && ledger_orphan_in(&pg.ledger, ev->cpu, C->pfn, C->nr)) {
		snprintf(cls, len, TF_CLASS_HWPOISON_OFFLINE);
		return false;
	}
	if (classify_range(C, ev->cpu, C->pfn, C->nr, cls, len, &expected) ||
	    classify_range(C, ev->cpu, C->apfn, C->anr, cls, len, &expected))
		return expected;
	return false;
}

static const char *ref_name(int16_t ref, char *buf, size_t len)
{
	if (ref == PREF_NULL)
		return "NULL";
	if (ref == PREF_EMPTY)
		return "EMPTY";
	snprintf(buf, len, "tag %s", tf_tag_info(ref).function);
	return buf;
}

static const char *obs_name(struct tf_ref_obs o, char *buf, size_t len)
{
	switch (o.state) {
	case TF_REF_NO_EXT:
		return "no page_ext";
	case TF_REF_NULL:
		return "NULL";
	case TF_REF_EMPTY:
		return "EMPTY";
	case TF_REF_TAG:
		snprintf(buf, len, "tag %s", tf_tag_info(o.tag).function);
		return buf;
	default:
		return "a bad pointer";
	}
}

/*
 * F5: the clear stamped EMPTY over the tag pfn was allocated with.  Its
 * counters never come back down; the model follows the port from here on.
 */
static void clear_race(unsigned long pfn, const char *when)
{
	char b[64];

	fail(TF_SIG_EARLY_CLEAR_RACE, NULL,
	     "pfn %lu was allocated with %s during the early clear, which then stamped it EMPTY%s",
	     pfn, ref_name(pg.pref[pfn], b, sizeof(b)), when);
	pg.pref[pfn] = PREF_EMPTY;
}

static void check_ref(unsigned long pfn)
{
	struct tf_ref_obs o;
	int16_t want;

	resolve_ext_race(pfn);
	o = tf_observe_ref(pfn);
	want = pg.pref[pfn];
	if ((pg.units[pfn].flags & U_REF_EITHER) && (want == PREF_NULL || want == PREF_EMPTY) &&
	    (o.state == TF_REF_NULL || o.state == TF_REF_EMPTY)) {
		/* Whether the clear stamped the free page first is the schedule's. */
		pg.units[pfn].flags &= ~U_REF_EITHER;
		pg.pref[pfn] = o.state == TF_REF_NULL ? PREF_NULL : PREF_EMPTY;
		return;
	}
	char b1[64], b2[64];
	bool ok;

	if (pg.units[pfn].flags & U_TRACKER)
		return;		/* cleared and freed by the tracker itself */
	if (!has_ext(pfn)) {
		if (o.state != TF_REF_NO_EXT)
			fail(TF_SIG_PAGE_EXT_STATE, NULL, "pfn %lu has a page_ext entry before its section came online", pfn);
		return;
	}
	switch (o.state) {
	case TF_REF_NULL:
		ok = want == PREF_NULL;
		break;
	case TF_REF_EMPTY:
		ok = want == PREF_EMPTY;
		break;
	case TF_REF_TAG:
		ok = want == o.tag;
		break;
	default:
		ok = false;
	}
	if (ok)
		return;
	if ((pg.units[pfn].flags & U_CLEAR_RACE) && want >= 0 && o.state == TF_REF_EMPTY) {
		/*
		 * The clear read this pfn's ref as NULL, another CPU then
		 * allocated the page, and the clear stamped EMPTY over the new
		 * tag: the race its comment accepts.  Follow it from here on:
		 * the tag's counters never come back down.
		 */
		clear_race(pfn, "");
		return;
	}
	if (want == PREF_EMPTY && o.state == TF_REF_NULL &&
	    (pg.units[pfn].flags & U_LATE_RECORD)) {
		fail(TF_SIG_EARLY_RECORD_RACE, NULL,
		     "pfn %lu was allocated before page_ext; its recorder ran after the early clear, so it was never recorded and holds NULL",
		     pfn);
		pg.pref[pfn] = PREF_NULL;
		return;
	}
	if (want == PREF_EMPTY && o.state == TF_REF_NULL)
		fail(TF_SIG_EARLY_REF_NOT_EMPTY, NULL,
		     "pfn %lu was allocated before page_ext and should be EMPTY after the init callbacks, holds NULL",
		     pfn);
	else
		fail(TF_SIG_REF_MISMATCH, NULL, "pfn %lu should hold %s, holds %s", pfn,
		     ref_name(want, b1, sizeof(b1)), obs_name(o, b2, sizeof(b2)));
}

/* @all: every tag, not just those this op's events named. */
static void check_counters(bool all, bool end)
{
	int id, nr = tf_nr_tags();

	for (id = 0; id < nr && id < MAX_TAGS; id++) {
		struct tf_tag_obs o;

		if (!all && !(st.tags_touched & (1ull << id)))
			continue;
		o = tf_observe_tag(id);

		if (is_tracker_tag(id)) {
			/*
			 * The tracker's own call site: pool pages that landed in
			 * a section with page_ext count here, and the clear
			 * stamps EMPTY over them before freeing, so these
			 * counts never go back.  Reported once, at the end.
			 */
			if (end && st.nr_tracker == 0 && (o.calls || o.bytes))
				fail(TF_SIG_TRACKER_TAG_DRIFT, NULL,
				     "%s keeps %lld calls / %lld bytes after every pool page was freed",
				     tf_tag_info(id).function, (long long)o.calls, (long long)o.bytes);
			continue;
		}
		int64_t dc = o.calls - st.exp_calls[id], db = o.bytes - st.exp_bytes[id];

		if (dc > 0 && dc <= st.f5_calls[id] && db > 0 && db <= st.f5_bytes[id]) {
			fail(TF_SIG_EARLY_CLEAR_RACE, NULL,
			     "tag %s keeps %lld calls / %lld bytes of pages freed during the early clear, which stamped them EMPTY before the free read their ref",
			     tf_tag_info(id).function, (long long)dc, (long long)db);
			st.exp_calls[id] += dc;
			st.exp_bytes[id] += db;
		} else if (dc || db)
			fail(TF_SIG_COUNTER_MISMATCH, NULL,
			     "tag %s: %lld calls / %lld bytes, the live allocations account for %lld / %lld",
			     tf_tag_info(id).function, (long long)o.calls, (long long)o.bytes,
			     (long long)st.exp_calls[id], (long long)st.exp_bytes[id]);
		if (end && o.inaccurate != (st.exp_inaccurate[id] > 0))
			fail(TF_SIG_INACCURATE_FLAG, NULL, "tag %s is %s marked inaccurate",
			     tf_tag_info(id).function, o.inaccurate ? "wrongly" : "not");
	}
}

/*
 * Before the clear: a tracking page that is not the one the tracker
 * fills next will never be filled again; its free slots are lost.
 */
static void check_stranded_slots(void)
{
	static struct tf_tracker_page pages[64];
	unsigned int i, n;

	if (st.callbacks_done || !st.m.debug || !profiling() || st.stranded_reported)
		return;
	n = tf_observe_tracker_pages(pages, 64);
	for (i = 0; i < n; i++) {
		if (pages[i].head || pages[i].used >= pages[i].slots)
			continue;
		st.stranded_reported = true;
		fail(TF_SIG_STRANDED_TRACKING_SLOTS, NULL,
		     "tracking page pfn %lu is not the head and holds %u of %u pfns: %u slots will never be filled",
		     pages[i].pfn, pages[i].used, pages[i].slots, pages[i].slots - pages[i].used);
		return;
	}
}

/* After the clear no pool page may be left. */
static void check_tracker_pages(void)
{
	if (!st.callbacks_done || !st.nr_tracker || st.tracker_leak_reported)
		return;
	st.tracker_leak_reported = true;
	fail(TF_SIG_LEAKED_TRACKING_PAGE, NULL,
	     "%lu early-PFN tracking pages still allocated after the clear", st.nr_tracker);
}

static void model_check_op(void)
{
	unsigned long i;

	if (st.check_all) {
		for (i = 0; i < st.nr_pages; i++) {
			if (!(i & 7) && !word_at(pg.ledger.allocated, i)) {
				i += 7;	/* eight free pages */
				continue;
			}
			if (ledger_allocated(&pg.ledger, i) && (pg.units[i].flags & U_LIVE))
				check_ref(i);
		}
	} else {
		/* Live pages, and poisoned pages kept by the free (their ref is cleared). */
		for (i = 0; i < st.nr_touched; i++)
			if ((pg.units[pg.touched[i]].flags & U_LIVE) || pg.ledger.kept[pg.touched[i]])
				check_ref(pg.touched[i]);
	}
	/* Every op has ended: no read can predate the clear any more. */
	if (!st.clear_window && st.overlap_mask) {
		st.overlap_mask = 0;
		memset(pg.clearing, 0, st.nr_pages);
	}
	check_tracker_pages();
	check_stranded_slots();
	check_counters(st.check_all, false);
	/* Every free of the op is complete: what it kept is counted by now. */
	memset(st.f5_calls, 0, sizeof(st.f5_calls));
	memset(st.f5_bytes, 0, sizeof(st.f5_bytes));
	st.tags_touched = 0;
	st.nr_touched = 0;
	pg.stamp++;
	st.check_all = false;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		st.ctx[c].apfn = st.ctx[c].anr = 0;
	ledger_check_count(&pg.ledger, tf_observe_free_counted(),
			   "by the zone and pageset counters");
	st.may_current_not_set = 0;
	if (st.expect_current_not_set > 0) {
		fail(TF_SIG_MISSING_CHECK, NULL, "an untagged allocation with page_ext did not warn \"current->alloc_tag not set\"");
		st.expect_current_not_set = 0;
	}
}

static void model_check_end(void)
{
	model_check_op();
	check_counters(true, true);
	check_tracker_pages();
	ledger_check_end(&pg.ledger, NULL);
}

const struct tf_oracle tf_model_oracle = {
	.name = "model",
	.reset = model_reset,
	.on_event = model_on_event,
	.classify = model_classify_check,
	.check_op = model_check_op,
	.check_end = model_check_end,
};
