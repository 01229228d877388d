// SPDX-License-Identifier: GPL-2.0
/*
 * The page ledger of the reference models: every page is allocated or in
 * exactly one free container, and all come back to the buddy lists.
 */
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "ledger.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/strmatch.h"

#define fail(sig, ...)	tf_oracle_reportf(l->report, sig, NULL, __VA_ARGS__)

void ledger_reset(struct tf_ledger *l, unsigned long nr_pages, tf_report_fn report)
{
	/* A run touches no pfn past its own: clear what the last one used too. */
	unsigned long old = l->nr_pages > nr_pages ? l->nr_pages : nr_pages;

	memset(l->allocated, 0, old ? old : TF_MAX_PAGES);
	memset(l->offline, 0, old ? old : TF_MAX_PAGES);
	memset(l->poisoned, 0, old ? old : TF_MAX_PAGES);
	memset(l->kept, 0, old ? old : TF_MAX_PAGES);
	memset(l->stranded, 0, old ? old : TF_MAX_PAGES);
	memset(l->refs, 0, (old ? old : TF_MAX_PAGES) * sizeof(l->refs[0]));
	memset(l->mf_action, 0, old ? old : TF_MAX_PAGES);
	memset(l->owner_gone, 0, old ? old : TF_MAX_PAGES);
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		l->ref_inflight[c] = -1;
		l->unpoisoning[c] = false;
		l->mf_pending[c] = -1;
	}
	l->nr_pages = nr_pages;
	l->nr_allocated = 0;
	l->nr_offline = 0;
	l->nr_kept = 0;
	l->report = report;
}

void ledger_set_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n)
{
	for (unsigned long i = pfn; i < pfn + n && i < l->nr_pages; i++) {
		l->nr_offline += !l->offline[i];
		l->offline[i] = 1;
	}
}

bool ledger_online(struct tf_ledger *l, unsigned long pfn, unsigned long n)
{
	unsigned long i;

	if (pfn + n > l->nr_pages)
		return false;
	for (i = pfn; i < pfn + n; i++)
		if (!l->offline[i])
			return false;
	memset(&l->offline[pfn], 0, n);
	l->nr_offline -= n;
	return true;
}

/*
 * F22's cause, at the MEM_OFFLINE of a section with allocated @pfn in it:
 * the page is PageHWPoison() from a memory_failure() of this run that met
 * it allocated and took no reference (get_hwpoison_page() could not
 * handle it: MF_MSG_GET_HWPOISON, ignored), and offlining passed it
 * through upstream's HWPoison skips: it still has a count (a count-0 page
 * passes page_is_unmovable() before the skip), all of it its holders'.
 */
static void cause_f22(const struct tf_ledger *l, unsigned long pfn)
{
	int rc = tf_observe_page_refcount(pfn);
	int holders = !l->owner_gone[pfn] + l->refs[pfn];

	if (!tf_observe_page_hwpoison(pfn)) {
		tf_oracle_cause("F22", false, "pfn %lu is not PageHWPoison(): no HWPoison skip of offline_pages() let it through",
				pfn);
		return;
	}
	if (!l->poisoned[pfn] || l->mf_action[pfn] == TF_MF_NONE) {
		tf_oracle_cause("F22", false, "no memory_failure() of this run that poisoned pfn %lu reached its action_result()",
				pfn);
		return;
	}
	if (!l->poison_live[pfn]) {
		tf_oracle_cause("F22", false, "memory_failure() (op %d) met pfn %lu free, not in use",
				l->mf_op[pfn], pfn);
		return;
	}
	if (l->mf_action[pfn] != TF_MF_GET_IGNORED) {
		tf_oracle_cause("F22", false, "memory_failure() (op %d) of pfn %lu did not take the ignored MF_MSG_GET_HWPOISON path (no reference)",
				l->mf_op[pfn], pfn);
		return;
	}
	if (rc <= 0) {
		tf_oracle_cause("F22", false, "pfn %lu had refcount %d at the offline, its holders' %d: page_is_unmovable() passed it for its count, not by its HWPoison skip",
				pfn, rc, holders);
		return;
	}
	if (rc != holders) {
		tf_oracle_cause("F22", false, "pfn %lu had refcount %d at the offline, its holders' %d: not theirs alone",
				pfn, rc, holders);
		return;
	}
	tf_oracle_cause("F22", true, "memory_failure() (op %d) met pfn %lu in use and took no reference (get hwpoison page: Ignored); offlining passed it poisoned, refcount %d (its holders'), by the HWPoison skips",
			l->mf_op[pfn], pfn, rc);
}

