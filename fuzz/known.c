// SPDX-License-Identifier: GPL-2.0
/*
 * The one suppression list: findings on the faithful port that are
 * understood and written up in docs/findings.md.  Fuzzing goes on past
 * them by default; --strict (TAGFUZZ_STRICT=1) reports them.
 */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "run.h"
#include "tagfuzz/strmatch.h"

/*
 * what_if: the finding needs an order a real kernel cannot run (another
 * CPU inside the early phase or page_ext_init(), docs/findings.md
 * "What-if only"): known only in that mode; on a real boot order the
 * same signature is new, since it then has some other cause.
 */
static const struct {
	const char *id;		/* the finding in docs/findings.md */
	const char *sig;
	const char *reason;
	bool what_if;
} known[] = {
	{ "F1", "check:WARN:alloc_tag was not set [early-before-clear]",
	  "F1 (what-if): an early page freed by another CPU after its section's "
	  "page_ext is live but before the init callbacks ran the clear "
	  "(docs/findings.md)", true },
	{ "F2", "check:WARN:alloc_tag was not set [early-tail]",
	  "F2: only the head pfn of an early allocation is recorded; a tail "
	  "split off and freed after the clear holds NULL (docs/findings.md)", false },
	{ "F3", "check:WARN:alloc_tag was not set [early-dropped]",
	  "F3: the tracker could not get a pool page, said so with "
	  "pr_warn_once and dropped the pfn (docs/findings.md)", false },
	{ "F5", "model:early-clear-race",
	  "F5: the early clear's check-then-set race, accepted in its own "
	  "comment: a page allocated by another CPU between the clear's read "
	  "and its write is stamped EMPTY over its new tag (what-if; "
	  "docs/findings.md)", true },
	{ "F1'", "check:WARN:alloc_tag was not set [early-during-clear]",
	  "F1' (what-if): an early page freed by another CPU before the "
	  "clear reached it (docs/findings.md)", true },
	{ "F6", "model:early-record-race",
	  "F6 (what-if): an early allocation whose recorder call comes after the "
	  "clear reset the recorder and its grace period ended: never recorded, "
	  "its ref stays NULL (docs/findings.md)", true },
	{ "F6", "check:WARN:alloc_tag was not set [early-record-race]",
	  "F6 (what-if): the free of a page the recorder missed (docs/findings.md)",
	  true },
	{ "F4", "model:tracker-tag-drift",
	  "F4: pool pages allocated where page_ext exists are counted for the "
	  "tracker's call site and never uncounted (docs/findings.md)", false },
	/*
	 * F2 under the other early classes: a tail takes its head's flags in
	 * the model, so a tail of a dropped head, of a head recorded late, or
	 * freed before the clear (what-if) is classed with its head; the
	 * classify gives F2's cause for a tail.
	 */
	{ "F2", "check:WARN:alloc_tag was not set [early-dropped]",
	  "F2: a tail split off an early allocation whose head the tracker dropped; "
	  "a tail is never recorded, dropped head or not (docs/findings.md)", false },
	{ "F2", "check:WARN:alloc_tag was not set [early-record-race]",
	  "F2 (what-if): a tail split off an early allocation whose head the recorder "
	  "missed; a tail is never recorded either way (docs/findings.md)", true },
	{ "F2", "check:WARN:alloc_tag was not set [early-before-clear]",
	  "F2 (what-if): a tail split off an early allocation, freed by another CPU "
	  "before the clear; the clear would not stamp it either (docs/findings.md)", true },
	/*
	 * F3 in F1's window (what-if): a pfn the tracker dropped, freed before
	 * the clear; the classify gives F3's cause for a dropped pfn.
	 */
	{ "F3", "check:WARN:alloc_tag was not set [early-before-clear]",
	  "F3 (what-if): a pfn the tracker dropped (no pool page), freed by another "
	  "CPU before the clear, which would not have stamped it either "
	  "(docs/findings.md)", true },
	/* Page-flag tag references (issue 6, seed 003, current upstream). */
	{ "F9", "model:pgflags-capacity [off-by-two]",
	  "F9: alloc_tag_sec_init() accepts (1 << bits) - 1 and 1 << bits kernel "
	  "tags, forgetting the two reserved indexes (docs/findings.md)", false },
	{ "F9", "model:pgflags-decode [index-overflow]",
	  "F9: a kernel tag past the mask is stored as NULL or EMPTY (docs/findings.md)", false },
	{ "F9", "check:WARN:alloc_tag was not set [pgflags-lost-ref]",
	  "F9: the free of a page whose tag index overflowed to NULL (docs/findings.md)", false },
	{ "F10", "model:pgflags-capacity [index-type]",
	  "F10: with more than 16 spare bits the capacity checks allow indexes "
	  "past 65535, which pgalloc_tag_idx (u16) truncates (docs/findings.md)", false },
	{ "F10", "model:pgflags-counters-use-after-free [lost-ref]",
	  "F10: a truncated module tag index decodes as an area tag whose counters "
	  "clean_unused_counters() has freed; the free subtracts through them "
	  "(docs/findings.md)", false },
	{ "F10", "model:pgflags-decode [index-truncated]",
	  "F10: a tag index past 65535 is truncated and names another tag "
	  "(docs/findings.md)", false },
	{ "F11", "model:pgflags-capacity-refused [module-off-by-one]",
	  "F11: tags_addressable() refuses the module tag that would take the "
	  "last index, the mask itself (docs/findings.md)", false },
	{ "F12", "model:pgflags-module-refused [v3-page-ext]",
	  "F12: seed 003 v3 refuses modules for tag alignment after falling back "
	  "to page_ext (docs/findings.md)", false },
	{ "F13", "model:pgflags-capacity [re-enabled]",
	  "F13: turning vm.mem_profiling back on checks nothing: module tags "
	  "loaded while it was off (or, in v3, refused by tags_addressable()) "
	  "come into use past the mask (docs/findings.md)", false },
	{ "F13", "model:pgflags-decode [index-overflow]",
	  "F13: a module tag loaded past the mask while profiling was off (or, in "
	  "v3, refused with profiling left writable) is stored masked once "
	  "vm.mem_profiling=1 (docs/findings.md)", false },
	{ "F13", "model:pgflags-decode [index-truncated]",
	  "F13: as above with more than 16 bits: a module tag index past 65535 "
	  "comes into use truncated (docs/findings.md)", false },
	{ "F13", "model:pgflags-counters-use-after-free [lost-ref]",
	  "F13: such a truncated module tag index decodes as an area tag whose "
	  "counters clean_unused_counters() has freed (docs/findings.md)", false },
	{ "F13", "model:pgflags-counters-lifetime [freed-with-bytes]",
	  "F13: the free of a page whose module tag index was stored masked or "
	  "truncated subtracts from the tag that index names, after an unload's "
	  "clean_unused_counters() freed its counters at zero bytes "
	  "(docs/findings.md)", false },
	/* F23: a vm.mem_profiling write taken after prof_shutdown (v3, upstream before Sep 2025). */
	{ "F23", "model:pgflags-capacity [re-enabled]",
	  "F23: v3's vm.mem_profiling handler (plain proc_do_static_key(), as "
	  "upstream's before Sep 2025) takes a write after shutdown_mem_profiling(), "
	  "turning profiling back on with module tags past the mask (docs/findings.md)",
	  false },
	{ "F23", "model:pgflags-decode [index-overflow]",
	  "F23: a module tag past the mask comes into use, stored masked, once "
	  "a write after the shutdown turned profiling on (docs/findings.md)", false },
	{ "F23", "model:pgflags-decode [index-truncated]",
	  "F23: as above with more than 16 bits: stored truncated to u16 "
	  "(docs/findings.md)", false },
	{ "F23", "model:pgflags-counters-use-after-free [lost-ref]",
	  "F23: such a truncated index decodes as an area tag whose counters "
	  "clean_unused_counters() has freed (docs/findings.md)", false },
	{ "F10", "model:pgflags-capacity [re-enabled]",
	  "F10: profiling turned back on finds the module area tags_addressable() "
	  "let past 65535 while it was on (docs/findings.md)", false },
	{ "F10", "check:WARN:alloc_tag was not set [pgflags-lost-ref]",
	  "F10: a kernel tag index of exactly 65536 is truncated to 0 (NULL); "
	  "its free warns (docs/findings.md)", false },
	{ "F12", "model:pgflags-capacity-refused [v3-page-ext]",
	  "F12: seed 003 v3 counts page flag bits for module tags after falling "
	  "back to page_ext, and turns profiling off (docs/findings.md)", false },
	/* Module tag counters (issue 16). */
	{ "F20", "model:pgflags-counters-use-after-free [null]",
	  "F20: a free on another CPU between alloc_tag_sub()'s this_cpu_sub() of "
	  "the last bytes and its this_cpu_dec() of the calls lets the unload's "
	  "clean_unused_counters() free the counters and set them NULL; the "
	  "decrement goes through NULL (docs/findings.md)", false },
	{ "F21", "model:pgflags-counters-use-after-free [stale-ref]",
	  "F21: a page left with a stale ref while vm.mem_profiling was off, taken "
	  "again at a higher order, subtracts more than its tag counted; the tag "
	  "reads zero bytes with live pages left, the unload frees its counters, "
	  "and a later free subtracts through NULL (docs/findings.md)", false },
	/* Seed 004's split-path PCP free (issue 5, machine pcp=split). */
	{ "F14", "pcp:stranded-llist-page",
	  "F14: a remote freer that read PCPF_CPU_DEAD clear pushes after the "
	  "dead CPU's drain; the page waits on its free_llist until the CPU comes "
	  "back, for ever if it never does (accepted in the RFC; docs/findings.md)", false },
	{ "F15", "pcp:llist-survives-drain-all",
	  "F15: drain_all_pages() picks CPUs by pcp->count, which leaves out "
	  "pages on their free_llist: a CPU holding only remote frees is not "
	  "drained (docs/findings.md)", false },
	{ "F16", "pcp:dead-cpu-lists-not-empty",
	  "F16: a remote push between drain_pages_zone()'s absorb and "
	  "free_pcppages_bulk()'s is absorbed but not drained; the loop ends on "
	  "its own count and leaves the page on the dead CPU's PCP list "
	  "(docs/findings.md)", false },
	/* Memory hotplug (issue 16). */
	{ "F18", "check:WARN:alloc_tag was not set [hotplug-online]",
	  "F18: online_pages() frees a hot-added section's pages through "
	  "__free_pages_core(MEMINIT_HOTPLUG); pgalloc_tag_sub() finds the zeroed "
	  "page_ext ref NULL and a debug kernel warns on the first chunk "
	  "(docs/findings.md)", false },
	/* Poisoned pages (issue 16): hwpoison-inject's debugfs interface. */
	{ "F19", "model:unpoison-in-use",
	  "F19: unpoison_memory() of a kernel page that memory_failure() could not "
	  "handle (and so took no reference on) puts the owner's reference as if it "
	  "were memory_failure()'s and frees the page under its owner "
	  "(hwpoison-inject's unpoison-pfn; docs/findings.md)", false },
	/* Poisoned pages and memory offlining (issue 16 review): F22. */
	{ "F22", "model:page-conservation [hwpoison-offline]",
	  "F22: offline_pages() skips PageHWPoison() pages in page_is_unmovable(), the "
	  "isolation test and __offline_isolated_pages(), in use or not, so an order-0, "
	  "non-compound kernel page memory_failure() could not handle (MF_MSG_GET_HWPOISON, "
	  "ignored) goes offline with its memory block while its owner still holds it; "
	  "the owner's free while offline keeps the page but, in page_ext mode, never "
	  "subtracts its tag. Re-onlining is refused (-EHWPOISON) while the block counts "
	  "the page; only removal and re-add could hand it out again (docs/findings.md)", false },
	/* Seed 004's pageblock ownership and memory offlining (issue 17 triage): F24. */
	{ "F24", "pcp:owned-blocks-corrupt [offline]",
	  "F24: a pageblock a CPU owns (pcp=split) goes offline with its section while "
	  "a poisoned page the HWPoison skips passed (kept out, or its owner's: F22) keeps "
	  "it from coming whole in the buddy, so the owner is never released: the CPU's "
	  "owned_blocks keeps a block of an offline section, whose pageblock data "
	  "remove_memory() frees with the section (docs/findings.md)", false },
	{ "F15", "pcp:isolated-page-on-pcp [via-llist]",
	  "F15: isolating a pageblock drains with drain_all_pages(), which passes "
	  "by a CPU whose free_llist holds a page of the block; absorbed later, "
	  "it lands on a PCP list (docs/findings.md)", false },
	{ "F14", "pcp:isolated-page-on-pcp [via-llist]",
	  "F14: a page a remote freer pushed onto a dying CPU's free_llist after "
	  "its drain (PCPF_CPU_DEAD read clear) is absorbed at CPU online into a "
	  "pageblock isolated while the CPU was down, whose drain_all_pages() left "
	  "the offline CPU out (docs/findings.md)", false },
};

