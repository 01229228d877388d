// SPDX-License-Identifier: GPL-2.0
/*
 * The cause journal's bound (reference/journal.h): fed far more records
 * than it has room for, it keeps every event of the kinds that come a few
 * per op, every tracker pool page, and the last allocation, split and free
 * of each pfn, in order; tf_journal_lost() names exactly what went between
 * two kept records, and every access kept came after every access dropped.
 * Then a scenario whose bursts fill it many times over: the memory online
 * at its end keeps what F18's cause reads (tests/scenarios has it known).
 */
#include <stdlib.h>

#include "codec.h"
#include "journal.h"
#include "oracle.h"
#include "run.h"
#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"
#include "tagfuzz/pgflags.h"
#include "test.h"

/* A synthetic run: each record carries its serial (events in .pfn2, accesses in .val). */
#define NR_PFNS		1024
#define NR_RECS		400000

struct ref {
	bool access;
	enum tf_event_kind kind;
	unsigned long pfn;
	unsigned int order;
	bool keep;		/* a kind the journal always keeps */
};

static struct ref *refs;
static long last_alloc[NR_PFNS], last_split[NR_PFNS], last_free[NR_PFNS];

static unsigned long serial_of(const struct tf_jrec *r)
{
	return r->access ? r->a.val : r->ev.pfn2;
}

static uint64_t bit_of(const struct ref *x)
{
	return x->access ? TF_JOURNAL_LOST_ACCESS : TF_JOURNAL_LOST_EV(x->kind);
}

/* Feed @n records: bursts of allocations and frees, accesses, a few per-op events. */
static void feed(size_t n, uint64_t seed, unsigned int keep_every)
{
	static const enum tf_event_kind rare[] = {
		TF_EV_OP_END, TF_EV_MEM_NOTIFY, TF_EV_PEXT_ONLINE, TF_EV_CPU_DOWN,
		TF_EV_HWPOISON, TF_EV_PCP,
	};
	static const enum tf_event_kind bulk[] = {
		TF_EV_CALL, TF_EV_CHECK, TF_EV_PRINTK, TF_EV_PAGE_REF, TF_EV_PAGE_MIGRATE,
	};
	static const int dummy[64];

	for (int p = 0; p < NR_PFNS; p++)
		last_alloc[p] = last_split[p] = last_free[p] = -1;
	tf_journal_reset();
	for (size_t i = 0; i < n; i++) {
		uint64_t r = test_rand(&seed);
		struct ref *x = &refs[i];
		struct tf_event ev = { .pfn2 = i, .cpu = (int)(r >> 40) % 4 };

		memset(x, 0, sizeof(*x));
		if (i % 997 == 0)
			tf_journal_set_op((long)(i / 997));
		switch (keep_every && i % keep_every == 0 ? 16 : r % 16) {
		case 0 ... 5: {
			struct tf_access_rec a = {
				.step = i, .cpu = (int)(r >> 8) % 4, .kind = TF_ACC_READ,
				.site = "read", .addr = &dummy[(r >> 16) % 64], .val = i,
			};

			x->access = true;
			tf_journal_access(&a);
			continue;
		}
		case 6 ... 8:
			ev.kind = TF_EV_PAGE_ALLOC;
			ev.order = (unsigned int)(r >> 20) % 4;
			ev.pfn = ((r >> 24) % NR_PFNS) & ~((1UL << ev.order) - 1);
			/* Now and then a tracker pool page: always kept. */
			if ((r >> 50) % 64 == 0)
				ev.alloc_flags = TF_EV_ALLOC_NO_CODETAG;
			break;
		case 9 ... 11:
			ev.kind = TF_EV_PAGE_FREE;
			ev.pfn = (r >> 24) % NR_PFNS;
			break;
		case 12:
			ev.kind = TF_EV_PAGE_SPLIT;
			ev.pfn = (r >> 24) % NR_PFNS;
			break;
		case 13:
			ev.kind = TF_EV_PGF;
			ev.section = (r >> 24) % 64 ? TF_PGF_EV_BIT_SET : TF_PGF_EV_MODULE_GOING;
			break;
		case 16:
			ev.kind = TF_EV_OP_END;
			break;
		default:
			ev.kind = (r >> 24) % 64 ? bulk[(r >> 30) % ARRAY_LEN(bulk)] :
				  rare[(r >> 30) % ARRAY_LEN(rare)];
			break;
		}
		x->kind = ev.kind;
		x->pfn = ev.pfn;
		x->order = ev.order;
		x->keep = (ev.kind != TF_EV_PAGE_ALLOC && ev.kind != TF_EV_PAGE_FREE &&
			   ev.kind != TF_EV_PAGE_SPLIT && ev.kind != TF_EV_CALL &&
			   ev.kind != TF_EV_CHECK && ev.kind != TF_EV_PRINTK &&
			   ev.kind != TF_EV_PAGE_REF && ev.kind != TF_EV_PAGE_MIGRATE &&
			   !(ev.kind == TF_EV_PGF && ev.section == TF_PGF_EV_BIT_SET)) ||
			  ev.alloc_flags;
		if (ev.kind == TF_EV_PAGE_ALLOC)
			for (unsigned long p = ev.pfn; p < ev.pfn + (1UL << ev.order); p++)
				last_alloc[p] = (long)i;
		else if (ev.kind == TF_EV_PAGE_SPLIT)
			last_split[ev.pfn] = (long)i;
		else if (ev.kind == TF_EV_PAGE_FREE)
			last_free[ev.pfn] = (long)i;
		tf_journal_event(&ev);
	}
}