void ledger_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n)
{
	for (unsigned long i = pfn; i < pfn + n && i < l->nr_pages; i++) {
		if (l->allocated[i] && l->poisoned[i]) {
			/*
			 * Upstream offlining skips PageHWPoison() pages, in use
			 * or not: the owner keeps a page of an offline section
			 * (docs/findings.md).
			 */
			cause_f22(l, i);
			tf_oracle_reportf(l->report, TF_SIG_PAGE_CONSERVATION,
					  TF_CLASS_HWPOISON_OFFLINE,
					  "pfn %lu is allocated (poisoned, its owner holds it), and its section went offline",
					  i);
			l->stranded[i] = 1;
			l->nr_allocated--;
		} else if (l->allocated[i]) {
			/* The same symptom; F22's cause cannot hold (not poisoned). */
			cause_f22(l, i);
			tf_oracle_reportf(l->report, TF_SIG_PAGE_CONSERVATION,
					  TF_CLASS_HWPOISON_OFFLINE,
					  "pfn %lu is allocated, and its section went offline", i);
			l->allocated[i] = 0;
			l->nr_allocated--;
		}
		/* A page kept poisoned goes with its section. */
		if (l->kept[i]) {
			l->kept[i] = 0;
			l->nr_kept--;
		}
		l->nr_offline += !l->offline[i];
		l->offline[i] = 1;
	}
}

void ledger_block_online(struct tf_ledger *l, unsigned long pfn, unsigned long n, bool refused)
{
	unsigned long i, end = pfn + n < l->nr_pages ? pfn + n : l->nr_pages;

	for (i = pfn; i < end; i++)
		if (l->poisoned[i])
			break;
	if (refused && i == end)
		fail(TF_SIG_PAGE_CONSERVATION,
		     "onlining pfn %lu..%lu was refused (-EHWPOISON), and no page there is poisoned",
		     pfn, end - 1);
	else if (!refused && i < end)
		fail(TF_SIG_PAGE_CONSERVATION,
		     "pfn %lu is poisoned, and its section goes online (memory_block_online() refuses a block that counts a poisoned page: -EHWPOISON)",
		     i);
}

bool ledger_alloc(struct tf_ledger *l, unsigned long pfn, unsigned int order)
{
	unsigned long n = 1UL << order, i;

	if (pfn + n > l->nr_pages) {
		fail(TF_SIG_BAD_PFN, "allocation at pfn %lu order %u is outside memory",
		     pfn, order);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (l->allocated[pfn + i])
			fail(TF_SIG_PAGE_ALLOCATED_TWICE,
			     "pfn %lu handed out while still allocated", pfn + i);
		if (l->offline[pfn + i]) {
			fail(TF_SIG_PAGE_CONSERVATION,
			     "pfn %lu handed out while its section is offline", pfn + i);
			l->offline[pfn + i] = 0;
			l->nr_offline--;
		}
		if (l->kept[pfn + i])
			fail(TF_SIG_PAGE_ALLOCATED_TWICE,
			     "pfn %lu handed out, which was freed poisoned and kept out", pfn + i);
		l->allocated[pfn + i] = 1;
		l->owner_gone[pfn + i] = 0;
	}
	l->nr_allocated += n;
	return true;
}

void ledger_free(struct tf_ledger *l, unsigned long pfn, unsigned int order)
{
	unsigned long n = 1UL << order;

	/* The owner's free of a stranded page: it stays with its offline section. */
	if (!order && l->stranded[pfn]) {
		l->stranded[pfn] = 0;
		l->allocated[pfn] = 0;
		return;
	}

	memset(&l->allocated[pfn], 0, n);
	l->nr_allocated -= n;
}

