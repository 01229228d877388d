// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model in page-flag mode (issue 6): the run's model when
 * struct tf_machine.pgflag_bits is set, in place of reference/model.c
 * (each oracle's reset says which runs it takes).  Its rules, from the
 * stated intent of the compressed tag references:
 *
 *  - while profiling is on, a page allocated with a tag holds that tag and
 *    the tag counts a call and the bytes until the page is freed; split
 *    parts hold the head's tag and a call each; migration swaps two tags;
 *    an untagged allocation warns "current->alloc_tag not set" (debug) and
 *    its free "alloc_tag was not set";
 *  - every reference the port encodes into the page flags decodes back to
 *    the same reference (the port's own idx_to_ref() on the stored bits);
 *  - the bits of page->flags outside the tag index never change, except
 *    by the scenario's own set_bit()/clear_bit();
 *  - what fits must be accepted and what does not fit must be refused:
 *    kernel tags get indices 2..count+1, module tags the next ones up to
 *    the module area's high-water mark; an index fits when it is at most
 *    the mask (1 << bits) - 1 and representable in pgalloc_tag_idx (u16);
 *  - once profiling is off, nothing changes any counter;
 *  - a module's tags have counters of their own from its load; at its
 *    unload the counters of the tags that account for no bytes are gone
 *    (clean_unused_counters()) and the others stay; a tag's counters are
 *    never gone while it accounts for bytes, and nothing reads or writes
 *    them once they are gone (the per-CPU shim reports every such use);
 *  - extra references and poisoned pages as in reference/model.c;
 *  - every page is allocated or free, and all come back at the end.
 *
 * Page refs are read through tf_observe_pgf() (the port's decode of its
 * flags, or page_ext after v3's fall-back); nothing else of the port.
 */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "oracle.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"

#define PREF_EMPTY	(-2)
#define PREF_NULL	(-1)
#define PAGE_BYTES	4096
#define IDX_TYPE_MAX	0xffffUL	/* pgalloc_tag_idx is u16 */

enum {
	U_LIVE		= 1 << 0,
	U_UNTAGGED	= 1 << 1,
	U_INTERNAL	= 1 << 2,	/* a port-internal allocation (page_ext tables, tracker) */
	U_LOST		= 1 << 3,	/* its ref did not decode back (reported) */
	U_HOTPLUG	= 1 << 4,	/* freed_unit: pages online_pages() handed to the buddy */
	U_HELD		= 1 << 5,	/* its owner freed it; extra references keep the head */
};

struct unit {
	uint8_t flags;
	uint8_t order;
};

/* Per CPU, for classifying checks (as reference/model.c). */
struct cpu_ctx {
	unsigned long pfn, nr;		/* the allocation a caller announced */
	unsigned long apfn, anr;	/* the op's last allocation */
	long freed_pfn;
	struct unit freed_unit;
	int32_t freed_pref;
};

/*
 * What the model knows of a run, but the per-page arrays and the tag
 * table: pgflags_model_reset() replaces all of it with a fresh one.
 */
static struct pgf_run {
	struct tf_machine m;
	tf_report_fn report;
	unsigned long nr_pages;
	uint64_t tag_field;
	unsigned long nr_touched;	/* pages in pg.touched[] */
	int nr_touched_tags;		/* slots in tags.touched[] */
	struct cpu_ctx ctx[TF_MAX_CPUS];
	int expect_current_not_set;
	unsigned long mod_high;		/* module area high-water mark, in tags */
	bool was_profiling;		/* profiling was on at the last look */
	bool capacity_checked;
	/* A decode named the wrong tag (reported): counts on unused tags follow from it. */
	bool decode_lost;
	/* Memory hotplug: the section online_pages() is freeing into the buddy, or -1. */
	int joining;
	bool mod_event;			/* a module loaded, failed or unloaded in this op */
	uint32_t unload_seq;		/* module unloads begun this run */
	bool unloading;			/* between a module's GOING and UNLOAD events */
} st;

/*
 * Per page, by pfn: pgflags_model_reset() sets them up to the larger of
 * this run's and the last run's size (a run touches no pfn past its own).
 */
static struct pgf_pages {
	int32_t pref[TF_MAX_PAGES];
	struct unit units[TF_MAX_PAGES];
	uint64_t obits[TF_MAX_PAGES];	/* page->flags outside the tag index */
	uint8_t shed[TF_MAX_PAGES];	/* as reference/model.c's */
	struct tf_ledger ledger;	/* allocated pages, reset by ledger_reset() */
	/* Pages to check after this op, each once; never cleared: stamp never repeats. */
	unsigned long touched[TF_MAX_PAGES];
	uint32_t touched_stamp[TF_MAX_PAGES], stamp;
	/* Per module area slot: whose it is (M_*), set up to mslot_high. */
	uint8_t mslot[TF_PGF_AREA_TAGS];
	unsigned long mslot_high;
} pg;

enum {
	M_NONE,		/* no module's: never loaded this run, or released */
	M_LOADED,	/* a loaded module's tag: it has counters */
	M_UNLOADED,	/* an unloaded module's tag whose area is kept */
};

/*
 * Expected counters, by tag id: an open-addressed table of the tags used.
 * Reset by clearing the slots a run used (used_slots[]).
 */
#define NR_SLOTS	16384
struct exp {
	int id;			/* 0: empty slot (ids are >= TF_TAG_ID_KERNEL) */
	int64_t calls, bytes;
	uint32_t touched;	/* == pg.stamp: an event of this op named it */
	bool aliased;		/* a wrong decode named it (reported): not checked */
	uint32_t freed_in_unload;	/* == st.unload_seq: a page of it was freed during that unload */
};
static struct pgf_tags {
	struct exp exp[NR_SLOTS];
	int used_slots[NR_SLOTS];
	int nr_used;
	int touched[NR_SLOTS];	/* slots an event of this op named, st.nr_touched_tags */
} tags;

/* A finding of this model: its signature, a class or NULL, a formatted detail. */
#define fail(sig, cls, ...)	tf_oracle_reportf(st.report, sig, cls, __VA_ARGS__)

static bool pgf_id(int id)
{
	return tf_pgf_is_kernel_id(id) || tf_pgf_is_module_id(id);
}

static struct exp *exp_of(int id)
{
	unsigned int h = (unsigned int)id * 2654435761u % NR_SLOTS;

	while (tags.exp[h].id && tags.exp[h].id != id)
		h = (h + 1) % NR_SLOTS;
	if (!tags.exp[h].id) {
		if (tags.nr_used == NR_SLOTS - 1)
			__builtin_trap();	/* more tags than a scenario can name */
		tags.exp[h].id = id;
		tags.used_slots[tags.nr_used++] = h;
	}
	if (tags.exp[h].touched != pg.stamp) {
		tags.exp[h].touched = pg.stamp;
		tags.touched[st.nr_touched_tags++] = h;
	}
	return &tags.exp[h];
}

static void touch(unsigned long pfn)
{
	if (pfn >= st.nr_pages || pg.touched_stamp[pfn] == pg.stamp)
		return;
	pg.touched_stamp[pfn] = pg.stamp;
	pg.touched[st.nr_touched++] = pfn;
}

static bool profiling(void)
{
	return tf_observe_pgf_state().profiling;
}

static const char *ref_name(int32_t ref, char *buf, size_t len)
{
	if (ref == PREF_NULL)
		return "NULL";
	if (ref == PREF_EMPTY)
		return "EMPTY";
	if (tf_pgf_is_kernel_id(ref))
		snprintf(buf, len, "kernel tag %d", ref - TF_TAG_ID_KERNEL);
	else if (tf_pgf_is_module_id(ref))
		snprintf(buf, len, "module area tag %d", ref - TF_TAG_ID_MODULE);
	else
		snprintf(buf, len, "tag %s", tf_tag_info(ref).function);
	return buf;
}

/* The index upstream gives a tag: 2 + kernel index, or 2 + count + area slot. */
static unsigned long index_of(int32_t id)
{
	if (tf_pgf_is_kernel_id(id))
		return 2 + (unsigned long)(id - TF_TAG_ID_KERNEL);
	return 2 + (unsigned long)st.m.kernel_tags + (unsigned long)(id - TF_TAG_ID_MODULE);
}

/* The largest index that fits: the mask, and what pgalloc_tag_idx holds. */
static unsigned long max_fitting_index(void)
{
	unsigned long mask = (1UL << st.m.pgflag_bits) - 1;

	return mask < IDX_TYPE_MAX ? mask : IDX_TYPE_MAX;
}

/* Page-flag mode only. */
static bool pgflags_model_reset(const struct tf_machine *m, tf_report_fn fn)
{
	unsigned long old = st.nr_pages;
	uint64_t boot_flags;

	if (!m->pgflag_bits)
		return false;
	st = (struct pgf_run){
		.m = *m,
		.report = fn,
		.nr_pages = tf_machine_pages(m),
		.tag_field = tf_pgf_tag_field(m->pgflag_bits),
		.was_profiling = m->profiling,
		.joining = -1,
	};
	for (int c = 0; c < TF_MAX_CPUS; c++)
		st.ctx[c] = (struct cpu_ctx){ .freed_pfn = -1 };
	if (old < st.nr_pages)
		old = st.nr_pages;
	boot_flags = tf_pgf_boot_flags(m->pgflag_bits);
	for (unsigned long i = 0; i < old; i++) {
		pg.pref[i] = PREF_NULL;
		pg.obits[i] = boot_flags;
	}
	memset(pg.units, 0, old * sizeof(pg.units[0]));
	memset(pg.mslot, 0, pg.mslot_high);
	pg.mslot_high = 0;
	memset(pg.shed, 0, old);
	ledger_reset(&pg.ledger, st.nr_pages, fn);
	/* Sections memory hotplug adds later: offline at boot. */
	ledger_set_offline(&pg.ledger, (unsigned long)m->section_pages * m->nr_sections,
			   (unsigned long)m->section_pages * m->hotplug_sections);
	pg.stamp++;
	for (int i = 0; i < tags.nr_used; i++)
		memset(&tags.exp[tags.used_slots[i]], 0, sizeof(tags.exp[0]));
	tags.nr_used = 0;
	return true;
}

/* Boot is over: alloc_tag_sec_init() has decided. */
static void pgflags_model_boot_done(void)
{
	struct tf_pgf_state ps = tf_observe_pgf_state();
	unsigned long last = 1 + (unsigned long)st.m.kernel_tags;	/* the last kernel tag's index */
	bool fits = last <= max_fitting_index();
	bool indexing = st.m.pgflags_variant == TF_PGF_V3 ? ps.compressed :
			(ps.compressed && ps.support);

	st.capacity_checked = true;
	st.was_profiling = ps.profiling;
	if (!st.m.kernel_tags)
		return;
	if (indexing && !fits)
		fail(TF_SIG_PGF_CAPACITY,
		     last <= (1UL << st.m.pgflag_bits) - 1 || last > IDX_TYPE_MAX ?
		     "index-type" : "off-by-two",
		     "%u kernel tags need indices up to %lu; %u bits and a u16 index hold up to %lu, yet alloc_tag_sec_init() accepted them",
		     st.m.kernel_tags, last, st.m.pgflag_bits, max_fitting_index());
	if (!indexing && fits)
		fail(TF_SIG_PGF_CAPACITY_REFUSED, NULL,
		     "%u kernel tags need indices up to %lu, which %u bits hold, yet alloc_tag_sec_init() refused them",
		     st.m.kernel_tags, last, st.m.pgflag_bits);
}

static void check_page(unsigned long pfn, bool prof);

/*
 * The port is about to act on @pfn's stored ref (split, free, swap): if it
 * no longer decodes to what was stored, say so now and follow the port.
 */
static void settle(unsigned long pfn)
{
	if (pfn < st.nr_pages && (pg.units[pfn].flags & U_LIVE) && !(pg.units[pfn].flags & U_LOST))
		check_page(pfn, profiling());
}

static void on_alloc(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order;
	struct unit *u;

	if (!ledger_alloc(&pg.ledger, pfn, ev->order))
		return;
	st.ctx[ev->cpu].apfn = pfn;
	st.ctx[ev->cpu].anr = n;
	u = &pg.units[pfn];
	u->flags = U_LIVE;
	u->order = ev->order;
	touch(pfn);
	if (ev->tag == TF_TAG_NONE)
		u->flags |= U_UNTAGGED;
	else if (!pgf_id(ev->tag))
		u->flags |= U_INTERNAL;
	if (!profiling())
		return;
	if (u->flags & U_UNTAGGED) {
		/* alloc_tag_add_check() warns; the ref is written back as it was. */
		if (st.m.debug)
			st.expect_current_not_set++;
		return;
	}
	pg.pref[pfn] = ev->tag;
	if (u->flags & U_INTERNAL)
		return;
	exp_of(ev->tag)->calls++;
	exp_of(ev->tag)->bytes += (int64_t)PAGE_BYTES << ev->order;
}

/*
 * online_pages() hands a chunk of the section it onlines to the buddy
 * (__free_pages_core(), pgalloc_tag_sub() on a ref nobody set): the
 * pages join the zone, no counter moves (as reference/model.c).
 */
static bool hotplug_free(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order;
	struct cpu_ctx *C = &st.ctx[ev->cpu];

	if (st.joining < 0 || pfn >= st.nr_pages ||
	    pfn / st.m.section_pages != (unsigned long)st.joining ||
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

static void on_mem_notify(const struct tf_event *ev)
{
	unsigned long start = (unsigned long)ev->section * st.m.section_pages;

	if (start >= st.nr_pages)
		return;
	switch (ev->order) {
	case TF_MEM_GOING_ONLINE:
		st.joining = ev->section;
		/* memory_block_online() let it through: no page there is poisoned. */
		ledger_block_online(&pg.ledger, start, st.m.section_pages, false);
		/*
		 * A section's memmap is initialised anew (__init_single_page()):
		 * its refs read NULL, page->flags holds the links alone.
		 */
		for (unsigned long pfn = start; pfn < start + st.m.section_pages; pfn++) {
			pg.pref[pfn] = PREF_NULL;
			pg.obits[pfn] = tf_pgf_boot_flags(st.m.pgflag_bits);
		}
		break;
	case TF_MEM_ONLINE:
	case TF_MEM_CANCEL_ONLINE:
		st.joining = -1;
		break;
	case TF_MEM_OFFLINE:
		ledger_offline(&pg.ledger, start, st.m.section_pages);
		break;
	default:
		break;
	}
}

/* Another CPU's op announced a free (or other call) of the order-@order allocation at @pfn. */
static bool owner_freeing(unsigned long pfn, unsigned int order, int cpu)
{
	for (int c = 0; c < TF_MAX_CPUS; c++)
		if (c != cpu && st.ctx[c].pfn == pfn && st.ctx[c].nr == 1UL << order)
			return true;
	return false;
}

/* The owner's ___free_pages() of @head is in its other branch (as reference/model.c). */
static void shed_begins(unsigned long head)
{
	struct unit *u = &pg.units[head];
	int32_t tag;

	settle(head);
	tag = pg.pref[head];
	if (profiling() && tag >= 0 && pgf_id(tag) && !(u->flags & U_INTERNAL))
		exp_of(tag)->bytes -= (int64_t)PAGE_BYTES * ((1 << u->order) - 1);
	pg.shed[head] = u->order + 1;
	u->order = 0;
	u->flags |= U_HELD;
	touch(head);
}

/* A tail chunk of ___free_pages()'s other branch (reference/model.c says how). */
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
	if (profiling())
		pg.pref[pfn] = PREF_NULL;
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
	kept = !ev->order && pg.ledger.poisoned[pfn];
	settle(pfn);
	st.ctx[ev->cpu].freed_pfn = pfn;
	st.ctx[ev->cpu].freed_unit = *u;
	st.ctx[ev->cpu].freed_pref = pg.pref[pfn];
	touch(pfn);
	/* While a module's tags are being cleaned, this free may race the clean. */
	if (st.unloading && pg.pref[pfn] >= 0 && tf_pgf_is_module_id(pg.pref[pfn]))
		exp_of(pg.pref[pfn])->freed_in_unload = st.unload_seq;
	if (profiling()) {
		int32_t ref = pg.pref[pfn];

		if (ref >= 0 && pgf_id(ref)) {
			exp_of(ref)->calls--;
			exp_of(ref)->bytes -= (int64_t)PAGE_BYTES << ev->order;
		}
		pg.pref[pfn] = PREF_NULL;
		/* Kept poisoned: clear_page_tag_ref() (NULL without the debug config). */
		if (kept)
			pg.pref[pfn] = st.m.debug ? PREF_EMPTY : PREF_NULL;
	}
	if (kept)
		ledger_keep(&pg.ledger, pfn);
	else
		ledger_free(&pg.ledger, pfn, ev->order);
	u->flags = 0;
}

static void on_split(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	struct unit head;
	int32_t tag;

	settle(pfn);
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
		if (!i || !profiling() || tag < 0)
			continue;
		/* pgalloc_tag_split(): each part refers to the head's tag. */
		pg.pref[pfn + i] = tag;
		if (pgf_id(tag))
			exp_of(tag)->calls++;
	}
}

static void on_migrate(const struct tf_event *ev)
{
	unsigned long new = ev->pfn, old = ev->pfn2;
	int32_t t;

	touch(new);
	touch(old);
	settle(new);
	settle(old);
	/* pgalloc_tag_swap() swaps only two real tags. */
	if (!profiling() || pg.pref[new] < 0 || pg.pref[old] < 0)
		return;
	t = pg.pref[new];
	pg.pref[new] = pg.pref[old];
	pg.pref[old] = t;
}

/* The expected counters of @id if an event ever named it, else NULL. */
static struct exp *exp_find(int id)
{
	unsigned int h = (unsigned int)id * 2654435761u % NR_SLOTS;

	while (tags.exp[h].id && tags.exp[h].id != id)
		h = (h + 1) % NR_SLOTS;
	return tags.exp[h].id ? &tags.exp[h] : NULL;
}

static bool ctr_gone(enum tf_pgf_ctr c)
{
	return c == TF_PGF_CTR_NULL || c == TF_PGF_CTR_FREED;
}

static const char *ctr_name(enum tf_pgf_ctr c)
{
	switch (c) {
	case TF_PGF_CTR_OWN:
		return "counters of its own";
	case TF_PGF_CTR_SHADOW:
		return "the shared shadow counters";
	case TF_PGF_CTR_NULL:
		return "NULL counters";
	case TF_PGF_CTR_FREED:
		return "a pointer to freed counters";
	}
	return "?";
}

static void mslot_set(unsigned long slot, unsigned long nr, uint8_t state)
{
	for (unsigned long s = slot; s < slot + nr && s < TF_PGF_AREA_TAGS; s++)
		pg.mslot[s] = state;
	if (slot + nr > pg.mslot_high)
		pg.mslot_high = slot + nr < TF_PGF_AREA_TAGS ? slot + nr : TF_PGF_AREA_TAGS;
}

/* A free of a page tagged @id is in flight on a CPU other than @cpu. */
static bool free_in_flight(int id, int cpu)
{
	for (int c = 0; c < TF_MAX_CPUS; c++)
		if (c != cpu && st.ctx[c].freed_pfn >= 0 && st.ctx[c].freed_pref == id)
			return true;
	return false;
}

/*
 * A tag's counters against what its place says: a loaded module's tag has
 * its own; any module tag that accounts for bytes keeps its own.
 */
static void check_lifetime(int id)
{
	unsigned long slot = (unsigned long)(id - TF_TAG_ID_MODULE);
	struct exp *e = exp_find(id);
	enum tf_pgf_ctr c;
	char b[64];

	if (slot >= TF_PGF_AREA_TAGS || (e && e->aliased))
		return;
	c = tf_observe_pgf_counters(id);
	if (pg.mslot[slot] == M_LOADED && c != TF_PGF_CTR_OWN)
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "missing",
		     "%s belongs to a loaded module but has %s", ref_name(id, b, sizeof(b)),
		     ctr_name(c));
	else if (e && e->bytes && ctr_gone(c))
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "freed-with-bytes",
		     "%s accounts for %lld bytes but has %s", ref_name(id, b, sizeof(b)),
		     (long long)e->bytes, ctr_name(c));
}

/* load_module() gave each tag counters; on failure it took them all back. */
static void on_module_counters(const struct tf_event *ev, bool loaded)
{
	unsigned long slot = ev->pfn, nr = ev->pfn2;
	char b[64];

	st.mod_event = true;
	mslot_set(slot, nr, loaded ? M_LOADED : M_NONE);
	for (unsigned long s = slot; s < slot + nr && s < TF_PGF_AREA_TAGS; s++) {
		int id = TF_TAG_ID_MODULE + (int)s;
		enum tf_pgf_ctr c;

		/*
		 * A load: its first and last tags (the loop's bounds); the tags
		 * used later are checked after every module op (check_lifetime()).
		 */
		if (loaded && s != slot && s != slot + nr - 1)
			continue;
		c = tf_observe_pgf_counters(id);

		if (loaded && c != TF_PGF_CTR_OWN) {
			fail(TF_SIG_PGF_COUNTERS_LIFETIME, "missing",
			     "module %u loaded, but its %s has %s", ev->order,
			     ref_name(id, b, sizeof(b)), ctr_name(c));
			return;
		}
		if (!loaded && c == TF_PGF_CTR_OWN) {
			fail(TF_SIG_PGF_COUNTERS_LIFETIME, "leaked",
			     "module %u failed to load, but its %s kept counters of its own",
			     ev->order, ref_name(id, b, sizeof(b)));
			return;
		}
	}
}

/*
 * release_module_tags(mod, true) has run: clean_unused_counters() freed
 * the counters of every tag that read zero bytes and kept the others;
 * with none kept the area is released.  A free of one of the tags on
 * another CPU since the unload began (TF_PGF_EV_MODULE_GOING), or still
 * in flight, may have come after the clean read that tag: its counters
 * may be kept with no bytes left.
 */
/* One tag of an unloading module: -1 reported, 1 counters kept, 0 gone. */
static int check_unloaded_tag(const struct tf_event *ev, unsigned long s)
{
	int id = TF_TAG_ID_MODULE + (int)s;
	struct exp *e = exp_find(id);
	enum tf_pgf_ctr c = tf_observe_pgf_counters(id);
	int64_t bytes = e ? e->bytes : 0;
	char b[64];

	if (e && e->aliased)
		return !ctr_gone(c);
	if (ctr_gone(c) && bytes) {
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "freed-with-bytes",
		     "module %u unloaded: its %s accounts for %lld bytes, yet has %s",
		     ev->order, ref_name(id, b, sizeof(b)), (long long)bytes, ctr_name(c));
		return -1;
	}
	if (!ctr_gone(c) && !bytes && !free_in_flight(id, ev->cpu) &&
	    !(e && e->freed_in_unload == st.unload_seq)) {
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "kept-unused",
		     "module %u unloaded: its %s accounts for no bytes, yet has %s",
		     ev->order, ref_name(id, b, sizeof(b)), ctr_name(c));
		return -1;
	}
	return !ctr_gone(c);
}

