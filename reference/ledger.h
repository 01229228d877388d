/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page ledger both models keep (reference/ledger.c): which pages are
 * allocated, by the events; checked against the port's free containers.
 * Signatures: model:bad-pfn, model:page-allocated-twice,
 * model:page-conservation, model:free-lists.
 */
#ifndef _TAGFUZZ_LEDGER_H
#define _TAGFUZZ_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "oracle.h"

struct tf_ledger {
	unsigned long nr_pages, nr_allocated;
	unsigned long nr_offline;		/* pages of sections that are not online */
	tf_report_fn report;
	uint8_t allocated[TF_MAX_PAGES];	/* 0 or 1, by pfn */
	uint8_t loc[TF_MAX_PAGES];		/* the end check's TF_LOC_* */
	uint8_t offline[TF_MAX_PAGES];		/* 0 or 1: neither allocated nor free */
};

/* A run on @nr_pages pages (a multiple of 16), none allocated, all online. */
void ledger_reset(struct tf_ledger *l, unsigned long nr_pages, tf_report_fn report);

/*
 * Memory hotplug.  Boot: @n pages from @pfn belong to sections not online
 * yet.  ledger_online(): a free that hands offline pages to the buddy for
 * the first time (online_pages()); false when one of them was not offline.
 * ledger_offline(): the pages left the zone (offline_pages()), which
 * reports an allocated one among them.
 */
void ledger_set_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n);
bool ledger_online(struct tf_ledger *l, unsigned long pfn, unsigned long n);
void ledger_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n);
static inline bool ledger_is_offline(const struct tf_ledger *l, unsigned long pfn)
{
	return pfn < l->nr_pages && l->offline[pfn];
}
/* An allocation event; false (reported) when it lies outside memory. */
bool ledger_alloc(struct tf_ledger *l, unsigned long pfn, unsigned int order);
/* A free event of a live allocation. */
void ledger_free(struct tf_ledger *l, unsigned long pfn, unsigned int order);

/*
 * The models' loops over every page read their byte arrays eight bytes at
 * a time (one sanitizer check, not eight) and look closer only where a
 * word is not what most pages hold.  nr_pages and section_pages are
 * multiples of 16.
 */
static inline uint64_t word_at(const void *array, unsigned long byte)
{
	uint64_t w;

	memcpy(&w, (const uint8_t *)array + byte, sizeof(w));
	return w;
}

static inline bool ledger_allocated(const struct tf_ledger *l, unsigned long pfn)
{
	return l->allocated[pfn];
}

/*
 * After an op: @free pages free, as counted @how ("by the zone and
 * pageset counters"), plus the allocated ones make every online page.
 */
void ledger_check_count(const struct tf_ledger *l, unsigned long free, const char *how);
/*
 * After teardown: the free lists hold together, no allocated page is in
 * a free container and every other page is in the buddy lists.  @exempt,
 * when not NULL, names allocated pages the port may have freed without
 * an event.  Reports the first wrong page only.
 */
void ledger_check_end(struct tf_ledger *l, bool (*exempt)(unsigned long pfn));

#endif /* _TAGFUZZ_LEDGER_H */
