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

#include "journal.h"
#include "ledger.h"
#include "oracle.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/strmatch.h"

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
	/* For the known findings' causes (docs/findings.md "Cause"): what this run went through. */
	bool boot_indexing;		/* alloc_tag_sec_init() let the refs into the flags */
	bool boot_fallback;		/* v3: it fell back to page_ext instead */
	bool fallback_msg;		/* ... and said so ("page extensions will be used instead") */
	unsigned long boot_count;	/* kernel_tags.count as the port counted it */
	struct growth {			/* each load that grew the module area */
		long op;
		unsigned int module;
		unsigned long lo, hi;	/* the area slots it added */
		bool prof_before, prof_after, support_after;
		bool failed;		/* its counters failed: the load did, the growth stayed */
	} grow[32];
	int nr_grow;
	bool grow_overflow;
	long enable_op;			/* the last vm.mem_profiling write that turned it on */
	bool enable_support;		/* mem_profiling_support was on at that write */
	long align_msg_op;		/* reserve_module_tags()'s alignment refusal was printed */
	long refused_op;		/* ... its "too many tags" refusal, and of which module */
	unsigned int refused_mod;
	long key_off_op;		/* the refs were in the flags after boot; the op that turned them off */
	long shutdown_op;		/* the last prof_shutdown (shutdown_mem_profiling()) */
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
	/*
	 * Causes: a U_LOST page's decode (the finding judged, whether its
	 * cause held, the op, the tag it should hold, the index it holds);
	 * a ref a free left while profiling was off (the op, or -1) and the
	 * allocation that took it again while still off (the op, or -1).
	 */
	const char *lost_id[TF_MAX_PAGES];
	bool lost_holds[TF_MAX_PAGES];
	long lost_op[TF_MAX_PAGES];
	int32_t lost_want[TF_MAX_PAGES];
	uint64_t lost_idx[TF_MAX_PAGES];
	long left_op[TF_MAX_PAGES], stale_op[TF_MAX_PAGES];
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
	/* F21's cause: a free through a stale ref subtracted from it (pfn, op), else op -1 */
	long stale_sub_op, stale_left_op, stale_alloc_op;
	unsigned long stale_pfn;
	unsigned int stale_order;
	long mismatch_op;	/* the port's counters were found below ours at this op, else -1 */
	uint32_t touched;	/* == pg.stamp: an event of this op named it */
	bool aliased;		/* a wrong decode named it (reported): not checked */
	/*
	 * == st.unload_seq: a page of it was freed during that unload, or its
	 * free was in flight when it began (kept_unused_explained(), when the
	 * journal overflowed)
	 */
	uint32_t freed_in_unload;
	/*
	 * Bytes subtracted through refs a decode lost (U_LOST pages, the port
	 * followed): their sum, how many frees, and the last one's decode;
	 * lost_holds while every one came through a decode of lost_id's whose
	 * cause held (cause_lifetime()).
	 */
	int64_t lost_bytes;
	unsigned int lost_n;
	const char *lost_id;
	bool lost_holds;
	long lost_pfn, lost_op;
	int32_t lost_want;
	uint64_t lost_idx;
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
		tags.exp[h].stale_sub_op = tags.exp[h].mismatch_op = -1;
		tags.used_slots[tags.nr_used++] = h;
	}
	if (tags.exp[h].touched != pg.stamp) {
		tags.exp[h].touched = pg.stamp;
		tags.touched[st.nr_touched_tags++] = h;
	}
	return &tags.exp[h];
}