/*
 * Its first and last tags (clean_unused_counters()'s bounds) and every tag
 * of it an event named; the others never counted anything.
 */
static void on_module_unload(const struct tf_event *ev)
{
	unsigned long slot = ev->pfn, nr = ev->pfn2;
	bool kept = false;
	int r;

	st.mod_event = true;
	st.unloading = false;
	if (!nr)
		return;
	if ((r = check_unloaded_tag(ev, slot)) < 0 ||
	    (nr > 1 && (r |= check_unloaded_tag(ev, slot + nr - 1)) < 0))
		return;
	kept = r;
	for (int i = 0; i < tags.nr_used; i++) {
		int id = tags.exp[tags.used_slots[i]].id;
		unsigned long s = (unsigned long)(id - TF_TAG_ID_MODULE);

		if (!tf_pgf_is_module_id(id) || s < slot || s >= slot + nr)
			continue;
		if ((r = check_unloaded_tag(ev, s)) < 0)
			return;
		kept |= r;
	}
	mslot_set(slot, nr, kept ? M_UNLOADED : M_NONE);
}

/*
 * The per-CPU shim saw a read or write through counters that are gone.
 * When the page the CPU acts on is one whose stored index no longer
 * decodes to its tag (reported, F9/F10), the tag reached is the wrong
 * decode's: classed lost-ref.  When the freed page's tag has had more
 * bytes subtracted than added (its expected bytes are below zero now),
 * an earlier free through a stale reference (left while profiling was off,
 * on a page taken again at another order) brought it to zero while this
 * page still referred to it: classed stale-ref.
 */
