// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model in page-flag mode (issue 6): the whole run's model
 * when struct tf_machine.pgflag_bits is set (reference/model.c hands
 * every call over).  Its rules, from the stated intent of the compressed
 * tag references:
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
 *  - every page is allocated or free, and all come back at the end.
 *
 * Page refs are read through tf_observe_pgf() (the port's decode of its
 * flags, or page_ext after v3's fall-back); nothing else of the port.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "pgflags_model.h"
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
};

struct unit {
	uint8_t flags;
	uint8_t order;
};

static struct tf_machine M;
static model_report_fn report;
static unsigned long nr_pages, nr_allocated;
static int32_t pref[TF_MAX_PAGES];
static struct unit units[TF_MAX_PAGES];
static uint8_t allocated[TF_MAX_PAGES];
static uint64_t obits[TF_MAX_PAGES];	/* page->flags outside the tag index */
static uint64_t tag_field;

/* Expected counters, by tag id: an open-addressed table of the tags used. */
#define NR_SLOTS	16384
static struct exp {
	int id;			/* 0: empty slot (ids are >= TF_TAG_ID_KERNEL) */
	int64_t calls, bytes;
	uint32_t touched;	/* == stamp: an event of this op named it */
	bool aliased;		/* a wrong decode named it (reported): not checked */
} exp[NR_SLOTS];
static int used_slots[NR_SLOTS];
static int nr_used;

static unsigned long touched[TF_MAX_PAGES];
static uint32_t touched_stamp[TF_MAX_PAGES], stamp;
static unsigned long nr_touched;
static int touched_tags[NR_SLOTS];
static int nr_touched_tags;

/* Per CPU, for classifying checks (as reference/model.c). */
static struct cpu_ctx {
	unsigned long pfn, nr;		/* the allocation a caller announced */
	unsigned long apfn, anr;	/* the op's last allocation */
	long freed_pfn;
	struct unit freed_unit;
	int32_t freed_pref;
} ctx[TF_MAX_CPUS];

static int expect_current_not_set;
static unsigned long mod_high;		/* module area high-water mark, in tags */
static bool was_profiling;		/* profiling was on at the last look */
static bool capacity_checked;
/* A decode named the wrong tag (reported): counts on unused tags follow from it. */
static bool decode_lost;

/* A finding of this model: its signature and a formatted detail. */
#define fail(sig, ...)	model_reportf(report, sig, __VA_ARGS__)

static bool pgf_id(int id)
{
	return tf_pgf_is_kernel_id(id) || tf_pgf_is_module_id(id);
}

static struct exp *exp_of(int id)
{
	unsigned int h = (unsigned int)id * 2654435761u % NR_SLOTS;

	while (exp[h].id && exp[h].id != id)
		h = (h + 1) % NR_SLOTS;
	if (!exp[h].id) {
		if (nr_used == NR_SLOTS - 1)
			__builtin_trap();	/* more tags than a scenario can name */
		exp[h].id = id;
		used_slots[nr_used++] = h;
	}
	if (exp[h].touched != stamp) {
		exp[h].touched = stamp;
		touched_tags[nr_touched_tags++] = h;
	}
	return &exp[h];
}

static void touch(unsigned long pfn)
{
	if (pfn >= nr_pages || touched_stamp[pfn] == stamp)
		return;
	touched_stamp[pfn] = stamp;
	touched[nr_touched++] = pfn;
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
	return 2 + (unsigned long)M.kernel_tags + (unsigned long)(id - TF_TAG_ID_MODULE);
}

/* The largest index that fits: the mask, and what pgalloc_tag_idx holds. */
static unsigned long max_fitting_index(void)
{
	unsigned long mask = (1UL << M.pgflag_bits) - 1;

	return mask < IDX_TYPE_MAX ? mask : IDX_TYPE_MAX;
}

