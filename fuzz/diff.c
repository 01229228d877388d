// SPDX-License-Identifier: GPL-2.0
/*
 * Differential runs across early-PFN tracker variants (diff.h says what
 * is compared and what is left out, docs/variants.md why).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "diff.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/strmatch.h"

#define MAX_UNITS	(1u << 16)
#define MAX_TAGS	64
#define MAX_SIGS	16

enum { ST_LIVE, ST_NO_EXT, ST_NONE, ST_TAG };

enum {
	UF_EARLY	= 1 << 0,	/* its section had no page_ext when allocated */
	UF_RACY		= 1 << 1,	/* allocated or ended while ops were interleaved */
	UF_ENDED	= 1 << 2,	/* freed or split */
	UF_EMPTY	= 1 << 4,	/* ST_NONE: it held EMPTY, not NULL */
	UF_UNTAGGED	= 1 << 5,	/* made with no alloc_tag (current->alloc_tag NULL) */
	UF_DROPPED	= 1 << 6,	/* the tracker said it dropped its pfn (pr_warn) */
	UF_PART		= 1 << 7,	/* a part of a split: never recorded itself (F2) */
};

struct unit {
	uint8_t cpu, order, state, flags;
	uint8_t nr_expected;	/* checks on it that the model expected */
	uint8_t section;	/* of its head pfn: when it got page_ext */
	int16_t tag;		/* the caller's tag id, or TF_TAG_NONE */
	int16_t end_tag;	/* ST_TAG: the tag it held */
	int16_t sig;		/* first unexpected check on it: index into sigs, or -1 */
	bool sig_known;		/* that check was judged known, its cause held */
	uint32_t seq;		/* its place among its CPU's allocations */
	int32_t op, end_op;
	int32_t partner;	/* migration target: the unit whose tag it took;
				 * a part of a split: the unit it was split from */
	int32_t target;		/* migrated: the unit that took its tag */
};

/* One variant's run as the comparison sees it. */
struct outcome {
	unsigned int nr;
	bool overflow;
	struct unit u[MAX_UNITS];
	uint32_t seq[TF_MAX_CPUS];
	int32_t subject[TF_MAX_CPUS];	/* the unit a check on this CPU is about */
	int nr_loose;			/* unexpected checks about no unit */
	int16_t loose_sig;
	bool loose_known;		/* the first of them was judged known, its cause held */
	int nr_sigs;
	char sigs[MAX_SIGS][160];
	/* Tag counters after the ops [0] and after teardown [1]. */
	int nr_tags[2];
	struct tf_tag_obs tag[2][MAX_TAGS];
};

static struct outcome outcomes[TF_NR_TRACKERS];

static const char *const pcp_names[] = { "upstream", "split" };
static bool family_pcp;		/* this run's variants: PCP free paths, not trackers */
static bool what_if;		/* the scenario's machine runs a what-if mode */

/* A variant's name in the family the differential run compares. */
static const char *vname(unsigned int t)
{
	return family_pcp ? pcp_names[t & 1] : tf_tracker_table[t].name;
}
static struct outcome *cur;
static int32_t owner[TF_MAX_PAGES];	/* pfn -> unit, -1; reset per run */
static unsigned long owner_max;
static int8_t tracker_tag[MAX_TAGS];	/* 0 unknown, 1 the tracker's call site, -1 not */

static bool is_tracker_tag(int id)
{
	if (id < 0 || id >= MAX_TAGS)
		return false;
	if (!tracker_tag[id])
		tracker_tag[id] = tf_str_has(tf_tag_info(id).function, "early_pfn") ? 1 : -1;
	return tracker_tag[id] > 0;
}

static int16_t add_sig(const char *sig)
{
	for (int i = 0; i < cur->nr_sigs; i++)
		if (tf_str_eq(cur->sigs[i], sig))
			return i;
	if (cur->nr_sigs == MAX_SIGS)
		return MAX_SIGS - 1;
	snprintf(cur->sigs[cur->nr_sigs], sizeof(cur->sigs[0]), "%s", sig);
	return cur->nr_sigs++;
}