static void on_counters_use(const struct tf_event *ev)
{
	const struct cpu_ctx *C = &st.ctx[ev->cpu];
	const char *cls = ev->pfn == TF_PGF_CTR_USE_NULL ? "null" : "freed";
	char b[64], ctx[128] = "";

	if (C->freed_pfn >= 0) {
		struct exp *e = C->freed_pref >= 0 ? exp_find(C->freed_pref) : NULL;

		snprintf(ctx, sizeof(ctx), " (freeing pfn %ld, tagged %s)", C->freed_pfn,
			 ref_name(C->freed_pref, b, sizeof(b)));
		if (C->freed_unit.flags & U_LOST)
			cls = "lost-ref";
		else if (e && e->bytes < 0)
			cls = "stale-ref";	/* more subtracted than added: a stale ref's free did it */
	} else if (C->nr) {
		snprintf(ctx, sizeof(ctx), " (acting on pfn %lu)", C->pfn);
		for (unsigned long pfn = C->pfn; pfn < C->pfn + C->nr && pfn < st.nr_pages; pfn++)
			if (pg.units[pfn].flags & U_LOST)
				cls = "lost-ref";
	}
	fail(TF_SIG_PGF_COUNTERS_UAF, cls, "CPU%d %s: %s through %s module tag counters%s",
	     ev->cpu, ev->func, ev->site, ev->pfn == TF_PGF_CTR_USE_NULL ? "NULL" : "freed", ctx);
}

