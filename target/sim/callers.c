// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's callers, as a scenario plays them: each op allocates,
 * frees, splits or migrates through the same entry points kernel code
 * uses, brings CPUs up and down, and drives page_ext_init().  Operands
 * pick live allocations relative to how many exist.
 */
#include <linux/err.h>
#include <linux/memory_hotplug.h>
#include <linux/migrate.h>
#include <linux/string.h>

#include "../mm/internal.h"
#include "tagfuzz/glue.h"
#include "tagfuzz/pgflags_sim.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sim_internal.h"

/* The harness calls <linux/mm.h>'s refcount ones (migrate.h redirects for offlining). */
#undef folio_try_get
#undef folio_put

extern struct alloc_tag tf_user_tags[TF_NR_USER_TAGS];

enum tf_live_kind {
	TF_LIVE_PAGES,		/* alloc_pages(): free with __free_pages(order) */
	TF_LIVE_EXACT,		/* alloc_pages_exact(): free_pages_exact() */
	TF_LIVE_SINGLE,		/* an order-0 page from bulk or split */
};

struct tf_live {
	unsigned long pfn;
	uint8_t order;
	uint8_t kind;
	uint8_t nr_pages;	/* EXACT */
};

static struct tf_live tf_live[TF_MAX_PAGES];
static size_t tf_nr_live;

/*
 * Allocations memory offlining took off the live list to migrate
 * (folio_try_get() to migrate_pages() or putback_movable_pages()); a
 * section holds at most TF_MAX_SECTION_PAGES of them.
 */
static struct {
	struct tf_live l;
	bool used, isolated;
} tf_migrating[TF_MAX_SECTION_PAGES];

/*
 * How often offline_pages() polls signal_pending() before the user of the
 * sysfs write gives up (a signal): its retry loop otherwise waits for
 * pages that may never be freed or migrated.
 */
#define TF_HOTPLUG_PATIENCE	16

/*
 * Extra references callers hold (get_page), by the page each is on, and
 * the pages memory_failure() poisoned that unpoison_memory() has not
 * cleared.  Both are harness state that ops on several CPUs share.
 */
static unsigned long tf_refs[TF_MAX_OPS];
static size_t tf_nr_refs;
/*
 * A get_page in flight on each CPU: its page + 1 (0: none), from before
 * folio_try_get() until tf_refs has it.  The reference is taken inside
 * folio_try_get(), and another CPU can run between that and tf_refs
 * learning of it: an owner freeing the page then must still count it.
 */
static unsigned long tf_ref_getting[TF_MAX_CPUS];
static unsigned long tf_poisoned[TF_MAX_PAGES];
static size_t tf_nr_poisoned;

/* Pages each CPU's bring-up allocated, freed again when it goes down. */
static struct {
	unsigned long pfn[TF_MAX_SETUP_PAGES];
	unsigned int nr;
} tf_setup[TF_MAX_CPUS];

static void run_op(const struct tf_op *op);
/*
 * Whose body runs, for tf_sim_body(): the scenario op being issued, and
 * the op each CPU has started (a run's fiber on that CPU runs it).
 */
static long tf_issued_op = -1;
static long tf_started_op[TF_MAX_CPUS];
/* Change points given by PREEMPT ops, for the next RUN. */
static struct tf_sched_plan tf_next_plan;
static bool tf_page_ext_done;
static const struct tf_machine *tf_m;
static struct tf_machine tf_m_copy;

void tf_callers_reset(void)
{
	tf_sched_reset(run_op);
	memset(&tf_next_plan, 0, sizeof(tf_next_plan));
	tf_nr_live = 0;
	memset(tf_migrating, 0, sizeof(tf_migrating));
	tf_nr_refs = 0;
	memset(tf_ref_getting, 0, sizeof(tf_ref_getting));
	tf_nr_poisoned = 0;
	memset(tf_setup, 0, sizeof(tf_setup));
	tf_page_ext_done = false;
	tf_issued_op = -1;
}

void tf_sim_set_op(long op)
{
	tf_issued_op = op;
}

long tf_sim_body(void)
{
	return tf_sched_active() ? tf_started_op[tf_cur_cpu] : tf_issued_op;
}

size_t tf_sim_nr_live(void)
{
	return tf_nr_live;
}

/*
 * The live list is harness state that ops on several CPUs share.  What
 * alloc_pages() and a split made is movable: on the LRU (PG_lru), as user
 * pages are, so memory offlining migrates it; exact allocations (kernel
 * buffers, page_ext tables), CPU bring-up pages and the port's own pages
 * (tracker pools) are not, and keep a section from going offline.
 */
static size_t live_add(unsigned long pfn, unsigned int order, enum tf_live_kind kind,
		       unsigned int nr_pages)
{
	size_t i;

	if (kind != TF_LIVE_EXACT)
		SetPageLRU(pfn_to_page(pfn));
	tf_harness_lock();
	i = tf_nr_live++;
	tf_live[i] = (struct tf_live){ pfn, order, kind, nr_pages };
	tf_harness_unlock();
	return i;
}

/*
 * Take the live allocation an op's operand @n picks (modulo the count)
 * off the list, if @ok accepts it (else say @why in the trace).  Taking it
 * first means an op interleaved with this one cannot pick it too.  @ok
 * runs under the harness lock: it must reach no scheduling point.
 */
static bool live_take(unsigned int n, bool (*ok)(const struct tf_live *), const char *why,
		      struct tf_live *l, size_t *idx)
{
	bool found = false, took = false;

	tf_harness_lock();
	if (tf_nr_live) {
		found = true;
		*idx = n % tf_nr_live;
		*l = tf_live[*idx];
		if (!ok || ok(l)) {
			tf_live[*idx] = tf_live[--tf_nr_live];
			took = true;
		}
	}
	tf_harness_unlock();
	if (found && !took)
		tf_note("pfn %lu (live[%zu]) %s", l->pfn, *idx, why);
	return took;
}