void ledger_keep(struct tf_ledger *l, unsigned long pfn)
{
	bool offline = l->offline[pfn];

	ledger_free(l, pfn, 0);
	if (offline)
		return;
	l->kept[pfn] = 1;
	l->nr_kept++;
}

void ledger_ref_event(struct tf_ledger *l, const struct tf_event *ev)
{
	unsigned long pfn = ev->pfn;

	if (pfn >= l->nr_pages || ev->cpu < 0 || ev->cpu >= TF_MAX_CPUS)
		return;
	switch (ev->section) {
	case TF_REF_GET:
		l->ref_inflight[ev->cpu] = pfn;
		break;
	case TF_REF_GOT:
		if (!l->allocated[pfn])
			fail(TF_SIG_PAGE_REF, "folio_try_get() took a reference on pfn %lu, which is free",
			     pfn);
		l->refs[pfn]++;
		break;
	case TF_REF_OWNER_FREE:
		l->owner_gone[pfn] = 1;
		break;
	case TF_REF_PUT:
		l->ref_inflight[ev->cpu] = pfn;
		if (!l->refs[pfn])
			fail(TF_SIG_PAGE_REF, "put_page() of pfn %lu, on which no reference is held", pfn);
		else
			l->refs[pfn]--;
		break;
	default:
		break;
	}
}

void ledger_hwpoison_event(struct tf_ledger *l, const struct tf_event *ev, bool owned)
{
	unsigned long pfn = ev->pfn;

	if (pfn >= l->nr_pages || ev->cpu < 0 || ev->cpu >= TF_MAX_CPUS)
		return;
	/*
	 * Both need the page's section online (pfn_to_online_page()):
	 * memory_failure() gives -ENXIO, unpoison_memory() -EIO.
	 */
	if (l->offline[pfn])
		return;
	if (ev->section == TF_HWPOISON_POISON) {
		/* The memory_failure() that sets the flag: its action_result() follows. */
		if (!l->poisoned[pfn] && !tf_observe_page_hwpoison(pfn)) {
			l->mf_action[pfn] = TF_MF_NONE;
			l->mf_op[pfn] = tf_journal_len() ? (int)tf_journal_at(tf_journal_len() - 1)->op : -1;
			l->mf_pending[ev->cpu] = (long)pfn;
		}
		/* TestSetPageHWPoison(): set, or already set. */
		l->poisoned[pfn] = 1;
		l->poison_live[pfn] = l->allocated[pfn];
		return;
	}
	l->unpoisoning[ev->cpu] = true;
	l->unpoison_rc[ev->cpu] = tf_observe_page_refcount(pfn);
	l->unpoison_holders[ev->cpu] = (owned ? 1 : 0) + l->refs[pfn];
	/* unpoison_memory(): nothing while someone else holds a reference too. */
	if (l->poisoned[pfn] && (owned ? 1 : 0) + l->refs[pfn] <= 1)
		l->poisoned[pfn] = 0;
}

void ledger_op_end(struct tf_ledger *l, int cpu)
{
	if (cpu < 0 || cpu >= TF_MAX_CPUS)
		return;
	l->ref_inflight[cpu] = -1;
	l->unpoisoning[cpu] = false;
	l->mf_pending[cpu] = -1;
}

void ledger_printk_event(struct tf_ledger *l, const struct tf_event *ev)
{
	char type[64], result[16];
	unsigned long pfn;
	long p;

	if (ev->cpu < 0 || ev->cpu >= TF_MAX_CPUS || !ev->msg)
		return;
	p = l->mf_pending[ev->cpu];
	/* action_result(): "%#lx: recovery action for %s: %s". */
	if (p < 0 || sscanf(ev->msg, "%lx: recovery action for %63[^:]: %15s", &pfn, type, result) != 3 ||
	    pfn != (unsigned long)p)
		return;
	l->mf_action[pfn] = tf_str_eq(type, "get hwpoison page") && tf_str_eq(result, "Ignored") ?
			    TF_MF_GET_IGNORED : TF_MF_OTHER;
	l->mf_pending[ev->cpu] = -1;
}