static unsigned int section_pages;

static int32_t new_unit(int cpu, unsigned int order, int tag, long op, bool early,
			unsigned long pfn)
{
	struct unit *u;

	if (cur->nr == MAX_UNITS) {
		cur->overflow = true;
		return -1;
	}
	u = &cur->u[cur->nr];
	*u = (struct unit){ .cpu = cpu, .order = order, .tag = tag, .end_tag = -1, .sig = -1,
			    .seq = cur->seq[cpu]++, .op = op, .end_op = -1, .partner = -1, .target = -1,
			    .section = pfn / section_pages };
	if (early)
		u->flags |= UF_EARLY;
	if (tf_sched_active())
		u->flags |= UF_RACY;
	if (tag == TF_TAG_NONE)
		u->flags |= UF_UNTAGGED;
	return cur->nr++;
}

static void end_unit(int32_t i, unsigned long pfn, long op)
{
	struct unit *u = &cur->u[i];
	struct tf_ref_obs o = tf_observe_ref(pfn);

	u->flags |= UF_ENDED;
	if (tf_sched_active())
		u->flags |= UF_RACY;
	u->end_op = op;
	switch (o.state) {
	case TF_REF_NO_EXT:
		u->state = ST_NO_EXT;
		break;
	case TF_REF_TAG:
		u->state = ST_TAG;
		u->end_tag = o.tag;
		break;
	case TF_REF_EMPTY:
		u->flags |= UF_EMPTY;
		/* fall through */
	default:
		/* NULL and EMPTY both mean "no tag"; whether a check fired says the rest. */
		u->state = ST_NONE;
	}
}

static void watch_event(void *arg, const struct tf_event *ev, long op)
{
	unsigned long pfn = ev->pfn, n = 1UL << ev->order, i;
	int cpu = ev->cpu;

	(void)arg;
	if (cpu < 0 || cpu >= TF_MAX_CPUS)
		return;
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		if (pfn >= owner_max)
			return;
		if (is_tracker_tag(ev->tag)) {
			owner[pfn] = -1;
			cur->subject[cpu] = -1;
			return;
		}
		owner[pfn] = new_unit(cpu, ev->order, ev->tag, op,
				      tf_observe_ref(pfn).state == TF_REF_NO_EXT, pfn);
		cur->subject[cpu] = owner[pfn];
		break;
	case TF_EV_PAGE_FREE:
		if (pfn >= owner_max)
			return;
		cur->subject[cpu] = owner[pfn];
		if (owner[pfn] >= 0)
			end_unit(owner[pfn], pfn, op);
		owner[pfn] = -1;
		break;
	case TF_EV_PAGE_SPLIT: {
		int32_t parent;
		bool early;
		int tag;

		if (pfn + n > owner_max || owner[pfn] < 0)
			return;
		parent = owner[pfn];
		early = cur->u[parent].flags & UF_EARLY;
		tag = cur->u[parent].tag;
		end_unit(parent, pfn, op);
		for (i = 0; i < n; i++) {
			owner[pfn + i] = new_unit(cpu, 0, tag, op, early, pfn + i);
			if (owner[pfn + i] < 0)
				continue;
			cur->u[owner[pfn + i]].flags |= UF_PART;
			/* What a part holds is what its whole held: skipped with it. */
			cur->u[owner[pfn + i]].partner = parent;
			/* The head part keeps the head's pfn, recorded or dropped. */
			if (!i)
				cur->u[owner[pfn]].flags |= cur->u[parent].flags & UF_DROPPED;
		}
		cur->subject[cpu] = owner[pfn];
		break;
	}
	case TF_EV_PAGE_MIGRATE:
		/* pgalloc_tag_swap(): the new page's outcome hangs on the old one's. */
		if (pfn < owner_max && ev->pfn2 < owner_max && owner[pfn] >= 0) {
			cur->u[owner[pfn]].partner = owner[ev->pfn2];
			if (owner[ev->pfn2] >= 0)
				cur->u[owner[ev->pfn2]].target = owner[pfn];
		}
		/* The swap's checks are about the old page (its tag is read first). */
		if (ev->pfn2 < owner_max)
			cur->subject[cpu] = owner[ev->pfn2];
		break;
	case TF_EV_CALL:
		cur->subject[cpu] = pfn < owner_max ? owner[pfn] : -1;
		break;
	case TF_EV_OP_END:
		cur->subject[cpu] = -1;
		break;
	case TF_EV_PRINTK:
		if (cur->subject[cpu] >= 0 && ev->msg &&
		    tf_str_has(ev->msg, "early PFN tracking page allocation failed"))
			cur->u[cur->subject[cpu]].flags |= UF_DROPPED;
		break;
	default:
		break;
	}
}