static gfp_t tf_gfp(unsigned int class)
{
	switch (class) {
	case TF_GFP_ATOMIC:
		return GFP_ATOMIC;
	case TF_GFP_NOWAIT:
		return GFP_NOWAIT;
	case TF_GFP_MEMALLOC:
		return GFP_KERNEL | __GFP_MEMALLOC;
	default:
		return GFP_KERNEL;
	}
}

/* Run the allocation with @tag as the call site, or with none. */
#define tf_call_site(tag, untagged, expr) \
	((untagged) ? (expr) : alloc_hooks_tag(tag, expr))

/* The op's call site: a scenario site, or in page-flag mode a kernel or module tag. */
static struct alloc_tag *op_tag(const struct tf_op *op)
{
	if (!tf_pgf_mode)
		return &tf_user_tags[op->tag];
	if (op->kind == TF_OP_TAGALLOC)
		return tf_pgf_select_tag(op->tagsel);
	return op->untagged ? NULL : tf_pgf_user_tag(op->tag);
}

static void do_alloc(const struct tf_op *op)
{
	struct alloc_tag *tag = op_tag(op);
	gfp_t gfp = tf_gfp(op->gfp);
	bool untagged = op->untagged || !tag;
	struct page *page;
	void *addr;

	switch (op->alloc_kind) {
	case TF_ALLOC_EXACT:
		addr = tf_call_site(tag, untagged,
				    alloc_pages_exact_noprof(op->n * PAGE_SIZE, gfp));
		if (!addr) {
			tf_note("alloc_pages_exact(%u pages) failed", op->n);
			return;
		}
		page = virt_to_page(addr);
		tf_note("alloc_pages_exact(): pfn %lu, %u pages (live[%zu])",
			page_to_pfn(page), op->n,
			live_add(page_to_pfn(page), 0, TF_LIVE_EXACT, op->n));
		return;
	case TF_ALLOC_BULK: {
		struct page *pages[TF_MAX_BULK] = { NULL };
		unsigned long nr, i;

		nr = tf_call_site(tag, untagged,
				  alloc_pages_bulk_noprof(gfp, numa_mem_id(), NULL, op->n, pages));
		for (i = 0; i < nr; i++)
			live_add(page_to_pfn(pages[i]), 0, TF_LIVE_SINGLE, 1);
		tf_note("alloc_pages_bulk(%u) gave %lu pages", op->n, nr);
		return;
	}
	default:
		page = tf_call_site(tag, untagged, alloc_pages_noprof(gfp, op->n));
		if (!page) {
			tf_note("alloc_pages(order %u) failed", op->n);
			return;
		}
		tf_note("alloc_pages(): pfn %lu order %u (live[%zu])",
			page_to_pfn(page), op->n,
			live_add(page_to_pfn(page), op->n, TF_LIVE_PAGES, 0));
	}
}

/* Tell the oracles which allocation the next kernel calls act on. */
static void announce(const struct tf_live *l)
{
	tf_emit_page(TF_EV_CALL, l->pfn, l->kind == TF_LIVE_EXACT ? l->nr_pages : 1UL << l->order,
		     0, 0, 0, 0);
}

/* Tell the oracles about an extra reference (enum tf_ref_step). */
static void emit_ref(enum tf_ref_step step, unsigned long pfn)
{
	struct tf_event ev = { .kind = TF_EV_PAGE_REF, .pfn = pfn, .section = step };

	tf_emit(&ev);
}

/* How many extra references the callers hold, or are taking, on @pfn. */
static unsigned int refs_on(unsigned long pfn)
{
	unsigned int n = 0;
	size_t i;

	tf_harness_lock();
	for (i = 0; i < tf_nr_refs; i++)
		n += tf_refs[i] == pfn;
	for (i = 0; i < TF_MAX_CPUS; i++)
		n += tf_ref_getting[i] == pfn + 1;
	tf_harness_unlock();
	return n;
}

/*
 * The owner is about to drop its reference: with extra references held
 * on the head, the head outlives the free (___free_pages()'s other
 * branch frees what is past it); tell the oracles.
 */
static void owner_frees(const struct tf_live *l)
{
	if (refs_on(l->pfn))
		emit_ref(TF_REF_OWNER_FREE, l->pfn);
}

/*
 * Each op takes its allocation off the live list before calling into the
 * kernel, so an op on another CPU interleaved with it cannot pick it too.
 */
/* Free an allocation already taken off the live list. */
static void free_live(const struct tf_live *l, size_t i)
{
	struct page *page = pfn_to_page(l->pfn);

	announce(l);
	owner_frees(l);
	if (l->kind == TF_LIVE_EXACT)
		tf_note("free_pages_exact(): pfn %lu, %u pages (live[%zu])", l->pfn, l->nr_pages, i);
	else
		tf_note("__free_pages(): pfn %lu order %u (live[%zu])", l->pfn, l->order, i);
	ClearPageLRU(page);	/* off the LRU before the last put */
	if (l->kind == TF_LIVE_EXACT)
		free_pages_exact(page_address(page), l->nr_pages * PAGE_SIZE);
	else
		__free_pages(page, l->order);
}

static void do_free(unsigned int n)
{
	struct tf_live l;
	size_t i;

	if (live_take(n, NULL, NULL, &l, &i))
		free_live(&l, i);
}

static bool splittable(const struct tf_live *l)
{
	return l->kind == TF_LIVE_PAGES && l->order;
}