void ledger_check_count(const struct tf_ledger *l, unsigned long free, const char *how)
{
	if (free + l->nr_allocated + l->nr_kept != l->nr_pages - l->nr_offline)
		fail(TF_SIG_PAGE_CONSERVATION,
		     "%lu pages free %s plus %lu allocated plus %lu kept poisoned != %lu pages online",
		     free, how, l->nr_allocated, l->nr_kept, l->nr_pages - l->nr_offline);
}

void ledger_check_end(struct tf_ledger *l, bool (*exempt)(unsigned long pfn))
{
	const uint8_t *loc = l->loc, *allocated = l->allocated;
	const char *why;
	unsigned long pfn;

	if (!tf_observe_free_pages(l->loc, &why))
		fail(TF_SIG_FREE_LISTS, "%s", why);
	_Static_assert(TF_LOC_NONE == 0 && TF_LOC_BUDDY == 1, "loc is !allocated where all is well");
	for (pfn = 0; pfn < l->nr_pages; pfn++) {
		/* allocated[] is 0 or 1: eight pages in place when loc = allocated ^ 1. */
		if (!(pfn & 7) && (word_at(loc, pfn) ^ word_at(allocated, pfn)) == 0x0101010101010101ull) {
			pfn += 7;
			continue;
		}
		if (l->offline[pfn]) {
			if (loc[pfn] != TF_LOC_NONE) {
				fail(TF_SIG_PAGE_CONSERVATION,
				     "pfn %lu is in a free container, and its section is offline", pfn);
				return;
			}
			continue;
		}
		if (allocated[pfn] && exempt && exempt(pfn))
			continue;
		if (allocated[pfn] && loc[pfn] != TF_LOC_NONE) {
			fail(TF_SIG_PAGE_CONSERVATION, "pfn %lu is allocated and free at once", pfn);
			return;
		}
		if (l->kept[pfn]) {
			if (allocated[pfn] || loc[pfn] != TF_LOC_NONE) {
				fail(TF_SIG_PAGE_CONSERVATION,
				     "pfn %lu was freed poisoned and kept out, yet is %s", pfn,
				     allocated[pfn] ? "allocated" : "in a free container");
				return;
			}
			continue;
		}
		if (!allocated[pfn] && loc[pfn] != TF_LOC_BUDDY) {
			fail(TF_SIG_PAGE_CONSERVATION, "pfn %lu is %s after teardown, not in the buddy lists",
			     pfn, loc[pfn] == TF_LOC_PCP ? "on a PCP list" :
				  loc[pfn] == TF_LOC_MULTI ? "in two free containers" :
				  "lost (in no container)");
			return;
		}
	}
}

/* The last event before the journal's end of @kind on @pfn with @section (< 0: any), or -1. */
static long last_event(enum tf_event_kind kind, unsigned long pfn, int section)
{
	size_t i;

	for (i = tf_journal_len(); i-- > 0;) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (!r->access && r->ev.kind == kind && r->ev.pfn == pfn &&
		    (section < 0 || r->ev.section == (unsigned int)section))
			return (long)i;
	}
	return -1;
}

/*
 * F19's cause: memory_failure() met the page in use, could not handle it
 * and took no reference (at unpoison_memory()'s start every reference is
 * a holder's); unpoison_memory() then put a holder's reference as if it
 * were memory_failure()'s.
 */
void ledger_unpoison_cause(const struct tf_ledger *l, unsigned long pfn, int cpu,
			   const char *whom)
{
	long poison = last_event(TF_EV_HWPOISON, pfn, TF_HWPOISON_POISON);
	long unpoison = last_event(TF_EV_HWPOISON, pfn, TF_HWPOISON_UNPOISON);

	if (poison < 0 || unpoison < poison) {
		tf_oracle_cause("F19", false, "no memory_failure() of pfn %lu came before this unpoison_memory()",
				pfn);
		return;
	}
	if (!l->poison_live[pfn]) {
		tf_oracle_cause("F19", false, "memory_failure() (op %ld) met pfn %lu free, not in use",
				tf_journal_at(poison)->op, pfn);
		return;
	}
	if (l->unpoison_rc[cpu] != l->unpoison_holders[cpu]) {
		tf_oracle_cause("F19", false, "pfn %lu had refcount %d when unpoison_memory() started, its holders' %d: not theirs alone",
				pfn, l->unpoison_rc[cpu], l->unpoison_holders[cpu]);
		return;
	}
	tf_oracle_cause("F19", true, "memory_failure() (op %ld) could not handle in-use pfn %lu and took no reference (refcount %d, all its holders'); unpoison_memory() (op %ld) put %s's",
			tf_journal_at(poison)->op, pfn, l->unpoison_rc[cpu], tf_journal_at(unpoison)->op,
			whom);
}