/* The serial of the journal's last @kind covering @pfn (an allocation's range), or -1. */
static long journal_last(enum tf_event_kind kind, unsigned long pfn)
{
	for (long i = tf_journal_prev_event(tf_journal_len(), kind); i >= 0;
	     i = tf_journal_prev_same(i)) {
		const struct tf_event *e = &tf_journal_at((size_t)i)->ev;

		if (kind == TF_EV_PAGE_ALLOC ? e->pfn <= pfn && pfn < e->pfn + (1UL << e->order) :
		    e->pfn == pfn)
			return (long)e->pfn2;
	}
	return -1;
}

/* What the journal holds against what was fed (feed()'s @n records). */
static bool check_against_feed(size_t n)
{
	size_t len = tf_journal_len(), k = 0, kept_keep = 0, all_keep = 0;
	long prev = -1, first_access = -1;

	ASSERT_TRUE(tf_journal_overflowed());
	ASSERT_EQ(tf_journal_dropped() + len, n);
	for (size_t i = 0; i < n; i++)
		all_keep += refs[i].keep;
	/* In order; a gap's mask is what went between; always-kept kinds all there. */
	for (size_t i = 0; i < len; i++) {
		const struct tf_jrec *r = tf_journal_at(i);
		long s = (long)serial_of(r);
		uint64_t want = 0;

		ASSERT_TRUE(s > prev);
		for (long j = prev + 1; j < s; j++) {
			ASSERT_FALSE(refs[j].keep);
			want |= bit_of(&refs[j]);
		}
		ASSERT_EQ(tf_journal_lost((long)i - 1, (long)i), want);
		ASSERT_EQ(r->access, refs[s].access);
		if (r->access && first_access < 0)
			first_access = (long)i;
		kept_keep += refs[s].keep;
		prev = s;
	}
	ASSERT_EQ(prev, (long)n - 1);
	ASSERT_EQ(kept_keep, all_keep);
	/* The tail is whole; every access kept came after every access dropped. */
	ASSERT_EQ(tf_journal_lost((long)(len - TF_JOURNAL_TAIL), (long)len), 0);
	ASSERT_TRUE(first_access >= 0);
	ASSERT_EQ(tf_journal_lost(first_access, (long)len) & TF_JOURNAL_LOST_ACCESS, 0);
	ASSERT_NE(tf_journal_lost(-1, first_access) & TF_JOURNAL_LOST_ACCESS, 0);
	/* The last of each pfn, through the back links the causes follow. */
	for (unsigned long p = 0; p < NR_PFNS; p++) {
		ASSERT_EQ(journal_last(TF_EV_PAGE_ALLOC, p), last_alloc[p]);
		ASSERT_EQ(journal_last(TF_EV_PAGE_SPLIT, p), last_split[p]);
		ASSERT_EQ(journal_last(TF_EV_PAGE_FREE, p), last_free[p]);
		k += last_alloc[p] >= 0;
	}
	ASSERT_TRUE(k > NR_PFNS / 2);
	return true;
}

/* Many times its room: the kept part fits in the room it starts with. */
static bool test_journal_keeps_what_causes_read(void)
{
	bool ok;

	refs = calloc(NR_RECS, sizeof(*refs));
	ASSERT_TRUE(refs);
	feed(NR_RECS, 0x5eed, 0);
	ok = check_against_feed(NR_RECS);
	free(refs);
	ASSERT_TRUE(ok);
	ASSERT_EQ(tf_journal_capacity(), TF_JOURNAL_INIT);
	ASSERT_TRUE(tf_journal_len() <= TF_JOURNAL_INIT);
	return true;
}