static void on_module_load(const struct tf_event *ev)
{
	unsigned long slot = ev->pfn, nr = ev->pfn2, high = slot + nr;
	unsigned long last = 1 + st.m.kernel_tags + high;	/* the index of the area's last tag */
	bool before = st.was_profiling;
	struct tf_pgf_state ps = tf_observe_pgf_state();

	if (!nr)
		return;
	on_module_counters(ev, true);
	/* The loader copies the module's tags in: fresh counters. */
	for (unsigned long s = slot; s < slot + nr; s++) {
		int id = TF_TAG_ID_MODULE + (int)s;
		unsigned int h = (unsigned int)id * 2654435761u % NR_SLOTS;

		while (tags.exp[h].id && tags.exp[h].id != id)
			h = (h + 1) % NR_SLOTS;
		if (!tags.exp[h].id)
			continue;
		if (tags.exp[h].bytes && !tags.exp[h].aliased)
			fail(TF_SIG_PGF_MODULE_AREA_REUSED, NULL,
			     "module %u's tags were placed over area tag %lu, which still accounts for %lld bytes",
			     ev->order, s, (long long)tags.exp[h].bytes);
		tags.exp[h].calls = tags.exp[h].bytes = 0;
		tags.exp[h].aliased = false;
	}
	if (high <= st.mod_high)
		return;
	st.mod_high = high;
	/* tags_addressable(): only when the area grows, only with profiling on. */
	if (!before)
		return;
	if (!ps.compressed) {
		/* v3's fall-back: page_ext addresses any tag. */
		if (!ps.profiling)
			fail(TF_SIG_PGF_CAPACITY_REFUSED, "v3-page-ext",
			     "module %u: the tag references are in page_ext, yet tags_addressable() turned profiling off",
			     ev->order);
		return;
	}
	if (ps.profiling && last > max_fitting_index())
		fail(TF_SIG_PGF_CAPACITY,
		     last > IDX_TYPE_MAX && last < (1UL << st.m.pgflag_bits) ? "index-type" : "module",
		     "module %u: area tags up to index %lu; %u bits and a u16 index hold up to %lu, yet tags_addressable() passed",
		     ev->order, last, st.m.pgflag_bits, max_fitting_index());
	if (!ps.profiling && last <= max_fitting_index())
		fail(TF_SIG_PGF_CAPACITY_REFUSED, "module-off-by-one",
		     "module %u: area tags up to index %lu fit in %u bits, yet tags_addressable() shut profiling down",
		     ev->order, last, st.m.pgflag_bits);
}

