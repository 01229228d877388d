// SPDX-License-Identifier: GPL-2.0
/*
 * The port, driven op by op on the simulated machine and checked through
 * the observation interface: buddy and PCP page conservation, tag refs
 * and counters with and without page_ext, the early-PFN tracker and its
 * pool, split/exact/bulk/migrate, fault injection, draining, hotplug.
 */
#include <setjmp.h>
#include <stdlib.h>

#include <linux/mm.h>

#include "tagfuzz/events.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/ops.h"
#include "tagfuzz/sim.h"
#include "test.h"


#define PAGE_BYTES	4096

/* ------------------------------------------------------------------ */
/* The machine under test and what it reported                         */
/* ------------------------------------------------------------------ */

struct ev_alloc {
	unsigned long pfn;
	unsigned int order;
	int tag;
	unsigned int flags;
	int cpu;
};

static struct tf_machine M;
static struct {
	struct ev_alloc alloc[TF_MAX_PAGES];
	unsigned long free_pfn[TF_MAX_PAGES];
	unsigned int free_order[TF_MAX_PAGES];
	int nr_alloc, nr_free, nr_split, nr_checks, nr_printk, nr_pext_online;
	long allocated;		/* pages handed out minus pages freed */
	char check_site[128];	/* the last check's */
	enum tf_check_kind check_kind;
} rec;
static uint8_t loc[TF_MAX_PAGES];

static void record(const struct tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_PAGE_ALLOC:
		if (rec.nr_alloc < TF_MAX_PAGES)
			rec.alloc[rec.nr_alloc++] = (struct ev_alloc){
				ev->pfn, ev->order, ev->tag, ev->alloc_flags, ev->cpu };
		rec.allocated += 1L << ev->order;
		break;
	case TF_EV_PAGE_FREE:
		if (rec.nr_free < TF_MAX_PAGES) {
			rec.free_pfn[rec.nr_free] = ev->pfn;
			rec.free_order[rec.nr_free++] = ev->order;
		}
		rec.allocated -= 1L << ev->order;
		break;
	case TF_EV_PAGE_SPLIT:
		rec.nr_split++;
		break;
	case TF_EV_PEXT_ONLINE:
		rec.nr_pext_online++;
		break;
	case TF_EV_CHECK:
		rec.nr_checks++;
		rec.check_kind = ev->check;
		snprintf(rec.check_site, sizeof(rec.check_site), "%s", ev->site);
		break;
	case TF_EV_PRINTK:
		rec.nr_printk++;
		break;
	default:
		break;
	}
}

static void boot(unsigned int section_pages, unsigned int sections, unsigned int cpus,
		 bool debug)
{
	M = (struct tf_machine){
		.section_pages = section_pages, .nr_sections = sections,
		.nr_cpus = cpus, .debug = debug, .profiling = true, .wmark = 0,
	};
	memset(&rec, 0, sizeof(rec));
	tf_event_sink = record;
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
}

static void sim_end(void)
{
	tf_event_sink = NULL;
	tf_bug_jmp = NULL;
}

/*
 * Every test body runs with a BUG landing here: the test fails and names
 * the check instead of the process trapping.
 */
#define SIM_BEGIN(sp, secs, cpus, debug)				\
	jmp_buf __jb;							\
	if (setjmp(__jb)) {						\
		sim_end();						\
		fprintf(stderr, "  %s:%d: BUG in the port: %s\n",	\
			__FILE__, __LINE__, rec.check_site);		\
		return false;						\
	}								\
	tf_bug_jmp = &__jb;						\
	boot(sp, secs, cpus, debug)

#define SIM_END()	sim_end()

static void exec(struct tf_op op)
{
	tf_sim_exec(&op);
}

#define OP(...)		exec((struct tf_op){ __VA_ARGS__ })
#define ALLOC(cpu_, order_, tag_) \
	OP(.kind = TF_OP_ALLOC, .cpu = (cpu_), .alloc_kind = TF_ALLOC_PAGES, .n = (order_), .tag = (tag_))
#define FREE(cpu_, idx_)	OP(.kind = TF_OP_FREE, .cpu = (cpu_), .n = (idx_))
#define PEXT_INIT()		OP(.kind = TF_OP_PEXT_INIT)

/* The last allocation the scenario's own caller made (not the tracker's). */
static const struct ev_alloc *last_user_alloc(void)
{
	for (int i = rec.nr_alloc - 1; i >= 0; i--)
		if (!(rec.alloc[i].flags & TF_EV_ALLOC_NO_CODETAG))
			return &rec.alloc[i];
	return NULL;
}

static int nr_tracker_allocs(void)
{
	int n = 0;

	for (int i = 0; i < rec.nr_alloc; i++)
		n += !!(rec.alloc[i].flags & TF_EV_ALLOC_NO_CODETAG);
	return n;
}

static bool was_freed(unsigned long pfn)
{
	for (int i = 0; i < rec.nr_free; i++)
		if (rec.free_pfn[i] == pfn)
			return true;
	return false;
}