void pgflags_model_reset(const struct tf_machine *m, model_report_fn fn)
{
	unsigned long old = nr_pages;

	M = *m;
	report = fn;
	nr_pages = (unsigned long)m->section_pages * m->nr_sections;
	if (old < nr_pages)
		old = nr_pages;
	tag_field = tf_pgf_tag_field(m->pgflag_bits);
	for (unsigned long i = 0; i < old; i++) {
		pref[i] = PREF_NULL;
		obits[i] = tf_pgf_boot_flags(m->pgflag_bits);
	}
	memset(units, 0, old * sizeof(units[0]));
	memset(allocated, 0, old);
	for (int i = 0; i < nr_used; i++)
		memset(&exp[used_slots[i]], 0, sizeof(exp[0]));
	nr_used = 0;
	nr_allocated = 0;
	nr_touched = 0;
	nr_touched_tags = 0;
	stamp++;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		ctx[c] = (struct cpu_ctx){ .freed_pfn = -1 };
	expect_current_not_set = 0;
	mod_high = 0;
	was_profiling = m->profiling;
	capacity_checked = false;
	decode_lost = false;
}

/* Boot is over: alloc_tag_sec_init() has decided. */
void pgflags_model_boot_done(void)
{
	struct tf_pgf_state st = tf_observe_pgf_state();
	unsigned long last = 1 + (unsigned long)M.kernel_tags;	/* the last kernel tag's index */
	bool fits = last <= max_fitting_index();
	bool indexing = M.pgflags_variant == TF_PGF_V3 ? st.compressed :
			(st.compressed && st.support);

	capacity_checked = true;
	was_profiling = st.profiling;
	if (!M.kernel_tags)
		return;
	if (indexing && !fits)
		fail(last <= (1UL << M.pgflag_bits) - 1 || last > IDX_TYPE_MAX ?
		     "model:pgflags-capacity [index-type]" : "model:pgflags-capacity [off-by-two]",
		     "%u kernel tags need indices up to %lu; %u bits and a u16 index hold up to %lu, yet alloc_tag_sec_init() accepted them",
		     M.kernel_tags, last, M.pgflag_bits, max_fitting_index());
	if (!indexing && fits)
		fail("model:pgflags-capacity-refused",
		     "%u kernel tags need indices up to %lu, which %u bits hold, yet alloc_tag_sec_init() refused them",
		     M.kernel_tags, last, M.pgflag_bits);
}

static void check_page(unsigned long pfn, bool prof);

/*
 * The port is about to act on @pfn's stored ref (split, free, swap): if it
 * no longer decodes to what was stored, say so now and follow the port.
 */
static void settle(unsigned long pfn)
{
	if (pfn < nr_pages && (units[pfn].flags & U_LIVE) && !(units[pfn].flags & U_LOST))
		check_page(pfn, profiling());
}

static void on_alloc(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	struct unit *u;

	if (pfn + n > nr_pages) {
		fail("model:bad-pfn", "allocation at pfn %lu order %u is outside memory",
		     pfn, ev->order);
		return;
	}
	for (i = 0; i < n; i++) {
		if (allocated[pfn + i])
			fail("model:page-allocated-twice",
			     "pfn %lu handed out while still allocated", pfn + i);
		allocated[pfn + i] = 1;
	}
	nr_allocated += n;
	ctx[ev->cpu].apfn = pfn;
	ctx[ev->cpu].anr = n;
	u = &units[pfn];
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
		if (M.debug)
			expect_current_not_set++;
		return;
	}
	pref[pfn] = ev->tag;
	if (u->flags & U_INTERNAL)
		return;
	exp_of(ev->tag)->calls++;
	exp_of(ev->tag)->bytes += (int64_t)PAGE_BYTES << ev->order;
}

static void on_free(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	struct unit *u = &units[pfn];

	if (pfn + n > nr_pages || !(u->flags & U_LIVE) || u->order != ev->order) {
		fail("model:free-mismatch", "free of pfn %lu order %u, which is not a live allocation of that order",
		     pfn, ev->order);
		return;
	}
	settle(pfn);
	ctx[ev->cpu].freed_pfn = pfn;
	ctx[ev->cpu].freed_unit = *u;
	ctx[ev->cpu].freed_pref = pref[pfn];
	touch(pfn);
	if (profiling()) {
		int32_t ref = pref[pfn];

		if (ref >= 0 && pgf_id(ref)) {
			exp_of(ref)->calls--;
			exp_of(ref)->bytes -= (int64_t)PAGE_BYTES << ev->order;
		}
		pref[pfn] = PREF_NULL;
	}
	for (i = 0; i < n; i++)
		allocated[pfn + i] = 0;
	nr_allocated -= n;
	u->flags = 0;
}