/*
 * F18's cause: the warning comes from online_pages()' first free of a
 * page of the section it onlines (after MEM_GOING_ONLINE, before
 * MEM_ONLINE; never allocated since), whose ref nobody set: page_ext's
 * table for the section was allocated zeroed at that MEM_GOING_ONLINE
 * (page-flag refs: the flags zeroed at init), and the ref reads NULL.
 * The journal keeps every record this reads, however long the run
 * (journal.h): notifier and page_ext events, and the pfn's last
 * allocation and last free.
 */
void ledger_hotplug_online_cause(unsigned long pfn, int cpu, bool page_ext)
{
	long going = -1, online = -1, pext = -1, alloc = -1, free = -1;
	unsigned int section = 0;
	size_t i;

	for (i = tf_journal_len(); i-- > 0 && going < 0;) {
		const struct tf_jrec *r = tf_journal_at(i);
		const struct tf_event *ev = &r->ev;

		if (r->access)
			continue;
		if (ev->kind == TF_EV_MEM_NOTIFY && pfn >= ev->pfn && pfn < ev->pfn + ev->pfn2) {
			if (ev->order == TF_MEM_GOING_ONLINE) {
				going = (long)i;
				section = ev->section;
			} else if (online < 0) {
				online = (long)i;
			}
		} else if (ev->kind == TF_EV_PAGE_ALLOC && alloc < 0 && pfn >= ev->pfn &&
			   pfn < ev->pfn + (1UL << ev->order)) {
			alloc = (long)i;
		} else if (ev->kind == TF_EV_PAGE_FREE && free < 0 && ev->pfn == pfn && ev->cpu == cpu) {
			free = (long)i;
		}
	}
	if (going < 0) {
		tf_oracle_cause("F18", false, "pfn %lu was freed outside an online_pages() of its section (no MEM_GOING_ONLINE)",
				pfn);
		return;
	}
	if (online > going) {
		tf_oracle_cause("F18", false, "pfn %lu was freed after its section's online_pages() had ended",
				pfn);
		return;
	}
	if (alloc > going || free < going) {
		tf_oracle_cause("F18", false, "the warning is not online_pages()' first free of pfn %lu (allocated since MEM_GOING_ONLINE)",
				pfn);
		return;
	}
	/* The notifier chain ran before its event: page_ext's table comes just before it. */
	for (i = (size_t)going; page_ext && i-- > 0 && pext < 0;) {
		const struct tf_jrec *r = tf_journal_at(i);

		if (r->access || r->ev.section != section)
			continue;
		if (r->ev.kind == TF_EV_PEXT_ONLINE)
			pext = (long)i;
		else if (r->ev.kind == TF_EV_MEM_NOTIFY)
			break;
	}
	if (page_ext) {
		if (pext < 0) {
			tf_oracle_cause("F18", false, "section %u's page_ext was not allocated (zeroed) at its MEM_GOING_ONLINE (op %ld)",
					section, tf_journal_at(going)->op);
			return;
		}
	}
	if ((page_ext ? tf_observe_ref(pfn).state : tf_observe_pgf(pfn).state) != TF_REF_NULL) {
		tf_oracle_cause("F18", false, "pfn %lu's ref does not read NULL", pfn);
		return;
	}
	tf_oracle_cause("F18", true, "online_pages() of section %u (op %ld) freed pfn %lu through __free_pages_core(MEMINIT_HOTPLUG) after MEM_GOING_ONLINE%s; its ref read NULL",
			section, tf_journal_at(going)->op, pfn,
			page_ext ? " had allocated its page_ext zeroed" : " (refs in the zeroed page flags)");
}