static unsigned long nr_at(enum tf_page_loc where)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < tf_observe_nr_pages(); pfn++)
		n += loc[pfn] == where;
	return n;
}

/*
 * The containers agree with themselves, and free pages plus the pages the
 * port reported handing out make up all of memory.
 */
static bool conserved(void)
{
	const char *why;

	if (!tf_observe_free_pages(loc, &why)) {
		fprintf(stderr, "  free lists inconsistent: %s\n", why);
		return false;
	}
	if (nr_at(TF_LOC_MULTI)) {
		fprintf(stderr, "  %lu pages in two containers\n", nr_at(TF_LOC_MULTI));
		return false;
	}
	if (tf_observe_free_count() + rec.allocated != tf_observe_nr_pages()) {
		fprintf(stderr, "  %lu free + %ld allocated != %lu pages\n",
			tf_observe_free_count(), rec.allocated, tf_observe_nr_pages());
		return false;
	}
	if (nr_at(TF_LOC_NONE) != (unsigned long)rec.allocated) {
		fprintf(stderr, "  %lu pages in no container, %ld allocated\n",
			nr_at(TF_LOC_NONE), rec.allocated);
		return false;
	}
	return true;
}

#define ASSERT_REF(pfn, st, tg) do {					\
	struct tf_ref_obs __o = tf_observe_ref(pfn);			\
	ASSERT_EQ(__o.state, (st));					\
	if ((st) == TF_REF_TAG)						\
		ASSERT_EQ(__o.tag, (tg));				\
} while (0)

#define ASSERT_TAG(id, c, b) do {					\
	struct tf_tag_obs __t = tf_observe_tag(id);			\
	ASSERT_EQ(__t.calls, (c));					\
	ASSERT_EQ(__t.bytes, (b));					\
} while (0)

/* ------------------------------------------------------------------ */
/* Boot                                                                */
/* ------------------------------------------------------------------ */

static bool test_port_boot_all_pages_free(void)
{
	static const unsigned int shapes[][3] = {
		{ 16, 1, 1 }, { 64, 2, 2 }, { 128, 3, 4 }, { 32, 5, 1 }, { 16, 64, 8 },
	};

	for (size_t s = 0; s < ARRAY_LEN(shapes); s++) {
		unsigned long nr = shapes[s][0] * shapes[s][1];
		SIM_BEGIN(shapes[s][0], shapes[s][1], shapes[s][2], true);

		ASSERT_EQ(tf_observe_nr_pages(), nr);
		ASSERT_EQ(tf_observe_free_count(), nr);
		ASSERT_TRUE(conserved());
		ASSERT_EQ(nr_at(TF_LOC_BUDDY), nr);
		ASSERT_EQ(tf_sim_nr_live(), 0);
		for (unsigned long pfn = 0; pfn < nr; pfn++)
			ASSERT_REF(pfn, TF_REF_NO_EXT, 0);
		/* Boot hands memory to the buddy allocator: no allocation events. */
		ASSERT_EQ(rec.nr_alloc, 0);
		ASSERT_EQ(rec.nr_checks, 0);
		SIM_END();
	}
	return true;
}

/* A second boot starts from nothing, whatever the first left behind. */
static bool test_port_reboot_resets_state(void)
{
	SIM_BEGIN(64, 4, 2, true);
	PEXT_INIT();
	ALLOC(0, 3, 2);
	ALLOC(0, 0, 2);
	ASSERT_TAG(2, 2, 9 * PAGE_BYTES);
	SIM_END();

	boot(32, 2, 1, true);
	tf_bug_jmp = &__jb;
	ASSERT_EQ(tf_observe_free_count(), 64);
	ASSERT_TRUE(conserved());
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_TAG(2, 0, 0);
	ASSERT_FALSE(tf_observe_tag(2).inaccurate);
	ASSERT_REF(0, TF_REF_NO_EXT, 0);
	SIM_END();
	return true;
}

static bool test_port_user_tags_are_ids(void)
{
	char name[16];

	SIM_BEGIN(16, 1, 1, true);
	ASSERT_TRUE(tf_nr_tags() >= TF_NR_USER_TAGS);
	for (int i = 0; i < TF_NR_USER_TAGS; i++) {
		struct tf_tag_info info = tf_tag_info(i);

		snprintf(name, sizeof(name), "site%d", i);
		ASSERT_STREQ(info.function, name);
		ASSERT_TRUE(info.user);
	}
	ASSERT_STREQ(tf_tag_info(-1).function, "?");
	ASSERT_STREQ(tf_tag_info(1000).function, "?");
	SIM_END();
	return true;
}

/* ------------------------------------------------------------------ */
/* Tagging with page_ext                                               */
/* ------------------------------------------------------------------ */