static void on_pgf(const struct tf_event *ev)
{
	switch (ev->section) {
	case TF_PGF_EV_BIT_SET:
		if (ev->pfn < st.nr_pages)
			pg.obits[ev->pfn] |= 1ull << ev->order;
		touch(ev->pfn);
		break;
	case TF_PGF_EV_BIT_CLEAR:
		if (ev->pfn < st.nr_pages)
			pg.obits[ev->pfn] &= ~(1ull << ev->order);
		touch(ev->pfn);
		break;
	case TF_PGF_EV_MODULE_LOAD:
		on_module_load(ev);
		break;
	case TF_PGF_EV_SYSCTL: {
		struct tf_pgf_state ps = tf_observe_pgf_state();
		unsigned long last = 1 + st.m.kernel_tags + st.mod_high;

		/*
		 * Profiling back on: every tag it can meet must still fit, module
		 * tags loaded while it was off included (tags_addressable() ran
		 * only with profiling on).
		 */
		if (!st.was_profiling && ps.profiling && ps.compressed && st.mod_high &&
		    last > max_fitting_index())
			fail(TF_SIG_PGF_CAPACITY, "re-enabled",
			     "vm.mem_profiling=1 with module area tags up to index %lu; %u bits and a u16 index hold up to %lu",
			     last, st.m.pgflag_bits, max_fitting_index());
		st.was_profiling = ps.profiling;
		break;
	}
	case TF_PGF_EV_MODULE_GOING:
		st.unloading = true;
		st.unload_seq++;
		break;
	case TF_PGF_EV_MODULE_UNLOAD:
		on_module_unload(ev);
		break;
	case TF_PGF_EV_COUNTERS_USE:
		on_counters_use(ev);
		break;
	case TF_PGF_EV_MODULE_FAILED: {
		struct tf_pgf_state ps = tf_observe_pgf_state();

		if (ev->alloc_flags & TF_PGF_FAIL_COUNTERS) {
			on_module_counters(ev, false);
			break;
		}

		/*
		 * Alignment matters only for indexing: with the refs in
		 * page_ext (v3's fall-back) a module must not fail for it.
		 */
		if (!ps.compressed && ev->pfn && 40 % ev->pfn)
			fail(TF_SIG_PGF_MODULE_REFUSED, "v3-page-ext",
			     "module %u (alignment %lu) failed to load although the tag references are in page_ext",
			     ev->order, ev->pfn);
		break;
	}
	default:
		break;
	}
}