static void do_split(unsigned int n)
{
	struct tf_live l;
	unsigned long k;
	size_t i;

	if (!live_take(n, splittable, "is not a splittable allocation", &l, &i))
		return;
	tf_note("split_page(pfn %lu, order %u)", l.pfn, l.order);
	announce(&l);
	split_page(pfn_to_page(l.pfn), l.order);
	for (k = 0; k < (1UL << l.order); k++)
		live_add(l.pfn + k, 0, TF_LIVE_SINGLE, 1);
}

static bool not_plain_pages(const struct tf_live *l)
{
	return l->kind != TF_LIVE_PAGES;
}

static void do_free_exact(unsigned int n)
{
	struct tf_live l;
	size_t i;

	if (!live_take(n, not_plain_pages, "is not exact", &l, &i))
		return;
	free_live(&l, i);
}

/* Migration: a new page takes the old one's tag (folio_copy_owner + swap). */
static noinline struct page *tf_alloc_migration_target(unsigned int order)
{
	/* Page-flag mode: a call site in the kernel tag section. */
	if (tf_pgf_mode)
		return alloc_hooks_tag(tf_pgf_site_tag(TF_PGF_SITE_MIGRATE),
				       alloc_pages_noprof(GFP_KERNEL, order));
	return alloc_pages(GFP_KERNEL, order);
}

/* Anything alloc_pages() or a split made: the exact-size allocations aside. */
static bool not_exact(const struct tf_live *l)
{
	return l->kind != TF_LIVE_EXACT;
}

/*
 * A page's refcount as the harness reads it under its lock: no
 * scheduling point (page_count() is one), or a fiber switched away while
 * holding the lock would leave the others spinning on it for ever.
 */
static int refcount_of(unsigned long pfn)
{
	return __atomic_load_n(&pfn_to_page(pfn)->_refcount.counter, __ATOMIC_RELAXED);
}

/*
 * What migration can move: not exact, and neither poisoned nor held by
 * an extra reference (migrate_pages() fails on a folio whose refcount is
 * not the one it expects, and leaves hwpoisoned folios alone).
 */
static bool migratable(const struct tf_live *l)
{
	return not_exact(l) && refcount_of(l->pfn) == 1 && !PageHWPoison(pfn_to_page(l->pfn));
}

/* What a folio batch takes: not exact, no extra reference on it. */
static bool batchable(const struct tf_live *l)
{
	return not_exact(l) && refcount_of(l->pfn) == 1;
}

static void do_migrate(unsigned int n)
{
	struct tf_event ev = { .kind = TF_EV_PAGE_MIGRATE };
	struct page *old, *new;
	struct tf_live l;
	size_t i;

	if (!live_take(n, migratable, "is exact, poisoned or referenced: not migrated", &l, &i))
		return;
	old = pfn_to_page(l.pfn);
	announce(&l);
	new = tf_alloc_migration_target(l.order);
	if (!new) {
		tf_note("migration target allocation failed");
		live_add(l.pfn, l.order, l.kind, l.nr_pages);
		return;
	}
	ev.pfn = page_to_pfn(new);
	ev.pfn2 = l.pfn;
	ev.order = l.order;
	tf_note("migrate pfn %lu -> pfn %lu", l.pfn, ev.pfn);
	tf_emit(&ev);
	pgalloc_tag_swap(page_folio(new), page_folio(old));
	ClearPageLRU(old);
	__free_pages(old, l.order);
	live_add(ev.pfn, l.order, l.kind, l.nr_pages);
}

/* ------------------------------------------------------------------ */
/* Memory hotplug: migration for offline_pages(), and the ops          */
/* ------------------------------------------------------------------ */

/* The entry of the allocation at @pfn memory offlining holds, or NULL. */
static struct tf_live *migrating(unsigned long pfn, bool *isolated)
{
	for (size_t i = 0; i < ARRAY_SIZE(tf_migrating); i++)
		if (tf_migrating[i].used && tf_migrating[i].l.pfn == pfn) {
			if (isolated)
				*isolated = tf_migrating[i].isolated;
			return &tf_migrating[i].l;
		}
	return NULL;
}

static void migrating_done(unsigned long pfn)
{
	for (size_t i = 0; i < ARRAY_SIZE(tf_migrating); i++)
		if (tf_migrating[i].used && tf_migrating[i].l.pfn == pfn)
			tf_migrating[i].used = false;
}

/*
 * folio_try_get() for do_migrate_range() (migrate_folio_try_get(), see
 * <linux/migrate.h>): the reference is the harness's ownership of a live
 * allocation, taken off the live list so no op on another CPU can pick it
 * while offlining holds it.  A page the harness does not own, or one an op
 * in flight on another CPU has taken (to free, split or migrate it), fails
 * -- as upstream's try_get fails when that CPU's last put came first.  The
 * other order (the reference first, the other CPU's put finding it) is the
 * extra-reference free path (get_page()/put_page()), not taken from here.
 * The page's refcount itself is left alone.
 */
bool migrate_folio_try_get(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio);
	bool got = false;
	size_t i, k;

	if (!page_count(&folio->page))
		return false;	/* free, or a tail of a non-compound allocation */
	tf_harness_lock();
	for (i = 0; i < tf_nr_live; i++) {
		if (tf_live[i].pfn != pfn)
			continue;
		for (k = 0; k < ARRAY_SIZE(tf_migrating) && tf_migrating[k].used; k++)
			;
		if (k == ARRAY_SIZE(tf_migrating))
			break;
		tf_migrating[k].l = tf_live[i];
		tf_migrating[k].used = true;
		tf_migrating[k].isolated = false;
		tf_live[i] = tf_live[--tf_nr_live];
		got = true;
		break;
	}
	tf_harness_unlock();
	return got;
}

/* A folio not isolated goes back to the live list; an isolated one is migration's. */
void migrate_folio_put(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio);
	struct tf_live *l;
	bool isolated = false;

	l = migrating(pfn, &isolated);
	if (!l || isolated)
		return;
	live_add(l->pfn, l->order, l->kind, l->nr_pages);
	migrating_done(pfn);
}