static bool test_port_alloc_with_page_ext_holds_tag(void)
{
	unsigned long p0, p1, free0;

	SIM_BEGIN(64, 2, 2, true);
	PEXT_INIT();
	OP(.kind = TF_OP_CPU_UP, .cpu = 1, .n = 0);
	free0 = tf_observe_free_count();
	ASSERT_EQ(rec.nr_checks, 0);

	ALLOC(0, 2, 3);
	ASSERT_EQ(last_user_alloc()->order, 2);
	ASSERT_EQ(last_user_alloc()->tag, 3);
	p0 = last_user_alloc()->pfn;
	ASSERT_REF(p0, TF_REF_TAG, 3);
	/* Only the head holds the ref. */
	ASSERT_REF(p0 + 1, TF_REF_NULL, 0);
	ASSERT_TAG(3, 1, 4 * PAGE_BYTES);
	ASSERT_FALSE(tf_observe_tag(3).inaccurate);
	ASSERT_TAG(4, 0, 0);

	ALLOC(1, 0, 3);			/* counted on CPU 1 */
	ASSERT_EQ(last_user_alloc()->cpu, 1);
	p1 = last_user_alloc()->pfn;
	ASSERT_NE(p1, p0);
	ASSERT_REF(p1, TF_REF_TAG, 3);
	ASSERT_TAG(3, 2, 5 * PAGE_BYTES);
	ASSERT_EQ(tf_observe_free_count(), free0 - 5);
	ASSERT_EQ(tf_sim_nr_live(), 2);
	ASSERT_TRUE(conserved());

	FREE(0, 0);			/* live[0]: the order-2 block */
	ASSERT_REF(p0, TF_REF_NULL, 0);
	ASSERT_TAG(3, 1, PAGE_BYTES);
	FREE(0, 0);			/* CPU 1's page, uncounted on CPU 0 */
	ASSERT_REF(p1, TF_REF_NULL, 0);
	ASSERT_TAG(3, 0, 0);
	ASSERT_EQ(tf_observe_free_count(), free0);
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_TRUE(conserved());
	ASSERT_EQ(rec.nr_checks, 0);
	SIM_END();
	return true;
}