/* More always-kept events than its room: it grows and drops none of them. */
static bool test_journal_grows_for_kept_events(void)
{
	bool ok;

	refs = calloc(NR_RECS, sizeof(*refs));
	ASSERT_TRUE(refs);
	feed(NR_RECS, 0xfeed, 3);
	ok = check_against_feed(NR_RECS);
	free(refs);
	ASSERT_TRUE(ok);
	ASSERT_TRUE(tf_journal_capacity() > TF_JOURNAL_INIT);
	ASSERT_TRUE(tf_journal_len() <= tf_journal_capacity());
	return true;
}

/* Each access counts towards its op's steps, dropped or not. */
static bool test_journal_op_steps_survive_compaction(void)
{
	static int obj;
	struct tf_access_rec a = { .cpu = 0, .kind = TF_ACC_READ, .site = "read", .addr = &obj };

	tf_journal_reset();
	tf_journal_set_op(3);
	for (a.step = 1; a.step <= 1000; a.step++)
		tf_journal_access(&a);
	/* A later run's accesses push all of op 3's out. */
	tf_journal_set_op(4);
	for (a.step = 1; a.step <= 3 * TF_JOURNAL_INIT; a.step++)
		tf_journal_access(&a);
	ASSERT_TRUE(tf_journal_overflowed());
	ASSERT_NE(tf_journal_at(0)->op, 3);
	ASSERT_EQ(tf_journal_op_steps(3), 1000);
	ASSERT_EQ(tf_journal_op_steps(4), 3 * TF_JOURNAL_INIT);
	ASSERT_EQ(tf_journal_op_steps(2), 0);
	ASSERT_EQ(tf_journal_find_access(tf_journal_len(), TF_ACC_READ, &obj, 0, NULL),
		  (long)tf_journal_len() - 1);
	tf_journal_reset();
	ASSERT_EQ(tf_journal_op_steps(3), 0);
	return true;
}

/*
 * The fuzz_boot reproducer (tests/scenarios/hotplug-f18-known-journal-compacted.txt)
 * with more bursts: the run's burst fills the journal with accesses, the
 * later bursts with events, many times over; section 1's offline and
 * online still have every notifier and page_ext event, and the last
 * allocation and free of each of its pfns.
 */
static long seen_notify, seen_pext, seen_opend;
/* Per pfn: its last allocation's and free's op and op ends before it; op -2: none. */
static struct seen {
	long op, opends;
} seen_alloc[TF_MAX_PAGES], seen_free[TF_MAX_PAGES];

static void watch_event(void *arg, const struct tf_event *ev, long op)
{
	(void)arg;
	if (ev->kind == TF_EV_MEM_NOTIFY)
		seen_notify++;
	else if (ev->kind == TF_EV_PEXT_ONLINE)
		seen_pext++;
	else if (ev->kind == TF_EV_OP_END)
		seen_opend++;
	else if (ev->kind == TF_EV_PAGE_ALLOC && ev->pfn < TF_MAX_PAGES)
		for (unsigned long p = ev->pfn; p < ev->pfn + (1UL << ev->order) && p < TF_MAX_PAGES; p++)
			seen_alloc[p] = (struct seen){ op, seen_opend };
	else if (ev->kind == TF_EV_PAGE_FREE && ev->pfn < TF_MAX_PAGES)
		seen_free[ev->pfn] = (struct seen){ op, seen_opend };
}

static void watch_check(void *arg, const struct tf_event *ev, const char *sig, const char *known)
{
	(void)arg;
	(void)ev;
	(void)sig;
	(void)known;
}

static void watch_teardown(void *arg)
{
	(void)arg;
}

/* How many of the journal's events of always-kept kinds come before record @i. */
static long kept_before(long i, enum tf_event_kind kind)
{
	long n = 0;

	for (long j = tf_journal_prev_event((size_t)i, kind); j >= 0; j = tf_journal_prev_same(j))
		n++;
	return n;
}