static void pgflags_model_on_event(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		on_alloc(ev);
		break;
	case TF_EV_PAGE_FREE:
		on_free(ev);
		break;
	case TF_EV_PAGE_SPLIT:
		on_split(ev);
		break;
	case TF_EV_PAGE_MIGRATE:
		on_migrate(ev);
		break;
	case TF_EV_PGF:
		on_pgf(ev);
		break;
	case TF_EV_MEM_NOTIFY:
		on_mem_notify(ev);
		break;
	case TF_EV_MEM_REFUSED:
		if ((unsigned long)ev->section * st.m.section_pages < st.nr_pages)
			ledger_block_online(&pg.ledger, (unsigned long)ev->section * st.m.section_pages,
					    st.m.section_pages, true);
		break;
	case TF_EV_CALL:
		st.ctx[ev->cpu].pfn = ev->pfn;
		st.ctx[ev->cpu].nr = ev->pfn2;
		st.ctx[ev->cpu].freed_pfn = -1;
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
		ledger_op_end(&pg.ledger, ev->cpu);
		st.ctx[ev->cpu] = (struct cpu_ctx){ .freed_pfn = -1 };
		break;
	case TF_EV_PRINTK:
		/* memory_failure()'s action_result(): F22's cause. */
		ledger_printk_event(&pg.ledger, ev);
		break;
	default:
		break;
	}
}