static int lookup(const char *sig, bool what_if)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (tf_str_eq(known[i].sig, sig) && (what_if || !known[i].what_if))
			return (int)i;
	}
	return -1;
}

const char *tf_known_reason(const char *sig, bool what_if)
{
	int k = lookup(sig, what_if);

	return k < 0 ? NULL : known[k].reason;
}

/*
 * A symptom may be listed under more than one finding (a consequence of
 * one cause reaching another's signature): it is suppressed when the
 * cause the oracle gave is one of theirs and holds.
 */
const char *tf_known_judge(const char *sig, bool what_if, const struct tf_cause *c,
			   char *line, size_t len)
{
	int k = lookup(sig, what_if);
	size_t i;

	line[0] = '\0';
	if (k < 0)
		return NULL;
	for (i = (size_t)k; c->id && i < sizeof(known) / sizeof(known[0]); i++) {
		if (!tf_str_eq(known[i].sig, sig) || (!what_if && known[i].what_if) ||
		    !tf_str_eq(c->id, known[i].id))
			continue;
		if (!c->holds)
			break;
		snprintf(line, len, "known: %s (cause: %s)", known[i].id, c->text);
		return known[i].reason;
	}
	if (!c->id)
		snprintf(line, len, "looks like %s, but no cause predicate ran for it",
			 known[k].id);
	else if (i == sizeof(known) / sizeof(known[0]))
		snprintf(line, len, "looks like %s, but the oracle judged it as %s's: %s",
			 known[k].id, c->id, c->text);
	else
		snprintf(line, len, "looks like %s, but %s", c->id, c->text);
	return NULL;
}

const char *tf_known_id(size_t i)
{
	return i < sizeof(known) / sizeof(known[0]) ? known[i].id : NULL;
}

const char *tf_known_sig(size_t i)
{
	return i < sizeof(known) / sizeof(known[0]) ? known[i].sig : NULL;
}