bool isolate_folio_to_list(struct folio *folio, struct list_head *list)
{
	unsigned long pfn = folio_pfn(folio);

	if (!PageLRU(&folio->page))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(tf_migrating); i++)
		if (tf_migrating[i].used && tf_migrating[i].l.pfn == pfn)
			tf_migrating[i].isolated = true;
	ClearPageLRU(&folio->page);
	list_add_tail(&folio->page.lru, list);
	return true;
}

/* The target: allocated as the migrate op allocates it (one node, one zone). */
struct folio *alloc_migration_target(struct folio *src, unsigned long private)
{
	struct tf_live *l = migrating(folio_pfn(src), NULL);
	struct page *page;

	(void)private;
	page = tf_alloc_migration_target(l ? l->order : 0);
	return page ? page_folio(page) : NULL;
}

/*
 * migrate_pages() for the folios offlining isolated: each gets a target,
 * the target takes its tag (pgalloc_tag_swap(), as __migrate_folio()'s
 * folio_migrate_flags() does) and its place in the live list, and the old
 * page is freed.  A folio whose target cannot be allocated stays on
 * @from; the count of those is returned (upstream: -ENOMEM at the first).
 */
int migrate_pages(struct list_head *from, new_folio_t get_new_folio,
		  free_folio_t put_new_folio, unsigned long private,
		  enum migrate_mode mode, int reason, unsigned int *ret_succeeded)
{
	struct folio *folio, *tmp;
	int nr_failed = 0;

	(void)put_new_folio;
	(void)mode;
	(void)reason;
	list_for_each_entry_safe(folio, tmp, from, page.lru) {
		struct tf_event ev = { .kind = TF_EV_PAGE_MIGRATE };
		struct tf_live *l = migrating(folio_pfn(folio), NULL), m;
		struct folio *dst;

		if (!l) {
			nr_failed++;
			continue;
		}
		m = *l;
		/*
		 * folio_migrate_mapping()'s refcount check: an extra reference
		 * (get_page) fails the migration with -EAGAIN and the folio
		 * stays on @from.  The freeze keeps another from being taken
		 * until the old page is freed.
		 */
		if (!page_ref_freeze(&folio->page, 1)) {
			tf_note("pfn %lu has extra references: not migrated", m.pfn);
			nr_failed++;
			continue;
		}
		announce(&m);
		dst = get_new_folio(folio, private);
		if (!dst) {
			tf_note("migration target for pfn %lu: allocation failed", m.pfn);
			set_page_count(&folio->page, 1);
			nr_failed++;
			continue;
		}
		list_del(&folio->page.lru);
		ev.pfn = folio_pfn(dst);
		ev.pfn2 = m.pfn;
		ev.order = m.order;
		tf_note("offline migrates pfn %lu -> pfn %lu", m.pfn, ev.pfn);
		tf_emit(&ev);
		pgalloc_tag_swap(dst, folio);
		migrating_done(m.pfn);
		free_frozen_pages(&folio->page, m.order);
		live_add(ev.pfn, m.order, m.kind, m.nr_pages);
		if (ret_succeeded)
			(*ret_succeeded)++;
	}
	return nr_failed;
}

void putback_movable_pages(struct list_head *l)
{
	struct folio *folio, *tmp;

	list_for_each_entry_safe(folio, tmp, l, page.lru) {
		struct tf_live *e = migrating(folio_pfn(folio), NULL);

		list_del(&folio->page.lru);
		if (!e)
			continue;
		live_add(e->pfn, e->order, e->kind, e->nr_pages);
		migrating_done(folio_pfn(folio));
	}
}

/*
 * The zone memory onlining puts a section in (zone_for_pfn_range(): the
 * default, ZONE_NORMAL of the section's node) and offlining takes it from.
 */
static struct zone *section_zone(unsigned int section)
{
	return &NODE_DATA(pfn_to_nid(section_nr_to_pfn(section)))->node_zones[ZONE_NORMAL];
}

/*
 * mem_online: echo online > /sys/devices/system/memory/memoryN/state for
 * the memory block of @section (one section a block):
 * memory_block_online(), which refuses a block that counts a poisoned
 * page (-EHWPOISON; nothing is notified, the section stays offline).  A
 * section never added gets its memmap first, as add_memory() ->
 * arch_add_memory() -> sparse_add_section() does.
 */
static void do_mem_online(unsigned int section)
{
	struct mem_section *ms = __nr_to_section(section);
	int ret;

	if (!ms || section_nr_to_pfn(section) >= max_pfn)
		return;
	if (online_section(ms)) {
		tf_note("section %u is online already", section);
		return;
	}
	if (!present_section(ms)) {
		ms->section_mem_map |= SECTION_MARKED_PRESENT;
		tf_note("section %u hot-added", section);
	}
	ret = memory_block_online(section, section_zone(section));
	if (ret == -EHWPOISON) {
		unsigned long nr = tf_memblk_nr_poison(section);

		tf_emit(&(struct tf_event){ .kind = TF_EV_MEM_REFUSED, .section = section,
					    .pfn = section_nr_to_pfn(section), .pfn2 = nr });
		tf_note("memory_block_online(section %u) = %d (the block counts %lu poisoned page%s)",
			section, ret, nr, nr == 1 ? "" : "s");
		return;
	}
	tf_note("memory_block_online(section %u) = %d", section, ret);
}

/* mem_offline: echo offline > .../memoryN/state; the writer gives up after a while. */
static void do_mem_offline(unsigned int section)
{
	struct mem_section *ms = __nr_to_section(section);
	int ret;

	if (!ms || !online_section(ms)) {
		tf_note("section %u is not online", section);
		return;
	}
	current->signal_polls = TF_HOTPLUG_PATIENCE;
	ret = offline_pages(section_nr_to_pfn(section), PAGES_PER_SECTION, section_zone(section), NULL);
	current->signal_polls = 0;
	tf_note("offline_pages(section %u) = %d%s", section, ret,
		ret == -EBUSY ? " (a page it cannot isolate)" :
		ret == -EINTR ? " (signal: pages it could not free)" : "");
}

