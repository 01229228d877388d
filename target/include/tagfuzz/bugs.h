/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bug switches: known-buggy versions of single functions, each a switch
 * off by default.  Kernel code may include this (it tests tf_bug() where
 * a switch changes one line); the registry that names each switch, where
 * it comes from and the verdict it must give is harness-only
 * (tagfuzz/variants.h, target/variants/bugs.c).
 */
#ifndef _TAGFUZZ_BUGS_H
#define _TAGFUZZ_BUGS_H

#include <stdbool.h>

enum tf_bug {
	TF_BUG_SKIP_EARLY_CLEAR,	/* init callback never clears early pfns */
	TF_BUG_RECORDER_NO_GUARD,	/* recorder ignores ALLOC_NO_CODETAG */
	TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS, /* slow path forgets ac->alloc_flags */
	TF_BUG_CLEAR_OVERWRITES_SET,	/* clear stamps EMPTY on set tags too */
	TF_BUG_POOL_NOT_FREED,		/* clear never frees the pool pages */
	TF_BUG_CMPXCHG_LOSER_LEAKS,	/* the CPU that loses the install keeps its page */
	TF_BUG_POOL_PLAIN_STORE,	/* a new pool page installed with a plain store */
	TF_BUG_RECORDER_BLOCKING_GFP,	/* tracker page with GFP_KERNEL under rcu_read_lock() */
	TF_BUG_PGFLAGS_PLAIN_STORE,	/* tag bits written back with a plain store, no cmpxchg */
	TF_BUG_CLEAN_READS_LOCAL_CPU,	/* clean_unused_counters() reads this CPU's bytes only */
	/* Seed 004's split-path PCP free (machine pcp=split only). */
	TF_BUG_OWNED_BLOCKS_INIT_ONLY,	/* cpu_dead reinitialises owned_blocks without detaching */
	TF_BUG_ONLINE_NO_ABSORB,	/* cpu_online clears the dead flag, does not absorb */
	TF_BUG_ABSORB_NO_COUNT,		/* absorb_remote_frees() leaves pcp->count as it was */
	TF_BUG_DRAIN_IGNORES_LLIST,	/* drain_pages_zone() does not absorb the free_llist */
	/* NUMA (machine nodes=2..4). */
	TF_BUG_DRAIN_ALL_FIRST_ZONE,	/* drain_all_pages() looks at the first zone's pagesets only */
	/* Memory hotplug (issue 16). */
	TF_BUG_ONLINE_NO_PAGE_EXT,	/* page_ext_callback() ignores MEM_GOING_ONLINE */
	/* free_frozen_page_commit()'s lock drop (issue 16; fuzz_pcp, both PCP paths). */
	TF_BUG_COMMIT_FALSE_UNLOCKS,	/* __free_frozen_pages() unlocks after a false commit */
	/* Extra page references and poisoned pages (issue 16). */
	TF_BUG_TAIL_REF_NOT_CLEARED,	/* ___free_pages() frees the tail chunks with their refs as they are */
	TF_BUG_HWPOISON_NO_TAG_SUB,	/* the HWPoison branch keeps the page without pgalloc_tag_sub() */
	/* Known-finding causes (issue 17): a known symptom reached another way. */
	TF_BUG_BATCH_PUSHES_ISOLATED,	/* split free_unref_folios() routes by owner before isolation */
	TF_BUG_MF_IGNORED_PUTS_REF,	/* memory_failure() puts a reference it did not take */
	TF_BUG_OFFLINE_KEEPS_PAGE_EXT,	/* page_ext_callback() ignores MEM_OFFLINE */
	/* Other causes of the early-boot known findings (issue 17: F1', F6). */
	TF_BUG_CLEAR_STORE_BEFORE_EMPTY, /* the clear writes the ref back before set_codetag_empty() */
	TF_BUG_CLEAR_NO_SYNCHRONIZE_RCU, /* the clear resets the recorder without synchronize_rcu() */
	/* Page-flag capacity checks (issue 17: the other causes of F9, F10, F13). */
	TF_BUG_SEC_INIT_NO_FIT_CHECK,	/* alloc_tag_sec_init() lets in any number of kernel tags */
	TF_BUG_SYSCTL_AFTER_SHUTDOWN,	/* vm.mem_profiling=1 is taken after a shutdown */
	/* Issue 17: other causes of F11's and F21's symptoms. */
	TF_BUG_ADDRESSABLE_COUNTS_BYTES, /* tags_addressable() counts the module area in bytes */
	TF_BUG_FREE_PAGES_SUBS_HEAD,	/* ___free_pages() takes the held head's bytes with the tails' */
	/* Issue 17: the other cause of F12's symptoms (v3 only). */
	TF_BUG_V3_REFUSAL_FALLS_BACK,	/* v3's too-many-tags refusal also turns use_pageflags off */
	/* Issue 17: the other cause of F23's symptom. */
	TF_BUG_SHUTDOWN_KEEPS_SUPPORT,	/* shutdown_mem_profiling() leaves mem_profiling_support on */
	/* Other causes of F3 and F4 (issue 17). */
	TF_BUG_CMPXCHG_LOSER_DROPS,	/* the install's loser frees its page and drops the pfn */
	TF_BUG_CLEAR_UNCOUNTS_POOL_BY_ORDER, /* the clear uncounts a tagged pool page with nr = order */
	TF_BUG_RECORDER_STARTS_NULL,	/* the recorder pointer has no initialiser: nothing recorded */
	/* F22 from another cause (issue 17). */
	TF_BUG_OFFLINE_SKIPS_IN_USE,	/* offlining's HWPoison skips pass any page with a count */
	/* F24 from another cause (issue 17; pcp=split). */
	TF_BUG_RELEASE_SKIPS_ISOLATED,	/* pcpblock_release() leaves an isolated block's owner */
	TF_NR_BUGS
};

extern unsigned long tf_bugs;

static inline bool tf_bug(enum tf_bug bug)
{
	return tf_bugs & (1UL << bug);
}

#endif /* _TAGFUZZ_BUGS_H */
