// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory failure, cut down to the paths that reach page tagging here:
 * memory_failure() on a page the kernel allocated for itself (in use, not
 * on an LRU, not slab), which get_hwpoison_page() cannot handle, so the
 * page keeps PG_hwpoison and goes on with its owner until its last put
 * reaches __free_pages_prepare()'s HWPoison branch; and unpoison_memory().
 * num_poisoned_pages_inc()/_sub() count the page in its memory block too
 * (memblk_nr_poison_inc()/_sub(), target/sim/memory.c), which keeps the
 * block from being onlined while the count is nonzero.
 *
 * Follows mm/memory-failure.c (linux-mm 004449badc82).  Left out, as
 * docs/fidelity.md says: hugetlb, dev_pagemap and pfn-map pages, LRU and
 * page cache pages (identify_page_state() and its handlers, the hwpoison
 * filter), free buddy pages (take_page_off_buddy(), put_page_back_buddy()),
 * soft offline, the per-node statistics and mf_mutex (poison and unpoison
 * run one at a time, with nothing else in flight).
 */
#include <linux/err.h>

#include "internal.h"
#include "tagfuzz/bugs.h"

static int sysctl_memory_failure_recovery __read_mostly = 1;

atomic_long_t num_poisoned_pages __read_mostly = { 0 };

static bool hw_memory_failure __read_mostly = false;

void num_poisoned_pages_inc(unsigned long pfn)
{
	__atomic_fetch_add(&num_poisoned_pages.counter, 1, __ATOMIC_RELAXED);
	memblk_nr_poison_inc(pfn);
}

void num_poisoned_pages_sub(unsigned long pfn, long i)
{
	__atomic_fetch_sub(&num_poisoned_pages.counter, i, __ATOMIC_RELAXED);
	if (pfn != -1UL)
		memblk_nr_poison_sub(pfn, i);
}

/* lru_add_drain_all(): there are no LRU caches to drain here. */
static void shake_page(struct page *page)
{
}

enum mf_result {
	MF_IGNORED,	/* Error: cannot be handled */
	MF_FAILED,	/* Error: handling failed */
	MF_DELAYED,	/* Will be handled later */
	MF_RECOVERED,	/* Successfully recovered */
};

enum mf_action_page_type {
	MF_MSG_KERNEL_HIGH_ORDER,
	MF_MSG_BUDDY,
	MF_MSG_GET_HWPOISON,
	MF_MSG_ALREADY_POISONED,
};

static const char *const action_name[] = {
	[MF_IGNORED] = "Ignored",
	[MF_FAILED] = "Failed",
	[MF_DELAYED] = "Delayed",
	[MF_RECOVERED] = "Recovered",
};

static const char *const action_page_types[] = {
	[MF_MSG_KERNEL_HIGH_ORDER]	= "high-order kernel page",
	[MF_MSG_BUDDY]			= "free buddy page",
	[MF_MSG_GET_HWPOISON]		= "get hwpoison page",
	[MF_MSG_ALREADY_POISONED]	= "already poisoned page",
};

/*
 * "Dirty/Clean" indication is not 100% accurate due to the possibility of
 * setting PG_dirty outside page lock. See also comment above set_page_dirty().
 */
static int action_result(unsigned long pfn, enum mf_action_page_type type,
			 enum mf_result result)
{
	if (type != MF_MSG_ALREADY_POISONED)
		num_poisoned_pages_inc(pfn);

	pr_err("%#lx: recovery action for %s: %s\n",
		pfn, action_page_types[type], action_name[result]);

	return (result == MF_RECOVERED || result == MF_DELAYED) ? 0 : -EBUSY;
}

#define MAGIC_HWPOISON	0x48575053U	/* HWPS */

static inline bool PageHWPoisonTakenOff(struct page *page)
{
	return PageHWPoison(page) && page_private(page) == MAGIC_HWPOISON;
}

/*
 * Return true if a page type of a given page is supported by hwpoison
 * mechanism (while handling could fail), otherwise false.  This function
 * does not return true for hugetlb or device memory pages, so it's assumed
 * to be called only in the context where we never have such pages.
 */
static inline bool HWPoisonHandlable(struct page *page, unsigned long flags)
{
	if (PageSlab(page))
		return false;

	/* (no movable_ops pages, so soft offline has nothing extra to migrate) */

	return PageLRU(page) || is_free_buddy_page(page);
}