/* Per-CPU setup at bring-up, as smp_init()'s hotplug callbacks allocate. */
static noinline struct page *tf_cpuhp_setup_alloc(void)
{
	if (tf_pgf_mode)
		return alloc_hooks_tag(tf_pgf_site_tag(TF_PGF_SITE_CPUHP),
				       alloc_pages_noprof(GFP_KERNEL, 0));
	return alloc_pages(GFP_KERNEL, 0);
}

/* PCP mode: tell the oracles a hotplug or drain point was reached. */
static void pcp_point(enum tf_pcp_point pt, unsigned int cpu)
{
	struct tf_event ev = { .kind = TF_EV_PCP, .section = pt, .pfn = cpu };

	if (tf_m->pcp)
		tf_emit(&ev);
}

static void do_cpu_up(unsigned int cpu, unsigned int pages)
{
	struct tf_event ev = { .kind = TF_EV_CPU_UP };
	unsigned int i;

	if (cpu_online(cpu)) {
		tf_note("CPU%u is already up", cpu);
		return;
	}
	__atomic_store_n(&tf_cpus[cpu].online, true, __ATOMIC_RELEASE);
	tf_emit(&ev);
	page_alloc_cpu_online(cpu);
	pcp_point(TF_PCP_PT_ONLINE_DONE, cpu);
	for (i = 0; i < pages; i++) {
		struct page *page = tf_cpuhp_setup_alloc();

		if (!page)
			break;
		tf_setup[cpu].pfn[tf_setup[cpu].nr++] = page_to_pfn(page);
	}
	tf_note("CPU%u up, %u setup pages", cpu, tf_setup[cpu].nr);
}

/* The pages a CPU's bring-up allocated, freed (when it goes down, or at teardown). */
static void free_setup_pages(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < tf_setup[cpu].nr; i++) {
		struct tf_live l = { tf_setup[cpu].pfn[i], 0, TF_LIVE_SINGLE, 1 };

		announce(&l);
		__free_pages(pfn_to_page(l.pfn), 0);
	}
	tf_setup[cpu].nr = 0;
}

static void do_cpu_down(unsigned int cpu)
{
	struct tf_event ev = { .kind = TF_EV_CPU_DOWN };

	if (cpu)
		tf_sched_wait_idle(cpu);
	if (!cpu || !cpu_online(cpu)) {
		tf_note("CPU%u cannot go down", cpu);
		return;
	}
	free_setup_pages(cpu);
	__atomic_store_n(&tf_cpus[cpu].online, false, __ATOMIC_RELEASE);
	ev.section = cpu;
	tf_emit(&ev);
	page_alloc_cpu_dead(cpu);
	pcp_point(TF_PCP_PT_DEAD_DONE, cpu);
	tf_note("CPU%u down", cpu);
}

/*
 * count allocations, @rounds times; with @churn each round's pages are
 * freed (newest first) at its end, so thousands of early allocations --
 * per-CPU setup on a large machine -- take one op and little memory.
 */
static void do_burst(const struct tf_op *op)
{
	struct alloc_tag *tag = op_tag(op);
	unsigned int rounds = op->rounds ? op->rounds : 1, r, i = 0, k, total = 0;
	unsigned long pfns[TF_MAX_BURST];

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < op->n; i++) {
			struct page *page = alloc_hooks_tag(tag, alloc_pages_noprof(GFP_KERNEL, op->order));

			if (!page)
				break;
			if (op->churn)
				pfns[i] = page_to_pfn(page);
			else
				live_add(page_to_pfn(page), op->order, TF_LIVE_PAGES, 0);
		}
		total += i;
		for (k = op->churn ? i : 0; k > 0; k--) {
			struct tf_live l = { pfns[k - 1], op->order, TF_LIVE_PAGES, 0 };

			announce(&l);
			__free_pages(pfn_to_page(l.pfn), op->order);
		}
		if (i < op->n)
			break;
	}
	tf_note("burst: %u of %u order-%u allocations%s", total, op->n * rounds, op->order,
		op->churn ? ", each round freed" : "");
}

/* free_pages_nolock(): FPI_TRYLOCK all the way down. */
static void do_free_nolock(unsigned int n)
{
	struct tf_live l;
	size_t i;

	if (!live_take(n, not_exact, "is exact: not freed with free_pages_nolock()", &l, &i))
		return;
	announce(&l);
	owner_frees(&l);
	tf_note("free_pages_nolock(): pfn %lu order %u (live[%zu])", l.pfn, l.order, i);
	ClearPageLRU(pfn_to_page(l.pfn));
	free_pages_nolock(pfn_to_page(l.pfn), l.order);
}

/*
 * folios_put(): up to @count allocations, from live index @n on, dropped
 * and freed as one batch by free_unref_folios().
 */
static void do_free_batch(const struct tf_op *op)
{
	struct folio_batch fb = { 0 };
	unsigned int k;

	for (k = 0; k < op->count; k++) {
		struct tf_live l;
		struct page *page;
		size_t i;

		if (!live_take(op->n + k, batchable, "is exact or referenced: left out of the batch",
			       &l, &i))
			continue;
		page = pfn_to_page(l.pfn);
		announce(&l);
		ClearPageLRU(page);
		/*
		 * The batch's reference, if it is still the only one: a
		 * speculative reference taken since the check above (get_page on
		 * another CPU) keeps the allocation live with its owner, who
		 * frees it later the way free does (the port has no compound
		 * pages, which folios_put() is for).
		 */
		if (!page_ref_freeze(page, 1)) {
			tf_note("pfn %lu (live[%zu]) gained a reference: kept", l.pfn, i);
			live_add(l.pfn, l.order, l.kind, l.nr_pages);
			continue;
		}
		fb.folios[fb.nr] = page_folio(page);
		fb.orders[fb.nr++] = l.order;
	}
	tf_note("free_unref_folios: %u folios", fb.nr);
	tf_emit(&(struct tf_event){ .kind = TF_EV_CALL, .order = TF_CALL_BATCH });
	free_unref_folios(&fb);
}

