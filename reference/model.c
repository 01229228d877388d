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

#include "journal.h"
#include "ledger.h"
#include "oracle.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/strmatch.h"
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
	/* F3's cause: the pfn whose recording the tracker dropped, and the op of its printk. */
	long drop_pfn, drop_op;
	/* F5's cause: by tag, the last pfn freed during the clear that it may have stamped. */
	long f5_pfn[MAX_TAGS];
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

		tracker_tag[tag] = tf_str_has(info.function, "early_pfn") ? 1 : -1;
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
static bool alloc_lookup_found_ext(unsigned long pfn);

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
		.drop_pfn = -1,
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
			/*
			 * ... but written back: made while the clear may still
			 * reach the page, the stamp may fall between its read and
			 * update_page_tag_ref() (NULL), or before or after both
			 * (EMPTY), as for an untagged allocation in flight (O1).
			 */
			if (u->flags & U_CLEAR_RACE)
				u->flags |= U_REF_EITHER;
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
	bool own, stamped;

	if (!(u->flags & U_EXT_RACE))
		return;
	u->flags &= ~U_EXT_RACE;
	o = tf_observe_ref(pfn);
	/*
	 * EMPTY with a tag: either the early path (the clear stamped the NULL
	 * ref) or the tag written and the clear's stamp over it (F5, its read
	 * NULL before the write).  The ref cannot tell; the port's own lookup
	 * (in the journal) can.  The clear must hold an entry for the pfn
	 * besides the one this allocation never made.
	 */
	own = (u->flags & U_RECORDED) && !(u->flags & U_DROPPED);
	stamped = o.state == TF_REF_EMPTY && u->tag >= 0 && pg.clearing[pfn] > own &&
		  alloc_lookup_found_ext(pfn);
	if (!stamped && (o.state != TF_REF_TAG || o.tag != u->tag || u->tag < 0))
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
	if (stamped)
		clear_race(pfn, " (its page_ext lookup came after its section went online)");
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
		/* memory_block_online() let it through: no page there is poisoned. */
		ledger_block_online(&pg.ledger, start, st.m.section_pages, false);
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
	/* A chunk of an early head is an early tail: a check on it is classed with its head. */
	if (u->flags & U_EARLY)
		st.ctx[ev->cpu].freed_unit = (struct unit){ .flags = u->flags, .tag = u->tag };
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
		fail(pfn < st.nr_pages && pg.shed[pfn] ? TF_SIG_PAGE_REF : TF_SIG_FREE_MISMATCH, NULL,
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
			st.f5_pfn[pg.pref[pfn]] = pfn;
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

/*
 * A free of @pfn by a CPU other than @cpu, whose op is still running when
 * the callbacks begin (what-if): its event may have come before the
 * section had page_ext and its pgalloc_tag_sub() after.  That lookup reads
 * NULL if the clear has not stamped the page yet (the check is classed as
 * for a live page the clear has not reached: F1'), or EMPTY after; it
 * writes NULL back, and a clear that read NULL before may stamp EMPTY
 * behind it: the free page holds NULL or EMPTY.
 */
static void free_in_flight(unsigned long pfn, int cpu)
{
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		struct cpu_ctx *C = &st.ctx[c];

		if (c == cpu || C->freed_pfn != (long)pfn || (pg.units[pfn].flags & U_LIVE))
			continue;
		if (C->freed_pref == PREF_NULL)
			C->freed_pref = PREF_EMPTY;
		pg.free_either[pfn] = 1;
	}
}

static void on_callbacks(int cpu)
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
		free_in_flight(pfn, cpu);
		pg.stale[pfn] = !!(pg.units[pfn].flags & U_TRACKER);
		/* How many entries the clear walks for it (see the WARN below). */
		pg.clearing[pfn] = pg.recorded[pfn] > UINT8_MAX ? UINT8_MAX : pg.recorded[pfn];
		pg.recorded[pfn] = 0;
	}
}