static void on_split(const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	struct unit head;
	int32_t tag;

	settle(pfn);
	head = units[pfn];
	tag = pref[pfn];

	if (!(head.flags & U_LIVE) || head.order != ev->order) {
		fail("model:split-mismatch", "split of pfn %lu order %u, which is not a live allocation of that order",
		     pfn, ev->order);
		return;
	}
	for (i = 0; i < n; i++) {
		units[pfn + i].flags = head.flags;
		units[pfn + i].order = 0;
		touch(pfn + i);
		if (!i || !profiling() || tag < 0)
			continue;
		/* pgalloc_tag_split(): each part refers to the head's tag. */
		pref[pfn + i] = tag;
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
	if (!profiling() || pref[new] < 0 || pref[old] < 0)
		return;
	t = pref[new];
	pref[new] = pref[old];
	pref[old] = t;
}

static void on_module_load(const struct tf_event *ev)
{
	unsigned long slot = ev->pfn, nr = ev->pfn2, high = slot + nr;
	unsigned long last = 1 + M.kernel_tags + high;	/* the index of the area's last tag */
	bool before = was_profiling;
	struct tf_pgf_state st = tf_observe_pgf_state();

	if (!nr)
		return;
	/* The loader copies the module's tags in: fresh counters. */
	for (unsigned long s = slot; s < slot + nr; s++) {
		int id = TF_TAG_ID_MODULE + (int)s;
		unsigned int h = (unsigned int)id * 2654435761u % NR_SLOTS;

		while (exp[h].id && exp[h].id != id)
			h = (h + 1) % NR_SLOTS;
		if (!exp[h].id)
			continue;
		if (exp[h].bytes && !exp[h].aliased)
			fail("model:pgflags-module-area-reused",
			     "module %u's tags were placed over area tag %lu, which still accounts for %lld bytes",
			     ev->order, s, (long long)exp[h].bytes);
		exp[h].calls = exp[h].bytes = 0;
		exp[h].aliased = false;
	}
	if (high <= mod_high)
		return;
	mod_high = high;
	/* tags_addressable(): only when the area grows, only with profiling on. */
	if (!before)
		return;
	if (!st.compressed) {
		/* v3's fall-back: page_ext addresses any tag. */
		if (!st.profiling)
			fail("model:pgflags-capacity-refused [v3-page-ext]",
			     "module %u: the tag references are in page_ext, yet tags_addressable() turned profiling off",
			     ev->order);
		return;
	}
	if (st.profiling && last > max_fitting_index())
		fail(last > IDX_TYPE_MAX && last < (1UL << M.pgflag_bits) ?
		     "model:pgflags-capacity [index-type]" : "model:pgflags-capacity [module]",
		     "module %u: area tags up to index %lu; %u bits and a u16 index hold up to %lu, yet tags_addressable() passed",
		     ev->order, last, M.pgflag_bits, max_fitting_index());
	if (!st.profiling && last <= max_fitting_index())
		fail("model:pgflags-capacity-refused [module-off-by-one]",
		     "module %u: area tags up to index %lu fit in %u bits, yet tags_addressable() shut profiling down",
		     ev->order, last, M.pgflag_bits);
}

static void on_pgf(const struct tf_event *ev)
{
	switch (ev->section) {
	case TF_PGF_EV_BIT_SET:
		if (ev->pfn < nr_pages)
			obits[ev->pfn] |= 1ull << ev->order;
		touch(ev->pfn);
		break;
	case TF_PGF_EV_BIT_CLEAR:
		if (ev->pfn < nr_pages)
			obits[ev->pfn] &= ~(1ull << ev->order);
		touch(ev->pfn);
		break;
	case TF_PGF_EV_MODULE_LOAD:
		on_module_load(ev);
		break;
	case TF_PGF_EV_SYSCTL: {
		struct tf_pgf_state st = tf_observe_pgf_state();
		unsigned long last = 1 + M.kernel_tags + mod_high;

		/*
		 * Profiling back on: every tag it can meet must still fit, module
		 * tags loaded while it was off included (tags_addressable() ran
		 * only with profiling on).
		 */
		if (!was_profiling && st.profiling && st.compressed && mod_high &&
		    last > max_fitting_index())
			fail("model:pgflags-capacity [re-enabled]",
			     "vm.mem_profiling=1 with module area tags up to index %lu; %u bits and a u16 index hold up to %lu",
			     last, M.pgflag_bits, max_fitting_index());
		was_profiling = st.profiling;
		break;
	}
	case TF_PGF_EV_MODULE_FAILED: {
		struct tf_pgf_state st = tf_observe_pgf_state();

		/*
		 * Alignment matters only for indexing: with the refs in
		 * page_ext (v3's fall-back) a module must not fail for it.
		 */
		if (!st.compressed && ev->pfn && 40 % ev->pfn)
			fail("model:pgflags-module-refused [v3-page-ext]",
			     "module %u (alignment %lu) failed to load although the tag references are in page_ext",
			     ev->order, ev->pfn);
		break;
	}
	default:
		break;
	}
}

void pgflags_model_on_event(const struct tf_event *ev)
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
	case TF_EV_CALL:
		ctx[ev->cpu].pfn = ev->pfn;
		ctx[ev->cpu].nr = ev->pfn2;
		ctx[ev->cpu].freed_pfn = -1;
		break;
	case TF_EV_OP_END:
		ctx[ev->cpu] = (struct cpu_ctx){ .freed_pfn = -1 };
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
	for (unsigned long pfn = start; pfn < start + nr && pfn < nr_pages; pfn++) {
		const struct unit *u = &units[pfn];
		int32_t ref = pref[pfn];

		if ((long)pfn == C->freed_pfn && !(u->flags & U_LIVE)) {
			u = &C->freed_unit;
			ref = C->freed_pref;
		} else {
			settle(pfn);	/* a free warns before its event: look now */
			ref = pref[pfn];
		}
		if ((u->flags & U_LIVE) && (u->flags & U_UNTAGGED) && ref == PREF_NULL)
			return true;
		if ((u->flags & U_LIVE) && (u->flags & U_LOST) && ref == PREF_NULL)
			*lost = true;
	}
	return false;
}

