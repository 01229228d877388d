// SPDX-License-Identifier: GPL-2.0
/* The registry of bug switches: one row each, off by default. */
#include <string.h>

#include "tagfuzz/variants.h"

unsigned long tf_bugs;

const struct tf_bug_info tf_bug_table[TF_NR_BUGS] = {
	[TF_BUG_SKIP_EARLY_CLEAR] = {
		"skip-early-clear",
		"before seed 001 (no early-PFN tracking at all)",
		"page_ext init callbacks never stamp EMPTY on early pages",
		"model:early-ref-not-empty",
	},
	[TF_BUG_RECORDER_NO_GUARD] = {
		"recorder-no-guard",
		"seed 000 v3 review (the recursion __GFP_NO_CODETAG exists for)",
		"alloc_tag_add_early_pfn() records the pool's own pages",
		"check:recursion:page allocator recursion",
	},
	[TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS] = {
		"slowpath-drops-alloc-flags",
		"seed 002 (ac->alloc_flags not OR-ed into the slow path)",
		"__alloc_pages_slowpath() recomputes alloc_flags from gfp only",
		"check:recursion:page allocator recursion",
	},
	[TF_BUG_CLEAR_OVERWRITES_SET] = {
		"clear-overwrites-set",
		"seed 000 (the \"already set\" skip in clear_early_alloc_pfn_tag_refs)",
		"the early clear stamps EMPTY over a tag set after page_ext came up",
		"model:ref-mismatch",
	},
	[TF_BUG_POOL_NOT_FREED] = {
		"pool-not-freed",
		"seed 000 (pool pages must be cleared and freed after the clear)",
		"clear_early_alloc_pfn_tag_refs() keeps its pool pages",
		"model:leaked-tracking-page",
	},
	[TF_BUG_CMPXCHG_LOSER_LEAKS] = {
		"cmpxchg-loser-leaks",
		"seed 000 v2/v3 (the loser must free its page and retry)",
		"a CPU whose cmpxchg on the pool head fails keeps its new page",
		"model:leaked-tracking-page [what-if]",	/* two CPUs in early boot */
	},
	[TF_BUG_POOL_PLAIN_STORE] = {
		"pool-plain-store",
		"seed 000 v1 (refill without cmpxchg)",
		"a new pool page replaces the head with a plain store",
		"model:leaked-tracking-page [what-if]",	/* two CPUs in early boot */
	},
	[TF_BUG_RECORDER_BLOCKING_GFP] = {
		"recorder-blocking-gfp",
		"seed 000 v2 (GFP_KERNEL when gfpflags_allow_blocking(); tracker=pagelist)",
		"the page-list tracker allocates its page with direct reclaim under rcu_read_lock()",
		"check:might_sleep:sleeping function called from invalid context",
	},
	[TF_BUG_PGFLAGS_PLAIN_STORE] = {
		"pgflags-plain-store",
		"seed 003 (why update_page_tag_ref() loops on try_cmpxchg())",
		"the tag bits are written back into page->flags with a plain store",
		"model:pgflags-other-bits",
	},
	[TF_BUG_CLEAN_READS_LOCAL_CPU] = {
		"clean-reads-local-cpu",
		"module tag counters (clean_unused_counters() must sum every CPU's bytes, alloc_tag_read(); fuzz_pgflags)",
		"clean_unused_counters() frees a module tag's counters when the unloading CPU's own copy reads zero bytes",
		"model:pgflags-counters-lifetime",	/* [freed-with-bytes] or [kept-unused] */
	},
	[TF_BUG_OWNED_BLOCKS_INIT_ONLY] = {
		"owned-blocks-init-only",
		"seed 004 (the \"simpler INIT_LIST_HEAD-only form\" its changelog rejects; pcp=split, fuzz_pcp)",
		"page_alloc_cpu_dead() reinitialises owned_blocks without list_del_init() of each entry",
		"check:list:list_del corruption. prev->next should be entry",
	},
	[TF_BUG_ONLINE_NO_ABSORB] = {
		"online-no-absorb",
		"seed 004 (page_alloc_cpu_online() before the patch; pcp=split, fuzz_pcp)",
		"page_alloc_cpu_online() clears PCPF_CPU_DEAD but leaves the free_llist alone",
		"pcp:stranded-after-online",
	},
	[TF_BUG_ABSORB_NO_COUNT] = {
		"absorb-no-count",
		"seed 004 (absorb_remote_frees() counts what it absorbs; pcp=split, fuzz_pcp)",
		"absorbed pages go on the PCP lists without adding to pcp->count",
		"pcp:count-mismatch",
	},
	[TF_BUG_DRAIN_IGNORES_LLIST] = {
		"drain-ignores-llist",
		"seed 004 (drain_pages_zone() before the patch; pcp=split, fuzz_pcp)",
		"drain_pages_zone() frees pcp->count pages but never absorbs the free_llist",
		"pcp:dead-cpu-llist-not-drained",
	},
	[TF_BUG_DRAIN_ALL_FIRST_ZONE] = {
		"drain-all-first-zone",
		"NUMA: __drain_all_pages() asks every populated zone whether a CPU has pages",
		"drain_all_pages(NULL) skips a CPU whose pages sit only in another node's pagesets",
		"model:page-conservation",
	},
	[TF_BUG_ONLINE_NO_PAGE_EXT] = {
		"online-no-page-ext",
		"memory hotplug (mm/page_ext.c page_ext_callback() without its MEM_GOING_ONLINE case)",
		"a section brought online by mem_online gets no page_ext: its allocations keep no tag",
		"model:ref-mismatch",
	},
	[TF_BUG_COMMIT_FALSE_UNLOCKS] = {
		"commit-false-unlocks",
		"upstream (the batched free_frozen_page_commit(): a false return means the PCP lock is not held; pcp=upstream or split, fuzz_pcp)",
		"__free_frozen_pages() unlocks the PCP after free_frozen_page_commit() returned false",
		"check:BUG:spinlock wrong owner",
	},
	[TF_BUG_TAIL_REF_NOT_CLEARED] = {
		"tail-ref-not-cleared",
		"mainline ___free_pages() before its tails were marked empty (the extra-reference branch; get_page, put_page)",
		"the tail chunks a non-compound free with an extra reference leaves are freed without clear_page_tag_ref()",
		"check:WARN:alloc_tag was not set",
	},
	[TF_BUG_HWPOISON_NO_TAG_SUB] = {
		"hwpoison-no-tag-sub",
		"__free_pages_prepare()'s HWPoison branch without its pgalloc_tag_sub() (poison, then free)",
		"a poisoned order-0 page is kept out of the allocator without its tag's counters coming down",
		"model:counter-mismatch",
	},
	[TF_BUG_BATCH_PUSHES_ISOLATED] = {
		"batch-pushes-isolated",
		"seed 004 (the split free_unref_folios() sends isolated pages to the zone before it routes by owner; pcp=split, fuzz_pcp)",
		"the split free_unref_folios() pushes a page of an isolated pageblock onto its remote owner's free_llist",
		"pcp:isolated-page-on-pcp [via-llist]",
	},
	[TF_BUG_MF_IGNORED_PUTS_REF] = {
		"mf-ignored-puts-ref",
		"memory_failure()'s MF_MSG_GET_HWPOISON path: get_hwpoison_page() took no reference there, so none is put (mm/memory-failure.c)",
		"memory_failure() puts a reference on a page it could not handle, as if it had taken one",
		"model:unpoison-in-use",
	},
	[TF_BUG_OFFLINE_KEEPS_PAGE_EXT] = {
		"offline-keeps-page-ext",
		"memory hotplug (mm/page_ext.c page_ext_callback() without its MEM_OFFLINE case)",
		"an offlined section keeps its page_ext table: onlining it again reuses the stale table",
		"check:WARN:alloc_tag was not set [hotplug-online]",
	},
	[TF_BUG_CLEAR_STORE_BEFORE_EMPTY] = {
		"clear-store-before-empty",
		"F1' from another cause: clear_early_alloc_pfn_tag_refs() with update_page_tag_ref() before set_codetag_empty()",
		"the early clear writes back the NULL ref it read: a recorded page is never stamped EMPTY",
		"model:early-ref-not-empty",
	},
	[TF_BUG_CLEAR_NO_SYNCHRONIZE_RCU] = {
		"clear-no-synchronize-rcu",
		"F6 from another cause: the clear without the grace period (\"synchronize_rcu() is a no-op this early\")",
		"clear_early_alloc_pfn_tag_refs() walks the pools right after resetting the recorder pointer, without waiting for readers",
		"model:early-record-race [what-if]",	/* a recorder inside its read-side section */
	},
	[TF_BUG_SEC_INIT_NO_FIT_CHECK] = {
		"sec-init-no-fit-check",
		"no upstream version: current alloc_tag_sec_init() without its \"kernel tags fit into page flags\" test (the other way for F9/F10's indexes)",
		"alloc_tag_sec_init() keeps the refs in the page flags however many kernel tags there are",
		"model:pgflags-capacity [off-by-two]",
	},
	[TF_BUG_SYSCTL_AFTER_SHUTDOWN] = {
		"sysctl-after-shutdown",
		"upstream before \"alloc_tag: prevent enabling memory profiling if it was shut down\" (Sep 2025): proc_mem_profiling_handler() without its mem_profiling_support test",
		"a vm.mem_profiling write turns profiling on after shutdown_mem_profiling()",
		"model:pgflags-capacity [re-enabled]",
	},
	[TF_BUG_ADDRESSABLE_COUNTS_BYTES] = {
		"addressable-counts-bytes",
		"no upstream version: current tags_addressable() adding module_tags.size (bytes) where it means tags (the other way for F11's refusal)",
		"tags_addressable() counts each module tag as sizeof(struct alloc_tag) indexes and shuts profiling down for a module that fits",
		"model:pgflags-capacity-refused [module-off-by-one]",
	},
	[TF_BUG_FREE_PAGES_SUBS_HEAD] = {
		"free-pages-subs-head",
		"no upstream version: ___free_pages()' pgalloc_tag_sub_pages(tag, 1 << order) for (1 << order) - 1 (the other way for F21's over-subtraction)",
		"the owner's free of a page someone else still holds takes the head's bytes from its tag with the tails'",
		"model:pgflags-counter-mismatch",
	},
	[TF_BUG_V3_REFUSAL_FALLS_BACK] = {
		"v3-refusal-falls-back",
		"no version: seed 003's (v3) \"too many tags\" path in reserve_module_tags() also disabling mem_profiling_use_pageflags, as its alloc_tag_sec_init() does (the other way for F12's symptoms; pgflags_variant=v3)",
		"a module load v3's tags_addressable() refuses turns page-flag references off at run time besides profiling: page_ext carries them from then on",
		"model:pgflags-capacity-refused [v3-page-ext]",
	},
	[TF_BUG_SHUTDOWN_KEEPS_SUPPORT] = {
		"shutdown-keeps-support",
		"no upstream version: current shutdown_mem_profiling() that turns the key off but returns before clearing mem_profiling_support (the other way for F23's re-enable)",
		"after a shutdown, the vm.mem_profiling handler finds support on and takes vm.mem_profiling=1",
		"model:pgflags-capacity [re-enabled]",
	},
	[TF_BUG_CMPXCHG_LOSER_DROPS] = {
		"cmpxchg-loser-drops",
		"F3 from another cause: __alloc_tag_add_early_pfn()'s cmpxchg loser treated as a failed allocation",
		"the CPU that loses the pool install frees its page, prints \"early PFN tracking page allocation failed\" and returns, dropping the pfn",
		"check:WARN:alloc_tag was not set [early-dropped]",
	},
	[TF_BUG_CLEAR_UNCOUNTS_POOL_BY_ORDER] = {
		"clear-uncounts-pool-by-order",
		"F4 from another cause: a clear that takes a tagged pool page's count back, with the page's order where the number of pages belongs",
		"clear_early_alloc_pfn_tag_refs() calls alloc_tag_sub() on a tagged pool page with PAGE_SIZE * 0 bytes: the call comes back, the 4096 bytes stay",
		"model:tracker-tag-drift",
	},
	[TF_BUG_RECORDER_STARTS_NULL] = {
		"recorder-starts-null",
		"F1 from another cause: alloc_tag_add_early_pfn_ptr without its RCU_INITIALIZER(__alloc_tag_add_early_pfn)",
		"the recorder pointer reads NULL from the start: no early pfn is recorded and no pool page taken",
		"check:WARN:alloc_tag was not set [early-before-clear]",
	},
	[TF_BUG_OFFLINE_SKIPS_IN_USE] = {
		"offline-skips-in-use",
		"F22 from another cause: offline_pages()' HWPoison skips without their PageHWPoison() test",
		"page_is_unmovable(), the isolation test and __offline_isolated_pages() pass any in-use page when offlining: its section goes offline under its owner",
		"model:page-conservation [hwpoison-offline]",
	},
	[TF_BUG_RELEASE_SKIPS_ISOLATED] = {
		"release-skips-isolated",
		"F24 from another cause: seed 004's release of a complete pageblock's owner, skipping isolated blocks",
		"__free_one_page() merging an isolated pageblock whole leaves its owner: offlining takes an owned block with its section",
		"pcp:owned-blocks-corrupt [offline]",
	},
};

int tf_bug_by_name(const char *name)
{
	int i;

	for (i = 0; i < TF_NR_BUGS; i++) {
		if (!strcmp(tf_bug_table[i].name, name))
			return i;
	}
	return -1;
}

int tf_bugs_parse(const char *list, unsigned long *mask, const char **bad)
{
	static char word[64];
	const char *p = list;

	*mask = 0;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		int bug;

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		if (len) {
			bug = tf_bug_by_name(word);
			if (bug < 0) {
				*bad = word;
				return -1;
			}
			*mask |= 1UL << bug;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}