static void on_printk(const struct tf_event *ev)
{
	/* memory_failure()'s action_result(): F22's cause. */
	ledger_printk_event(&pg.ledger, ev);
	/*
	 * The tracker could not get a pool page: this allocation's entry is
	 * dropped (an earlier early allocation of the pfn may still have one).
	 */
	if (tf_str_has(ev->msg, "early PFN tracking page allocation failed") &&
	    st.ctx[ev->cpu].last_early >= 0) {
		long pfn = st.ctx[ev->cpu].last_early;

		pg.recorded[pfn]--;
		pg.units[pfn].flags |= U_DROPPED;
		st.drop_pfn = pfn;
		st.drop_op = tf_journal_len() ? tf_journal_at(tf_journal_len() - 1)->op : -1;
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
	case TF_EV_MEM_REFUSED:
		if (ev->section < TF_MAX_SECTIONS)
			ledger_block_online(&pg.ledger, (unsigned long)ev->section * st.m.section_pages,
					    st.m.section_pages, true);
		break;
	case TF_EV_PEXT_CALLBACKS:
		on_callbacks(ev->cpu);
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
 * The causes of the known early-boot findings (fuzz/known.c, F1-F6;
 * docs/findings.md "Cause"), read from this run's journal
 * (reference/journal.h): which allocation covered the pfn, when its
 * section's page_ext came up, what the clear and the recorder did.
 */
static const struct tf_event *j_ev(long i)
{
	const struct tf_jrec *r = i >= 0 ? tf_journal_at(i) : NULL;

	return r && !r->access ? &r->ev : NULL;
}

static const struct tf_access_rec *j_acc(long i)
{
	const struct tf_jrec *r = i >= 0 ? tf_journal_at(i) : NULL;

	return r && r->access ? &r->a : NULL;
}

static long j_op(long i)
{
	const struct tf_jrec *r = i >= 0 ? tf_journal_at(i) : NULL;

	return r ? r->op : -1;
}

/* The op whose body made record @i (journal.h: one body, one context). */
static long j_body(long i)
{
	const struct tf_jrec *r = i >= 0 ? tf_journal_at(i) : NULL;

	return r ? r->body : -1;
}


/* The last event of @kind before record @before, on @pfn and @section unless negative. */
static long j_event(size_t before, enum tf_event_kind kind, long pfn, long section)
{
	for (long i = tf_journal_prev_event(before, kind); i >= 0; i = tf_journal_prev_same(i)) {
		const struct tf_event *e = j_ev(i);

		if ((pfn < 0 || e->pfn == (unsigned long)pfn) &&
		    (section < 0 || e->section == (unsigned int)section))
			return i;
	}
	return -1;
}

/* The last allocation before record @before whose pages cover @pfn. */
static long j_alloc_of(size_t before, unsigned long pfn)
{
	for (long i = tf_journal_prev_event(before, TF_EV_PAGE_ALLOC); i >= 0;
	     i = tf_journal_prev_same(i)) {
		const struct tf_event *e = j_ev(i);

		if (e->pfn <= pfn && pfn < e->pfn + (1UL << e->order))
			return i;
	}
	return -1;
}

static bool is_tracker_alloc(const struct tf_event *e)
{
	return e && e->kind == TF_EV_PAGE_ALLOC &&
	       ((e->alloc_flags & TF_EV_ALLOC_NO_CODETAG) || (e->gfp & TF_EV_GFP_NO_CODETAG));
}

/*
 * What a scan of a CPU's work inside an op needs from the journal: its
 * accesses, and the allocations and calls that end it, which a compaction
 * may drop (journal.h).  The allocations, splits and frees a cause looks
 * up by pfn, and the page_ext, callback and op-end events, are never
 * dropped.
 */
#define J_SCAN_LOST	(TF_JOURNAL_LOST_ACCESS | TF_JOURNAL_LOST_EV(TF_EV_PAGE_ALLOC) | \
			 TF_JOURNAL_LOST_EV(TF_EV_CALL))

/* The end of CPU @c's op from record @a on: its TF_EV_OP_END, or now. */
static long j_op_end(long a, int c)
{
	for (long i = a + 1; i < (long)tf_journal_len(); i++) {
		const struct tf_event *e = j_ev(i);

		if (e && e->cpu == c && e->kind == TF_EV_OP_END)
			return i;
	}
	return (long)tf_journal_len();
}

/*
 * A scan of CPU @c's work from its allocation (record @a) to its next
 * allocation or call, or its op's end, cannot be trusted: accesses in
 * that op were dropped, or the allocation or call that ends it may have
 * been, and the CPU made accesses in the op (in an op of its own, outside
 * a run, it makes none, and the scan finds none either way).
 */
static bool j_scan_gap(long a, int c)
{
	long end = j_op_end(a, c);
	uint64_t m = tf_journal_lost(a, end);

	if (m & TF_JOURNAL_LOST_ACCESS)
		return true;
	if (!(m & J_SCAN_LOST))
		return false;
	for (long i = a + 1; i < end; i++)
		if (j_acc(i) && j_acc(i)->cpu == c)
			return true;
	return false;
}

/*
 * What F1, F1', F2, F3 and F6 share: pfn @pfn was allocated (record *@a)
 * before its section had page_ext (record *@s), as the head of its
 * allocation, and the tracker did not drop it.  False, after giving
 * finding @id's cause as missing, when one of these fails.
 */
static bool early_head(const char *id, unsigned long pfn, const struct unit *u, long *a, long *s)
{
	size_t now = tf_journal_len();
	const struct tf_event *e;

	*a = j_alloc_of(now, pfn);
	*s = j_event(now, TF_EV_PEXT_ONLINE, -1, section_of(pfn));
	e = j_ev(*a);
	if (!e || *s < *a) {
		tf_oracle_cause(id, false, "no allocation of pfn %lu before its section %u got page_ext is in the journal",
				pfn, section_of(pfn));
		return false;
	}
	if (e->pfn != pfn) {
		tf_oracle_cause(id, false, "pfn %lu is a tail of the order-%u allocation at pfn %lu (op %ld): only the head is ever recorded, so it holds NULL whenever it is freed (F2's cause)",
				pfn, e->order, e->pfn, j_op(*a));
		return false;
	}
	if ((u->flags & U_DROPPED) && id[1] != '3') {
		tf_oracle_cause(id, false, "the tracker dropped pfn %lu (no pool page, op %ld): no clear would have stamped it (F3's cause)",
				pfn, st.drop_op);
		return false;
	}
	return true;
}

/* F1: an early page freed by another context after its section's page_ext came up, before the clear. */
static void cause_f1(unsigned long pfn, const struct unit *u, int cpu)
{
	long a, s, t, last;

	if (!early_head("F1", pfn, u, &a, &s))
		return;
	for (t = s; t >= 0 && !is_tracker_alloc(j_ev(t)); t--)
		;
	if (t < 0) {
		tf_oracle_cause("F1", false, "no tracker page was allocated before section %u got page_ext (op %ld): nothing recorded pfn %lu, so the clear would not have stamped it either",
				section_of(pfn), j_op(s), pfn);
		return;
	}
	/*
	 * A free by the body that published the section, on its CPU, is
	 * page_ext_init()'s own work.  Any other body is another context:
	 * another CPU, the publishing CPU in a later op (it left page_ext_init()
	 * between sections, what-if), or another op's body in the op that ran
	 * the publication (a started pext_online that cpu_down ran first, then
	 * cpu_down's own teardown, both on CPU0): not the op being issued.
	 */
	last = (long)tf_journal_len() - 1;
	if (j_ev(s) && j_ev(s)->cpu == cpu && j_body(s) == j_body(last)) {
		tf_oracle_cause("F1", false, "CPU%d, which published section %u's page_ext in op %ld's body, freed pfn %lu itself in that body: page_ext_init()'s own work, not another context",
				cpu, section_of(pfn), j_body(s), pfn);
		return;
	}
	tf_oracle_cause("F1", true, "pfn %lu allocated at op %ld before section %u had page_ext (tracker page pfn %lu, op %ld); CPU%d published the table in op %ld's body and CPU%d freed the page in op %ld's, before the clear began",
			pfn, j_op(a), section_of(pfn), j_ev(t)->pfn, j_op(t), j_ev(s)->cpu, j_body(s), cpu,
			j_body(last));
}

/* The site of the recorder pointer's reset in clear_early_alloc_pfn_tag_refs(). */
#define RECORDER_RESET	"rcu_assign_pointer(alloc_tag_add_early_pfn_ptr"

/* CPU @cpu's last read of a page tag ref after record @cb that found NULL, or -1. */
static long j_null_ref_read(int cpu, long cb)
{
	for (long i = (long)tf_journal_len(); cb >= 0 && i-- > cb;) {
		const struct tf_access_rec *r = j_acc(i);

		if (r && r->cpu == cpu && r->kind == TF_ACC_READ && !r->val &&
		    tf_str_eq(r->site, "read page tag ref"))
			return i;
	}
	return -1;
}

/*
 * Where CPU @cpu's read of a page tag ref (record @rd) took place:
 * get_page_tag_ref() reads the ref right after its page_ext lookup, with
 * no scheduling point between, and records the read only after the
 * scheduling point that follows it, where other CPUs may run first.  So
 * the read came right after @cpu's previous record: another CPU's access
 * came before the read if and only if its record precedes that one.  That
 * record's index (@rd if there is none).
 */
static long j_read_at(long rd, int cpu)
{
	for (long i = rd; i-- > 0;) {
		const struct tf_access_rec *x = j_acc(i);

		if (x && x->cpu == cpu)
			return i;
	}
	return rd;
}

/* F1': an early page freed by another CPU while the clear runs, before it got there. */
static void cause_f1_during(unsigned long pfn, const struct unit *u, int cpu)
{
	size_t now = tf_journal_len();
	long a, s, cb, rd, at, rs = -1, w;
	const struct tf_access_rec *r;
	int k;

	if (!early_head("F1'", pfn, u, &a, &s))
		return;
	cb = j_event(now, TF_EV_PEXT_CALLBACKS, -1, -1);
	k = cb >= 0 ? j_ev(cb)->cpu : -1;
	if (cb >= 0 && (tf_journal_lost(cb, (long)now) & TF_JOURNAL_LOST_ACCESS)) {
		tf_oracle_cause("F1'", false, "the accesses since the init callbacks began (op %ld) are not all kept: the journal overflowed: records are missing",
				j_op(cb));
		return;
	}
	rd = j_null_ref_read(cpu, cb);
	r = j_acc(rd);
	if (!r) {
		tf_oracle_cause("F1'", false, "no NULL read of pfn %lu's ref by CPU%d after the init callbacks began",
				pfn, cpu);
		return;
	}
	/* Where the read took place: what came before it is before that record. */
	at = j_read_at(rd, cpu);
	for (long i = at; i-- > cb;) {
		const struct tf_access_rec *x = j_acc(i);

		if (x && x->cpu == k && x->kind == TF_ACC_WRITE && !x->val &&
		    tf_str_starts(x->site, RECORDER_RESET)) {
			rs = i;
			break;
		}
	}
	if (rs < 0) {
		tf_oracle_cause("F1'", false, "CPU%d ran the init callbacks (op %ld) but never reset the recorder pointer before CPU%d read pfn %lu's ref after step %lu (its record: step %lu): no clear was running",
				k, j_op(cb), cpu, pfn, j_acc(at) ? j_acc(at)->step : r->step, r->step);
		return;
	}
	w = tf_journal_find_access(at, TF_ACC_WRITE, r->addr, k, "write page tag ref");
	if (w > cb) {
		/* Its own write left the NULL the free read: the clear got there first. */
		tf_oracle_cause("F1'", false, "the clear on CPU%d had already written pfn %lu's ref at step %lu (%s), before CPU%d read it NULL after step %lu (its record: step %lu)",
				k, pfn, j_acc(w)->step,
				j_acc(w)->val == 1 ? "EMPTY" : j_acc(w)->val ? "a tag" : "NULL, not EMPTY",
				cpu, j_acc(at)->step, r->step);
		return;
	}
	tf_oracle_cause("F1'", true, "pfn %lu allocated early at op %ld; CPU%d's clear had begun (recorder pointer reset at step %lu) and not reached it when CPU%d read its ref NULL after step %lu (its record: step %lu)",
			pfn, j_op(a), k, j_acc(rs)->step, cpu, j_acc(at)->step, r->step);
}

/*
 * F2: a tail of an early high-order allocation, split off, freed after the
 * clear.  @start: the first pfn of the range the check was classed in; a
 * live page before @pfn there that should hold EMPTY and holds NULL is
 * freed first and explains the check itself.
 */
static void cause_f2(unsigned long pfn, unsigned long start, const struct unit *u)
{
	size_t now = tf_journal_len();
	long a = j_alloc_of(now, pfn), s, sp, cb;
	const struct tf_event *e = j_ev(a);

	for (unsigned long p = start; p < pfn; p++) {
		if ((pg.units[p].flags & U_LIVE) && pg.pref[p] == PREF_EMPTY &&
		    tf_observe_ref(p).state == TF_REF_NULL) {
			tf_oracle_cause("F2", false, "pfn %lu, freed before tail pfn %lu in the same call, should hold EMPTY (recorded and stamped) and holds NULL: the check is its",
					p, pfn);
			return;
		}
	}

	if (!e) {
		tf_oracle_cause("F2", false, "no allocation of pfn %lu is in the journal", pfn);
		return;
	}
	if (e->pfn == pfn) {
		tf_oracle_cause("F2", false, "pfn %lu is the head of its order-%u allocation (op %ld), the pfn the tracker records: not a tail",
				pfn, e->order, j_op(a));
		return;
	}
	s = j_event(now, TF_EV_PEXT_ONLINE, -1, section_of(e->pfn));
	if (s < a) {
		tf_oracle_cause("F2", false, "its allocation at pfn %lu (op %ld) came after section %u had page_ext: not early",
				e->pfn, j_op(a), section_of(e->pfn));
		return;
	}
	sp = j_event(now, TF_EV_PAGE_SPLIT, e->pfn, -1);
	cb = j_event(now, TF_EV_PEXT_CALLBACKS, -1, -1);
	if (sp < a) {
		tf_oracle_cause("F2", false, "pfn %lu, a tail of pfn %lu, was never split off", pfn,
				e->pfn);
		return;
	}
	if (cb < a) {
		/* What-if: freed before the init callbacks, which would not stamp a tail either. */
		tf_oracle_cause("F2", true, "pfn %lu is a tail of the order-%u allocation at pfn %lu made at op %ld before section %u had page_ext (op %ld); only the head is recorded; split at op %ld, freed before the init callbacks (the clear would not have stamped it)",
				pfn, e->order, e->pfn, j_op(a), section_of(e->pfn), j_op(s), j_op(sp));
		return;
	}
	tf_oracle_cause("F2", true, "pfn %lu is a tail of the order-%u allocation at pfn %lu made at op %ld before section %u had page_ext (op %ld); only the head was recorded; split at op %ld, freed after the clear of op %ld",
			pfn, e->order, e->pfn, j_op(a), section_of(e->pfn), j_op(s), j_op(sp), j_op(cb));
}

/*
 * The init callbacks' CPU had reset the recorder pointer, since they began,
 * when CPU @cpu read a page tag ref NULL (its last such read; where it took
 * place, j_read_at()): the clear was running.  Between the callbacks' event
 * and that reset the clear has done nothing yet: a free there is in F1's
 * window.  True when the journal has no callbacks (as the model has it),
 * or lost accesses since them.
 */
static bool clear_began(int cpu)
{
	size_t now = tf_journal_len();
	long cb = j_event(now, TF_EV_PEXT_CALLBACKS, -1, -1), rd, end;

	if (cb < 0 || (tf_journal_lost(cb, (long)now) & TF_JOURNAL_LOST_ACCESS))
		return true;	/* F1' says the journal overflowed */
	rd = j_null_ref_read(cpu, cb);
	end = rd >= 0 ? j_read_at(rd, cpu) : (long)now;
	for (long i = end; i-- > cb;) {
		const struct tf_access_rec *x = j_acc(i);

		if (x && x->cpu == j_ev(cb)->cpu && x->kind == TF_ACC_WRITE && !x->val &&
		    tf_str_starts(x->site, RECORDER_RESET))
			return true;
	}
	return false;
}

static long f6_clear_went_on(long rs, int c);

/*
 * U_LATE_RECORD is the model's guess at the callbacks: an early allocation
 * whose recorder call may still come after the clear's reset.  Its CPU's
 * second read-side section after the allocation is the recorder's
 * (__pgalloc_tag_add()'s page_ext_get() is the first).  The guess was
 * wrong when that section began before any reset and either ended before
 * it or was waited for (the resetting CPU did nothing more until the
 * recorder left): the recorder read the pointer set and recorded the pfn
 * before the clear walked the pools.  False only then: a recorder the
 * clear went on without waiting for stays the F6 class, whose cause tells
 * it apart.  True when the journal does not show it.
 */
static bool late_record(unsigned long pfn)
{
	long a = j_alloc_of(tf_journal_len(), pfn), rl = -1, rs = -1;
	int c, n = 0, depth = 0;

	if (!j_ev(a) || j_scan_gap(a, j_ev(a)->cpu) ||
	    (tf_journal_lost(a, (long)tf_journal_len()) & TF_JOURNAL_LOST_ACCESS))
		return true;
	c = j_ev(a)->cpu;
	for (long i = a + 1; i < (long)tf_journal_len(); i++) {
		const struct tf_access_rec *x = j_acc(i);
		const struct tf_event *e = j_ev(i);

		if (rl < 0 && e && e->cpu == c &&
		    (e->kind == TF_EV_OP_END || e->kind == TF_EV_CALL ||
		     (e->kind == TF_EV_PAGE_ALLOC && !is_tracker_alloc(e))))
			break;
		if (!x)
			continue;
		if (x->kind == TF_ACC_WRITE && !x->val &&
		    tf_str_starts(x->site, RECORDER_RESET)) {
			rs = i;
			break;
		}
		if (x->cpu != c)
			continue;
		if (x->kind == TF_ACC_RCU_LOCK) {
			if (++n == 2)
				rl = i;
			if (rl >= 0)
				depth++;
		} else if (x->kind == TF_ACC_RCU_UNLOCK && rl >= 0 && !--depth) {
			return false;	/* recorded, then the reset (if any) */
		}
	}
	if (rl < 0)
		return true;	/* a reset came first, or the journal does not show it */
	if (rs < 0)
		return false;	/* inside its recorder, no reset yet */
	/* Inside its recorder at the reset: did synchronize_rcu() wait for it? */
	return f6_clear_went_on(rs, c) >= 0;
}

/* The journal's allocation of @pfn began at another pfn: @pfn is a tail. */
static bool early_tail(unsigned long pfn)
{
	const struct tf_event *e = j_ev(j_alloc_of(tf_journal_len(), pfn));

	return e && e->pfn != pfn;
}

/*
 * The tracker's failed cmpxchg on the pool head, by the CPU of allocation
 * record @a while it recorded that allocation (up to its next own
 * allocation or the end of its op), that it never retried: no later
 * READ_ONCE(current_pfn_pool) of its own.  Then its drop came after it
 * had a pool page, not from a failed allocation.  Its index, or -1.
 */
static long f3_install_lost(long a)
{
	int c = j_ev(a)->cpu;
	long lost = -1;

	for (long i = a + 1; i < (long)tf_journal_len(); i++) {
		const struct tf_access_rec *x = j_acc(i);
		const struct tf_event *e = j_ev(i);

		if (e && e->cpu == c && (e->kind == TF_EV_OP_END ||
					 (e->kind == TF_EV_PAGE_ALLOC && !is_tracker_alloc(e))))
			break;
		if (!x || x->cpu != c)
			continue;
		if (x->kind == TF_ACC_CMPXCHG_FAIL && tf_str_eq(x->site, "cmpxchg(&current_pfn_pool)"))
			lost = i;
		else if (x->kind == TF_ACC_READ && tf_str_eq(x->site, "READ_ONCE(current_pfn_pool)"))
			lost = -1;
	}
	return lost;
}

/* F3: the tracker dropped this very pfn: its pool page allocation failed. */
static void cause_f3(unsigned long pfn, const struct unit *u)
{
	long a, s, l;

	if (!early_head("F3", pfn, u, &a, &s))
		return;
	if (j_scan_gap(a, j_ev(a)->cpu)) {
		tf_oracle_cause("F3", false, "CPU%d's work after allocating pfn %lu (op %ld) is not all kept, so whether it lost a pool page install cannot be told: the journal overflowed: records are missing",
				j_ev(a)->cpu, pfn, j_op(a));
		return;
	}
	l = f3_install_lost(a);
	if (l >= 0) {
		tf_oracle_cause("F3", false, "CPU%d had a pool page for pfn %lu (allocated at op %ld) and lost its install at step %lu (cmpxchg(&current_pfn_pool)); it never read the pool head again before dropping the pfn: no pool page allocation failed",
				j_acc(l)->cpu, pfn, j_op(a), j_acc(l)->step);
		return;
	}
	if (st.drop_pfn != (long)pfn && !(u->flags & U_DROPPED)) {
		tf_oracle_cause("F3", false, "the tracker's failed pool page allocation (op %ld) dropped pfn %ld, not pfn %lu",
				st.drop_op, st.drop_pfn, pfn);
		return;
	}
	if (st.drop_pfn != (long)pfn) {
		/* Dropped before the last drop: the model marked it at its printk. */
		tf_oracle_cause("F3", true, "pfn %lu allocated at op %ld before section %u had page_ext; its pool page allocation failed and the pfn was dropped (the model's note of that printk; the last drop was at op %ld)",
				pfn, j_op(a), section_of(pfn), st.drop_op);
		return;
	}
	tf_oracle_cause("F3", true, "pfn %lu allocated at op %ld before section %u had page_ext; the tracker's pool page allocation for it failed (\"early PFN tracking page allocation failed\", op %ld) and the pfn was dropped",
			pfn, j_op(a), section_of(pfn), st.drop_op);
}

/*
 * The first access of the CPU that reset the recorder pointer (record
 * @rs) after the reset and before CPU @c left the read-side section it
 * was in: the clear did not wait for that reader.  -1 if it did.
 */
static long f6_clear_went_on(long rs, int c)
{
	int k = j_acc(rs)->cpu, depth = 0;

	for (long i = rs + 1; i < (long)tf_journal_len(); i++) {
		const struct tf_access_rec *x = j_acc(i);

		if (!x)
			continue;
		if (x->cpu == k)
			return i;
		if (x->cpu == c && x->kind == TF_ACC_RCU_LOCK)
			depth++;
		else if (x->cpu == c && x->kind == TF_ACC_RCU_UNLOCK && !depth--)
			return -1;
	}
	return -1;
}

/*
 * F6: the CPU that allocated pfn early left its lookup's read-side
 * section before the recorder pointer was reset, and entered the
 * recorder's only after: it read NULL and recorded nothing.
 */
static void cause_f6(unsigned long pfn, const struct unit *u)
{
	size_t now = tf_journal_len();
	long a, s, rs = -1, lock_before = -1, lock_after = -1;
	int c, depth = 0;

	if (!early_head("F6", pfn, u, &a, &s))
		return;
	c = j_ev(a)->cpu;
	if ((tf_journal_lost(a, (long)now) & TF_JOURNAL_LOST_ACCESS) || j_scan_gap(a, c)) {
		tf_oracle_cause("F6", false, "the accesses since pfn %lu's allocation on CPU%d (op %ld) are not all kept: the journal overflowed: records are missing",
				pfn, c, j_op(a));
		return;
	}
	for (long i = (long)now; i-- > a;) {
		const struct tf_access_rec *x = j_acc(i);

		if (x && x->kind == TF_ACC_WRITE && !x->val &&
		    tf_str_starts(x->site, RECORDER_RESET)) {
			rs = i;
			break;
		}
	}
	if (rs < 0) {
		tf_oracle_cause("F6", false, "nothing reset the recorder pointer after pfn %lu's allocation on CPU%d (op %ld)",
				pfn, c, j_op(a));
		return;
	}
	/* CPU c's read-side sections from its allocation on, until its op ended. */
	for (long i = a + 1; i < (long)now; i++) {
		const struct tf_access_rec *x = j_acc(i);
		const struct tf_event *e = j_ev(i);

		if (e && e->cpu == c && (e->kind == TF_EV_OP_END || e->kind == TF_EV_PAGE_ALLOC))
			break;
		if (!x || x->cpu != c)
			continue;
		if (x->kind == TF_ACC_RCU_LOCK) {
			if (i < rs && !depth++)
				lock_before = i;
			else if (i > rs && lock_after < 0)
				lock_after = i;
		} else if (x->kind == TF_ACC_RCU_UNLOCK && i < rs && depth) {
			depth--;
		}
	}
	if (depth) {
		long go = f6_clear_went_on(rs, c);

		if (go >= 0)
			tf_oracle_cause("F6", false, "CPU%d was in a read-side section (since step %lu) when CPU%d reset the recorder at step %lu; CPU%d's clear went on at step %lu (%s) before CPU%d left it: no grace period waited for that reader",
					c, j_acc(lock_before)->step, j_acc(rs)->cpu, j_acc(rs)->step,
					j_acc(rs)->cpu, j_acc(go)->step, j_acc(go)->site, c);
		else
			tf_oracle_cause("F6", false, "CPU%d was inside a read-side section (since step %lu) when the recorder pointer was reset at step %lu: synchronize_rcu() waited for its recorder",
					c, j_acc(lock_before)->step, j_acc(rs)->step);
		return;
	}
	if (lock_after < 0) {
		tf_oracle_cause("F6", false, "CPU%d entered no read-side section after the recorder pointer was reset at step %lu: no recorder call read it",
				c, j_acc(rs)->step);
		return;
	}
	tf_oracle_cause("F6", true, "CPU%d allocated pfn %lu at op %ld before its section had page_ext, in no read-side section when CPU%d reset the recorder at step %lu, entered the recorder's at step %lu",
			c, pfn, j_op(a), j_acc(rs)->cpu, j_acc(rs)->step, j_acc(lock_after)->step);
}

/*
 * F5: the clear read pfn's ref NULL, another CPU then allocated the page
 * and wrote its tag, and the clear wrote EMPTY over it.  The ref's
 * address is the one the allocating CPU wrote its tag to.
 */
static void cause_f5(unsigned long pfn)
{
	size_t now = tf_journal_len();
	long a = j_alloc_of(now, pfn), w = -1, rd, st_ = -1, cb;
	const struct tf_access_rec *x = NULL;
	int k, c;

	cb = j_event(now, TF_EV_PEXT_CALLBACKS, -1, -1);
	if (a < 0 || cb < 0) {
		tf_oracle_cause("F5", false, "no allocation of pfn %lu %s is in the journal", pfn,
				a < 0 ? "at all" : "after the init callbacks began");
		return;
	}
	if (tf_journal_lost(a < cb ? a : cb, (long)now) & TF_JOURNAL_LOST_ACCESS) {
		tf_oracle_cause("F5", false, "the accesses since pfn %lu's allocation (op %ld) and the init callbacks (op %ld) are not all kept: the journal overflowed: records are missing",
				pfn, j_op(a), j_op(cb));
		return;
	}
	k = j_ev(cb)->cpu;
	c = j_ev(a)->cpu;
	for (long i = a + 1; i < (long)now && w < 0; i++) {
		x = j_acc(i);
		if (x && x->cpu == c && x->kind == TF_ACC_WRITE && x->val > 1 &&
		    tf_str_eq(x->site, "write page tag ref"))
			w = i;
	}
	if (w < 0 || c == k) {
		tf_oracle_cause("F5", false, "%s", w < 0 ? "no tag written to the allocated page's ref is in the journal" :
				"the page was allocated by the CPU running the clear, not another one");
		return;
	}
	x = j_acc(w);
	for (long i = w + 1; i < (long)now && st_ < 0; i++) {
		const struct tf_access_rec *y = j_acc(i);

		if (y && y->cpu == k && y->addr == x->addr && y->kind == TF_ACC_WRITE && y->val == 1)
			st_ = i;
	}
	if (st_ < 0) {
		tf_oracle_cause("F5", false, "the clear on CPU%d never wrote EMPTY to pfn %lu's ref after CPU%d's tag at step %lu",
				k, pfn, c, x->step);
		return;
	}
	/*
	 * The clear's read of the ref it stamped (its record may follow the
	 * other CPU's write: the read's scheduling point comes before its record).
	 */
	rd = tf_journal_find_access(st_, TF_ACC_READ, x->addr, k, "read page tag ref");
	if (rd < cb || j_acc(rd)->val) {
		tf_oracle_cause("F5", false, rd < cb ? "the clear on CPU%d stamped pfn %lu at step %lu over CPU%d's tag without having read it NULL before" :
				"the clear on CPU%d read pfn %lu's ref set (not NULL) and still stamped it at step %lu over CPU%d's tag",
				k, pfn, j_acc(st_)->step, c);
		return;
	}
	tf_oracle_cause("F5", true, "the clear on CPU%d read pfn %lu's ref NULL (its record: step %lu); CPU%d allocated it and wrote its tag at step %lu; the clear wrote EMPTY over it at step %lu",
			k, pfn, j_acc(rd)->step, c, x->step, j_acc(st_)->step);
}

/*
 * The allocation of record @a found page_ext after all: its section came
 * online between its event and its own lookup (interleaved ops only),
 * which read the section's table set.
 */
static bool lookup_found_ext(size_t a)
{
	int c = j_ev(a)->cpu;

	for (size_t i = a + 1; i < tf_journal_len(); i++) {
		const struct tf_access_rec *x = j_acc(i);
		const struct tf_event *e = j_ev(i);

		if (e && e->cpu == c && (e->kind == TF_EV_PAGE_ALLOC || e->kind == TF_EV_OP_END))
			return false;
		if (x && x->cpu == c && tf_str_eq(x->site, "READ_ONCE(section->page_ext)"))
			return x->val;
	}
	return false;
}

/* The last allocation of @pfn, made at @pfn, found page_ext in its own lookup. */
static bool alloc_lookup_found_ext(unsigned long pfn)
{
	long a = j_alloc_of(tf_journal_len(), pfn);

	return j_ev(a) && j_ev(a)->pfn == pfn && lookup_found_ext((size_t)a);
}

/*
 * F4: every call and byte the tracker's own call site keeps is a pool
 * page allocated where its section already had page_ext (so tagged and
 * counted) and freed since.
 */
static void cause_f4(int tag, long long calls, long long bytes)
{
	size_t now = tf_journal_len();
	long long n = 0, b = 0;
	long first = -1;

	/* Every pool page allocation is kept, and the last free of each pfn. */
	for (size_t i = 0; i < now; i++) {
		const struct tf_event *e = j_ev(i);
		long s;

		if (!is_tracker_alloc(e) || e->tag != tag)
			continue;
		s = j_event(i, TF_EV_PEXT_ONLINE, -1, section_of(e->pfn));
		if (s < 0 && j_event(i, TF_EV_MEM_NOTIFY, -1, section_of(e->pfn)) < 0) {
			if (j_scan_gap((long)i, e->cpu)) {
				tf_oracle_cause("F4", false, "whether the pool page at pfn %lu (op %ld) found its section's page_ext cannot be told: the journal overflowed: records are missing",
						e->pfn, j_op((long)i));
				return;
			}
			if (!lookup_found_ext(i))
				continue;	/* no page_ext there yet: not tagged */
		}
		if (j_event(now, TF_EV_PAGE_FREE, (long)e->pfn, -1) < (long)i)
			continue;	/* not freed since */
		if (first < 0)
			first = i;
		n++;
		b += (long long)PAGE_BYTES << e->order;
	}
	if (!n || n != calls || b != bytes) {
		tf_oracle_cause("F4", false, "the tracker's pool pages allocated with page_ext and freed account for %lld calls / %lld bytes, not the %lld / %lld kept",
				n, b, calls, bytes);
		return;
	}
	tf_oracle_cause("F4", true, "%lld pool page(s) allocated where page_ext existed (the first pfn %lu at op %ld, section %u) were counted for the tracker's call site and freed with their ref EMPTY",
			n, j_ev(first)->pfn, j_op(first), section_of(j_ev(first)->pfn));
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
		/* The recorder may have come after the reset (checked in the journal). */
		bool late = (u->flags & U_LATE_RECORD) && (early_tail(pfn) || late_record(pfn));
		/* The model stamps at the callbacks; the clear may not be there yet. */
		bool unstamped = ref == PREF_EMPTY &&
				 ((in_clear(cpu) && pg.clearing[pfn]) || late);

		if (!(u->flags & U_LIVE) || !has_ext(pfn) || (ref != PREF_NULL && !unstamped))
			continue;
		*expected = u->flags & U_UNTAGGED;
		if (*expected || !(u->flags & U_EARLY))
			return true;
		/* A tail's flags follow its head's, but a tail is never recorded: F2's cause. */
		bool tail = early_tail(pfn);

		if (late) {
			snprintf(cls, len, "early-record-race");
			tail ? cause_f2(pfn, start, u) : cause_f6(pfn, u);
		} else if (unstamped && clear_began(cpu)) {
			snprintf(cls, len, "early-during-clear");
			cause_f1_during(pfn, u, cpu);
		} else if (!st.callbacks_done || unstamped) {
			/* Before the init callbacks, or before their clear reset the recorder. */
			snprintf(cls, len, "early-before-clear");
			/* A dropped head: no clear would ever stamp it, F3's cause. */
			tail ? cause_f2(pfn, start, u) :
			(u->flags & U_DROPPED) ? cause_f3(pfn, u) : cause_f1(pfn, u, cpu);
		} else if (u->flags & U_DROPPED) {
			snprintf(cls, len, "early-dropped");
			tail ? cause_f2(pfn, start, u) : cause_f3(pfn, u);
		} else if (u->flags & U_OVERFLOW) {
			snprintf(cls, len, "early-overflow");
		} else if (u->flags & U_UNTRACKED) {
			snprintf(cls, len, "early-untracked");
		} else {
			snprintf(cls, len, "early-tail");
			cause_f2(pfn, start, u);
		}
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
	if (ev->check != TF_CHECK_WARN)
		return false;

	if (tf_str_eq(ev->site, "current->alloc_tag not set")) {
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
	if (!tf_str_eq(ev->site, "alloc_tag was not set"))
		return false;

	const struct cpu_ctx *C = &st.ctx[ev->cpu];

	/* A page online_pages() frees for the first time: nobody ever set its ref (F18). */
	if (C->freed_pfn >= 0 && (C->freed_unit.flags & U_HOTPLUG) && C->freed_pref == PREF_NULL) {
		ledger_hotplug_online_cause(C->freed_pfn, ev->cpu, true);
		snprintf(cls, len, "hotplug-online");
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

	cause_f5(pfn);
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
	    (pg.units[pfn].flags & U_LATE_RECORD) && (early_tail(pfn) || late_record(pfn))) {
		cause_f6(pfn, &pg.units[pfn]);
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
			if (end && st.nr_tracker == 0 && (o.calls || o.bytes)) {
				cause_f4(id, (long long)o.calls, (long long)o.bytes);
				fail(TF_SIG_TRACKER_TAG_DRIFT, NULL,
				     "%s keeps %lld calls / %lld bytes after every pool page was freed",
				     tf_tag_info(id).function, (long long)o.calls, (long long)o.bytes);
			}
			continue;
		}
		int64_t dc = o.calls - st.exp_calls[id], db = o.bytes - st.exp_bytes[id];

		if (dc > 0 && dc <= st.f5_calls[id] && db > 0 && db <= st.f5_bytes[id]) {
			cause_f5(st.f5_pfn[id]);
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