bool pgflags_model_classify_check(const struct tf_event *ev, char *cls, size_t len)
{
	const struct cpu_ctx *C = &ctx[ev->cpu];

	cls[0] = '\0';
	if (ev->check != TF_CHECK_WARN)
		return false;
	if (!strcmp(ev->site, "current->alloc_tag not set") && expect_current_not_set > 0) {
		expect_current_not_set--;
		return true;
	}
	if (!strcmp(ev->site, "alloc_tag was not set")) {
		bool lost = false;

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
		return "";
	idx = index_of(want);
	if (idx > (1UL << M.pgflag_bits) - 1)
		return " [index-overflow]";
	if (idx > IDX_TYPE_MAX)
		return " [index-truncated]";
	return "";
}

static void check_page(unsigned long pfn, bool prof)
{
	struct tf_pgf_obs o = tf_observe_pgf(pfn);
	uint64_t outside = o.compressed ? o.flags & ~tag_field : o.flags;
	char b1[64], b2[64], sig[96];
	int32_t got;
	bool ok;

	if (outside != obits[pfn]) {
		fail("model:pgflags-other-bits",
		     "pfn %lu: page->flags %#llx, bits outside the tag index should be %#llx",
		     pfn, (unsigned long long)o.flags, (unsigned long long)obits[pfn]);
		obits[pfn] = outside;
	}
	if (!prof || !(units[pfn].flags & U_LIVE) || (units[pfn].flags & U_INTERNAL))
		return;
	switch (o.state) {
	case TF_REF_NULL:
		got = PREF_NULL;
		ok = pref[pfn] == PREF_NULL;
		break;
	case TF_REF_EMPTY:
		got = PREF_EMPTY;
		ok = pref[pfn] == PREF_EMPTY;
		break;
	case TF_REF_TAG:
		got = o.tag;
		ok = pref[pfn] == o.tag;
		break;
	default:
		got = PREF_NULL;
		ok = false;
	}
	if (ok)
		return;
	snprintf(sig, sizeof(sig), "%s%s", o.compressed ? "model:pgflags-decode" :
		 "model:ref-mismatch", decode_class(pref[pfn]));
	if (o.compressed)
		fail(sig, "pfn %lu was tagged %s; its flags hold index %llu, which decodes to %s",
		     pfn, ref_name(pref[pfn], b1, sizeof(b1)), (unsigned long long)o.idx,
		     o.state == TF_REF_BAD ? "a pointer to no tag" : ref_name(got, b2, sizeof(b2)));
	else
		fail(sig, "pfn %lu should hold %s, holds %s", pfn,
		     ref_name(pref[pfn], b1, sizeof(b1)), ref_name(got, b2, sizeof(b2)));
	pref[pfn] = got;	/* follow the port from here on */
	if (got >= 0 && pgf_id(got))
		exp_of(got)->aliased = true;	/* its counts now depend on what else shares it */
	units[pfn].flags |= U_LOST;
	decode_lost |= o.compressed;
}

static void check_counter(struct exp *e)
{
	struct tf_tag_obs o = tf_observe_tag(e->id);
	char b[64];

	if (e->aliased || (o.calls == e->calls && o.bytes == e->bytes))
		return;
	/* Tags nobody allocated with share one counter block that wrong decodes hit. */
	if (decode_lost && tf_observe_pgf_tag_unused(e->id))
		return;
	fail("model:pgflags-counter-mismatch",
	     "%s: %lld calls / %lld bytes, the live allocations account for %lld / %lld%s",
	     ref_name(e->id, b, sizeof(b)), (long long)o.calls, (long long)o.bytes,
	     (long long)e->calls, (long long)e->bytes,
	     was_profiling ? "" : " (profiling is off: counters must not move)");
	e->calls = o.calls;
	e->bytes = o.bytes;
}

static void check_common(void)
{
	struct tf_pgf_state st = tf_observe_pgf_state();
	unsigned long free = tf_observe_free_count();

	if (st.shadow_counted && !decode_lost)
		fail("model:pgflags-unused-tag-counted",
		     "a kernel or module tag no allocation used has counts: a decode named the wrong tag");
	if (free + nr_allocated != nr_pages)
		fail("model:page-conservation",
		     "%lu pages free in buddy and PCP lists plus %lu allocated != %lu pages",
		     free, nr_allocated, nr_pages);
	if (expect_current_not_set > 0) {
		fail("model:missing-check", "an untagged allocation did not warn \"current->alloc_tag not set\"");
		expect_current_not_set = 0;
	}
	was_profiling = st.profiling;
}

void pgflags_model_check_op(void)
{
	bool prof = profiling();

	if (!capacity_checked)
		pgflags_model_boot_done();
	for (unsigned long i = 0; i < nr_touched; i++)
		check_page(touched[i], prof);
	for (int i = 0; i < nr_touched_tags; i++)
		check_counter(&exp[touched_tags[i]]);
	nr_touched = 0;
	nr_touched_tags = 0;
	stamp++;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		ctx[c].apfn = ctx[c].anr = 0;
	check_common();
}

void pgflags_model_check_end(void)
{
	static uint8_t loc[TF_MAX_PAGES];
	bool prof = profiling();
	const char *why;

	pgflags_model_check_op();
	for (unsigned long pfn = 0; pfn < nr_pages; pfn++)
		check_page(pfn, prof);
	for (int i = 0; i < nr_used; i++)
		check_counter(&exp[used_slots[i]]);
	if (!tf_observe_free_pages(loc, &why))
		fail("model:free-lists", "%s", why);
	for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
		if (allocated[pfn] && (units[pfn].flags & U_INTERNAL))
			continue;
		if (allocated[pfn] && loc[pfn] != TF_LOC_NONE) {
			fail("model:page-conservation", "pfn %lu is allocated and free at once", pfn);
			return;
		}
		if (!allocated[pfn] && loc[pfn] != TF_LOC_BUDDY) {
			fail("model:page-conservation", "pfn %lu is %s after teardown, not in the buddy lists",
			     pfn, loc[pfn] == TF_LOC_PCP ? "on a PCP list" :
				  loc[pfn] == TF_LOC_MULTI ? "in two free containers" :
				  "lost (in no container)");
			return;
		}
	}
}