static void watch_check(void *arg, const struct tf_event *ev, const char *sig, const char *known)
{
	int32_t s;

	(void)arg;
	if (ev->cpu < 0 || ev->cpu >= TF_MAX_CPUS)
		return;
	s = cur->subject[ev->cpu];
	if (!sig) {
		/* The model expected it (an untagged caller): compared too. */
		if (s >= 0 && cur->u[s].nr_expected < 255)
			cur->u[s].nr_expected++;
		return;
	}
	if (s >= 0) {
		if (cur->u[s].sig < 0) {
			cur->u[s].sig = add_sig(sig);
			cur->u[s].sig_known = known != NULL;
		}
	} else {
		if (!cur->nr_loose++) {
			cur->loose_sig = add_sig(sig);
			cur->loose_known = known != NULL;
		}
	}
}

static void snapshot_tags(int when)
{
	int id, nr = tf_nr_tags();

	if (nr > MAX_TAGS)
		nr = MAX_TAGS;
	cur->nr_tags[when] = nr;
	for (id = 0; id < nr; id++)
		cur->tag[when][id] = tf_observe_tag(id);
}

static void watch_teardown(void *arg)
{
	(void)arg;
	snapshot_tags(0);
}

static const struct tf_run_watch watch = {
	.event = watch_event,
	.check = watch_check,
	.teardown = watch_teardown,
};

static void run_variant(const struct tf_scenario *s, const struct tf_diff_opts *o,
			unsigned int t, struct tf_verdict *v)
{
	static struct tf_scenario copy;
	struct tf_run_opts ro = {
		.strict = o->strict,
		.bugs = o->bugs,
		.watch = &watch,
	};
	unsigned long pages = tf_machine_pages(&s->m);

	copy.m = s->m;
	if (o->pcp)
		copy.m.pcp_variant = t;
	else
		copy.m.tracker = t;
	copy.nr_ops = s->nr_ops;
	copy.truncated = s->truncated;
	memcpy(copy.ops, s->ops, s->nr_ops * sizeof(s->ops[0]));

	cur = &outcomes[t];
	cur->nr = 0;
	cur->overflow = false;
	memset(cur->seq, 0, sizeof(cur->seq));
	for (int c = 0; c < TF_MAX_CPUS; c++)
		cur->subject[c] = -1;
	cur->nr_loose = 0;
	cur->loose_sig = -1;
	cur->loose_known = false;
	cur->nr_sigs = 0;
	cur->nr_tags[0] = cur->nr_tags[1] = 0;
	owner_max = pages;
	section_pages = s->m.section_pages;
	for (unsigned long p = 0; p < pages; p++)
		owner[p] = -1;

	tf_run(&copy, &ro, v);
	snapshot_tags(1);
	cur = NULL;
}