/* start_isolate_page_range() on one block, then drain as alloc_contig_range() does. */
static void do_isolate(const struct tf_op *op)
{
	tf_note("%s pageblock %u (pfn %lu..%lu)%s", op->clear ? "un-isolate" : "isolate", op->n,
		(unsigned long)op->n << pageblock_order,
		((unsigned long)(op->n + 1) << pageblock_order) - 1,
		op->clear ? "" : ", then drain_all_pages()");
	tf_set_pageblock_isolate((unsigned long)op->n << pageblock_order, !op->clear);
	if (!op->clear) {
		pcp_point(TF_PCP_PT_DRAIN_ALL, tf_cur_cpu);
		drain_all_pages(page_zone(pfn_to_page((unsigned long)op->n << pageblock_order)));
	}
}

/*
 * get_page: an extra reference on the head of live allocation @n, taken
 * as a speculative lookup takes it (folio_try_get(), which fails on a
 * page freed meanwhile); the allocation stays live.  In sequence with the
 * allocation's owner this is get_page().
 */
static void do_get_page(unsigned int n)
{
	unsigned long pfn;

	tf_harness_lock();
	if (!tf_nr_live || tf_nr_refs == ARRAY_SIZE(tf_refs)) {
		tf_harness_unlock();
		return;
	}
	pfn = tf_live[n % tf_nr_live].pfn;
	tf_ref_getting[tf_cur_cpu] = pfn + 1;
	tf_harness_unlock();
	emit_ref(TF_REF_GET, pfn);
	if (!folio_try_get(page_folio(pfn_to_page(pfn)))) {
		tf_harness_lock();
		tf_ref_getting[tf_cur_cpu] = 0;
		tf_harness_unlock();
		tf_note("folio_try_get(pfn %lu) failed: freed meanwhile", pfn);
		return;
	}
	emit_ref(TF_REF_GOT, pfn);
	tf_harness_lock();
	tf_refs[tf_nr_refs++] = pfn;
	tf_ref_getting[tf_cur_cpu] = 0;
	tf_harness_unlock();
	tf_note("extra reference on pfn %lu", pfn);
}

/* put_page: drop extra reference @n (modulo how many are held). */
static void do_put_page(unsigned int n)
{
	struct tf_live l = { 0, 0, TF_LIVE_SINGLE, 1 };
	size_t i;

	tf_harness_lock();
	if (!tf_nr_refs) {
		tf_harness_unlock();
		return;
	}
	i = n % tf_nr_refs;
	l.pfn = tf_refs[i];
	tf_refs[i] = tf_refs[--tf_nr_refs];
	tf_harness_unlock();
	announce(&l);
	emit_ref(TF_REF_PUT, l.pfn);
	tf_note("put_page(pfn %lu)", l.pfn);
	put_page(pfn_to_page(l.pfn));
}

/* A live allocation whose first page is freed as order 0. */
static bool first_page_order0(const struct tf_live *l)
{
	return l->kind != TF_LIVE_PAGES || !l->order;
}

static bool poisoned_listed(unsigned long pfn)
{
	size_t i;

	for (i = 0; i < tf_nr_poisoned; i++)
		if (tf_poisoned[i] == pfn)
			return true;
	return false;
}

/*
 * poison: memory_failure() as hwpoison-inject's corrupt-pfn calls it
 * (MF_SW_SIMULATED), on the first page of live allocation @n, which
 * stays live.  Only pages their allocation frees as order 0 (order-0
 * pages, split parts, exact allocations): a poisoned head freed whole as
 * order > 0 reaches the buddy with PG_hwpoison set, which the allocation
 * side's check_new_page() handles, and that is not modelled.
 */
static void do_poison(unsigned int n)
{
	struct tf_live l;
	struct page *page;
	int ret;

	tf_harness_lock();
	if (!tf_nr_live) {
		tf_harness_unlock();
		return;
	}
	l = tf_live[n % tf_nr_live];
	tf_harness_unlock();
	if (!first_page_order0(&l)) {
		tf_note("pfn %lu heads an order-%u allocation: not poisoned", l.pfn, l.order);
		return;
	}
	page = pfn_to_page(l.pfn);
	/*
	 * An allocation the harness put on the LRU (movable, for memory
	 * offlining) is a user page to memory_failure(): its LRU handlers
	 * (identify_page_state()) are not ported.
	 */
	if (PageLRU(page)) {
		tf_note("pfn %lu is on the LRU: not poisoned", l.pfn);
		return;
	}
	tf_emit(&(struct tf_event){ .kind = TF_EV_HWPOISON, .pfn = l.pfn,
				    .section = TF_HWPOISON_POISON });
	ret = memory_failure(l.pfn, MF_SW_SIMULATED);
	tf_note("memory_failure(pfn %lu): %d", l.pfn, ret);
	if (PageHWPoison(page) && !poisoned_listed(l.pfn))
		tf_poisoned[tf_nr_poisoned++] = l.pfn;
}