/* A free (or shed) of pfn subtracts @n bytes from @e, through a lost decode if @flags say so. */
static void sub_bytes(struct exp *e, unsigned long pfn, unsigned int flags, int64_t n)
{
	bool first;

	e->bytes -= n;
	if (!(flags & U_LOST))
		return;
	first = !e->lost_n++;
	e->lost_bytes -= n;
	e->lost_holds = (first || e->lost_holds) && pg.lost_id[pfn] && pg.lost_holds[pfn] &&
			(first || (e->lost_id && tf_str_eq(e->lost_id, pg.lost_id[pfn])));
	e->lost_id = pg.lost_id[pfn];
	e->lost_pfn = (long)pfn;
	e->lost_op = pg.lost_op[pfn];
	e->lost_want = pg.lost_want[pfn];
	e->lost_idx = pg.lost_idx[pfn];
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

/* The op the run is in (the journal's last record), -1 at boot and teardown. */
static long cur_op(void)
{
	size_t n = tf_journal_len();

	return n ? tf_journal_at(n - 1)->op : -1;
}

static const char *op_name(long op, char *buf, size_t len)
{
	if (op < 0)
		return "boot";
	snprintf(buf, len, "op %ld", op);
	return buf;
}

/* The index a ref to @id is stored as: ref_to_idx()'s u16, then the mask. */
static unsigned long stored_index(int32_t id)
{
	return (index_of(id) & IDX_TYPE_MAX) & ((1UL << st.m.pgflag_bits) - 1);
}

/* The load that grew the module area over @slot, or NULL. */
static const struct growth *growth_of(unsigned long slot)
{
	for (int i = 0; i < st.nr_grow; i++)
		if (slot >= st.grow[i].lo && slot < st.grow[i].hi)
			return &st.grow[i];
	return NULL;
}

/*
 * A load whose growth no check stopped while profiling came back: it grew
 * the area with profiling off (tags_addressable() not run), or its check
 * turned only the key off and left the sysctl open (v3).  F13's way in.
 */
static bool growth_unchecked(const struct growth *g)
{
	return !g->prof_before || (!g->prof_after && g->support_after);
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
		pg.left_op[i] = pg.stale_op[i] = -1;
	}
	st.enable_op = st.align_msg_op = st.refused_op = st.key_off_op = st.shutdown_op = -2;
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

/*
 * F9's cause: alloc_tag_sec_init() let in (1 << bits) - 1 or 1 << bits
 * kernel tags, the two counts its test `count > 1 << bits` passes although
 * their last index (count + 1) is past the mask.
 */
static bool f9_count(void)
{
	unsigned long n = 1UL << st.m.pgflag_bits;

	return st.boot_indexing && (st.boot_count == n - 1 || st.boot_count == n);
}

static void cause_f9_capacity(void)
{
	unsigned int b = st.m.pgflag_bits;

	if (f9_count())
		tf_oracle_cause("F9", true,
				"alloc_tag_sec_init() let in %lu kernel tags in %u bits at boot: its test %lu > 1 << %u passes (1 << %u) - 1 and 1 << %u; the last index %lu is past the mask",
				st.boot_count, b, st.boot_count, b, b, b, st.boot_count + 1);
	else
		tf_oracle_cause("F9", false,
				"the refs went into the flags at boot with %lu kernel tags in %u bits, not (1 << %u) - 1 or 1 << %u: upstream's test %lu > 1 << %u refuses them, so the off-by-two did not let them in",
				st.boot_count, b, b, b, st.boot_count, b);
}

/*
 * F10's cause for kernel tags: more than 16 bits, so indexes past 65535
 * are within the mask, and alloc_tag_sec_init()'s test (which knows only
 * the mask) let in kernel tags whose last index passes pgalloc_tag_idx.
 */
static bool f10_kernel(void)
{
	return st.boot_indexing && st.m.pgflag_bits > 16 &&
	       st.boot_count <= 1UL << st.m.pgflag_bits && st.boot_count + 1 > IDX_TYPE_MAX;
}

static void cause_f10_capacity(void)
{
	unsigned int b = st.m.pgflag_bits;

	if (f10_kernel())
		tf_oracle_cause("F10", true,
				"alloc_tag_sec_init() let in %lu kernel tags in %u bits at boot (%lu <= 1 << %u): its test knows the mask, not the u16 index, and indexes reach %lu",
				st.boot_count, b, st.boot_count, b, st.boot_count + 1);
	else
		tf_oracle_cause("F10", false,
				"the refs went into the flags at boot with %lu kernel tags in %u bits: %s",
				st.boot_count, b, b <= 16 ? "with 16 bits or fewer the mask itself is within u16" :
				"more than upstream's test (count > 1 << bits) lets in");
}

/* Boot is over: alloc_tag_sec_init() has decided. */
static void pgflags_model_boot_done(void)
{
	struct tf_pgf_state ps = tf_observe_pgf_state();
	unsigned long last = 1 + (unsigned long)st.m.kernel_tags;	/* the last kernel tag's index */
	bool fits = last <= max_fitting_index();
	bool indexing = st.m.pgflags_variant == TF_PGF_V3 ? ps.compressed :
			(ps.compressed && ps.support);
	/* The u16 binds when the mask is past it; else the mask does. */
	bool wide = (1UL << st.m.pgflag_bits) - 1 > IDX_TYPE_MAX;

	st.capacity_checked = true;
	st.was_profiling = ps.profiling;
	st.boot_indexing = indexing;
	/* The key the boot turned on is off, and v3's alloc_tag_sec_init() said why. */
	st.boot_fallback = !ps.compressed && st.fallback_msg;
	st.boot_count = ps.kernel_tags;
	if (!st.m.kernel_tags)
		return;
	if (indexing && !fits) {
		if (wide)
			cause_f10_capacity();
		else
			cause_f9_capacity();
		fail(TF_SIG_PGF_CAPACITY, wide ? "index-type" : "off-by-two",
		     "%u kernel tags need indices up to %lu; %u bits and a u16 index hold up to %lu, yet alloc_tag_sec_init() accepted them",
		     st.m.kernel_tags, last, st.m.pgflag_bits, max_fitting_index());
	}
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
	if (!profiling()) {
		/* pgalloc_tag_add() does nothing: the page keeps a ref a free left (F21). */
		pg.stale_op[pfn] = pg.pref[pfn] >= 0 && pgf_id(pg.pref[pfn]) ? cur_op() : -1;
		return;
	}
	pg.stale_op[pfn] = pg.left_op[pfn] = -1;
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
		sub_bytes(exp_of(tag), head, u->flags, (int64_t)PAGE_BYTES * ((1 << u->order) - 1));
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
	if (!profiling() && pg.pref[pfn] >= 0 && pgf_id(pg.pref[pfn]))
		pg.left_op[pfn] = cur_op();	/* pgalloc_tag_sub() does nothing: the ref stays */
	if (profiling()) {
		int32_t ref = pg.pref[pfn];

		if (ref >= 0 && pgf_id(ref)) {
			struct exp *e = exp_of(ref);

			e->calls--;
			sub_bytes(e, pfn, u->flags, (int64_t)PAGE_BYTES << ev->order);
			if (pg.stale_op[pfn] >= 0) {
				/* F21: allocated while off, it subtracts through the ref it kept. */
				e->stale_sub_op = cur_op();
				e->stale_alloc_op = pg.stale_op[pfn];
				e->stale_left_op = pg.left_op[pfn];
				e->stale_pfn = pfn;
				e->stale_order = ev->order;
			}
		}
		pg.stale_op[pfn] = pg.left_op[pfn] = -1;
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
		if (i && (head.flags & U_LOST)) {
			/* pgalloc_tag_split() stores the head's index: the head's decode, and cause. */
			pg.lost_id[pfn + i] = pg.lost_id[pfn];
			pg.lost_holds[pfn + i] = pg.lost_holds[pfn];
			pg.lost_op[pfn + i] = pg.lost_op[pfn];
			pg.lost_want[pfn + i] = pg.lost_want[pfn];
			pg.lost_idx[pfn + i] = pg.lost_idx[pfn];
		}
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
 * A module tag with NULL or freed counters that accounts for bytes: F13's
 * (or the finding whose decode it was) when its own pages are all gone
 * and every byte it is short came through frees of pages whose ref a
 * decode lost (stored masked or truncated, it named this tag): the port
 * subtracted through the tag the index names, whose counters the clean
 * had rightly freed at zero.  Bytes of its own, or a decode without its
 * cause, leave it new.
 */
static void cause_lifetime(const struct exp *e)
{
	char b[64], o[32], n[24];

	if (!e->lost_n) {
		tf_oracle_cause("F13", false, "no free of a page whose ref a decode lost went through it: its %lld bytes are its own",
				(long long)e->bytes);
		return;
	}
	if (e->bytes != e->lost_bytes) {
		tf_oracle_cause("F13", false, "%lld of its %lld bytes came through frees of pages whose ref a decode lost, the rest are its own",
				(long long)e->lost_bytes, (long long)e->bytes);
		return;
	}
	n[0] = '\0';
	if (e->lost_n > 1)
		snprintf(n, sizeof(n), " and %u more", e->lost_n - 1);
	tf_oracle_cause(e->lost_id ? e->lost_id : "F13", e->lost_holds,
			"pfn %ld's ref to %s was stored as index %llu at %s (%s's decode%s); its free%s took %lld bytes from the tag that index names, none its own",
			e->lost_pfn, ref_name(e->lost_want, b, sizeof(b)), (unsigned long long)e->lost_idx,
			op_name(e->lost_op, o, sizeof(o)), e->lost_id ? e->lost_id : "no finding",
			e->lost_holds ? ", its cause held" : ", without its cause", n,
			(long long)-e->lost_bytes);
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
	else if (e && e->bytes && ctr_gone(c)) {
		cause_lifetime(e);
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "freed-with-bytes",
		     "%s accounts for %lld bytes but has %s", ref_name(id, b, sizeof(b)),
		     (long long)e->bytes, ctr_name(c));
	}
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
 * Counters that the unload @ev (on ev->cpu) kept although @id accounts
 * for no bytes: explained by a free of the tag on another CPU whose
 * this_cpu_sub() the clean did not see (upstream's alloc_tag_sub() takes
 * no lock the clean takes).  From the run's accesses: since this unload's
 * MODULE_GOING, the unloading CPU read the tag's bytes (alloc_tag_read())
 * and a this_cpu_sub() of them on another CPU came after that read; or a
 * free of the tag is in flight on another CPU whose event came (the model
 * subtracted) and whose this_cpu_sub() has not.  When the free began does
 * not matter: one that read the page's ref before the unload began and
 * subtracted after the clean's read leaves the same kept counters
 * (pgflags-modctr-free-straddles-clean.txt).  The reads are not told
 * apart by the CPU copy they read, so the first read of the tag's bytes
 * stands for the whole sum.  A free whose subtraction came before that
 * read explains nothing: the clean saw it (bug switch
 * clean-reads-local-cpu, bug-clean-reads-local-cpu-kept.txt).  When the
 * journal dropped accesses since the unload began (journal.h), any free of
 * the tag since then or in flight when it began explains them.
 */
static bool kept_unused_explained(const struct tf_event *ev, int id, const struct exp *e)
{
	static const char sub[] = "this_cpu_sub(tag->counters->bytes)";
	const volatile void *addr = tf_observe_pgf_counters_addr(id);
	size_t n = tf_journal_len(), i;
	long i_going = -1, i_read = -1;
	const struct tf_jrec *r;

	for (i = n; i-- > 0;) {
		r = tf_journal_at(i);
		if (!r->access && r->ev.kind == TF_EV_PGF &&
		    r->ev.section == TF_PGF_EV_MODULE_GOING && r->ev.cpu == ev->cpu) {
			i_going = (long)i;
			break;
		}
	}
	if ((tf_journal_lost(i_going, (long)n) & TF_JOURNAL_LOST_ACCESS) &&
	    ((e && e->freed_in_unload == st.unload_seq) || free_in_flight(id, ev->cpu)))
		return true;
	if (!addr)
		return false;
	for (i = i_going < 0 ? n : (size_t)i_going + 1; i < n; i++) {
		r = tf_journal_at(i);
		if (r->access && r->a.addr == addr && r->a.cpu == ev->cpu &&
		    tf_str_starts(r->a.site, "per_cpu read(")) {
			i_read = (long)i;
			break;
		}
	}
	for (i = i_read < 0 ? n : (size_t)i_read + 1; i < n; i++) {
		r = tf_journal_at(i);
		if (r->access && r->a.addr == addr && r->a.cpu != ev->cpu &&
		    tf_str_eq(r->a.site, sub))
			return true;
	}
	/* A free in flight: its event, and no this_cpu_sub() of the tag after it. */
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		long i_free = -1;

		if (c == ev->cpu || st.ctx[c].freed_pfn < 0 || st.ctx[c].freed_pref != id)
			continue;
		for (i = n; i-- > 0;) {
			r = tf_journal_at(i);
			if (!r->access && r->ev.kind == TF_EV_PAGE_FREE && r->ev.cpu == c &&
			    (long)r->ev.pfn == st.ctx[c].freed_pfn) {
				i_free = (long)i;
				break;
			}
		}
		if (i_free < 0 || tf_journal_find_access(n, -1, addr, c, sub) < i_free)
			return true;
	}
	return false;
}

/*
 * release_module_tags(mod, true) has run: clean_unused_counters() freed
 * the counters of every tag that read zero bytes and kept the others;
 * with none kept the area is released.  Counters kept with no bytes left
 * need a free that overtook the clean (kept_unused_explained()).
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
		cause_lifetime(e);
		fail(TF_SIG_PGF_COUNTERS_LIFETIME, "freed-with-bytes",
		     "module %u unloaded: its %s accounts for %lld bytes, yet has %s",
		     ev->order, ref_name(id, b, sizeof(b)), (long long)bytes, ctr_name(c));
		return -1;
	}
	if (!ctr_gone(c) && !bytes && !kept_unused_explained(ev, id, e)) {
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
 * A symptom of a page whose decode was lost (a warning, a use of freed
 * counters): judged by that decode's cause (cause_decode()), the finding
 * @id when that decode had none of the known ones.
 */
static void cause_lost_ref(const char *id, long pfn, const char *what)
{
	char b[64], o[32];

	if (pfn < 0 || !pg.lost_id[pfn]) {
		tf_oracle_cause(id, false, "%s", pfn < 0 ? "no page of the op lost its ref" :
				"its page's ref was lost by a decode with no tag index past what fits");
		return;
	}
	tf_oracle_cause(pg.lost_id[pfn], pg.lost_holds[pfn],
			"pfn %ld's ref to %s was stored as index %llu at %s (%s's decode%s), and the %s went through %s",
			pfn, ref_name(pg.lost_want[pfn], b, sizeof(b)),
			(unsigned long long)pg.lost_idx[pfn], op_name(pg.lost_op[pfn], o, sizeof(o)),
			pg.lost_id[pfn], pg.lost_holds[pfn] ? ", its cause held" : ", without its cause",
			tf_str_eq(what, "counters") ? "use of counters" : "free", tf_str_eq(what, "counters") ?
			"the tag that index names" : "NULL");
}

/*
 * F20's cause, from the run's accesses: this CPU's this_cpu_sub() took the
 * tag's last bytes, then another CPU free_percpu()'d the tag's counters
 * (only clean_unused_counters() frees a live tag's: the module's unload, or
 * a load that found no room), and only then came this CPU's this_cpu_dec()
 * of the calls, through NULL.
 */
static void cause_f20(const struct tf_event *ev, const struct exp *e)
{
	static const char sub[] = "this_cpu_sub(tag->counters->bytes)";
	long op = cur_op(), i_sub = -1, i_free = -1, i_going = -1;
	size_t n = tf_journal_len(), i;
	const struct tf_jrec *r = NULL;
	const char *ovf = tf_journal_lost(-1, (long)n) & TF_JOURNAL_LOST_ACCESS ?
			  " (the journal overflowed: records are missing)" : "";

	for (i = n; i-- > 0;) {
		r = tf_journal_at(i);
		if (r->op != op)
			break;
		if (r->access && r->a.cpu == ev->cpu && tf_str_eq(r->a.site, sub)) {
			i_sub = (long)i;
			break;
		}
	}
	for (i = i_sub < 0 ? n : (size_t)i_sub + 1; i < n; i++) {
		r = tf_journal_at(i);
		if (r->access && r->a.cpu != ev->cpu && tf_str_eq(r->a.site, "free_percpu") &&
		    r->a.addr == tf_journal_at(i_sub)->a.addr) {
			i_free = (long)i;
			break;
		}
	}
	for (i = n; i_free >= 0 && i-- > 0;) {
		r = tf_journal_at(i);
		if (r->op != op)
			break;
		if (i < (size_t)i_free && !r->access && r->ev.kind == TF_EV_PGF &&
		    r->ev.section == TF_PGF_EV_MODULE_GOING &&
		    r->ev.cpu == tf_journal_at(i_free)->a.cpu) {
			i_going = (long)i;
			break;
		}
	}
	if (!ev->site || !tf_str_starts(ev->site, "this_cpu_dec(")) {
		tf_oracle_cause("F20", false, "CPU%d's %s itself went through NULL: the counters were gone before this free's this_cpu_sub(), not freed between it and its this_cpu_dec()",
				ev->cpu, ev->site);
	} else if (i_sub < 0) {
		tf_oracle_cause("F20", false, "CPU%d made no this_cpu_sub() of the tag's bytes in this op before its this_cpu_dec()%s",
				ev->cpu, ovf);
	} else if (i_free < 0) {
		tf_oracle_cause("F20", false, "CPU%d's this_cpu_sub() at step %lu was followed by no free_percpu() of those counters on another CPU before its this_cpu_dec()%s",
				ev->cpu, tf_journal_at(i_sub)->a.step, ovf);
	} else if (!e || e->bytes) {
		tf_oracle_cause("F20", false, "CPU%d's this_cpu_sub() at step %lu left the tag %lld bytes (by the live pages): CPU%d's free_percpu() at step %lu freed counters still in use",
				ev->cpu, tf_journal_at(i_sub)->a.step, e ? (long long)e->bytes : 0LL,
				tf_journal_at(i_free)->a.cpu, tf_journal_at(i_free)->a.step);
	} else {
		char who[48] = "in a module load's clean";

		if (i_going >= 0)
			snprintf(who, sizeof(who), "unloading module %u", tf_journal_at(i_going)->ev.order);
		tf_oracle_cause("F20", true, "CPU%d's this_cpu_sub() took the tag's last bytes at step %lu; CPU%d, %s, free_percpu()'d its counters at step %lu, before CPU%d's this_cpu_dec()",
				ev->cpu, tf_journal_at(i_sub)->a.step, tf_journal_at(i_free)->a.cpu,
				who, tf_journal_at(i_free)->a.step, ev->cpu);
	}
}

/*
 * F21's cause: a page freed while vm.mem_profiling was off kept its ref to
 * the tag, was taken again while still off (at another order), and its
 * free with profiling on subtracted through that stale ref: the tag went
 * below what its live pages hold, read zero, lost its counters.
 */
static void cause_f21(const struct exp *e, long pfn)
{
	char o1[64], o2[32], o3[32], o4[32], b[64];

	if (e && e->stale_sub_op < 0 && e->mismatch_op >= 0) {
		tf_oracle_cause("F21", false, "pfn %ld's tag lost bytes at %s that no free through a ref took (a counter mismatch), not through a ref kept while profiling was off",
				pfn, op_name(e->mismatch_op, o1, sizeof(o1)));
		return;
	}
	if (!e || e->stale_sub_op < 0) {
		tf_oracle_cause("F21", false, "pfn %ld's tag has more subtracted than added, yet no page allocated with profiling off freed through a ref it kept",
				pfn);
		return;
	}
	tf_oracle_cause("F21", true,
			"pfn %lu, %s, kept its ref to %s; taken again at %s (off), its order-%u free at %s (on) subtracted through it; pfn %ld still live",
			e->stale_pfn, e->stale_left_op >= 0 ?
			(snprintf(o1, sizeof(o1), "freed at %s with profiling off",
				  op_name(e->stale_left_op, o3, sizeof(o3))), o1) :
			"split or freed with profiling off", ref_name(e->id, b, sizeof(b)),
			op_name(e->stale_alloc_op, o2, sizeof(o2)), e->stale_order,
			op_name(e->stale_sub_op, o4, sizeof(o4)), pfn);
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
	struct exp *e = NULL;
	long lost = -1;

	if (C->freed_pfn >= 0) {
		e = C->freed_pref >= 0 ? exp_find(C->freed_pref) : NULL;
		snprintf(ctx, sizeof(ctx), " (freeing pfn %ld, tagged %s)", C->freed_pfn,
			 ref_name(C->freed_pref, b, sizeof(b)));
		if (C->freed_unit.flags & U_LOST) {
			cls = "lost-ref";
			lost = C->freed_pfn;
		} else if (e && e->bytes < 0) {
			cls = "stale-ref";	/* more subtracted than added: a stale ref's free did it */
		}
	} else if (C->nr) {
		snprintf(ctx, sizeof(ctx), " (acting on pfn %lu)", C->pfn);
		for (unsigned long pfn = C->pfn; pfn < C->pfn + C->nr && pfn < st.nr_pages; pfn++)
			if (pg.units[pfn].flags & U_LOST) {
				cls = "lost-ref";
				lost = (long)pfn;
			}
	}
	if (tf_str_eq(cls, "lost-ref"))
		cause_lost_ref("F10", lost, "counters");
	else if (tf_str_eq(cls, "stale-ref"))
		cause_f21(e, C->freed_pfn);
	else if (tf_str_eq(cls, "null"))
		cause_f20(ev, C->freed_pfn >= 0 ? e : NULL);
	fail(TF_SIG_PGF_COUNTERS_UAF, cls, "CPU%d %s: %s through %s module tag counters%s",
	     ev->cpu, ev->func, ev->site, ev->pfn == TF_PGF_CTR_USE_NULL ? "NULL" : "freed", ctx);
}

/*
 * F10's cause for a module: with more than 16 bits, tags_addressable()
 * (CODETAG_ID_FIRST + count + area tags < 1 << bits, profiling on) passed
 * an area whose last index is past 65535.
 */
static void cause_f10_module(const struct tf_event *ev, unsigned long last)
{
	unsigned int b = st.m.pgflag_bits;
	char o[32];

	if (b > 16 && last + 1 < 1UL << b)
		tf_oracle_cause("F10", true,
				"module %u's load at %s grew the area to index %lu with profiling on; tags_addressable() passed it (2 + %lu + %lu < 1 << %u), knowing only the mask, not the u16 index",
				ev->order, op_name(cur_op(), o, sizeof(o)), last, st.boot_count,
				st.mod_high, b);
	else
		tf_oracle_cause("F10", false,
				"module %u's area reaches index %lu, which tags_addressable() refuses in %u bits (2 + %lu + %lu >= 1 << %u): it did not let it in",
				ev->order, last, b, st.boot_count, st.mod_high, b);
}

/*
 * F11's cause: the load grew the area so that its last tag takes index
 * (1 << bits) - 1, the mask, which tags_addressable()'s
 * CODETAG_ID_FIRST + count + area tags < 1 << bits refuses by one.
 */
static void cause_f11(const struct tf_event *ev, unsigned long last)
{
	unsigned long mask = (1UL << st.m.pgflag_bits) - 1;
	char o[32];

	if (last == mask)
		tf_oracle_cause("F11", true,
				"module %u's load at %s grew the area to index %lu, the mask of %u bits: 2 + %lu + %lu < 1 << %u fails by one and profiling went off",
				ev->order, op_name(cur_op(), o, sizeof(o)), last, st.m.pgflag_bits,
				st.boot_count, st.mod_high, st.m.pgflag_bits);
	else
		tf_oracle_cause("F11", false,
				"module %u's area ends at index %lu, below the mask %lu, which tags_addressable() passes: profiling went off at %s for another reason",
				ev->order, last, mask, op_name(cur_op(), o, sizeof(o)));
}

/*
 * The refs are in page_ext, but not since the boot's fall-back (F12 needs
 * that): they were in the flags after boot and something turned the key
 * off later, at key_off_op.  Also sets @buf for the holds=false text.
 */
static const char *f12_not_fallback(char *buf, size_t len)
{
	char o[32];

	if (st.boot_indexing && st.key_off_op >= -1)
		snprintf(buf, len,
			 "the refs were not put in page_ext by alloc_tag_sec_init()'s fall-back at boot: it kept them in the page flags, and the key went off at %s",
			 op_name(st.key_off_op, o, sizeof(o)));
	else
		snprintf(buf, len,
			 "the refs were not put in page_ext by alloc_tag_sec_init()'s fall-back at boot");
	return buf;
}

/* The key that put the refs in the flags at boot went off during the run. */
static void note_key_off(const struct tf_pgf_state *ps)
{
	if (st.boot_indexing && !ps->compressed && st.key_off_op < -1)
		st.key_off_op = cur_op();
}

/*
 * F12's cause (tags_addressable()): the refs are in page_ext since v3's
 * alloc_tag_sec_init() fell back at boot, and v3's check, under the
 * config rather than the key, counted page flag bits for the area:
 * CODETAG_ID_FIRST + count + area tags >= 1 << bits.
 */
static void cause_f12_addressable(const struct tf_event *ev, unsigned long last)
{
	char o[32], why[200];

	if (st.boot_fallback && last + 1 >= 1UL << st.m.pgflag_bits)
		tf_oracle_cause("F12", true,
				"alloc_tag_sec_init() fell back to page_ext at boot (%lu kernel tags, %u bits), yet module %u's load at %s counted page flag bits: 2 + %lu + %lu >= 1 << %u turned profiling off",
				st.boot_count, st.m.pgflag_bits, ev->order, op_name(cur_op(), o, sizeof(o)),
				st.boot_count, st.mod_high, st.m.pgflag_bits);
	else
		tf_oracle_cause("F12", false,
				"%s", !st.boot_fallback ? f12_not_fallback(why, sizeof(why)) :
				"the area still fits the page flag bits (v3's tags_addressable() passes it): profiling went off for another reason");
}

/*
 * reserve_module_tags() placed module @ev->order's tags over area slots
 * [pfn, pfn + pfn2): past module_tags.size it grew the area, and with
 * profiling on ran tags_addressable().  A load whose counters then failed
 * grew it too: release_module_tags() never shrinks module_tags.size, so a
 * later load below it runs no check.
 */
static void area_grown(const struct tf_event *ev, bool before, const struct tf_pgf_state *ps,
		       bool failed)
{
	unsigned long high = ev->pfn + ev->pfn2;
	unsigned long last = 1 + st.m.kernel_tags + high;	/* the index of the area's last tag */

	if (high <= st.mod_high)
		return;
	if (st.nr_grow < (int)(sizeof(st.grow) / sizeof(st.grow[0])))
		st.grow[st.nr_grow++] = (struct growth){
			.op = cur_op(), .module = ev->order, .lo = st.mod_high, .hi = high,
			.prof_before = before, .prof_after = ps->profiling, .support_after = ps->support,
			.failed = failed,
		};
	else
		st.grow_overflow = true;
	st.mod_high = high;
	/* tags_addressable(): only when the area grows, only with profiling on. */
	if (!before)
		return;
	if (!ps->compressed) {
		/* v3's fall-back: page_ext addresses any tag. */
		if (!ps->profiling) {
			cause_f12_addressable(ev, last);
			fail(TF_SIG_PGF_CAPACITY_REFUSED, "v3-page-ext",
			     "module %u: the tag references are in page_ext, yet tags_addressable() turned profiling off",
			     ev->order);
		}
		return;
	}
	if (ps->profiling && last > max_fitting_index()) {
		bool type = last > IDX_TYPE_MAX && last < (1UL << st.m.pgflag_bits);

		if (type)
			cause_f10_module(ev, last);
		fail(TF_SIG_PGF_CAPACITY, type ? "index-type" : "module",
		     "module %u: area tags up to index %lu; %u bits and a u16 index hold up to %lu, yet tags_addressable() passed",
		     ev->order, last, st.m.pgflag_bits, max_fitting_index());
	}
	/*
	 * Refused: this load's tags_addressable() said so (another CPU's load
	 * may have shut profiling down while this one ran: not this check's).
	 */
	if (!ps->profiling && last <= max_fitting_index() &&
	    st.refused_op == cur_op() && st.refused_mod == ev->order) {
		cause_f11(ev, last);
		fail(TF_SIG_PGF_CAPACITY_REFUSED, "module-off-by-one",
		     "module %u: area tags up to index %lu fit in %u bits, yet tags_addressable() shut profiling down",
		     ev->order, last, st.m.pgflag_bits);
	}
}

static void on_module_load(const struct tf_event *ev)
{
	unsigned long slot = ev->pfn, nr = ev->pfn2;
	bool before = st.was_profiling;
	struct tf_pgf_state ps = tf_observe_pgf_state();

	note_key_off(&ps);
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
		tags.exp[h].lost_bytes = 0;
		tags.exp[h].lost_n = 0;
		tags.exp[h].lost_id = NULL;
	}
	area_grown(ev, before, &ps, false);
}

/* A prof_shutdown came before the vm.mem_profiling write that turned profiling on. */
static bool enabled_after_shutdown(void)
{
	return st.shutdown_op >= -1 && st.enable_op > st.shutdown_op;
}

/*
 * F23's cause: the vm.mem_profiling write that turned profiling on was
 * taken after this run's prof_shutdown (shutdown_mem_profiling(), which
 * cleared mem_profiling_support): a handler that ignores the shutdown,
 * v3's plain proc_do_static_key() and upstream's before Sep 2025.  Not
 * F23: the write found mem_profiling_support on, so a handler that tests
 * it takes it too (the shutdown did not clear it).  @what names the
 * module tags the write let back in.
 */
static void cause_f23(const char *what)
{
	char o1[32], o2[32];

	if (!st.enable_support)
		tf_oracle_cause("F23", true,
				"the write at %s took vm.mem_profiling=1 with mem_profiling_support off after prof_shutdown at %s: the handler ignores a shutdown (%s)",
				op_name(st.enable_op, o1, sizeof(o1)), op_name(st.shutdown_op, o2, sizeof(o2)),
				what);
	else
		tf_oracle_cause("F23", false,
				"the write at %s found mem_profiling_support on after prof_shutdown at %s, which left it on: any handler takes it (%s)",
				op_name(st.enable_op, o1, sizeof(o1)), op_name(st.shutdown_op, o2, sizeof(o2)),
				what);
}

/*
 * F13's cause: a load grew the area past what fits with no check stopping
 * it for good (profiling off, so tags_addressable() did not run; or, v3,
 * its refusal turned only the key off), and the vm.mem_profiling write,
 * which checks nothing, turned profiling on after it.
 */
static void cause_f13_reenabled(void)
{
	unsigned long first = 2 + st.boot_count;	/* area slot 0's index */
	char o1[32], o2[32];

	for (int i = 0; i < st.nr_grow; i++) {
		const struct growth *g = &st.grow[i];

		if (first + g->hi - 1 <= max_fitting_index())
			continue;
		if (g->prof_before && g->prof_after && st.m.pgflag_bits > 16 &&
		    first + g->hi < 1UL << st.m.pgflag_bits) {
			/* F10's way in: the check passed it, past 65535, while profiling was on. */
			tf_oracle_cause("F10", true,
					"module %u's load at %s grew the area to index %lu with profiling on; tags_addressable() passed it in %u bits, past 65535 (the write at %s finds it so)",
					g->module, op_name(g->op, o1, sizeof(o1)), first + g->hi - 1,
					st.m.pgflag_bits, op_name(st.enable_op, o2, sizeof(o2)));
			return;
		}
		/*
		 * A write after shutdown_mem_profiling() gets in only where the
		 * handler ignores mem_profiling_support: current under the
		 * sysctl-after-shutdown switch, v3 as it was.  The hole the Sep
		 * 2025 change closed, not F13's: F13's writes (profiling off at
		 * the load, or v3's key-only refusal) find support on and pass
		 * a handler that tests it.
		 */
		if (growth_unchecked(g) && enabled_after_shutdown()) {
			char what[96];

			snprintf(what, sizeof(what), "module %u's area to index %lu", g->module,
				 first + g->hi - 1);
			cause_f23(what);
			return;
		}
		if (growth_unchecked(g) && !st.enable_support) {
			tf_oracle_cause("F13", false,
					"module %u's load at %s grew the area to index %lu unchecked, but the write at %s came after a shutdown (mem_profiling_support off): taken only by a handler that ignores the shutdown",
					g->module, op_name(g->op, o1, sizeof(o1)), first + g->hi - 1,
					op_name(st.enable_op, o2, sizeof(o2)));
			return;
		}
		if (growth_unchecked(g)) {
			tf_oracle_cause("F13", true,
					"module %u's %sload at %s grew the area to index %lu %s; the write at %s turned profiling on without a check",
					g->module, g->failed ? "failed " : "", op_name(g->op, o1, sizeof(o1)),
					first + g->hi - 1,
					!g->prof_before ? "with profiling off (tags_addressable() did not run)" :
					"and tags_addressable() turned only the key off (mem_profiling_support stayed)",
					op_name(st.enable_op, o2, sizeof(o2)));
			return;
		}
		tf_oracle_cause("F13", false,
				"module %u's load at %s grew the area to index %lu with profiling on, and %s; yet the write at %s turned profiling on",
				g->module, op_name(g->op, o1, sizeof(o1)), first + g->hi - 1,
				g->prof_after ? "tags_addressable() passed it" :
				"tags_addressable() shut profiling down for good (mem_profiling_support off)",
				op_name(st.enable_op, o2, sizeof(o2)));
		return;
	}
	tf_oracle_cause("F13", false, "no load grew the area past index %lu%s", max_fitting_index(),
			st.grow_overflow ? " among those recorded (too many loads to keep)" : "");
}

/*
 * F12's cause (alignment): the refs are in page_ext since v3's
 * alloc_tag_sec_init() fell back at boot, and reserve_module_tags()
 * still refused the module for an alignment that does not divide
 * sizeof(struct alloc_tag) (it printed so in this op).
 */
static void cause_f12_alignment(const struct tf_event *ev)
{
	long op = cur_op();
	char o[32], why[200];

	if (st.boot_fallback && st.align_msg_op == op)
		tf_oracle_cause("F12", true,
				"alloc_tag_sec_init() fell back to page_ext at boot (%lu kernel tags, %u bits), yet at %s reserve_module_tags() refused module %u for its alignment %lu, which does not divide 40",
				st.boot_count, st.m.pgflag_bits, op_name(op, o, sizeof(o)), ev->order, ev->pfn);
	else
		tf_oracle_cause("F12", false, "%s", !st.boot_fallback ?
				f12_not_fallback(why, sizeof(why)) :
				"reserve_module_tags() did not refuse the module for its alignment in this op: the load failed another way");
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
		if (!st.was_profiling && ps.profiling) {
			st.enable_op = cur_op();
			st.enable_support = ps.support;	/* a write does not change it */
		}
		if (!st.was_profiling && ps.profiling && ps.compressed && st.mod_high &&
		    last > max_fitting_index()) {
			cause_f13_reenabled();
			fail(TF_SIG_PGF_CAPACITY, "re-enabled",
			     "vm.mem_profiling=1 with module area tags up to index %lu; %u bits and a u16 index hold up to %lu",
			     last, st.m.pgflag_bits, max_fitting_index());
		}
		st.was_profiling = ps.profiling;
		break;
	}
	case TF_PGF_EV_SHUTDOWN:
		st.shutdown_op = cur_op();
		break;
	case TF_PGF_EV_MODULE_GOING:
		st.unloading = true;
		st.unload_seq++;
		/* For a journal that drops accesses: frees in flight may subtract after the clean's read. */
		for (int c = 0; c < TF_MAX_CPUS; c++)
			if (st.ctx[c].freed_pfn >= 0 && st.ctx[c].freed_pref >= 0 &&
			    tf_pgf_is_module_id(st.ctx[c].freed_pref))
				exp_of(st.ctx[c].freed_pref)->freed_in_unload = st.unload_seq;
		break;
	case TF_PGF_EV_MODULE_UNLOAD:
		on_module_unload(ev);
		break;
	case TF_PGF_EV_COUNTERS_USE:
		on_counters_use(ev);
		break;
	case TF_PGF_EV_MODULE_FAILED: {
		struct tf_pgf_state ps = tf_observe_pgf_state();

		note_key_off(&ps);
		if (ev->alloc_flags & TF_PGF_FAIL_COUNTERS) {
			on_module_counters(ev, false);
			area_grown(ev, st.was_profiling, &ps, true);
			break;
		}

		/*
		 * Alignment matters only for indexing: with the refs in
		 * page_ext (v3's fall-back) a module must not fail for it.
		 */
		if (!ps.compressed && ev->pfn && 40 % ev->pfn) {
			cause_f12_alignment(ev);
			fail(TF_SIG_PGF_MODULE_REFUSED, "v3-page-ext",
			     "module %u (alignment %lu) failed to load although the tag references are in page_ext",
			     ev->order, ev->pfn);
		}
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
	case TF_EV_PRINTK:
		if (ev->msg && tf_str_has(ev->msg, "page extensions will be used instead"))
			st.fallback_msg = true;
		/* reserve_module_tags()' alignment refusal, both versions' wording. */
		if (ev->msg && tf_str_has(ev->msg, "is incompatible with allocation tag indexing"))
			st.align_msg_op = cur_op();
		if (ev->msg && tf_str_has(ev->msg, "there are too many tags to fit") &&
		    sscanf(ev->msg, "With module mod%u", &st.refused_mod) == 1)
			st.refused_op = cur_op();
		/* memory_failure()'s action_result(): F22's cause. */
		ledger_printk_event(&pg.ledger, ev);
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
	default:
		break;
	}
}