/*
 * An untagged page with a NULL ref in [start, start + nr) explains the
 * check; a page whose tag the encoding lost gives it a class.
 */
static bool untagged_in(const struct cpu_ctx *C, unsigned long start, unsigned long nr,
			bool *lost)
{
	for (unsigned long pfn = start; pfn < start + nr && pfn < st.nr_pages; pfn++) {
		const struct unit *u = &pg.units[pfn];
		int32_t ref = pg.pref[pfn];

		if ((long)pfn == C->freed_pfn && !(u->flags & U_LIVE)) {
			u = &C->freed_unit;
			ref = C->freed_pref;
		} else {
			settle(pfn);	/* a free warns before its event: look now */
			ref = pg.pref[pfn];
		}
		if ((u->flags & U_LIVE) && (u->flags & U_UNTAGGED) && ref == PREF_NULL)
			return true;
		if ((u->flags & U_LIVE) && (u->flags & U_LOST) && ref == PREF_NULL)
			*lost = true;
	}
	return false;
}

static bool pgflags_model_classify_check(const struct tf_event *ev, char *cls, size_t len)
{
	const struct cpu_ctx *C = &st.ctx[ev->cpu];

	cls[0] = '\0';
	if (ev->check != TF_CHECK_WARN)
		return false;
	if (!strcmp(ev->site, "current->alloc_tag not set") && st.expect_current_not_set > 0) {
		st.expect_current_not_set--;
		return true;
	}
	if (!strcmp(ev->site, "alloc_tag was not set")) {
		bool lost = false;

		/* A page online_pages() frees for the first time: nobody ever set its ref (F18). */
		if (C->freed_pfn >= 0 && (C->freed_unit.flags & U_HOTPLUG) &&
		    C->freed_pref == PREF_NULL) {
			ledger_hotplug_online_cause(C->freed_pfn, ev->cpu,
						    !tf_observe_pgf(C->freed_pfn).compressed);
			snprintf(cls, len, "hotplug-online");
			return false;
		}

		if (untagged_in(C, C->pfn, C->nr, &lost) || untagged_in(C, C->apfn, C->anr, &lost))
			return true;
		if (lost)
			snprintf(cls, len, "pgflags-lost-ref");
	}
	return false;
}

/* The class of a decode that lost the reference: why its index did not fit. */
static const char *decode_class(int32_t want)
{
	unsigned long idx;

	if (want < 0 || !pgf_id(want))
		return NULL;
	idx = index_of(want);
	if (idx > (1UL << st.m.pgflag_bits) - 1)
		return "index-overflow";
	if (idx > IDX_TYPE_MAX)
		return "index-truncated";
	return NULL;
}