/* Units in (cpu, seq) order: the same allocation in every variant. */
static int unit_order(const struct outcome *o, const uint32_t *a, const uint32_t *b)
{
	const struct unit *x = &o->u[*a], *y = &o->u[*b];

	if (x->cpu != y->cpu)
		return x->cpu - y->cpu;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct outcome *sort_outcome;

static int cmp_units(const void *a, const void *b)
{
	return unit_order(sort_outcome, a, b);
}

static uint32_t order_a[MAX_UNITS], order_b[MAX_UNITS];
/* Per unit index of each side: not comparable. */
static uint8_t skip_a[MAX_UNITS], skip_b[MAX_UNITS];

static void sort_units(const struct outcome *o, uint32_t *idx)
{
	for (unsigned int i = 0; i < o->nr; i++)
		idx[i] = i;
	sort_outcome = o;
	qsort(idx, o->nr, sizeof(idx[0]), cmp_units);
}

static bool same_structure(const struct unit *a, const struct unit *b)
{
	return a->cpu == b->cpu && a->seq == b->seq && a->order == b->order &&
	       a->op == b->op && a->end_op == b->end_op && a->tag == b->tag &&
	       (a->flags & UF_ENDED) == (b->flags & UF_ENDED);
}

static const char *state_name(const struct outcome *o, const struct unit *u, char *buf,
			      size_t len)
{
	switch (u->state) {
	case ST_NO_EXT:
		return "no page_ext";
	case ST_NONE:
		return "no tag (NULL or EMPTY)";
	case ST_TAG:
		snprintf(buf, len, "tag %s", tf_tag_info(u->end_tag).function);
		return buf;
	default:
		return "live";
	}
}

static void add_disagreement(struct tf_diff_result *r, const struct tf_diff_opts *o,
			     const char *what, long op, const char *known_sig,
			     const char *known_in, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void add_disagreement(struct tf_diff_result *r, const struct tf_diff_opts *o,
			     const char *what, long op, const char *known_sig,
			     const char *known_in, const char *fmt, ...)
{
	struct tf_finding *f;
	va_list ap;
	int i = r->nr;

	if (!known_sig || o->strict)
		r->nr_new++;
	if (i == TF_MAX_FINDINGS)
		return;
	f = &r->f[r->nr++];
	snprintf(f->sig, sizeof(f->sig), "diff:%s/%s%s", vname(r->variant[0]), what,
		 what_if ? TF_WHAT_IF_SUFFIX : "");
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	f->op = op;
	f->known = NULL;
	if (known_sig) {
		snprintf(r->known[i], sizeof(r->known[i]),
			 "the variants differ where %s meets the known finding %s (docs/variants.md)",
			 known_in, known_sig);
		f->known = r->known[i];
	}
}

/* Compare variant @k's outcome with the baseline's. */
/*
 * A part of the same split whole as @u that held EMPTY.  Freeing a part
 * checks its ref in pgalloc_tag_get() before its free event names it, so
 * that check counts on the part freed just before: a stale stamp on one
 * part (O1) moves counts between its siblings.
 */
static bool sibling_empty(const struct outcome *run, const struct unit *u)
{
	unsigned int i;

	if (!(u->flags & UF_PART) || u->partner < 0)
		return false;
	for (i = 0; i < run->nr; i++)
		if ((run->u[i].flags & (UF_PART | UF_EMPTY)) == (UF_PART | UF_EMPTY) &&
		    run->u[i].partner == u->partner)
			return true;
	return false;
}

static void compare(struct tf_diff_result *r, const struct tf_diff_opts *o, int k)
{
	const char *an = vname(r->variant[0]);
	const char *bn = vname(r->variant[k]);
	const struct outcome *A = &outcomes[r->variant[0]], *B = &outcomes[r->variant[k]];
	uint64_t tainted = 0;
	char what[64], b1[96], b2[96];
	unsigned int i;

	if (A->overflow || B->overflow || A->nr != B->nr) {
		r->nr_diverged++;
		return;
	}
	sort_units(A, order_a);
	sort_units(B, order_b);
	for (i = 0; i < A->nr; i++) {
		if (!same_structure(&A->u[order_a[i]], &B->u[order_b[i]])) {
			r->nr_diverged++;
			return;
		}
	}

	/*
	 * Not comparable: made or ended while ops were interleaved, or placed
	 * in different sections (so page_ext reached them at other times),
	 * or the other side of a tag swap (migration) with such a unit.
	 */
	for (i = 0; i < A->nr; i++) {
		const struct unit *a = &A->u[order_a[i]], *b = &B->u[order_b[i]];

		skip_a[order_a[i]] = skip_b[order_b[i]] =
			((a->flags | b->flags) & UF_RACY) || a->section != b->section ||
			(a->flags & UF_EARLY) != (b->flags & UF_EARLY) ||
			/*
			 * The PCP free paths hand out other pfns: an early page
			 * then shares its pfn's history (recorded, freed, reused
			 * before the clear) with other allocations in each run.
			 */
			(family_pcp && ((a->flags | b->flags) & UF_EARLY));
	}
	for (bool changed = true; changed; ) {
		changed = false;
		for (i = 0; i < A->nr; i++) {
			const struct unit *a = &A->u[order_a[i]], *b = &B->u[order_b[i]];

			if (skip_a[order_a[i]])
				continue;
			if ((a->partner >= 0 && skip_a[a->partner]) ||
			    (b->partner >= 0 && skip_b[b->partner]) ||
			    (a->target >= 0 && skip_a[a->target]) ||
			    (b->target >= 0 && skip_b[b->target])) {
				skip_a[order_a[i]] = skip_b[order_b[i]] = 1;
				changed = true;
			}
		}
	}

	for (i = 0; i < A->nr; i++) {
		const struct unit *a = &A->u[order_a[i]], *b = &B->u[order_b[i]];
		const char *sa = a->sig >= 0 ? A->sigs[a->sig] : NULL;
		const char *sb = b->sig >= 0 ? B->sigs[b->sig] : NULL;
		long op = a->end_op >= 0 ? a->end_op : a->op;

		if (skip_a[order_a[i]]) {
			r->nr_skipped++;
			if (a->tag >= 0 && a->tag < MAX_TAGS)
				tainted |= 1ull << a->tag;
			if (a->state == ST_TAG && a->end_tag >= 0 && a->end_tag < MAX_TAGS)
				tainted |= 1ull << a->end_tag;
			if (b->state == ST_TAG && b->end_tag >= 0 && b->end_tag < MAX_TAGS)
				tainted |= 1ull << b->end_tag;
			continue;
		}
		r->nr_compared++;
		if (!sa != !sb) {
			const char *ks = sa ? sa : sb;
			/* Known only as judged in that variant's run: its cause held there. */
			bool known = sa ? a->sig_known : b->sig_known;

			snprintf(what, sizeof(what), "%s:check", bn);
			add_disagreement(r, o, what, op, known ? ks : NULL, sa ? an : bn,
					 "allocation %u of CPU%u (op %d, %s): %s: %s; %s: %s",
					 a->seq, a->cpu, a->op, a->flags & UF_EARLY ? "early" : "not early",
					 an, sa ? sa : "no check", bn, sb ? sb : "no check");
			if (a->tag >= 0 && a->tag < MAX_TAGS)
				tainted |= 1ull << a->tag;
			continue;
		}
		/*
		 * The PCP free paths put an untagged allocation on other pfns,
		 * whose stale EMPTY stamps (O1) differ: how often its frees
		 * warn is no property of the free path.
		 */
		if (a->nr_expected != b->nr_expected && !(family_pcp && a->tag < 0)) {
			/*
			 * An untagged allocation warns when freed unless its page
			 * holds EMPTY.  A page the tracker did not record itself
			 * (allocated with page_ext, or a part split off an early
			 * allocation) can still hold EMPTY from a stale entry of an
			 * earlier early allocation of its pfn (O1); which pfns carry
			 * stale entries depends on where each tracker's own pages
			 * pushed the allocations, so that is the known way for
			 * this to differ.
			 */
			const struct unit *quiet = a->nr_expected > b->nr_expected ? b : a;
			const struct unit *loud = quiet == a ? b : a;
			bool o1 = ((quiet->flags & UF_EMPTY) || sibling_empty(quiet == a ? A : B, quiet)) &&
				  (!((a->flags | b->flags) & UF_EARLY) || (a->flags & UF_PART));
			bool f3 = loud->flags & UF_DROPPED;

			snprintf(what, sizeof(what), "%s:check", bn);
			add_disagreement(r, o, what, op,
					 f3 ? "F3 (the tracker dropped the pfn of an untagged page)" :
					 o1 ? "O1 (a stale EMPTY stamp)" : NULL,
					 !f3 && o1 ? (quiet == a ? an : bn) : (loud == a ? an : bn),
					 "allocation %u of CPU%u (op %d, %s): %d expected check(s) in %s, %d in %s",
					 a->seq, a->cpu, a->op, a->flags & UF_EARLY ? "early" : "not early",
					 a->nr_expected, an, b->nr_expected, bn);
			continue;
		}
		if (a->state != b->state || (a->state == ST_TAG && a->end_tag != b->end_tag)) {
			snprintf(what, sizeof(what), "%s:tag-state", bn);
			add_disagreement(r, o, what, op, NULL, NULL,
					 "allocation %u of CPU%u (op %d) ends with %s in %s, %s in %s",
					 a->seq, a->cpu, a->op, state_name(A, a, b1, sizeof(b1)), an,
					 state_name(B, b, b2, sizeof(b2)), bn);
			if (a->tag >= 0 && a->tag < MAX_TAGS)
				tainted |= 1ull << a->tag;
		}
	}
	if (!A->nr_loose != !B->nr_loose) {
		const char *ks = A->nr_loose ? A->sigs[A->loose_sig] : B->sigs[B->loose_sig];
		bool known = A->nr_loose ? A->loose_known : B->loose_known;

		snprintf(what, sizeof(what), "%s:check", bn);
		add_disagreement(r, o, what, -1, known ? ks : NULL, A->nr_loose ? an : bn,
				 "a check about no allocation: %s: %d, %s: %d (first: %s)",
				 an, A->nr_loose, bn, B->nr_loose, ks);
	}

	for (int when = 0; when < 2; when++) {
		int nr = A->nr_tags[when] > B->nr_tags[when] ? A->nr_tags[when] : B->nr_tags[when];

		for (int id = 0; id < nr; id++) {
			static const struct tf_tag_obs zero;
			const struct tf_tag_obs *x = id < A->nr_tags[when] ? &A->tag[when][id] : &zero;
			const struct tf_tag_obs *y = id < B->nr_tags[when] ? &B->tag[when][id] : &zero;

			if (is_tracker_tag(id) || (tainted & (1ull << id)))
				continue;
			if (x->calls == y->calls && x->bytes == y->bytes &&
			    x->inaccurate == y->inaccurate)
				continue;
			snprintf(what, sizeof(what), "%s:counters", bn);
			add_disagreement(r, o, what, -1, NULL, NULL,
					 "tag %s %s: %s %lld calls / %lld bytes%s, %s %lld / %lld%s",
					 tf_tag_info(id).function,
					 when ? "after teardown" : "after the ops",
					 an, (long long)x->calls, (long long)x->bytes,
					 x->inaccurate ? " inaccurate" : "",
					 bn, (long long)y->calls, (long long)y->bytes,
					 y->inaccurate ? " inaccurate" : "");
			return;
		}
	}
}

void tf_diff_run(const struct tf_scenario *s, const struct tf_diff_opts *o,
		 struct tf_diff_result *r)
{
	bool comparable = true;
	int k;

	r->nr_variants = 0;
	r->nr = r->nr_new = 0;
	r->nr_diverged = r->nr_compared = r->nr_skipped = 0;
	family_pcp = o->pcp;
	what_if = s->m.what_if;
	r->pcp = o->pcp;
	for (unsigned int t = 0; t < (o->pcp ? TF_NR_PCP_FAMILY : TF_NR_TRACKERS); t++) {
		if (!(o->trackers & (1u << t)))
			continue;
		k = r->nr_variants++;
		r->variant[k] = t;
		run_variant(s, o, t, &r->v[k]);
		/* A run cut short by a new finding or a BUG is not an outcome. */
		if (tf_verdict_first_new(&r->v[k], o->strict) || r->v[k].ended_by_bug)
			comparable = false;
	}
	if (!comparable)
		return;
	for (k = 1; k < r->nr_variants; k++)
		compare(r, o, k);
}

const struct tf_finding *tf_diff_first_new(const struct tf_diff_result *r, bool strict,
					   const char **who)
{
	static char pair[64];
	int k, i;

	for (k = 0; k < r->nr_variants; k++) {
		const struct tf_finding *f = tf_verdict_first_new(&r->v[k], strict);

		if (f) {
			*who = vname(r->variant[k]);
			return f;
		}
	}
	for (i = 0; i < r->nr; i++) {
		if (strict || !r->f[i].known) {
			snprintf(pair, sizeof(pair), "%s", r->f[i].sig + strlen("diff:"));
			*strchr(strchr(pair, '/'), ':') = '\0';
			*who = pair;
			return &r->f[i];
		}
	}
	return NULL;
}

void tf_diff_print(FILE *f, const struct tf_scenario *s, const struct tf_diff_result *r,
		   bool strict)
{
	family_pcp = r->pcp;
	for (int k = 0; k < r->nr_variants; k++) {
		const struct tf_finding *fd = tf_verdict_first_new(&r->v[k], strict);

		fprintf(f, "variant %-10s %s", vname(r->variant[k]),
			fd ? fd->sig : "clean");
		for (int i = 0; i < r->v[k].nr; i++)
			if (r->v[k].f[i].known && !strict)
				fprintf(f, "%s known %s", i ? "," : ";", r->v[k].f[i].sig);
		fprintf(f, "\n");
	}
	fprintf(f, "compared %u allocation(s), skipped %u (interleaved or placed apart); "
		"%u variant(s) diverged from %s\n", r->nr_compared, r->nr_skipped,
		r->nr_diverged, r->nr_variants ? vname(r->variant[0]) : "-");
	for (int i = 0; i < r->nr; i++)
		fprintf(f, "%s %s: %s\n", r->f[i].known ? "known disagreement" : "DISAGREEMENT",
			r->f[i].sig, r->f[i].detail);
	(void)s;
}

void tf_fuzz_diff_one(const struct tf_scenario *s, const struct tf_diff_opts *o,
		      struct tf_diff_result *r, const char *env)
{
	const struct tf_finding *f;
	const char *who;

	tf_diff_run(s, o, r);
	/* The baseline variant's own run: each variant would count it again. */
	if (r->nr_variants)
		tf_fuzz_count_known(&r->v[0], o->strict);
	f = tf_diff_first_new(r, o->strict, &who);
	if (!f)
		return;
	if (env)
		fprintf(stderr, "==tagfuzz== variant: %s (%s=%s to replay)\n", who, env, who);
	else
		fprintf(stderr, "==tagfuzz== variant: %s\n", who);
	tf_diff_print(stderr, s, r, o->strict);
	tf_print_finding(stderr, s, f);
	tf_fuzz_print_known_counts();
	tf_finding_abort(f->sig);
}