/* Forget the live allocation and the extra references on @pfn. */
static void forget_page(unsigned long pfn)
{
	size_t i;

	tf_harness_lock();
	for (i = 0; i < tf_nr_live; i++)
		if (tf_live[i].pfn == pfn) {
			tf_live[i--] = tf_live[--tf_nr_live];
			break;
		}
	for (i = 0; i < tf_nr_refs; i++)
		if (tf_refs[i] == pfn)
			tf_refs[i--] = tf_refs[--tf_nr_refs];
	tf_harness_unlock();
}

/*
 * unpoison: unpoison_memory() of poisoned page @n (modulo how many), as
 * hwpoison-inject's unpoison-pfn calls it.  Upstream, a page whose one
 * reference is still its owner's (memory_failure() took none: it could
 * not handle the page) is freed here from under that owner (findings.md);
 * the harness's owner and reference holders then forget the page rather
 * than free it a second time.
 */
static void do_unpoison(unsigned int n)
{
	struct page *page;
	unsigned long pfn;
	size_t i;
	int count, ret;

	if (!tf_nr_poisoned)
		return;
	i = n % tf_nr_poisoned;
	pfn = tf_poisoned[i];
	page = pfn_to_page(pfn);
	count = page_count(page);
	/* It may free the page: the oracles classify its checks by this page. */
	announce(&(struct tf_live){ pfn, 0, TF_LIVE_SINGLE, 1 });
	tf_emit(&(struct tf_event){ .kind = TF_EV_HWPOISON, .pfn = pfn,
				    .section = TF_HWPOISON_UNPOISON });
	ret = unpoison_memory(pfn);
	tf_note("unpoison_memory(pfn %lu): %d", pfn, ret);
	if (PageHWPoison(page))
		return;
	tf_poisoned[i] = tf_poisoned[--tf_nr_poisoned];
	if (count && !page_count(page)) {
		tf_note("pfn %lu was freed from under its holder, who forgets it", pfn);
		forget_page(pfn);
	}
}

/* page_ext_init() reaches a section: its table comes from the section's node. */
static void do_page_ext_online(unsigned int section)
{
	unsigned long pfn = (unsigned long)section << tf_section_shift;

	if (tf_page_ext_done)
		return;
	init_section_page_ext(pfn, pfn_to_nid(pfn));
}

static void do_page_ext_init(void)
{
	if (tf_page_ext_done)
		return;
	tf_page_ext_done = true;
	page_ext_init();
}

/*
 * Page-flag mode boots with page_ext already initialised (early_page_ext,
 * right after alloc_tag_sec_init()): in the compressed mode page_ext has
 * no client and page_ext_init() returns at once; in v3's fall-back it
 * carries the refs from the start.  The pext ops do nothing then.
 */
void tf_sim_page_ext_init_early(void)
{
	do_page_ext_init();
}

/* pgflag: a bit of one page of a live allocation, left on the live list. */
static void do_pgflag(const struct tf_op *op)
{
	unsigned long pfn, pages;
	struct tf_live l;

	tf_harness_lock();
	if (!tf_nr_live) {
		tf_harness_unlock();
		return;
	}
	l = tf_live[op->n % tf_nr_live];
	tf_harness_unlock();
	pages = l.kind == TF_LIVE_EXACT ? l.nr_pages : 1UL << l.order;
	pfn = l.pfn + op->page % pages;
	tf_note("%s bit %u of pfn %lu", op->clear ? "clear" : "set", op->bit, pfn);
	tf_pgf_flag_bit(pfn, op->bit, op->clear);
}

void tf_sim_set_machine(const struct tf_machine *m)
{
	tf_m_copy = *m;
	tf_m = &tf_m_copy;
}

bool tf_op_kind_on_control_cpu(enum tf_op_kind kind)
{
	switch (kind) {
	case TF_OP_CPU_DOWN:
	case TF_OP_PEXT_ONLINE:
	case TF_OP_PEXT_INIT:
	case TF_OP_ISOLATE:
	case TF_OP_MEM_ONLINE:
	case TF_OP_MEM_OFFLINE:
		return true;
	default:
		return false;
	}
}

/* The CPU an op runs on. */
static int op_cpu(const struct tf_op *op)
{
	if (op->kind == TF_OP_CPU_UP)
		return op->cpu;		/* the CPU coming up runs its own setup */
	if (tf_op_kind_on_control_cpu(op->kind))
		return 0;		/* the control CPU */
	/* An op aimed at a CPU that is down runs on the boot CPU. */
	return cpu_online(op->cpu) ? op->cpu : 0;
}