/*
 * An untagged page with a NULL ref in [start, start + nr) explains the
 * check; a page whose tag the encoding lost gives it a class.
 */
static bool untagged_in(const struct cpu_ctx *C, unsigned long start, unsigned long nr,
			long *lost)
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
			*lost = (long)pfn;
	}
	return false;
}

static bool pgflags_model_classify_check(const struct tf_event *ev, char *cls, size_t len)
{
	const struct cpu_ctx *C = &st.ctx[ev->cpu];

	cls[0] = '\0';
	if (ev->check != TF_CHECK_WARN)
		return false;
	if (tf_str_eq(ev->site, "current->alloc_tag not set") && st.expect_current_not_set > 0) {
		st.expect_current_not_set--;
		return true;
	}
	if (tf_str_eq(ev->site, "alloc_tag was not set")) {
		long lost = -1;

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
		if (lost >= 0) {
			cause_lost_ref("F9", lost, "free");
			snprintf(cls, len, "pgflags-lost-ref");
		}
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

/*
 * The cause of a lost decode of a ref to @want stored as @idx, given
 * before its report and kept with the page (a warning or a use of freed
 * counters that follows from it is judged by it):
 *  - F9: a kernel tag past the mask, let in by alloc_tag_sec_init()'s
 *    off-by-two (f9_count()), stored as its index masked;
 *  - F10: an index past 65535 within the mask, let in by the check that
 *    knows only the mask (a kernel tag: f10_kernel(); a module tag: its
 *    load's tags_addressable() passed with profiling on), stored
 *    truncated to u16;
 *  - F13: a module tag whose area a load grew unchecked
 *    (growth_unchecked()) before a write turned profiling on.
 * Anything else (a ref stored as some other index, a module tag past the
 * mask let in another way) is none of them.
 */
static void cause_decode(unsigned long pfn, int32_t want, uint64_t idx, const char *cls)
{
	unsigned long index = index_of(want), stored = stored_index(want);
	bool kernel = tf_pgf_is_kernel_id(want), trunc = tf_str_eq(cls, "index-truncated");
	const struct growth *g = kernel ? NULL : growth_of((unsigned long)(want - TF_TAG_ID_MODULE));
	const char *id = trunc ? "F10" : "F9";
	char o1[32], o2[32];
	bool holds = false;

	if (idx != stored) {
		tf_oracle_cause(kernel || !g || !growth_unchecked(g) ? id : "F13", false,
				"pfn %lu holds index %llu, not its tag's index %lu %s (%lu): the ref was not stored by the encoding",
				pfn, (unsigned long long)idx, index, trunc ? "truncated" : "masked", stored);
	} else if (kernel && !trunc) {
		holds = f9_count();
		tf_oracle_cause("F9", holds, holds ?
				"pfn %lu's kernel tag index %lu is past the mask of the %lu kernel tags alloc_tag_sec_init() let in at boot in %u bits; stored masked as %lu" :
				"pfn %lu's kernel tag index %lu is past the mask, but the %lu kernel tags in %u bits are not the two counts the off-by-two lets in (stored as %lu)",
				pfn, index, st.boot_count, st.m.pgflag_bits, stored);
	} else if (kernel) {
		holds = f10_kernel();
		tf_oracle_cause("F10", holds, holds ?
				"pfn %lu's kernel tag index %lu is within the mask of %u bits, past 65535: alloc_tag_sec_init() let in %lu kernel tags at boot; stored truncated as %lu" :
				"pfn %lu's kernel tag index %lu: in %u bits, the %lu kernel tags are more than upstream's test lets in (stored as %lu)",
				pfn, index, st.m.pgflag_bits, st.boot_count, stored);
	} else if (!g) {
		tf_oracle_cause(id, false, "pfn %lu's module area tag %d came from no load that grew the area%s",
				pfn, want - TF_TAG_ID_MODULE,
				st.grow_overflow ? " among those recorded (too many loads to keep)" : "");
	} else if (growth_unchecked(g) && st.enable_op > g->op && enabled_after_shutdown()) {
		char what[96];

		id = "F23";
		holds = !st.enable_support;
		snprintf(what, sizeof(what), "pfn %lu: area tag %d, index %lu, stored as %lu",
			 pfn, want - TF_TAG_ID_MODULE, index, stored);
		cause_f23(what);
	} else if (growth_unchecked(g) && st.enable_op > g->op && st.enable_support) {
		id = "F13";
		holds = true;
		tf_oracle_cause("F13", true,
				"pfn %lu's module area tag %d (index %lu) came in with module %u's load at %s %s; the write at %s turned profiling on; stored as %lu",
				pfn, want - TF_TAG_ID_MODULE, index, g->module, op_name(g->op, o1, sizeof(o1)),
				!g->prof_before ? "with profiling off" : "whose check turned only the key off",
				op_name(st.enable_op, o2, sizeof(o2)), stored);
	} else if (trunc && g->prof_before && g->prof_after && index < (1UL << st.m.pgflag_bits) - 1) {
		holds = true;
		tf_oracle_cause("F10", true,
				"pfn %lu's module area tag %d (index %lu) came in with module %u's load at %s, which tags_addressable() passed with profiling on in %u bits; stored truncated as %lu",
				pfn, want - TF_TAG_ID_MODULE, index, g->module, op_name(g->op, o1, sizeof(o1)),
				st.m.pgflag_bits, stored);
	} else {
		id = growth_unchecked(g) || !trunc ? "F13" : id;
		tf_oracle_cause(id, false,
				"pfn %lu's module area tag %d (index %lu) came in with module %u's load at %s, %s",
				pfn, want - TF_TAG_ID_MODULE, index, g->module, op_name(g->op, o1, sizeof(o1)),
				growth_unchecked(g) ? "with no check, but the write that turned profiling on came after a shutdown (or before the load)" :
				g->prof_after ? "which tags_addressable() passed although it is past the mask" :
				"whose check shut profiling down for good, yet profiling is on");
	}
	pg.lost_id[pfn] = id;
	pg.lost_holds[pfn] = holds;
	pg.lost_op[pfn] = cur_op();
	pg.lost_want[pfn] = want;
	pg.lost_idx[pfn] = idx;
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
	pg.lost_id[pfn] = NULL;
	if (o.compressed && decode_class(pg.pref[pfn]))
		cause_decode(pfn, pg.pref[pfn], o.idx, decode_class(pg.pref[pfn]));
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
	if (o.bytes < e->bytes)
		e->mismatch_op = cur_op();	/* F21's predicate: taken away by no free we saw */
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
