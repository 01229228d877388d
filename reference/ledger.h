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
#include "tagfuzz/events.h"

struct tf_ledger {
	unsigned long nr_pages, nr_allocated;
	unsigned long nr_offline;		/* pages of sections that are not online */
	unsigned long nr_kept;			/* pages in kept[] */
	tf_report_fn report;
	uint8_t allocated[TF_MAX_PAGES];	/* 0 or 1, by pfn */
	uint8_t loc[TF_MAX_PAGES];		/* the end check's TF_LOC_* */
	uint8_t offline[TF_MAX_PAGES];		/* 0 or 1: neither allocated nor free */
	/*
	 * Poisoned pages: poisoned[] while PG_hwpoison is set (memory_failure(),
	 * until unpoison_memory() clears it); kept[] once freed with it set:
	 * __free_pages_prepare() keeps the page out of the allocator for good,
	 * neither free nor allocated (unpoison_memory() of a page nobody holds
	 * clears the flag and leaves it there).
	 */
	uint8_t poisoned[TF_MAX_PAGES];
	uint8_t kept[TF_MAX_PAGES];
	/*
	 * Memory offlining skips poisoned pages (upstream's HWPoison skips):
	 * stranded[] is a page its owner still holds in a section that went
	 * offline (allocated[] and offline[] both set, not in nr_allocated).
	 * The section cannot come back while the page is poisoned
	 * (ledger_block_online()).
	 */
	uint8_t stranded[TF_MAX_PAGES];
	/* Extra references the callers hold (get_page), by pfn. */
	uint16_t refs[TF_MAX_PAGES];
	/* Per CPU: the pfn its get_page or put_page acts on until the op ends, or -1. */
	long ref_inflight[TF_MAX_CPUS];
	/* Per CPU: an unpoison_memory() is running (until the op ends). */
	bool unpoisoning[TF_MAX_CPUS];
	/*
	 * F19's evidence, per CPU, at its unpoison_memory()'s start: the
	 * page's refcount and how many of those references its holders (owner,
	 * extra references) account for; poison_live[pfn]: memory_failure()
	 * met the page allocated.
	 */
	int unpoison_rc[TF_MAX_CPUS], unpoison_holders[TF_MAX_CPUS];
	uint8_t poison_live[TF_MAX_PAGES];
	/*
	 * F22's evidence: what the memory_failure() that set PG_hwpoison did
	 * with the page (its action_result() printk: TF_MF_*), in which op;
	 * per CPU, the pfn whose memory_failure() runs, or -1; owner_gone[]:
	 * the owner freed the page while extra references kept it.
	 */
	uint8_t mf_action[TF_MAX_PAGES];
	int mf_op[TF_MAX_PAGES];
	long mf_pending[TF_MAX_CPUS];
	uint8_t owner_gone[TF_MAX_PAGES];
};

/* ledger.mf_action[]: the action_result() of the memory_failure() that poisoned a page. */
enum {
	TF_MF_NONE,		/* none seen */
	TF_MF_GET_IGNORED,	/* MF_MSG_GET_HWPOISON, MF_IGNORED: no reference taken */
	TF_MF_OTHER,		/* another page type or result */
};

/* A run on @nr_pages pages (a multiple of 16), none allocated, all online. */
void ledger_reset(struct tf_ledger *l, unsigned long nr_pages, tf_report_fn report);

/*
 * Memory hotplug.  Boot: @n pages from @pfn belong to sections not online
 * yet.  ledger_online(): a free that hands offline pages to the buddy for
 * the first time (online_pages()); false when one of them was not offline.
 * ledger_offline(): the pages left the zone (offline_pages()), which
 * reports an allocated one among them ([hwpoison-offline], with F22's
 * cause).
 */
void ledger_set_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n);
bool ledger_online(struct tf_ledger *l, unsigned long pfn, unsigned long n);
void ledger_offline(struct tf_ledger *l, unsigned long pfn, unsigned long n);
/*
 * memory_block_online() of the @n pages from @pfn (one section): upstream
 * refuses (-EHWPOISON, @refused) exactly when the block counts a poisoned
 * page (memblk_nr_poison(): memory_failure() counts a page it poisons,
 * unpoison_memory() uncounts one it clears, and needs the block online to
 * do so); either way round is a report.
 */
void ledger_block_online(struct tf_ledger *l, unsigned long pfn, unsigned long n, bool refused);
#define TF_CLASS_HWPOISON_OFFLINE	"hwpoison-offline"
static inline bool ledger_is_offline(const struct tf_ledger *l, unsigned long pfn)
{
	return pfn < l->nr_pages && l->offline[pfn];
}
/* An allocation event; false (reported) when it lies outside memory. */
bool ledger_alloc(struct tf_ledger *l, unsigned long pfn, unsigned int order);
/* A free event of a live allocation. */
void ledger_free(struct tf_ledger *l, unsigned long pfn, unsigned int order);
/* The free event of a poisoned order-0 page: kept out of the allocator. */
void ledger_keep(struct tf_ledger *l, unsigned long pfn);

/*
 * TF_EV_PAGE_REF, TF_EV_HWPOISON and TF_EV_OP_END, for the references
 * and poison the ledger keeps.  @owned: the model's word on whether the
 * page at the event's pfn is still held by its allocation's owner (a live
 * head whose owner has not freed it), for unpoison_memory()'s refcount.
 */
void ledger_ref_event(struct tf_ledger *l, const struct tf_event *ev);
void ledger_hwpoison_event(struct tf_ledger *l, const struct tf_event *ev, bool owned);
void ledger_op_end(struct tf_ledger *l, int cpu);
/* TF_EV_PRINTK: memory_failure()'s action_result() line, for F22's cause. */
void ledger_printk_event(struct tf_ledger *l, const struct tf_event *ev);

/*
 * Known findings' causes (docs/findings.md), given just before the
 * report.  F19: unpoison_memory() on @cpu freed @pfn, held by @whom.
 * F18: the "alloc_tag was not set" warning of @cpu's free of @pfn;
 * @page_ext: refs live in page_ext (else in the page flags).
 */
void ledger_unpoison_cause(const struct tf_ledger *l, unsigned long pfn, int cpu,
			   const char *whom);
void ledger_hotplug_online_cause(unsigned long pfn, int cpu, bool page_ext);

/* Extra references on @pfn held, or one taken or dropped by an op in flight. */
static inline bool ledger_refs_held(const struct tf_ledger *l, unsigned long pfn)
{
	if (l->refs[pfn])
		return true;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		if (l->ref_inflight[c] == (long)pfn)
			return true;
	return false;
}

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
