// SPDX-License-Identifier: GPL-2.0
/*
 * The page ledger of the reference models: every page is allocated or in
 * exactly one free container, and all come back to the buddy lists.
 */
#include <string.h>

#include "ledger.h"
#include "tagfuzz/observe.h"

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
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		l->ref_inflight[c] = -1;
		l->unpoisoning[c] = false;
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

void ledger_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n)
{
	for (unsigned long i = pfn; i < pfn + n && i < l->nr_pages; i++) {
		if (l->allocated[i] && l->poisoned[i]) {
			/*
			 * Upstream offlining skips PageHWPoison() pages, in use
			 * or not: the owner keeps a page of an offline section
			 * (docs/findings.md).
			 */
			tf_oracle_reportf(l->report, TF_SIG_PAGE_CONSERVATION,
					  TF_CLASS_HWPOISON_OFFLINE,
					  "pfn %lu is allocated (poisoned, its owner holds it), and its section went offline",
					  i);
			l->stranded[i] = 1;
			l->nr_allocated--;
		} else if (l->allocated[i]) {
			fail(TF_SIG_PAGE_CONSERVATION,
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
		/* TestSetPageHWPoison(): set, or already set. */
		l->poisoned[pfn] = 1;
		return;
	}
	l->unpoisoning[ev->cpu] = true;
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