static int __get_hwpoison_page(struct page *page, unsigned long flags)
{
	struct folio *folio = page_folio(page);

	/* (no hugetlb folios: get_hwpoison_hugetlb_folio() finds none) */

	/*
	 * This check prevents from calling folio_try_get() for any
	 * unsupported type of folio in order to reduce the risk of unexpected
	 * races caused by taking a folio refcount.
	 */
	if (!HWPoisonHandlable(&folio->page, flags))
		return -EBUSY;

	if (folio_try_get(folio)) {
		if (folio == page_folio(page))
			return 1;

		pr_info("%#lx cannot catch tail\n", page_to_pfn(page));
		folio_put(folio);
	}

	return 0;
}

#define GET_PAGE_MAX_RETRY_NUM 3

static int get_any_page(struct page *p, unsigned long flags)
{
	int ret = 0, pass = 0;
	bool count_increased = false;

	if (flags & MF_COUNT_INCREASED)
		count_increased = true;

try_again:
	if (!count_increased) {
		ret = __get_hwpoison_page(p, flags);
		if (!ret) {
			if (page_count(p)) {
				/* We raced with an allocation, retry. */
				if (pass++ < GET_PAGE_MAX_RETRY_NUM)
					goto try_again;
				ret = -EBUSY;
			} else if (!is_free_buddy_page(p)) {
				/* We raced with put_page, retry. */
				if (pass++ < GET_PAGE_MAX_RETRY_NUM)
					goto try_again;
				ret = -EIO;
			}
			goto out;
		} else if (ret == -EBUSY) {
			/*
			 * We raced with (possibly temporary) unhandlable
			 * page, retry.
			 */
			if (pass++ < 3) {
				shake_page(p);
				goto try_again;
			}
			ret = -EIO;
			goto out;
		}
	}

	if (HWPoisonHandlable(p, flags)) {
		ret = 1;
	} else {
		/*
		 * A page we cannot handle. Check whether we can turn
		 * it into something we can handle.
		 */
		if (pass++ < GET_PAGE_MAX_RETRY_NUM) {
			put_page(p);
			shake_page(p);
			count_increased = false;
			goto try_again;
		}
		put_page(p);
		ret = -EIO;
	}
out:
	if (ret == -EIO)
		pr_err("%#lx: unhandlable page.\n", page_to_pfn(p));

	return ret;
}

static int __get_unpoison_page(struct page *page)
{
	/* (no hugetlb folios) */

	/*
	 * PageHWPoisonTakenOff pages are not only marked as PG_hwpoison,
	 * but also isolated from buddy freelist, so need to identify the
	 * state and have to cancel both operations to unpoison.
	 */
	if (PageHWPoisonTakenOff(page))
		return -EHWPOISON;

	return get_page_unless_zero(page) ? 1 : 0;
}

/**
 * get_hwpoison_page() - Get refcount for memory error handling
 * @p:		Raw error page (hit by memory error)
 * @flags:	Flags controlling behavior of error handling
 *
 * Return: 0 on failure or free buddy (hugetlb) page,
 *         1 on success for in-use pages in a well-defined state,
 *         -EIO for pages on which we can not handle memory errors,
 *         -EBUSY when get_hwpoison_page() has raced with page lifecycle
 *         operations like allocation and free,
 *         -EHWPOISON when the page is hwpoisoned and taken off from buddy.
 */
static int get_hwpoison_page(struct page *p, unsigned long flags)
{
	int ret;

	zone_pcp_disable(page_zone(p));
	if (flags & MF_UNPOISON)
		ret = __get_unpoison_page(p);
	else
		ret = get_any_page(p, flags);
	zone_pcp_enable(page_zone(p));

	return ret;
}

/**
 * memory_failure - Handle memory failure of a page.
 * @pfn: Page Number of the corrupted page
 * @flags: fine tune action taken
 *
 * Return:
 *   0             - success,
 *   -ENXIO        - memory not managed by the kernel
 *   -EOPNOTSUPP   - hwpoison_filter() filtered the error event,
 *   -EHWPOISON    - the page was already poisoned, potentially
 *                   kill process,
 *   other negative values - failure.
 */