/* An op's body, on whatever CPU tf_cur_cpu says: directly or on a fiber. */
static void run_op(const struct tf_op *op)
{
	switch (op->kind) {
	case TF_OP_ALLOC:
		do_alloc(op);
		break;
	case TF_OP_FREE:
		do_free(op->n);
		break;
	case TF_OP_SPLIT:
		do_split(op->n);
		break;
	case TF_OP_FREE_EXACT:
		do_free_exact(op->n);
		break;
	case TF_OP_PEXT_ONLINE:
		do_page_ext_online(op->n);
		break;
	case TF_OP_PEXT_INIT:
		do_page_ext_init();
		break;
	case TF_OP_PRESSURE:
		tf_machine_pressure(tf_m, op->n);
		break;
	case TF_OP_FAIL_NEXT:
		tf_fault_fail_next(op->n, op->skip);
		break;
	case TF_OP_CPU_UP:
		do_cpu_up(op->cpu, op->n);
		break;
	case TF_OP_CPU_DOWN:
		do_cpu_down(op->cpu);
		break;
	case TF_OP_BURST:
		do_burst(op);
		break;
	case TF_OP_DRAIN:
		if (op->all)
			drain_all_pages(NULL);
		else
			drain_pages(op->cpu);
		break;
	case TF_OP_MIGRATE:
		do_migrate(op->n);
		break;
	case TF_OP_TAGALLOC:
		do_alloc(op);
		tf_pgf_tag_done();	/* a module's code has returned */
		break;
	case TF_OP_MOD_LOAD:
		tf_pgf_module_load(op->n, op->align_code ? 1u << (op->align_code - 1) : 0,
				   op->prepend_code * TF_MOD_PREPEND_STEP);
		break;
	case TF_OP_MOD_UNLOAD:
		tf_pgf_module_unload(op->n);
		break;
	case TF_OP_PGFLAG:
		do_pgflag(op);
		break;
	case TF_OP_PROF_SHUTDOWN:
		tf_pgf_shutdown();
		break;
	case TF_OP_PROF_SYSCTL:
		tf_pgf_sysctl(op->n);
		break;
	case TF_OP_ISOLATE:
		do_isolate(op);
		break;
	case TF_OP_FREE_BATCH:
		do_free_batch(op);
		break;
	case TF_OP_FREE_NOLOCK:
		do_free_nolock(op->n);
		break;
	case TF_OP_MEM_ONLINE:
		do_mem_online(op->n);
		break;
	case TF_OP_MEM_OFFLINE:
		do_mem_offline(op->n);
		break;
	case TF_OP_GET_PAGE:
		do_get_page(op->n);
		break;
	case TF_OP_PUT_PAGE:
		do_put_page(op->n);
		break;
	case TF_OP_POISON:
		do_poison(op->n);
		break;
	case TF_OP_UNPOISON:
		do_unpoison(op->n);
		break;
	case TF_OP_START:	/* tf_sim_exec() takes these */
	case TF_OP_RUN:
	case TF_OP_PREEMPT:
	case TF_NR_OPS:
		break;
	}
	tf_emit(&(struct tf_event){ .kind = TF_EV_OP_END });
}

/* Run what was started; @op, a RUN op, gives the schedule (NULL: none). */
static void run_started(const struct tf_op *op)
{
	struct tf_sched_plan *p = &tf_next_plan;

	if (op) {
		p->first = op->first;
		if (op->at && p->nr_points < TF_MAX_CHANGE_POINTS)
			p->points[p->nr_points++] = op->at;
		if (op->at2 && p->nr_points < TF_MAX_CHANGE_POINTS)
			p->points[p->nr_points++] = op->at2;
	}
	/* Change points in step order. */
	for (unsigned int i = 1; i < p->nr_points; i++)
		for (unsigned int k = i; k && p->points[k - 1] > p->points[k]; k--) {
			unsigned int t = p->points[k];

			p->points[k] = p->points[k - 1];
			p->points[k - 1] = t;
		}
	if (!op)
		p->nr_points = 0;
	tf_sched_run(p);
	memset(p, 0, sizeof(*p));
}

void tf_sim_exec(const struct tf_op *op)
{
	int cpu = op_cpu(op);

	switch (op->kind) {
	case TF_OP_RUN:
		run_started(op);
		return;
	case TF_OP_PREEMPT:
		if (tf_next_plan.nr_points < TF_MAX_CHANGE_POINTS)
			tf_next_plan.points[tf_next_plan.nr_points++] = op->n;
		else
			tf_note("preempt: the next run already has %d change points",
				TF_MAX_CHANGE_POINTS);
		return;
	case TF_OP_START:
		return;
	default:
		break;
	}
	if (op->async) {
		if (!tf_sched_queue(cpu, op)) {
			tf_note("CPU%d already has an op in flight: running it first", cpu);
			run_started(NULL);
			cpu = op_cpu(op);	/* that run may have taken a CPU down */
			tf_sched_queue(cpu, op);
		}
		tf_started_op[cpu] = tf_issued_op;
		tf_note("started on CPU%d", cpu);
		return;
	}
	/* A CPU stops only after the ops started on it have ended. */
	if (op->kind == TF_OP_CPU_DOWN && tf_sched_pending())
		run_started(NULL);
	tf_cur_cpu = cpu;
	run_op(op);
	tf_cur_cpu = 0;
}

/*
 * PCP mode ends with every CPU online (each absorbs what its llist holds),
 * everything freed and drained.  drain_all_pages() skips a CPU whose
 * pcp->count is zero even when its free_llist holds pages; the oracles
 * look at that point, then every online CPU is drained and the zone's
 * deferred frees are flushed, so the end check sees what is really lost.
 */
static void pcp_teardown(void)
{
	int cpu;

	for (cpu = 1; cpu < tf_nr_cpus; cpu++) {
		if (cpu_online(cpu))
			continue;
		tf_cur_cpu = cpu;	/* a CPU comes up on itself */
		do_cpu_up(cpu, 0);
		tf_cur_cpu = 0;
	}
	while (tf_nr_live)
		do_free(tf_nr_live - 1);
	while (tf_nr_refs)
		do_put_page(tf_nr_refs - 1);
	for (cpu = 1; cpu < tf_nr_cpus; cpu++)
		free_setup_pages(cpu);
	pcp_point(TF_PCP_PT_DRAIN_ALL, 0);
	drain_all_pages(NULL);
	pcp_point(TF_PCP_PT_DRAINED_ALL, 0);
	for_each_online_cpu(cpu)
		drain_pages(cpu);
	tf_zone_llist_flush();
}

void tf_sim_teardown(void)
{
	int cpu;

	run_started(NULL);
	tf_cur_cpu = 0;
	tf_machine_pressure(tf_m, 0);
	tf_fault_fail_next(0, 0);
	do_page_ext_init();
	if (tf_m->pcp) {
		pcp_teardown();
		return;
	}
	while (tf_nr_live)
		do_free(tf_nr_live - 1);
	/* Then every extra reference, the last taken first: the last put frees. */
	while (tf_nr_refs)
		do_put_page(tf_nr_refs - 1);
	for (cpu = 1; cpu < tf_nr_cpus; cpu++)
		do_cpu_down(cpu);
	drain_all_pages(NULL);
}