/* alloc_pages_bulk(): each page is tagged and counted on its own. */
static bool test_port_bulk_alloc_tags_each_page(void)
{
	int first;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	first = rec.nr_alloc;
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_BULK, .n = 8, .tag = 4);
	ASSERT_EQ(tf_sim_nr_live(), 8);
	ASSERT_EQ(rec.nr_alloc - first, 8);
	for (int i = first; i < rec.nr_alloc; i++) {
		ASSERT_EQ(rec.alloc[i].order, 0);
		ASSERT_REF(rec.alloc[i].pfn, TF_REF_TAG, 4);
	}
	ASSERT_TAG(4, 8, 8 * PAGE_BYTES);
	ASSERT_TRUE(conserved());
	for (int i = 0; i < 8; i++)
		FREE(0, 0);
	ASSERT_TAG(4, 0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

/* An untagged caller with page_ext: the debug check fires every time. */
static bool test_port_untagged_alloc_warns_each_time(void)
{
	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	OP(.kind = TF_OP_ALLOC, .n = 0, .untagged = true);
	ASSERT_EQ(rec.nr_checks, 1);
	ASSERT_EQ(rec.check_kind, TF_CHECK_WARN);
	ASSERT_STREQ(rec.check_site, "current->alloc_tag not set");
	ASSERT_EQ(last_user_alloc()->tag, TF_TAG_NONE);
	ASSERT_REF(last_user_alloc()->pfn, TF_REF_NULL, 0);
	OP(.kind = TF_OP_ALLOC, .n = 1, .untagged = true);
	ASSERT_EQ(rec.nr_checks, 2);
	SIM_END();

	/* Without CONFIG_MEM_ALLOC_PROFILING_DEBUG there is no check. */
	boot(64, 2, 1, false);
	tf_bug_jmp = &__jb;
	PEXT_INIT();
	OP(.kind = TF_OP_ALLOC, .n = 0, .untagged = true);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_REF(last_user_alloc()->pfn, TF_REF_NULL, 0);
	SIM_END();
	return true;
}

/* ------------------------------------------------------------------ */
/* Before page_ext: the early-PFN tracker                              */
/* ------------------------------------------------------------------ */

static bool test_port_early_alloc_no_ext_then_empty(void)
{
	unsigned long p;

	SIM_BEGIN(64, 2, 1, true);
	ALLOC(0, 0, 5);
	p = last_user_alloc()->pfn;
	ASSERT_REF(p, TF_REF_NO_EXT, 0);
	ASSERT_TRUE(tf_observe_tag(5).inaccurate);
	ASSERT_FALSE(tf_observe_tag(6).inaccurate);
	ASSERT_TAG(5, 0, 0);
	/* The tracker took one pool page for itself, marked NO_CODETAG. */
	ASSERT_EQ(nr_tracker_allocs(), 1);
	ASSERT_TRUE(conserved());

	PEXT_INIT();
	ASSERT_EQ(rec.nr_pext_online, 2);
	/* Debug build: the init callback stamped the early page EMPTY. */
	ASSERT_REF(p, TF_REF_EMPTY, 0);
	ASSERT_EQ(rec.nr_checks, 0);

	FREE(0, 0);
	/* Freeing an EMPTY page is quiet and leaves nothing counted. */
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_REF(p, TF_REF_NULL, 0);
	ASSERT_TAG(5, 0, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

static bool test_port_nondebug_records_no_early_pfns(void)
{
	unsigned long p;

	SIM_BEGIN(64, 2, 1, false);
	ALLOC(0, 1, 5);
	p = last_user_alloc()->pfn;
	/* No tracker in a non-debug build: one allocation, no pool page. */
	ASSERT_EQ(rec.nr_alloc, 1);
	ASSERT_EQ(nr_tracker_allocs(), 0);
	ASSERT_REF(p, TF_REF_NO_EXT, 0);
	ASSERT_TRUE(tf_observe_tag(5).inaccurate);

	PEXT_INIT();
	ASSERT_REF(p, TF_REF_NULL, 0);	/* not EMPTY: never recorded */
	FREE(0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TAG(5, 0, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

/* Enough early allocations for two pool pages; the clear frees both. */
static bool test_port_tracker_pool_pages_freed_after_clear(void)
{
	unsigned long pool[4];
	int nr_pool = 0;

	SIM_BEGIN(128, 8, 1, true);
	OP(.kind = TF_OP_BURST, .n = 256, .order = 0, .tag = 1);
	OP(.kind = TF_OP_BURST, .n = 256, .order = 0, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 512);
	for (int i = 0; i < rec.nr_alloc; i++)
		if (rec.alloc[i].flags & TF_EV_ALLOC_NO_CODETAG) {
			ASSERT_TRUE(nr_pool < 4);
			pool[nr_pool++] = rec.alloc[i].pfn;
		}
	/* 512 pfns do not fit one page of pfns. */
	ASSERT_EQ(nr_pool, 2);
	ASSERT_TRUE(conserved());
	for (int i = 0; i < nr_pool; i++) {
		ASSERT_EQ(loc[pool[i]], TF_LOC_NONE);
		ASSERT_FALSE(was_freed(pool[i]));
	}

	PEXT_INIT();
	ASSERT_TRUE(conserved());
	for (int i = 0; i < nr_pool; i++) {
		ASSERT_TRUE(was_freed(pool[i]));
		ASSERT_NE(loc[pool[i]], TF_LOC_NONE);
	}
	/* Every one of the 512 early pages is EMPTY now. */
	for (int i = 0; i < rec.nr_alloc; i++)
		if (rec.alloc[i].tag == 1)
			ASSERT_REF(rec.alloc[i].pfn, TF_REF_EMPTY, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	SIM_END();
	return true;
}

/* ------------------------------------------------------------------ */
/* Split, exact, migrate                                               */
/* ------------------------------------------------------------------ */

static bool test_port_split_parts_take_head_tag(void)
{
	unsigned long p;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	ALLOC(0, 2, 7);
	p = last_user_alloc()->pfn;
	ASSERT_TAG(7, 1, 4 * PAGE_BYTES);
	OP(.kind = TF_OP_SPLIT, .n = 0);
	ASSERT_EQ(tf_sim_nr_live(), 4);
	for (unsigned long k = 0; k < 4; k++)
		ASSERT_REF(p + k, TF_REF_TAG, 7);
	/* Each part counts a call; the bytes stay those of the block. */
	ASSERT_TAG(7, 4, 4 * PAGE_BYTES);

	for (int i = 0; i < 4; i++)
		FREE(0, 0);
	for (unsigned long k = 0; k < 4; k++)
		ASSERT_REF(p + k, TF_REF_NULL, 0);
	ASSERT_TAG(7, 0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());

	/* An order-0 allocation is not split. */
	ALLOC(0, 0, 7);
	OP(.kind = TF_OP_SPLIT, .n = 0);
	ASSERT_EQ(tf_sim_nr_live(), 1);
	ASSERT_TAG(7, 1, PAGE_BYTES);
	SIM_END();
	return true;
}

static bool test_port_alloc_exact_trims_and_tags(void)
{
	const struct ev_alloc *a;
	unsigned long p, free0;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	free0 = tf_observe_free_count();
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_EXACT, .n = 3, .tag = 2);
	a = last_user_alloc();
	ASSERT_EQ(a->order, 2);		/* 3 pages come from an order-2 block */
	p = a->pfn;
	ASSERT_EQ(tf_observe_free_count(), free0 - 3);
	for (unsigned long k = 0; k < 3; k++)
		ASSERT_REF(p + k, TF_REF_TAG, 2);
	ASSERT_REF(p + 3, TF_REF_NULL, 0);	/* the trimmed tail */
	ASSERT_TAG(2, 3, 3 * PAGE_BYTES);
	ASSERT_TRUE(conserved());

	OP(.kind = TF_OP_FREE_EXACT, .n = 0);
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_TAG(2, 0, 0);
	ASSERT_EQ(tf_observe_free_count(), free0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

static bool test_port_migrate_moves_tag(void)
{
	const struct ev_alloc *target;
	unsigned long old;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	ALLOC(0, 1, 2);
	old = last_user_alloc()->pfn;
	OP(.kind = TF_OP_MIGRATE, .n = 0);
	target = last_user_alloc();
	ASSERT_NE(target->pfn, old);
	ASSERT_NE(target->tag, 2);		/* the migration code's own site */
	ASSERT_NE(target->tag, TF_TAG_NONE);
	ASSERT_REF(target->pfn, TF_REF_TAG, 2);
	ASSERT_TRUE(was_freed(old));
	ASSERT_TAG(2, 1, 2 * PAGE_BYTES);
	/* The target's own site was counted and uncounted with the old page. */
	ASSERT_TAG(target->tag, 0, 0);
	ASSERT_EQ(tf_sim_nr_live(), 1);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());

	FREE(0, 0);
	ASSERT_TAG(2, 0, 0);
	ASSERT_REF(target->pfn, TF_REF_NULL, 0);
	SIM_END();
	return true;
}

/* ------------------------------------------------------------------ */
/* Fault injection, pressure, draining, hotplug, teardown              */
/* ------------------------------------------------------------------ */

static bool test_port_fail_next_fails_allocations(void)
{
	int n;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	n = rec.nr_alloc;
	OP(.kind = TF_OP_FAIL_NEXT, .n = 2);
	ALLOC(0, 0, 1);
	ALLOC(0, 2, 1);
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_EQ(rec.nr_alloc, n);
	ALLOC(0, 0, 1);			/* the third goes through */
	ASSERT_EQ(tf_sim_nr_live(), 1);
	ASSERT_EQ(rec.nr_alloc, n + 1);
	ASSERT_TAG(1, 1, PAGE_BYTES);

	OP(.kind = TF_OP_FAIL_NEXT, .n = 1);
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_EXACT, .n = 2, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 1);
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_EXACT, .n = 2, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 2);
	ASSERT_TAG(1, 3, 3 * PAGE_BYTES);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

static bool test_port_pressure_gates_allocations(void)
{
	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	OP(.kind = TF_OP_PRESSURE, .n = 3);
	ALLOC(0, 0, 1);
	OP(.kind = TF_OP_ALLOC, .gfp = TF_GFP_ATOMIC, .n = 0, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_TRUE(rec.nr_printk >= 2);	/* page allocation failure */
	/* __GFP_MEMALLOC ignores the watermarks. */
	OP(.kind = TF_OP_ALLOC, .gfp = TF_GFP_MEMALLOC, .n = 0, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 1);

	OP(.kind = TF_OP_PRESSURE, .n = 2);
	ALLOC(0, 0, 1);
	ASSERT_EQ(tf_sim_nr_live(), 1);	/* GFP_KERNEL has no reserves */
	OP(.kind = TF_OP_ALLOC, .gfp = TF_GFP_ATOMIC, .n = 0, .tag = 1);
	ASSERT_EQ(tf_sim_nr_live(), 2);	/* atomic may dip into them */

	OP(.kind = TF_OP_PRESSURE, .n = 0);
	ALLOC(0, 0, 1);
	ASSERT_EQ(tf_sim_nr_live(), 3);
	ASSERT_TAG(1, 3, 3 * PAGE_BYTES);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

static bool test_port_drain_empties_pcp(void)
{
	unsigned long on_pcp, free0;

	SIM_BEGIN(64, 2, 2, true);
	PEXT_INIT();
	OP(.kind = TF_OP_CPU_UP, .cpu = 1, .n = 0);
	ALLOC(0, 0, 1);
	ALLOC(1, 0, 1);
	ASSERT_TRUE(conserved());
	on_pcp = nr_at(TF_LOC_PCP);
	free0 = tf_observe_free_count();

	/* Order-0 frees go to the freeing CPU's pageset. */
	FREE(1, 1);
	FREE(0, 0);
	ASSERT_TRUE(conserved());
	ASSERT_EQ(nr_at(TF_LOC_PCP), on_pcp + 2);
	ASSERT_EQ(tf_observe_free_count(), free0 + 2);

	OP(.kind = TF_OP_DRAIN, .cpu = 1);
	ASSERT_TRUE(conserved());
	/* Only CPU 1's pageset went back to the buddy lists. */
	ASSERT_EQ(nr_at(TF_LOC_PCP), on_pcp + 1);

	OP(.kind = TF_OP_DRAIN, .all = true);
	ASSERT_TRUE(conserved());
	ASSERT_EQ(nr_at(TF_LOC_PCP), 0);
	/* Draining moves pages, it does not lose or make any. */
	ASSERT_EQ(tf_observe_free_count(), free0 + 2);
	ASSERT_EQ(nr_at(TF_LOC_BUDDY), tf_observe_free_count());
	ASSERT_EQ(rec.nr_checks, 0);
	SIM_END();
	return true;
}

/*
 * Memory hotplug: a hot-added section gets a zeroed page_ext table before
 * its pages join the buddy, and loses it when it goes offline; lookups of
 * an offlined section find nothing, and an access through a pointer into
 * the freed table is a use-after-free (a BUG).
 */
static bool test_port_memory_hotplug(void)
{
	jmp_buf uaf;
	const void *entry;
	unsigned long free_before;
	volatile bool caught = false;

	SIM_BEGIN(16, 1, 1, false);
	M.hotplug_sections = 1;
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
	ASSERT_EQ(tf_observe_nr_pages(), 32);
	PEXT_INIT();
	ASSERT_REF(16, TF_REF_NO_EXT, 0);
	ASSERT_TRUE(tf_observe_page_ext_lookup(16) == NULL);
	free_before = tf_observe_free_count();

	OP(.kind = TF_OP_MEM_ONLINE, .n = 1);
	ASSERT_EQ(tf_observe_free_count(), free_before + 16 - 1);	/* less its page_ext table */
	ASSERT_REF(16, TF_REF_NULL, 0);
	entry = tf_observe_page_ext_lookup(16);
	ASSERT_TRUE(entry != NULL);
	ALLOC(0, 4, 1);
	ASSERT_EQ(last_user_alloc()->pfn, 16);
	ASSERT_REF(16, TF_REF_TAG, last_user_alloc()->tag);
	FREE(0, 0);

	OP(.kind = TF_OP_MEM_OFFLINE, .n = 1);
	ASSERT_EQ(tf_observe_free_count(), free_before);	/* its pages and its table gone */
	ASSERT_REF(16, TF_REF_NO_EXT, 0);
	ASSERT_TRUE(tf_observe_page_ext_lookup(16) == NULL);
	ASSERT_TRUE(tf_observe_page_ext_lookup(0) != NULL);

	/* A stale pointer into the freed table: reported, as KASAN would. */
	if (!setjmp(uaf)) {
		tf_bug_jmp = &uaf;
		tf_page_ext_freed_access(entry);
	} else {
		caught = true;
	}
	tf_bug_jmp = &__jb;
	ASSERT_TRUE(caught);
	ASSERT_EQ(rec.check_kind, TF_CHECK_BUG);
	ASSERT_STREQ(rec.check_site, "use-after-free of a page_ext table");
	/* The boot section's table is no freed memory. */
	tf_page_ext_freed_access(tf_observe_page_ext_lookup(0));

	/* Online again: a new table, the pointer into the old one no longer matters. */
	OP(.kind = TF_OP_MEM_ONLINE, .n = 1);
	ASSERT_REF(16, TF_REF_NULL, 0);
	SIM_END();
	return true;
}

static bool test_port_cpu_hotplug(void)
{
	unsigned long free0;

	SIM_BEGIN(64, 2, 2, true);
	PEXT_INIT();
	free0 = tf_observe_free_count();

	/* An op aimed at a CPU that is down runs on the boot CPU. */
	ALLOC(1, 0, 1);
	ASSERT_EQ(last_user_alloc()->cpu, 0);
	FREE(0, 0);

	OP(.kind = TF_OP_CPU_UP, .cpu = 1, .n = 3);
	ASSERT_EQ(tf_observe_free_count(), free0 - 3);
	ASSERT_EQ(last_user_alloc()->cpu, 1);
	ASSERT_NE(last_user_alloc()->tag, TF_TAG_NONE);
	ASSERT_EQ(tf_sim_nr_live(), 0);	/* setup pages are not the scenario's */
	ALLOC(1, 0, 1);
	ASSERT_EQ(last_user_alloc()->cpu, 1);
	FREE(0, 0);
	ASSERT_TRUE(conserved());

	OP(.kind = TF_OP_CPU_DOWN, .cpu = 1);
	ASSERT_EQ(tf_observe_free_count(), free0);
	ASSERT_TRUE(conserved());
	/* CPU 0 never goes down. */
	OP(.kind = TF_OP_CPU_DOWN, .cpu = 0);
	ALLOC(0, 0, 1);
	ASSERT_EQ(last_user_alloc()->cpu, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	SIM_END();
	return true;
}

/* Teardown gives everything back but the page_ext tables. */
static bool test_port_teardown_returns_everything(void)
{
	int nr_tables = 0;

	SIM_BEGIN(64, 4, 2, true);
	OP(.kind = TF_OP_CPU_UP, .cpu = 1, .n = 2);
	ALLOC(0, 3, 1);
	ALLOC(1, 1, 2);
	OP(.kind = TF_OP_PEXT_ONLINE, .n = 3);
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_BULK, .n = 5, .tag = 3);
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_EXACT, .n = 5, .tag = 4);
	ASSERT_TRUE(conserved());
	ASSERT_TRUE(tf_sim_nr_live() > 0);

	tf_sim_teardown();
	ASSERT_EQ(tf_sim_nr_live(), 0);
	ASSERT_TRUE(conserved());
	ASSERT_EQ(nr_at(TF_LOC_PCP), 0);
	ASSERT_EQ(rec.nr_pext_online, 4);
	for (int i = 0; i < rec.nr_alloc; i++) {
		const char *fn = rec.alloc[i].tag == TF_TAG_NONE ? "" :
				 tf_tag_info(rec.alloc[i].tag).function;

		nr_tables += !strcmp(fn, "alloc_page_ext");
	}
	/* One small table per section, each in one page, kept for good. */
	ASSERT_EQ(nr_tables, 4);
	ASSERT_EQ(rec.allocated, 4);
	for (int t = 0; t < TF_NR_USER_TAGS; t++)
		ASSERT_TAG(t, 0, 0);
	SIM_END();
	return true;
}

/* The nodes of @nid's fallback zonelist, as one number: 1230 for 1, 2, 3, 0. */
static int zonelist_digits(int nid)
{
	int nodes[TF_MAX_NODES], n = tf_observe_zonelist(nid, nodes, TF_MAX_NODES), v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + nodes[i];
	return v;
}

/*
 * Zonelists as upstream's build_node_zonelist() orders them with one
 * distance for every remote node: the node itself, then the next nodes
 * before the ones under it; nodes without CPUs first; round-robin between
 * equals (node_load[]).
 */
static bool test_port_numa_zonelists(void)
{
	SIM_BEGIN(16, 8, 4, true);
	M.nr_nodes = 4;		/* CPU c on node c: every node has a CPU */
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
	ASSERT_EQ(zonelist_digits(0), 123);	/* 0, 1, 2, 3 */
	ASSERT_EQ(zonelist_digits(1), 1230);
	ASSERT_EQ(zonelist_digits(2), 2301);
	ASSERT_EQ(zonelist_digits(3), 3012);

	M.nr_cpus = 1;		/* nodes 1-3 have no CPU: they come first */
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
	ASSERT_EQ(zonelist_digits(0), 123);
	ASSERT_EQ(zonelist_digits(1), 1230);
	ASSERT_EQ(zonelist_digits(2), 2310);
	ASSERT_EQ(zonelist_digits(3), 3120);

	M.nr_cpus = 2;
	M.nr_nodes = 2;
	tf_sim_set_machine(&M);
	tf_machine_boot(&M);
	ASSERT_EQ(zonelist_digits(0), 1);
	ASSERT_EQ(zonelist_digits(1), 10);
	/* Node 0 is sections 0-3, node 1 sections 4-7: CPU1 allocates on node 1. */
	PEXT_INIT();
	OP(.kind = TF_OP_CPU_UP, .cpu = 1, .n = 0);
	ALLOC(1, 0, 1);
	ASSERT_EQ(last_user_alloc()->pfn / (4 * 16), 1);
	ALLOC(0, 0, 1);
	ASSERT_EQ(last_user_alloc()->pfn / (4 * 16), 0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

/* ------------------------------------------------------------------ */
/* Extra references, poisoned pages, bad tails (issue 16)              */
/* ------------------------------------------------------------------ */

#define GET_PAGE(cpu_, idx_)	OP(.kind = TF_OP_GET_PAGE, .cpu = (cpu_), .n = (idx_))
#define PUT_PAGE(cpu_, idx_)	OP(.kind = TF_OP_PUT_PAGE, .cpu = (cpu_), .n = (idx_))

/*
 * ___free_pages() with an extra reference: the tails go at the owner's
 * free (their bytes off the head's tag, their refs cleared and put), the
 * head at the last put_page(), as order 0.
 */
static bool test_port_extra_ref_frees_tails_then_head(void)
{
	unsigned long p, free0;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	free0 = tf_observe_free_count();
	ALLOC(0, 2, 3);
	p = last_user_alloc()->pfn;
	GET_PAGE(0, 0);
	ASSERT_EQ(page_count(pfn_to_page(p)), 2);
	FREE(0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_EQ(page_count(pfn_to_page(p)), 1);
	ASSERT_TAG(3, 1, PAGE_BYTES);		/* three tail pages' bytes, no call */
	ASSERT_REF(p, TF_REF_TAG, 3);
	ASSERT_REF(p + 1, TF_REF_NULL, 0);	/* cleared to EMPTY, then put: NULL */
	ASSERT_REF(p + 2, TF_REF_NULL, 0);
	ASSERT_TRUE(was_freed(p + 2) && was_freed(p + 1) && !was_freed(p));
	ASSERT_EQ(tf_observe_free_count(), free0 - 1);
	ASSERT_TRUE(conserved());
	PUT_PAGE(0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TAG(3, 0, 0);
	ASSERT_REF(p, TF_REF_NULL, 0);
	ASSERT_EQ(rec.free_order[rec.nr_free - 1], 0);
	ASSERT_EQ(tf_observe_free_count(), free0);
	ASSERT_TRUE(conserved());
	SIM_END();
	return true;
}

/*
 * A poisoned order-0 page freed: the HWPoison branch subtracts the tag,
 * writes EMPTY (debug) and keeps the page out of every container;
 * unpoison_memory() of it clears the flag and gives nothing back.
 */
static bool test_port_hwpoison_free_keeps_page(void)
{
	unsigned long p, free0;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	free0 = tf_observe_free_count();
	/* An exact buffer: alloc_pages() ones are on the LRU, not poisoned here. */
	OP(.kind = TF_OP_ALLOC, .alloc_kind = TF_ALLOC_EXACT, .n = 1, .tag = 3);
	p = last_user_alloc()->pfn;
	OP(.kind = TF_OP_POISON, .n = 0);
	ASSERT_TRUE(PageHWPoison(pfn_to_page(p)));
	ASSERT_EQ(page_count(pfn_to_page(p)), 1);	/* memory_failure() took nothing */
	FREE(0, 0);
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TAG(3, 0, 0);
	ASSERT_REF(p, TF_REF_EMPTY, 0);
	ASSERT_TRUE(was_freed(p));		/* reset_page_owner() ran */
	ASSERT_EQ(tf_observe_free_count(), free0 - 1);
	ASSERT_TRUE(tf_observe_free_pages(loc, &(const char *){ NULL }));
	ASSERT_EQ(loc[p], TF_LOC_NONE);
	OP(.kind = TF_OP_UNPOISON, .n = 0);
	ASSERT_FALSE(PageHWPoison(pfn_to_page(p)));
	ASSERT_EQ(tf_observe_free_count(), free0 - 1);
	ASSERT_EQ(rec.nr_checks, 0);
	SIM_END();
	return true;
}

/*
 * Memory offlining with an extra reference on a movable allocation: the
 * migration fails (folio_migrate_mapping()'s refcount freeze) and the page
 * stays where it is, live with its owner, until the reference is put; the
 * next offline migrates it.
 */
static bool test_port_offline_extra_ref_not_migrated(void)
{
	unsigned long p;

	SIM_BEGIN(16, 3, 1, false);
	PEXT_INIT();
	ALLOC(0, 3, 1);
	ALLOC(0, 3, 2);
	p = last_user_alloc()->pfn;
	ASSERT_EQ(p / 16, 1);
	GET_PAGE(0, 1);
	ASSERT_EQ(page_count(pfn_to_page(p)), 2);
	OP(.kind = TF_OP_MEM_OFFLINE, .n = 1);
	ASSERT_EQ(page_count(pfn_to_page(p)), 2);	/* not migrated, not freed */
	ASSERT_TRUE(!was_freed(p));
	ASSERT_TRUE(PageLRU(pfn_to_page(p)));		/* put back */
	ASSERT_EQ(rec.nr_checks, 0);
	PUT_PAGE(0, 0);
	OP(.kind = TF_OP_MEM_OFFLINE, .n = 1);
	ASSERT_TRUE(was_freed(p));			/* migrated, the old page freed */
	ASSERT_EQ(rec.nr_checks, 0);
	ASSERT_TRUE(tf_observe_page_ext_lookup(p) == NULL);	/* the section went offline */
	SIM_END();
	return true;
}

/*
 * A high-order free with a bad tail page (nonzero private): bad_page(),
 * and __free_pages_prepare() returns before reset_page_owner() and
 * pgalloc_tag_sub(): the tag keeps its call and bytes, nothing is freed.
 */
static bool test_port_bad_tail_returns_before_tag_sub(void)
{
	unsigned long p, free0;

	SIM_BEGIN(64, 2, 1, true);
	PEXT_INIT();
	ALLOC(0, 2, 3);
	p = last_user_alloc()->pfn;
	free0 = tf_observe_free_count();
	pfn_to_page(p + 2)->private = 5;
	FREE(0, 0);
	ASSERT_EQ(rec.nr_checks, 1);
	ASSERT_EQ(rec.check_kind, TF_CHECK_BAD_PAGE);
	ASSERT_STREQ(rec.check_site, "nonzero private");
	ASSERT_FALSE(was_freed(p));
	ASSERT_TAG(3, 1, 4 * PAGE_BYTES);
	ASSERT_REF(p, TF_REF_TAG, 3);
	ASSERT_EQ(tf_observe_free_count(), free0);
	SIM_END();
	return true;
}

const struct test_case tests_port[] = {
	TEST(test_port_numa_zonelists),
	TEST(test_port_boot_all_pages_free),
	TEST(test_port_reboot_resets_state),
	TEST(test_port_user_tags_are_ids),
	TEST(test_port_alloc_with_page_ext_holds_tag),
	TEST(test_port_bulk_alloc_tags_each_page),
	TEST(test_port_untagged_alloc_warns_each_time),
	TEST(test_port_early_alloc_no_ext_then_empty),
	TEST(test_port_nondebug_records_no_early_pfns),
	TEST(test_port_tracker_pool_pages_freed_after_clear),
	TEST(test_port_split_parts_take_head_tag),
	TEST(test_port_alloc_exact_trims_and_tags),
	TEST(test_port_migrate_moves_tag),
	TEST(test_port_fail_next_fails_allocations),
	TEST(test_port_pressure_gates_allocations),
	TEST(test_port_drain_empties_pcp),
	TEST(test_port_cpu_hotplug),
	TEST(test_port_memory_hotplug),
	TEST(test_port_teardown_returns_everything),
	TEST(test_port_extra_ref_frees_tails_then_head),
	TEST(test_port_hwpoison_free_keeps_page),
	TEST(test_port_bad_tail_returns_before_tag_sub),
	TEST(test_port_offline_extra_ref_not_migrated),
};
const size_t nr_tests_port = ARRAY_LEN(tests_port);