int memory_failure(unsigned long pfn, int flags)
{
	struct page *p;
	int res = 0;

	if (!sysctl_memory_failure_recovery)
		BUG();	/* panic("Memory failure on page %lx", pfn) */

	if (!(flags & MF_SW_SIMULATED))
		hw_memory_failure = true;

	p = pfn_to_online_page(pfn);
	if (!p) {
		pr_err("%#lx: memory outside kernel control\n", pfn);
		return -ENXIO;
	}

	/* (try_memory_failure_hugetlb(): not a hugetlb page) */

	if (TestSetPageHWPoison(p)) {
		res = -EHWPOISON;
		if (flags & MF_COUNT_INCREASED)
			put_page(p);
		action_result(pfn, MF_MSG_ALREADY_POISONED, MF_FAILED);
		goto unlock_mutex;
	}

	/*
	 * We need/can do nothing about count=0 pages.
	 * 1) it's a free page, and therefore in safe hand:
	 *    check_new_page() will be the gate keeper.
	 * 2) it's part of a non-compound high order page.
	 *    Implies some kernel user: cannot stop them from
	 *    R/W the page; let's pray that the page has been
	 *    used and will be freed some time later.
	 * In fact it's dangerous to directly bump up page count from 0,
	 * that may make page_ref_freeze()/page_ref_unfreeze() mismatch.
	 */
	res = get_hwpoison_page(p, flags);
	if (!res) {
		if (is_free_buddy_page(p)) {
			/*
			 * take_page_off_buddy() and its retry are not ported:
			 * the harness poisons pages of live allocations only.
			 */
			BUG();
		} else {
			res = action_result(pfn, MF_MSG_KERNEL_HIGH_ORDER, MF_IGNORED);
		}
		goto unlock_mutex;
	} else if (res < 0) {
		/* Bug switch: a put for a reference get_hwpoison_page() never took. */
		if (tf_bug(TF_BUG_MF_IGNORED_PUTS_REF))
			put_page(p);
		res = action_result(pfn, MF_MSG_GET_HWPOISON, MF_IGNORED);
		goto unlock_mutex;
	}

	/*
	 * A handlable page with a reference taken: the hwpoison filter,
	 * hwpoison_user_mappings() and identify_page_state() are not ported
	 * (the port has no LRU pages, so get_hwpoison_page() never gets here).
	 */
	BUG();

unlock_mutex:
	return res;
}

/**
 * unpoison_memory - Unpoison a previously poisoned page
 * @pfn: Page number of the to be unpoisoned page
 *
 * Software-unpoison a page that has been poisoned by
 * memory_failure() earlier.
 *
 * This is only done on the software-level, so it only works
 * for linux injected failures, not real hardware failures
 *
 * Returns 0 for success, otherwise -errno.
 */
int unpoison_memory(unsigned long pfn)
{
	struct folio *folio;
	struct page *p;
	int ret = -EBUSY, ghp;

	p = pfn_to_online_page(pfn);
	if (!p)
		return -EIO;
	folio = page_folio(p);

	if (hw_memory_failure) {
		pr_info("%#lx: disabled after HW memory failure\n", pfn);
		ret = -EOPNOTSUPP;
		goto unlock_mutex;
	}

	if (!PageHWPoison(p)) {
		pr_info("%#lx: page was already unpoisoned\n", pfn);
		goto unlock_mutex;
	}

	if (folio_ref_count(folio) > 1) {
		pr_info("%#lx: someone grabs the hwpoison page\n", pfn);
		goto unlock_mutex;
	}

	/* (no slab, page table, reserved, offline, mapped or page cache folios) */

	ghp = get_hwpoison_page(p, MF_UNPOISON);
	if (!ghp) {
		/* (not a hugetlb folio) */
		ret = folio_test_clear_hwpoison(folio) ? 0 : -EBUSY;
	} else if (ghp < 0) {
		if (ghp == -EHWPOISON) {
			/* put_page_back_buddy(): no page is taken off the buddy here */
			BUG();
		} else {
			ret = ghp;
			pr_info("%#lx: failed to grab page\n", pfn);
		}
	} else {
		/* (not a hugetlb folio) */
		folio_put(folio);
		if (TestClearPageHWPoison(p)) {
			folio_put(folio);
			ret = 0;
		}
	}

unlock_mutex:
	if (!ret) {
		num_poisoned_pages_sub(pfn, 1);
		pr_info("%#lx: software-unpoisoned page\n", page_to_pfn(p));
	}
	return ret;
}