static void check_page(unsigned long pfn, bool prof)
{
	struct tf_pgf_obs o = tf_observe_pgf(pfn);
	uint64_t outside = o.compressed ? o.flags & ~st.tag_field : o.flags;
	char b1[64], b2[64];
	int32_t got;
	bool ok;

	if (outside != pg.obits[pfn]) {
		fail(TF_SIG_PGF_OTHER_BITS, NULL,
		     "pfn %lu: page->flags %#llx, bits outside the tag index should be %#llx",
		     pfn, (unsigned long long)o.flags, (unsigned long long)pg.obits[pfn]);
		pg.obits[pfn] = outside;
	}
	/* Live pages, and poisoned pages kept by the free (their ref is cleared). */
	if (!prof || !((pg.units[pfn].flags & U_LIVE) || pg.ledger.kept[pfn]) ||
	    (pg.units[pfn].flags & U_INTERNAL))
		return;
	switch (o.state) {
	case TF_REF_NULL:
		got = PREF_NULL;
		ok = pg.pref[pfn] == PREF_NULL;
		break;
	case TF_REF_EMPTY:
		got = PREF_EMPTY;
		ok = pg.pref[pfn] == PREF_EMPTY;
		break;
	case TF_REF_TAG:
		got = o.tag;
		ok = pg.pref[pfn] == o.tag;
		break;
	default:
		got = PREF_NULL;
		ok = false;
	}
	if (ok)
		return;
	if (o.compressed)
		fail(TF_SIG_PGF_DECODE, decode_class(pg.pref[pfn]), "pfn %lu was tagged %s; its flags hold index %llu, which decodes to %s",
		     pfn, ref_name(pg.pref[pfn], b1, sizeof(b1)), (unsigned long long)o.idx,
		     o.state == TF_REF_BAD ? "a pointer to no tag" : ref_name(got, b2, sizeof(b2)));
	else
		fail(TF_SIG_REF_MISMATCH, decode_class(pg.pref[pfn]), "pfn %lu should hold %s, holds %s", pfn,
		     ref_name(pg.pref[pfn], b1, sizeof(b1)), ref_name(got, b2, sizeof(b2)));
	pg.pref[pfn] = got;	/* follow the port from here on */
	if (got >= 0 && pgf_id(got))
		exp_of(got)->aliased = true;	/* its counts now depend on what else shares it */
	pg.units[pfn].flags |= U_LOST;
	st.decode_lost |= o.compressed;
}

static void check_counter(struct exp *e)
{
	struct tf_tag_obs o = tf_observe_tag(e->id);
	char b[64];

	if (e->aliased || (o.calls == e->calls && o.bytes == e->bytes))
		return;
	/*
	 * Counters clean_unused_counters() freed read as nothing.  It frees
	 * them on zero bytes alone, whatever the calls say (after a profiling
	 * toggle the calls can be left over); bytes left are the lifetime
	 * check's (freed-with-bytes).
	 */
	if (tf_pgf_is_module_id(e->id) && ctr_gone(tf_observe_pgf_counters(e->id)))
		return;
	/* Tags nobody allocated with share one counter block that wrong decodes hit. */
	if (st.decode_lost && tf_observe_pgf_tag_unused(e->id))
		return;
	fail(TF_SIG_PGF_COUNTER_MISMATCH, NULL,
	     "%s: %lld calls / %lld bytes, the live allocations account for %lld / %lld%s",
	     ref_name(e->id, b, sizeof(b)), (long long)o.calls, (long long)o.bytes,
	     (long long)e->calls, (long long)e->bytes,
	     st.was_profiling ? "" : " (profiling is off: counters must not move)");
	e->calls = o.calls;
	e->bytes = o.bytes;
}

static void check_common(void)
{
	struct tf_pgf_state ps = tf_observe_pgf_state();

	if (ps.shadow_counted && !st.decode_lost)
		fail(TF_SIG_PGF_UNUSED_TAG_COUNTED, NULL,
		     "a kernel or module tag no allocation used has counts: a decode named the wrong tag");
	ledger_check_count(&pg.ledger, tf_observe_free_count(), "in buddy and PCP lists");
	if (st.expect_current_not_set > 0) {
		fail(TF_SIG_MISSING_CHECK, NULL, "an untagged allocation did not warn \"current->alloc_tag not set\"");
		st.expect_current_not_set = 0;
	}
	st.was_profiling = ps.profiling;
}

static void pgflags_model_check_op(void)
{
	bool prof = profiling();

	if (!st.capacity_checked)
		pgflags_model_boot_done();
	for (unsigned long i = 0; i < st.nr_touched; i++)
		check_page(pg.touched[i], prof);
	for (int i = 0; i < st.nr_touched_tags; i++)
		check_counter(&tags.exp[tags.touched[i]]);
	/* Counters come and go only with modules: after such an op, every module tag used. */
	if (st.mod_event)
		for (int i = 0; i < tags.nr_used; i++)
			if (tf_pgf_is_module_id(tags.exp[tags.used_slots[i]].id))
				check_lifetime(tags.exp[tags.used_slots[i]].id);
	st.mod_event = false;
	st.nr_touched = 0;
	st.nr_touched_tags = 0;
	pg.stamp++;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		st.ctx[c].apfn = st.ctx[c].anr = 0;
	check_common();
}

/* The end check leaves out the port's own allocations (page_ext tables, tracker). */
static bool internal_page(unsigned long pfn)
{
	return pg.units[pfn].flags & U_INTERNAL;
}

static void pgflags_model_check_end(void)
{
	bool prof = profiling();

	pgflags_model_check_op();
	for (unsigned long pfn = 0; pfn < st.nr_pages; pfn++)
		check_page(pfn, prof);
	for (int i = 0; i < tags.nr_used; i++)
		check_counter(&tags.exp[tags.used_slots[i]]);
	ledger_check_end(&pg.ledger, internal_page);
}

const struct tf_oracle tf_pgflags_oracle = {
	.name = "pgflags",
	.reset = pgflags_model_reset,
	.boot_done = pgflags_model_boot_done,
	.on_event = pgflags_model_on_event,
	.classify = pgflags_model_classify_check,
	.check_op = pgflags_model_check_op,
	.check_end = pgflags_model_check_end,
};