static bool test_journal_scenario_keeps_hotplug_events(void)
{
	static const char text[] =
		"machine section_pages=128 sections=16 cpus=1 nodes=3 debug=1 profiling=1 wmark=0\n"
		"pext_init\n"
		"start burst cpu=0 count=150 order=1 tag=9 rounds=9 free=1\n"
		"run first=1 at=12\n"
		"burst cpu=0 count=150 order=1 tag=9 rounds=9 free=1\n"
		"burst cpu=0 count=150 order=1 tag=9 rounds=9 free=1\n"
		"burst cpu=0 count=150 order=1 tag=9 rounds=9 free=1\n"
		"mem_offline section=1\n"
		"burst cpu=0 count=256 order=1 tag=9 rounds=16 free=1\n"
		"burst cpu=0 count=256 order=0 tag=9 rounds=16 free=1\n"
		"burst cpu=0 count=256 order=2 tag=9 rounds=16 free=1\n"
		"burst cpu=0 count=256 order=1 tag=9 rounds=16 free=1\n"
		"burst cpu=0 count=256 order=0 tag=9 rounds=16 free=1\n"
		"burst cpu=0 count=256 order=2 tag=9 rounds=16 free=1\n"
		"mem_online section=1\n";
	static struct tf_scenario s;
	static struct tf_verdict v;
	static long last_a[TF_MAX_PAGES], last_f[TF_MAX_PAGES];
	const struct tf_run_watch w = {
		.event = watch_event, .check = watch_check, .teardown = watch_teardown,
	};
	struct tf_run_opts o = { .watch = &w };
	long nr_notify = 0, nr_pext = 0;
	char err[200];

	ASSERT_EQ(tf_parse_text(text, &s, err, sizeof(err)), 0);
	seen_notify = seen_pext = seen_opend = 0;
	for (unsigned long p = 0; p < TF_MAX_PAGES; p++)
		seen_alloc[p].op = seen_free[p].op = -2;
	tf_run(&s, &o, &v);
	ASSERT_EQ(v.nr_new, 0);
	ASSERT_TRUE(v.nr > 0);
	ASSERT_STREQ(v.f[0].sig, "check:WARN:alloc_tag was not set [hotplug-online]");
	ASSERT_TRUE(v.f[0].known != NULL);
	/* Over twice its room went through it; it kept its starting room. */
	ASSERT_TRUE(tf_journal_dropped() > TF_JOURNAL_INIT);
	ASSERT_EQ(tf_journal_capacity(), TF_JOURNAL_INIT);
	nr_notify = kept_before((long)tf_journal_len(), TF_EV_MEM_NOTIFY);
	nr_pext = kept_before((long)tf_journal_len(), TF_EV_PEXT_ONLINE);
	ASSERT_EQ(nr_notify, seen_notify);
	ASSERT_EQ(nr_pext, seen_pext);
	ASSERT_TRUE(seen_notify >= 4);
	ASSERT_EQ(kept_before((long)tf_journal_len(), TF_EV_OP_END), seen_opend);
	/*
	 * Each pfn's last allocation and free are kept: the journal's last of
	 * the pfn came in the same op, after as many op ends.
	 */
	for (unsigned long p = 0; p < TF_MAX_PAGES; p++)
		last_a[p] = last_f[p] = -1;
	for (long i = tf_journal_prev_event(tf_journal_len(), TF_EV_PAGE_ALLOC); i >= 0;
	     i = tf_journal_prev_same(i)) {
		const struct tf_event *e = &tf_journal_at((size_t)i)->ev;

		for (unsigned long p = e->pfn; p < e->pfn + (1UL << e->order); p++)
			if (p < TF_MAX_PAGES && last_a[p] < 0)
				last_a[p] = i;
	}
	for (long i = tf_journal_prev_event(tf_journal_len(), TF_EV_PAGE_FREE); i >= 0;
	     i = tf_journal_prev_same(i)) {
		unsigned long p = tf_journal_at((size_t)i)->ev.pfn;

		if (p < TF_MAX_PAGES && last_f[p] < 0)
			last_f[p] = i;
	}
	for (unsigned long p = 0; p < TF_MAX_PAGES; p++) {
		long a = last_a[p], f = last_f[p];

		ASSERT_EQ(a >= 0 ? tf_journal_at((size_t)a)->op : -2, seen_alloc[p].op);
		ASSERT_EQ(f >= 0 ? tf_journal_at((size_t)f)->op : -2, seen_free[p].op);
		if (a >= 0)
			ASSERT_EQ(kept_before(a, TF_EV_OP_END), seen_alloc[p].opends);
		if (f >= 0)
			ASSERT_EQ(kept_before(f, TF_EV_OP_END), seen_free[p].opends);
	}
	return true;
}

const struct test_case tests_journal[] = {
	TEST(test_journal_keeps_what_causes_read),
	TEST(test_journal_grows_for_kept_events),
	TEST(test_journal_op_steps_survive_compaction),
	TEST(test_journal_scenario_keeps_hotplug_events),
};
const size_t nr_tests_journal = ARRAY_LEN(tests_journal);
