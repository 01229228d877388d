// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle table the runner walks, and the signature registry every
 * report goes through.
 */
#include <stdarg.h>
#include <stdio.h>

#include "oracle.h"

const struct tf_oracle *const tf_oracles[TF_NR_ORACLES] = {
	&tf_pcp_oracle,		/* after an op, its containers before the model's pages */
	&tf_model_oracle,	/* page_ext mode */
	&tf_pgflags_oracle,	/* page-flag mode */
	&tf_numa_oracle,	/* more than one node */
};

const struct tf_sig_info tf_sigs[TF_NR_SIGS] = {
	[TF_SIG_BOOT_ORDER] = { "harness:boot-order",
		"a scenario built by hand runs an op where its boot phase cannot (tf_run() refuses it)" },
	[TF_SIG_BAD_PFN] = { "model:bad-pfn",
		"an allocation event names pages outside memory" },
	[TF_SIG_PAGE_ALLOCATED_TWICE] = { "model:page-allocated-twice",
		"a page handed out while still allocated" },
	[TF_SIG_FREE_MISMATCH] = { "model:free-mismatch",
		"a free of something that is not a live allocation of that order" },
	[TF_SIG_SPLIT_MISMATCH] = { "model:split-mismatch",
		"a split of something that is not a live allocation of that order" },
	[TF_SIG_PAGE_CONSERVATION] = { "model:page-conservation",
		"free plus allocated pages are not all pages, a section goes offline with an allocated page [hwpoison-offline], a section goes online with a poisoned page in it (or its onlining is refused with none), or after teardown a free page is not (only) in the buddy lists" },
	[TF_SIG_FREE_LISTS] = { "model:free-lists",
		"at the end the free lists contradict themselves (nr_free, NR_FREE_PAGES, pcp->count, PageBuddy, a page on two lists)" },
	[TF_SIG_MISSING_CHECK] = { "model:missing-check",
		"an untagged allocation with page_ext did not warn \"current->alloc_tag not set\" (debug)" },
	[TF_SIG_REF_MISMATCH] = { "model:ref-mismatch",
		"a page's tag reference in page_ext is not the one the model expects [index-overflow|index-truncated] (page-flag mode, after v3's fall-back)" },
	[TF_SIG_PAGE_EXT_STATE] = { "model:page-ext-state",
		"a page has a page_ext entry before its section came online" },
	[TF_SIG_EARLY_REF_NOT_EMPTY] = { "model:early-ref-not-empty",
		"an early page holds NULL after the init callbacks should have stamped it EMPTY" },
	[TF_SIG_EARLY_CLEAR_RACE] = { "model:early-clear-race",
		"the early clear stamped EMPTY over a tag another CPU had just set (F5, what-if)" },
	[TF_SIG_EARLY_RECORD_RACE] = { "model:early-record-race",
		"an early allocation's recorder ran after the clear: never recorded, its ref stays NULL (F6, what-if)" },
	[TF_SIG_COUNTER_MISMATCH] = { "model:counter-mismatch",
		"a tag's calls or bytes differ from what its live allocations account for" },
	[TF_SIG_INACCURATE_FLAG] = { "model:inaccurate-flag",
		"at the end a tag is marked inaccurate without an early allocation, or not marked with one" },
	[TF_SIG_TRACKER_TAG_DRIFT] = { "model:tracker-tag-drift",
		"the tracker's own call site keeps counts after every pool page was freed (F4)" },
	[TF_SIG_LEAKED_TRACKING_PAGE] = { "model:leaked-tracking-page",
		"early-PFN tracking pages still allocated after the clear" },
	[TF_SIG_STRANDED_TRACKING_SLOTS] = { "model:stranded-tracking-slots",
		"a tracking page other than the head has free slots that will never be filled" },
	[TF_SIG_PAGE_REF] = { "model:page-ref",
		"an extra page reference or a free that does not fit the references held (a reference on a free page, a put of none, a whole free or a tail free the references do not explain)" },
	[TF_SIG_UNPOISON_IN_USE] = { "model:unpoison-in-use",
		"unpoison_memory() freed a page its owner or an extra reference still held" },
	[TF_SIG_PGF_DECODE] = { "model:pgflags-decode",
		"the port's idx_to_ref() of a stored index is not the reference stored [index-overflow|index-truncated]" },
	[TF_SIG_PGF_OTHER_BITS] = { "model:pgflags-other-bits",
		"bits of page->flags outside the tag index changed other than by the pgflag op" },
	[TF_SIG_PGF_COUNTER_MISMATCH] = { "model:pgflags-counter-mismatch",
		"a kernel or module tag's counters differ from its live allocations (frozen once profiling is off)" },
	[TF_SIG_PGF_UNUSED_TAG_COUNTED] = { "model:pgflags-unused-tag-counted",
		"a tag no allocation used has counts: a decode named the wrong tag" },
	[TF_SIG_PGF_CAPACITY] = { "model:pgflags-capacity",
		"tags whose indexes do not fit were accepted [off-by-two|index-type|module|re-enabled]" },
	[TF_SIG_PGF_CAPACITY_REFUSED] = { "model:pgflags-capacity-refused",
		"tags whose indexes fit were refused [module-off-by-one|v3-page-ext]" },
	[TF_SIG_PGF_MODULE_REFUSED] = { "model:pgflags-module-refused",
		"a module failed to load for tag alignment although the references are in page_ext [v3-page-ext]" },
	[TF_SIG_PGF_MODULE_AREA_REUSED] = { "model:pgflags-module-area-reused",
		"a module's tags were placed over module area tags that still account for bytes" },
	[TF_SIG_PGF_COUNTERS_UAF] = { "model:pgflags-counters-use-after-free",
		"a read or write of a module tag's per-CPU counters after clean_unused_counters() freed them [null|freed|lost-ref|stale-ref] (NULL, a stale pointer to freed per-CPU memory, reached through a page whose index decodes to another tag, or freed early by the over-subtraction of a reference left stale while profiling was off)" },
	[TF_SIG_PGF_COUNTERS_LIFETIME] = { "model:pgflags-counters-lifetime",
		"a module tag's counters are gone while it accounts for bytes, kept at unload while it accounts for none, missing on a loaded module, or left after a failed load [freed-with-bytes|kept-unused|missing|leaked]" },
	[TF_SIG_PCP_CONTAINERS] = { "pcp:containers",
		"the free containers contradict themselves (a page in two, a list that does not end)" },
	[TF_SIG_PCP_COUNT_MISMATCH] = { "pcp:count-mismatch",
		"a pcp->count differs from the pages its lists hold" },
	[TF_SIG_PCP_OWNED_BLOCKS_CORRUPT] = { "pcp:owned-blocks-corrupt",
		"a CPU's owned_blocks holds an entry of another owner or does not end, or a block of an offline section [offline]" },
	[TF_SIG_PCP_BUDDY_MISPLACED] = { "pcp:pcp-buddy-misplaced",
		"a PCP buddy sits on the lists of a CPU that does not own its pageblock, or on the list of another order" },
	[TF_SIG_PCP_OWNER_ON_FREE_BLOCK] = { "pcp:owner-on-free-block",
		"a pageblock wholly free in the buddy lists still has an owner" },
	[TF_SIG_PCP_ISOLATED_PAGE_ON_PCP] = { "pcp:isolated-page-on-pcp",
		"a page of an isolated pageblock is on a PCP list [via-llist] (absorbed from a free_llist the isolation's drain passed by, F15)" },
	[TF_SIG_PCP_DEAD_LISTS_NOT_EMPTY] = { "pcp:dead-cpu-lists-not-empty",
		"page_alloc_cpu_dead() returned with pages on the CPU's PCP lists or a non-zero pcp->count (F16)" },
	[TF_SIG_PCP_DEAD_OWNED_BLOCKS] = { "pcp:dead-cpu-owned-blocks",
		"page_alloc_cpu_dead() returned with owned_blocks entries left" },
	[TF_SIG_PCP_DEAD_LLIST_NOT_DRAINED] = { "pcp:dead-cpu-llist-not-drained",
		"a page on the CPU's free_llist when it started dying is still there after page_alloc_cpu_dead()" },
	[TF_SIG_PCP_STRANDED_AFTER_ONLINE] = { "pcp:stranded-after-online",
		"a page pushed on a CPU's free_llist while it was down is still there after page_alloc_cpu_online()" },
	[TF_SIG_PCP_STRANDED_LLIST_PAGE] = { "pcp:stranded-llist-page",
		"when the ops are over a page sits on the free_llist of a CPU that stays down (F14)" },
	[TF_SIG_PCP_LLIST_SURVIVES_DRAIN_ALL] = { "pcp:llist-survives-drain-all",
		"drain_all_pages() left pages on an online CPU's free_llist (F15)" },
	[TF_SIG_NUMA_PAGE_CONSERVATION] = { "numa:page-conservation",
		"a node's free pages (its zone's counters and llists) plus its allocated pages are not the node's pages" },
	[TF_SIG_NUMA_REMOTE_ALLOC] = { "numa:remote-alloc",
		"an allocation came from another node while its preferred node could serve it (free above the high watermark, a free block of the order)" },
	[TF_SIG_PCP_OFFLINED_PAGE_IN_CONTAINER] = { "pcp:offlined-page-in-container",
		"memory offlining took a section out of the zone with one of its pages still in a free container" },
	[TF_SIG_PCP_LOCK_HELD] = { "pcp:lock-held",
		"between ops a PCP lock or zone->lock is still held: a free path returned without releasing it (free_frozen_page_commit()'s false return)" },
};

void tf_oracle_reportf(tf_report_fn fn, enum tf_sig sig, const char *cls,
		       const char *fmt, ...)
{
	char name[96], detail[256];
	va_list ap;

	if (cls && *cls)
		snprintf(name, sizeof(name), "%s [%s]", tf_sigs[sig].name, cls);
	else
		snprintf(name, sizeof(name), "%s", tf_sigs[sig].name);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	fn(name, detail);
}

static struct tf_cause pending;

void tf_oracle_cause(const char *id, bool holds, const char *fmt, ...)
{
	va_list ap;

	pending.id = id;
	pending.holds = holds;
	va_start(ap, fmt);
	vsnprintf(pending.text, sizeof(pending.text), fmt, ap);
	va_end(ap);
}

void tf_oracle_take_cause(struct tf_cause *c)
{
	*c = pending;
	pending.id = NULL;
	pending.holds = false;
	pending.text[0] = '\0';
}
