// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model and the runner find what they exist to find: every
 * bug switch gives its registered verdict (and its scenario is clean
 * without it), known findings are classified, and the model, fed events
 * directly or run against a port whose state was tampered with, reports
 * each disagreement under its stable signature.
 */
#include <setjmp.h>
#include <stdlib.h>

#include <linux/alloc_tag.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pgalloc_tag.h>

#include "codec.h"
#include "journal.h"
#include "oracle.h"
#include "run.h"
#include "tagfuzz/events.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/variants.h"
#include "test.h"

extern struct alloc_tag tf_user_tags[TF_NR_USER_TAGS];

static struct tf_scenario sc;
static struct tf_verdict v;

/* ------------------------------------------------------------------ */
/* Through the runner                                                  */
/* ------------------------------------------------------------------ */

static bool parse(const char *text)
{
	char err[256];

	if (tf_parse_text(text, &sc, err, sizeof(err))) {
		fprintf(stderr, "  scenario does not parse: %s\n", err);
		return false;
	}
	return true;
}

static void dump_verdict(const char *what)
{
	fprintf(stderr, "  %s: %d findings (%d new)\n", what, v.nr, v.nr_new);
	for (int i = 0; i < v.nr; i++)
		fprintf(stderr, "    %s%s (op %ld): %s\n", v.f[i].sig,
			v.f[i].known ? " (known)" : "", v.f[i].op, v.f[i].detail);
}

static const char *const early_then_init =
	"machine section_pages=64 sections=2 cpus=1\n"
	"alloc order=0 tag=1\n"
	"pext_init\n"
	"free idx=0\n";

/* The pool page gets the slow path once the fast path's watermark fails. */
static const char *const early_under_pressure =
	"machine section_pages=64 sections=2 cpus=1\n"
	"pressure level=1\n"
	"alloc order=0 tag=1\n"
	"pext_init\n";

/*
 * An early pfn is freed before page_ext_init() and taken again by one of
 * its own allocations after its section came online: at the clear it
 * already holds a tag, which must stay.  (The section's table takes the
 * other freed pfn.)
 */
static const char *const early_pfn_reused =
	"machine section_pages=64 sections=2 cpus=1\n"
	"alloc order=0 tag=1\n"
	"alloc order=0 tag=1\n"
	"free idx=0\n"
	"free idx=0\n"
	"pext_online section=0\n"
	"alloc order=0 tag=2\n"
	"pext_init\n"
	"free idx=0\n";

/*
 * Two CPUs allocate early with no pool yet: CPU0 reads the empty head and
 * takes its pool page, then (change point at step 45) CPU1 installs its
 * own; CPU0's cmpxchg then fails.  What-if: a debug kernel runs its early
 * allocations on the boot CPU alone.
 */
static const char *const race_on_empty_pool =
	"machine section_pages=64 sections=2 cpus=2 what_if=smp-early-boot\n"
	"cpu_up cpu=1\n"
	"start alloc cpu=0 order=0 tag=1\n"
	"start alloc cpu=1 order=0 tag=2\n"
	"run first=0 at=45\n"
	"pext_init\n";

/* The same race; CPU1's page (live[0]) is freed before page_ext comes up. */
static const char *const race_then_free =
	"machine section_pages=64 sections=2 cpus=2 what_if=smp-early-boot\n"
	"cpu_up cpu=1\n"
	"start alloc cpu=0 order=0 tag=1\n"
	"start alloc cpu=1 order=0 tag=2\n"
	"run first=0 at=45\n"
	"free idx=0\n"
	"pext_init\n";

/* An early allocation on the page-list tracker of seed 000 v3. */
static const char *const early_on_pagelist =
	"machine section_pages=64 sections=2 cpus=1 tracker=pagelist\n"
	"alloc order=0 tag=1\n"
	"pext_init\n";

/* Page-flag mode: CPU1's set_bit between CPU0's read and write of page->flags. */
static const char *const pgflags_bit_race =
	"machine section_pages=64 sections=1 cpus=2 pgflag_bits=8 kernel_tags=100\n"
	"tagalloc order=0 tag=k:1\n"
	"cpu_up cpu=1\n"
	"start pgflag cpu=1 idx=0 bit=3 set\n"
	"start free cpu=0 idx=0\n"
	"run first=1 at=1 at2=8\n";

/* Page-flag mode: a module tag's page allocated on CPU1, the module unloaded on CPU0. */
static const char *const module_page_on_cpu1 =
	"machine section_pages=64 sections=1 cpus=2 pgflag_bits=10 kernel_tags=100\n"
	"cpu_up cpu=1\n"
	"mod_load tags=2\n"
	"tagalloc cpu=1 order=0 tag=m:0\n"
	"mod_unload idx=0\n"
	"free cpu=1 idx=0\n";

/* PCP mode, split path: CPU1 dies owning pageblock 0; pfn 0 then completes it. */
static const char *const pcp_dead_owner_block =
	"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"alloc cpu=1 order=0 tag=1\n"
	"cpu_down cpu=1\n"
	"free cpu=0 idx=0\n";

/* A remote free (onto CPU1's free_llist) that CPU1 then absorbs. */
static const char *const pcp_remote_free_absorbed =
	"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"alloc cpu=1 order=0 tag=1\n"
	"alloc cpu=1 order=0 tag=1\n"
	"free cpu=0 idx=0\n"
	"alloc cpu=1 order=0 tag=2\n";

/* The remote free races CPU1's death and lands after the drain; CPU1 comes back. */
static const char *const pcp_race_then_online =
	"machine section_pages=64 sections=2 cpus=3 pcp=split\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"cpu_up cpu=2\n"
	"alloc cpu=1 order=0 tag=1\n"
	"alloc cpu=1 order=0 tag=1\n"
	"start free cpu=2 idx=0\n"
	"start cpu_down cpu=1\n"
	"run first=1 at=16\n"
	"cpu_up cpu=1\n"
	"free cpu=1 idx=0\n";

/* CPU1's whole block (pcp->count 0) gets a remote free, then CPU1 dies. */
static const char *const pcp_llist_only_death =
	"machine section_pages=64 sections=2 cpus=2 pcp=split\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"alloc cpu=1 order=3 tag=1\n"
	"split cpu=1 idx=0\n"
	"free cpu=0 idx=0\n"
	"cpu_down cpu=1\n"
	"free cpu=0 idx=0\nfree cpu=0 idx=0\nfree cpu=0 idx=0\nfree cpu=0 idx=0\n"
	"free cpu=0 idx=0\nfree cpu=0 idx=0\nfree cpu=0 idx=0\n";

/* Two nodes: CPU0's page of node 1 sits in its node-1 pageset, its node-0 one is empty. */
static const char *const numa_page_in_second_zone =
	"machine section_pages=16 sections=2 cpus=2 nodes=2\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"alloc cpu=1 order=0 tag=1\n"
	"drain cpu=0\n"
	"free cpu=0 idx=0\n";
/* A hot-added section, and an allocation only it can serve. */
static const char *const hotadd_then_alloc =
	"machine section_pages=16 sections=1 hotplug_sections=1 cpus=1 debug=0\n"
	"pext_init\n"
	"mem_online section=1\n"
	"alloc order=4 tag=1\n";
/*
 * CPU1's free crosses high and frees batch by batch; CPU0's drain_all_pages()
 * takes CPU1's PCP lock while the commit has it dropped (steps 25 and 35),
 * so the re-trylock fails and the commit returns false.
 */
static const char *const pcp_commit_relock_fails =
	"machine section_pages=64 sections=2 cpus=2 pcp=upstream\n"
	"pext_init\n"
	"cpu_up cpu=1\n"
	"alloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\n"
	"alloc cpu=1 order=0 tag=1\nalloc cpu=1 order=0 tag=1\n"
	"free cpu=1 idx=0\nfree cpu=1 idx=0\nfree cpu=1 idx=0\n"
	"start free cpu=1 idx=0\n"
	"start drain all\n"
	"run first=1 at=25 at2=35\n";

/* An order-2 allocation freed while an extra reference holds its head. */
static const char *const free_with_extra_ref =
	"machine section_pages=64 sections=2 cpus=1\n"
	"pext_init\n"
	"alloc order=2 tag=1\n"
	"get_page idx=0\n"
	"free idx=0\n"
	"put_page idx=0\n";

/* A poisoned order-0 page (an exact buffer: not on the LRU) freed by its owner. */
static const char *const free_poisoned =
	"machine section_pages=64 sections=2 cpus=1\n"
	"pext_init\n"
	"alloc_exact pages=1 tag=1\n"
	"poison idx=0\n"
	"free idx=0\n";

/* CPU0's pageblock 1 isolated, then CPU2's batched free of a page of it. */
static const char *const pcp_isolated_then_batch_free =
	"machine section_pages=64 sections=2 cpus=3 pcp=split\n"
	"pext_init\n"
	"cpu_up cpu=2\n"
	"alloc cpu=0 order=3 tag=1\n"
	"split cpu=0 idx=0\n"
	"isolate block=1\n"
	"free_batch cpu=2 idx=0 count=1\n"
	"alloc cpu=0 order=0 tag=2\n";

/* A page in use with an extra reference, poisoned and unpoisoned. */
static const char *const unpoison_held_twice =
	"machine section_pages=64 sections=2 cpus=1\n"
	"pext_init\n"
	"alloc_exact pages=1 tag=1\n"
	"get_page idx=0\n"
	"poison idx=0\n"
	"unpoison idx=0\n";

/* A boot section offlined and onlined again (debug kernel: F18 without the switch). */
static const char *const offline_then_reonline =
	"machine section_pages=32 sections=3 cpus=1\n"
	"pext_init\n"
	"alloc order=2 tag=1\n"
	"mem_offline section=1\n"
	"mem_online section=1\n";
/*
 * CPU1's recorder is inside its read-side section, before claiming a slot
 * (step 23), when CPU0's clear resets the recorder pointer.  What-if.
 */
static const char *const recorder_in_section_at_clear =
	"machine section_pages=64 sections=2 cpus=2 what_if=smp-early-boot\n"
	"cpu_up cpu=1\n"
	"alloc cpu=0 order=0 tag=1\n"
	"start pext_init\n"
	"start alloc cpu=1 order=0 tag=2\n"
	"run first=1 at=23\n";
static const char *const pgf_too_many_kernel_tags =
	"machine section_pages=64 sections=1 cpus=1 pgflag_bits=8 kernel_tags=300\n"
	"tagalloc order=0 tag=k:254\n"
	"free idx=0\n";

static const char *const pgf_enable_after_shutdown =
	"machine section_pages=64 sections=1 cpus=1 debug=0 pgflag_bits=8 kernel_tags=200\n"
	"mod_load tags=100\n"
	"prof_sysctl on\n"
	"tagalloc order=0 tag=m:-1\n";

static const char *const pgf_module_fits =
	"machine section_pages=16 sections=1 pgflag_bits=8 kernel_tags=200\n"
	"mod_load tags=4\n"
	"tagalloc order=0 tag=m:-1\n"
	"free idx=0\n";

/* An order-1 module page freed by its owner while an extra reference holds it. */
static const char *const pgf_module_page_held =
	"machine section_pages=16 sections=1 cpus=1 pgflag_bits=10 kernel_tags=100\n"
	"mod_load tags=1\n"
	"tagalloc order=1 tag=m:0\n"
	"get_page idx=0\n"
	"free idx=0\n"
	"mod_unload idx=0\n"
	"put_page idx=0\n";

/* v3: kernel tags that fit the bits, then a module whose tags do not. */
static const char *const pgf_v3_module_refused =
	"machine section_pages=16 sections=1 pgflag_bits=8 kernel_tags=200 pgflags_variant=v3\n"
	"mod_load tags=100\n"
	"mod_load tags=4 align=16\n";

/* Module tags loaded unchecked, a shutdown, then vm.mem_profiling=1. */
static const char *const pgf_write_after_shutdown =
	"machine section_pages=16 sections=1 pgflag_bits=8 kernel_tags=200 debug=0 profiling=0\n"
	"mod_load tags=100\n"
	"prof_shutdown\n"
	"prof_sysctl on\n";

/* F4 on two nodes: a pool page from node 0, initialised, tagged and counted. */
static const char *const numa_pool_from_initialised_node =
	"machine section_pages=16 sections=4 cpus=1 nodes=2\n"
	"burst count=50 rounds=10 free=1 tag=1\n"
	"burst count=9 free=1 tag=1\n"
	"pext_init\n";

/* What-if: CPU1 frees an early page after its section's page_ext, before the clear (F1). */
static const char *const early_freed_before_clear =
	"machine section_pages=64 sections=2 cpus=2 what_if=smp-early-boot\n"
	"alloc order=0 tag=1\n"
	"cpu_up cpu=1\n"
	"pext_online section=0\n"
	"free cpu=1 idx=0\n";

/* An exact buffer in use, not poisoned, in the section offlined (pfn 19). */
static const char *const offline_in_use =
	"machine section_pages=16 sections=3 cpus=1 debug=0\n"
	"pext_init\n"
	"alloc order=3 tag=1\nalloc order=2 tag=1\nalloc order=1 tag=1\n"
	"alloc order=0 tag=1\nalloc order=0 tag=1\n"
	"alloc_exact pages=1 tag=2\n"
	"mem_offline section=1\n";

/* CPU0's block 0 wholly free again, then section 0 offlined (pcp=split). */
static const char *const pcp_owned_block_offlined =
	"machine section_pages=64 sections=2 cpus=4 debug=0 profiling=1 wmark=0 pcp=split early_page_ext=0\n"
	"alloc_exact cpu=0 pages=1 gfp=memalloc tag=3\n"
	"split cpu=0 idx=0\n"
	"alloc cpu=0 order=0 gfp=kernel tag=0\n"
	"pressure level=2\n"
	"alloc cpu=0 order=0 gfp=kernel tag=0\n"
	"pext_init\n"
	"free_exact cpu=0 idx=2\n"
	"mem_offline section=0\n";

static const struct {
	enum tf_bug bug;
	const char *const *text;
	long op;		/* where the finding must be reported */
	bool ends_by_bug;
} bug_cases[] = {
	{ TF_BUG_SKIP_EARLY_CLEAR, &early_then_init, 1, false },
	{ TF_BUG_RECORDER_NO_GUARD, &early_then_init, 0, true },
	{ TF_BUG_SLOWPATH_DROPS_ALLOC_FLAGS, &early_under_pressure, 1, true },
	{ TF_BUG_CLEAR_OVERWRITES_SET, &early_pfn_reused, 6, false },
	{ TF_BUG_POOL_NOT_FREED, &early_then_init, 1, false },
	{ TF_BUG_CMPXCHG_LOSER_LEAKS, &race_on_empty_pool, 4, false },
	{ TF_BUG_POOL_PLAIN_STORE, &race_then_free, 5, false },
	{ TF_BUG_RECORDER_BLOCKING_GFP, &early_on_pagelist, 0, false },
	{ TF_BUG_PGFLAGS_PLAIN_STORE, &pgflags_bit_race, 4, false },
	{ TF_BUG_CLEAN_READS_LOCAL_CPU, &module_page_on_cpu1, 3, false },
	{ TF_BUG_OWNED_BLOCKS_INIT_ONLY, &pcp_dead_owner_block, 4, false },
	{ TF_BUG_ONLINE_NO_ABSORB, &pcp_race_then_online, 8, false },
	{ TF_BUG_ABSORB_NO_COUNT, &pcp_remote_free_absorbed, 5, false },
	{ TF_BUG_DRAIN_IGNORES_LLIST, &pcp_llist_only_death, 5, false },
	{ TF_BUG_DRAIN_ALL_FIRST_ZONE, &numa_page_in_second_zone, -1, false },
	{ TF_BUG_ONLINE_NO_PAGE_EXT, &hotadd_then_alloc, 2, false },
	{ TF_BUG_COMMIT_FALSE_UNLOCKS, &pcp_commit_relock_fails, 12, true },
	{ TF_BUG_TAIL_REF_NOT_CLEARED, &free_with_extra_ref, 3, false },
	{ TF_BUG_HWPOISON_NO_TAG_SUB, &free_poisoned, 3, false },
	{ TF_BUG_BATCH_PUSHES_ISOLATED, &pcp_isolated_then_batch_free, 6, false },
	{ TF_BUG_MF_IGNORED_PUTS_REF, &unpoison_held_twice, 4, false },
	{ TF_BUG_OFFLINE_KEEPS_PAGE_EXT, &offline_then_reonline, 3, false },
	{ TF_BUG_CLEAR_STORE_BEFORE_EMPTY, &early_then_init, 1, false },
	{ TF_BUG_CLEAR_NO_SYNCHRONIZE_RCU, &recorder_in_section_at_clear, 4, false },
	{ TF_BUG_SEC_INIT_NO_FIT_CHECK, &pgf_too_many_kernel_tags, -1, false },
	{ TF_BUG_SYSCTL_AFTER_SHUTDOWN, &pgf_enable_after_shutdown, 1, false },
	{ TF_BUG_ADDRESSABLE_COUNTS_BYTES, &pgf_module_fits, 0, false },
	{ TF_BUG_FREE_PAGES_SUBS_HEAD, &pgf_module_page_held, 3, false },
	{ TF_BUG_V3_REFUSAL_FALLS_BACK, &pgf_v3_module_refused, 0, false },
	{ TF_BUG_SHUTDOWN_KEEPS_SUPPORT, &pgf_write_after_shutdown, 2, false },
	{ TF_BUG_CMPXCHG_LOSER_DROPS, &race_on_empty_pool, -1, false },
	{ TF_BUG_CLEAR_UNCOUNTS_POOL_BY_ORDER, &numa_pool_from_initialised_node, -1, false },
	{ TF_BUG_RECORDER_STARTS_NULL, &early_freed_before_clear, 3, false },
	{ TF_BUG_OFFLINE_SKIPS_IN_USE, &offline_in_use, 7, false },
	{ TF_BUG_RELEASE_SKIPS_ISOLATED, &pcp_owned_block_offlined, 7, false },
};

/*
 * A switch that makes a known symptom from another cause where the run
 * without it shows the known finding, with its cause (every re-online in a
 * debug kernel warns F18; a pool page from an initialised node is F4; an
 * early page freed before the clear by another CPU is F1):
 * nothing new without it, rather than clean.
 */
static bool known_without_switch(enum tf_bug bug)
{
	return bug == TF_BUG_OFFLINE_KEEPS_PAGE_EXT ||
	       bug == TF_BUG_CLEAR_UNCOUNTS_POOL_BY_ORDER ||	/* F4 */
	       bug == TF_BUG_RECORDER_STARTS_NULL;		/* F1 (what-if) */
}

/* Each bug switch: clean without it, its registered verdict with it. */
static bool test_model_bug_switches_give_their_verdicts(void)
{
	struct tf_run_opts o = { 0 };
	bool covered[TF_NR_BUGS] = { false };

	for (size_t i = 0; i < ARRAY_LEN(bug_cases); i++) {
		const struct tf_bug_info *info = &tf_bug_table[bug_cases[i].bug];
		const struct tf_finding *f;

		ASSERT_TRUE(parse(*bug_cases[i].text));
		o.bugs = 0;
		tf_run(&sc, &o, &v);
		if (known_without_switch(bug_cases[i].bug) ?
		    tf_verdict_first_new(&v, false) != NULL || !v.nr : v.nr != 0) {
			dump_verdict(info->name);
			return false;
		}

		o.bugs = 1UL << bug_cases[i].bug;
		tf_run(&sc, &o, &v);
		f = tf_verdict_first_new(&v, false);
		if (!f || strncmp(f->sig, info->verdict, strlen(info->verdict))) {
			fprintf(stderr, "  %s: expected %s\n", info->name, info->verdict);
			dump_verdict(info->name);
			return false;
		}
		ASSERT_EQ(f->op, bug_cases[i].op);
		ASSERT_TRUE(f->known == NULL);
		ASSERT_EQ(v.ended_by_bug, bug_cases[i].ends_by_bug);
		ASSERT_TRUE(v.nr_new >= 1);
		covered[bug_cases[i].bug] = true;
	}
	/* The runner leaves no switch on behind it. */
	ASSERT_EQ(tf_bugs, 0);
	ASSERT_TRUE(tf_event_sink == NULL);
	for (int b = 0; b < TF_NR_BUGS; b++)
		ASSERT_TRUE(covered[b]);
	return true;
}

/*
 * The head of an early exact allocation left NULL by skip-early-clear warns
 * when the teardown frees it, before its tail: the check is classed through
 * the tail ([early-tail]), but F2's cause must not hold for it.
 */
static bool test_model_f2_not_for_head(void)
{
	struct tf_run_opts o = { .bugs = 1UL << TF_BUG_SKIP_EARLY_CLEAR };
	const struct tf_finding *f;

	ASSERT_TRUE(parse("machine section_pages=64 sections=2 cpus=1\n"
			  "alloc_exact pages=2 tag=1\n"));
	tf_run(&sc, &o, &v);
	f = tf_verdict_first_new(&v, false);
	ASSERT_TRUE(f != NULL);
	ASSERT_STREQ(f->sig, "check:WARN:alloc_tag was not set [early-tail]");
	ASSERT_TRUE(!strncmp(f->cause, "looks like F2, but pfn 0, ", 26));
	o.bugs = 0;
	tf_run(&sc, &o, &v);	/* without the switch: the tail's F2, with its cause */
	ASSERT_TRUE(v.nr >= 1 && !tf_verdict_first_new(&v, false));
	ASSERT_TRUE(!strncmp(v.f[0].cause, "known: F2 ", 10));
	return true;
}

static bool test_model_verdict_details(void)
{
	struct tf_run_opts o = { .bugs = 1UL << TF_BUG_CLEAR_OVERWRITES_SET };

	ASSERT_TRUE(parse(early_pfn_reused));
	tf_run(&sc, &o, &v);
	ASSERT_TRUE(v.nr >= 1);
	ASSERT_STREQ(v.f[0].sig, "model:ref-mismatch");
	ASSERT_TRUE(strstr(v.f[0].detail, "should hold tag site2, holds EMPTY") != NULL);

	o.bugs = 1UL << TF_BUG_POOL_NOT_FREED;
	ASSERT_TRUE(parse(early_then_init));
	tf_run(&sc, &o, &v);
	ASSERT_STREQ(v.f[0].sig, "model:leaked-tracking-page");
	ASSERT_TRUE(strstr(v.f[0].detail, "1 early-PFN tracking pages") != NULL);

	/* keep_going collects more than the first. */
	o.keep_going = true;
	o.bugs = 1UL << TF_BUG_SKIP_EARLY_CLEAR;
	ASSERT_TRUE(parse(early_then_init));
	tf_run(&sc, &o, &v);
	ASSERT_STREQ(v.f[0].sig, "model:early-ref-not-empty");
	ASSERT_TRUE(v.nr >= 2);		/* and the free of the NULL page warns */
	for (int i = 1; i < v.nr; i++)
		if (!strcmp(v.f[i].sig, "check:WARN:alloc_tag was not set"))
			return true;
	dump_verdict("skip-early-clear, keep going");
	return false;
}

/* Every op kind on a correct port: nothing to report. */
static bool test_model_clean_run_is_clean(void)
{
	struct tf_run_opts o = { 0 };

	ASSERT_TRUE(parse(
		"machine section_pages=64 sections=4 cpus=3 wmark=2\n"
		"alloc cpu=1 order=2 tag=1\n"
		"alloc_bulk nr=6 tag=2\n"
		"pext_online section=3\n"
		"pext_init\n"
		"cpu_up cpu=1 pages=2\n"
		"alloc_exact pages=5 tag=3\n"
		"alloc cpu=1 order=3 tag=4\n"
		"split idx=7\n"
		"migrate idx=2\n"
		"free idx=0\n"
		"free_exact idx=100\n"
		"burst count=20 order=1 tag=5\n"
		"pressure level=1\n"
		"alloc gfp=atomic order=1 tag=6\n"
		"drain cpu=1\n"
		"free idx=3\n"
		"cpu_up cpu=2 pages=1\n"
		"alloc cpu=2 tag=7\n"
		"fail_next n=2\n"
		"alloc tag=8\n"
		"cpu_down cpu=1\n"
		"drain all\n"));
	o.strict = true;
	tf_run(&sc, &o, &v);
	if (v.nr) {
		dump_verdict("clean scenario");
		return false;
	}
	ASSERT_FALSE(v.ended_by_bug);

	/* A migration of a tagged page: the tag moves with it. */
	ASSERT_TRUE(parse(
		"machine section_pages=64 sections=2 cpus=2\n"
		"pext_init\n"
		"alloc order=1 tag=2\n"
		"alloc order=0 tag=3\n"
		"migrate idx=0\n"
		"migrate idx=1\n"
		"split idx=0\n"
		"migrate idx=2\n"
		"free idx=0\n"));
	tf_run(&sc, &o, &v);
	if (v.nr) {
		dump_verdict("migrations");
		return false;
	}
	return true;
}

/* A known finding is classified, listed as known, and strict reports it. */
static bool test_model_known_finding_is_classified(void)
{
	struct tf_run_opts o = { 0 };
	const char *want = "check:WARN:alloc_tag was not set [early-before-clear] [what-if]";

	/* Freed by CPU1 after its section's page_ext is live, before the clear. */
	ASSERT_TRUE(parse(
		"machine section_pages=64 sections=2 cpus=2 what_if=smp-early-boot\n"
		"alloc order=0 tag=1\n"
		"cpu_up cpu=1\n"
		"pext_online section=0\n"
		"free cpu=1 idx=0\n"));
	tf_run(&sc, &o, &v);
	ASSERT_EQ(v.nr_new, 0);
	ASSERT_TRUE(v.nr >= 1);
	ASSERT_STREQ(v.f[0].sig, want);
	ASSERT_TRUE(v.f[0].known != NULL);
	ASSERT_EQ(v.f[0].op, 3);
	ASSERT_TRUE(tf_verdict_first_new(&v, false) == NULL);

	o.strict = true;
	tf_run(&sc, &o, &v);
	ASSERT_TRUE(v.nr_new >= 1);
	ASSERT_STREQ(tf_verdict_first_new(&v, true)->sig, want);
	return true;
}

/* An untagged caller's warning is expected: no finding at all. */
static bool test_model_untagged_warning_is_expected(void)
{
	struct tf_run_opts o = { .strict = true };

	ASSERT_TRUE(parse(
		"machine section_pages=64 sections=2 cpus=1\n"
		"pext_init\n"
		"alloc order=0 tag=none\n"
		"alloc order=1 tag=none\n"));
	tf_run(&sc, &o, &v);
	if (v.nr) {
		dump_verdict("untagged");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* The model on its own                                                */
/* ------------------------------------------------------------------ */

static struct {
	int nr;
	char sig[16][96];
	char detail[16][256];
} reports;

static void record_report(const char *sig, const char *detail)
{
	if (reports.nr < 16) {
		snprintf(reports.sig[reports.nr], sizeof(reports.sig[0]), "%s", sig);
		snprintf(reports.detail[reports.nr], sizeof(reports.detail[0]), "%s", detail);
	}
	reports.nr++;
}

static bool reported(const char *sig)
{
	for (int i = 0; i < reports.nr && i < 16; i++)
		if (!strcmp(reports.sig[i], sig))
			return true;
	return false;
}

static void dump_reports(void)
{
	for (int i = 0; i < reports.nr && i < 16; i++)
		fprintf(stderr, "    report: %s: %s\n", reports.sig[i], reports.detail[i]);
}

#define ASSERT_REPORTS(n, first) do {					\
	if (reports.nr != (n) || ((n) && strcmp(reports.sig[0], (first)))) { \
		fprintf(stderr, "  %s:%d: expected %d report(s), first %s\n", \
			__FILE__, __LINE__, (n), (first));		\
		dump_reports();						\
		return false;						\
	}								\
} while (0)

static struct tf_machine mm;

static void model_start(unsigned int section_pages, unsigned int sections, bool debug)
{
	mm = (struct tf_machine){
		.section_pages = section_pages, .nr_sections = sections, .nr_cpus = 1,
		.debug = debug, .profiling = true,
	};
	memset(&reports, 0, sizeof(reports));
	tf_model_oracle.reset(&mm, record_report);
}

/* An allocation whose op is still running (its tagging may lie ahead). */
static void ev_alloc_in_flight(unsigned long pfn, unsigned int order, int tag)
{
	struct tf_event ev = { .kind = TF_EV_PAGE_ALLOC, .pfn = pfn, .order = order, .tag = tag };

	tf_model_oracle.on_event(&ev);
}

/* An allocation op that has ended. */
static void ev_alloc(unsigned long pfn, unsigned int order, int tag)
{
	struct tf_event end = { .kind = TF_EV_OP_END };

	ev_alloc_in_flight(pfn, order, tag);
	tf_model_oracle.on_event(&end);
}

static void ev_free(unsigned long pfn, unsigned int order)
{
	struct tf_event ev = { .kind = TF_EV_PAGE_FREE, .pfn = pfn, .order = order };

	tf_model_oracle.on_event(&ev);
}

static void ev_simple(enum tf_event_kind kind, unsigned long pfn, unsigned long pfn2,
		      unsigned int order, unsigned int section)
{
	struct tf_event ev = { .kind = kind, .pfn = pfn, .pfn2 = pfn2, .order = order,
			       .section = section, .tag = TF_TAG_NONE };

	tf_model_oracle.on_event(&ev);
}

static bool classify(enum tf_check_kind kind, const char *site, char *cls, size_t len)
{
	struct tf_event ev = { .kind = TF_EV_CHECK, .check = kind, .site = site,
			       .func = "test", .msg = site };

	return tf_model_oracle.classify(&ev, cls, len);
}

static bool test_model_page_allocated_twice(void)
{
	model_start(16, 2, true);
	ev_alloc(3, 0, TF_TAG_NONE);
	ASSERT_REPORTS(0, "");
	ev_alloc(3, 0, TF_TAG_NONE);
	ASSERT_REPORTS(1, "model:page-allocated-twice");
	ASSERT_TRUE(strstr(reports.detail[0], "pfn 3 ") != NULL);

	/* A block overlapping a live one: one report per shared page. */
	model_start(16, 2, true);
	ev_alloc(8, 2, TF_TAG_NONE);
	ev_alloc(10, 0, TF_TAG_NONE);
	ASSERT_REPORTS(1, "model:page-allocated-twice");
	ev_alloc(8, 3, TF_TAG_NONE);	/* 8..15 holds 8..11 already */
	ASSERT_EQ(reports.nr, 1 + 4);

	/* Freed pages may be handed out again. */
	model_start(16, 2, true);
	ev_alloc(4, 1, TF_TAG_NONE);
	ev_free(4, 1);
	ev_alloc(4, 0, TF_TAG_NONE);
	ev_alloc(5, 0, TF_TAG_NONE);
	ASSERT_REPORTS(0, "");
	return true;
}

static bool test_model_free_mismatch(void)
{
	model_start(16, 2, true);
	ev_free(5, 0);				/* never allocated */
	ASSERT_REPORTS(1, "model:free-mismatch");

	model_start(16, 2, true);
	ev_alloc(8, 2, TF_TAG_NONE);
	ev_free(8, 1);				/* wrong order */
	ASSERT_REPORTS(1, "model:free-mismatch");
	ev_free(9, 0);				/* a tail, not the head */
	ASSERT_EQ(reports.nr, 2);
	ev_free(8, 2);				/* right */
	ASSERT_EQ(reports.nr, 2);
	ev_free(8, 2);				/* double free */
	ASSERT_EQ(reports.nr, 3);
	ASSERT_STREQ(reports.sig[2], "model:free-mismatch");

	/* Past the end of memory. */
	model_start(16, 2, true);
	ev_free(31, 1);
	ASSERT_REPORTS(1, "model:free-mismatch");
	ev_alloc(31, 1, TF_TAG_NONE);
	ASSERT_EQ(reports.nr, 2);
	ASSERT_STREQ(reports.sig[1], "model:bad-pfn");
	return true;
}

static bool test_model_split_mismatch(void)
{
	model_start(16, 2, true);
	ev_simple(TF_EV_PAGE_SPLIT, 4, 0, 2, 0);	/* nothing there */
	ASSERT_REPORTS(1, "model:split-mismatch");

	model_start(16, 2, true);
	ev_alloc(4, 2, TF_TAG_NONE);
	ev_simple(TF_EV_PAGE_SPLIT, 4, 0, 1, 0);	/* wrong order */
	ASSERT_REPORTS(1, "model:split-mismatch");
	ev_simple(TF_EV_PAGE_SPLIT, 4, 0, 2, 0);
	ASSERT_EQ(reports.nr, 1);
	/* After the split every part is its own order-0 allocation. */
	for (unsigned long pfn = 4; pfn < 8; pfn++)
		ev_free(pfn, 0);
	ASSERT_EQ(reports.nr, 1);
	ev_free(4, 2);
	ASSERT_EQ(reports.nr, 2);
	return true;
}

static bool test_model_classifies_untagged_warning(void)
{
	char cls[48];

	/* Debug build, page_ext live: an untagged alloc must warn, once. */
	model_start(16, 2, true);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_alloc(2, 0, TF_TAG_NONE);
	ASSERT_TRUE(classify(TF_CHECK_WARN, "current->alloc_tag not set", cls, sizeof(cls)));
	ASSERT_STREQ(cls, "");
	/* The one expected warning is used up. */
	ASSERT_FALSE(classify(TF_CHECK_WARN, "current->alloc_tag not set", cls, sizeof(cls)));
	/* Not a WARN: never expected. */
	ev_alloc(3, 0, TF_TAG_NONE);
	ASSERT_FALSE(classify(TF_CHECK_BUG, "current->alloc_tag not set", cls, sizeof(cls)));
	ASSERT_FALSE(classify(TF_CHECK_WARN, "something else", cls, sizeof(cls)));
	ASSERT_EQ(reports.nr, 0);

	/* Non-debug: the check does not exist, so it is never expected. */
	model_start(16, 2, false);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_alloc(2, 0, TF_TAG_NONE);
	ASSERT_FALSE(classify(TF_CHECK_WARN, "current->alloc_tag not set", cls, sizeof(cls)));

	/* Before page_ext: no warning is due either. */
	model_start(16, 2, true);
	ev_alloc(2, 0, TF_TAG_NONE);
	ASSERT_FALSE(classify(TF_CHECK_WARN, "current->alloc_tag not set", cls, sizeof(cls)));
	return true;
}

static struct tf_machine boot_m;

/* Tag ids must name real tags: boot once with no sink so the registry is up. */
static void boot_quietly(unsigned int section_pages, unsigned int sections, bool debug)
{
	boot_m = (struct tf_machine){
		.section_pages = section_pages, .nr_sections = sections, .nr_cpus = 1,
		.debug = debug, .profiling = true,
	};
	tf_event_sink = NULL;
	tf_sim_set_machine(&boot_m);
	tf_machine_boot(&boot_m);
}

static bool test_model_classifies_early_pages(void)
{
	char cls[48];
	const char *site = "alloc_tag was not set";

	boot_quietly(16, 2, true);

	/* Early, its section online, freed before the clear. */
	model_start(16, 2, true);
	ev_alloc(0, 0, 1);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_simple(TF_EV_CALL, 0, 1, 0, 0);
	ev_free(0, 0);
	ASSERT_FALSE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "early-before-clear");

	/* Early order-1 block, split after the clear: the tail is NULL. */
	model_start(16, 2, true);
	ev_alloc(16, 1, 1);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 1);
	ev_simple(TF_EV_PEXT_CALLBACKS, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_INIT_DONE, 0, 0, 0, 0);
	ev_simple(TF_EV_PAGE_SPLIT, 16, 0, 1, 0);
	ev_simple(TF_EV_CALL, 17, 1, 0, 0);
	ev_free(17, 0);
	ASSERT_FALSE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "early-tail");
	/* The head was stamped EMPTY: its free explains nothing. */
	ev_simple(TF_EV_CALL, 16, 1, 0, 0);
	ev_free(16, 0);
	ASSERT_FALSE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "");

	/* Still in its op when the clear ran: the recorder may have missed it. */
	model_start(16, 2, true);
	ev_alloc_in_flight(3, 0, 1);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 1);
	ev_simple(TF_EV_PEXT_CALLBACKS, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_INIT_DONE, 0, 0, 0, 0);
	ev_simple(TF_EV_CALL, 3, 1, 0, 0);
	ev_free(3, 0);
	ASSERT_FALSE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "early-record-race");

	/* The tracker said it dropped the pfn, within the allocation's op. */
	model_start(16, 2, true);
	ev_alloc_in_flight(5, 0, 1);
	{
		struct tf_event pr = { .kind = TF_EV_PRINTK, .site = "warn",
				       .msg = "early PFN tracking page allocation failed" };
		struct tf_event end = { .kind = TF_EV_OP_END };

		tf_model_oracle.on_event(&pr);
		tf_model_oracle.on_event(&end);
	}
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_CALLBACKS, 0, 0, 0, 0);
	ev_simple(TF_EV_PEXT_INIT_DONE, 0, 0, 0, 0);
	ev_simple(TF_EV_CALL, 5, 1, 0, 0);
	ev_free(5, 0);
	ASSERT_FALSE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "early-dropped");

	/* An untagged page with page_ext holds NULL by design: expected. */
	model_start(16, 2, true);
	ev_simple(TF_EV_PEXT_ONLINE, 0, 0, 0, 0);
	ev_alloc(6, 0, TF_TAG_NONE);
	ev_simple(TF_EV_CALL, 6, 1, 0, 0);
	ev_free(6, 0);
	ASSERT_TRUE(classify(TF_CHECK_WARN, site, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "");
	ASSERT_EQ(reports.nr, 0);
	return true;
}

/* An event into the journal, from op @op's issue and op @body's body, then the model. */
static void jev(long op, long body, struct tf_event ev)
{
	tf_journal_set_op(op);
	tf_journal_set_body(body);
	tf_journal_event(&ev);
	tf_model_oracle.on_event(&ev);
}

/*
 * F1's cause for pfn 0 of a 16-page section 0: allocated early (op 0, with
 * a tracker page), section 0 published from op @pub_op's issue in op
 * @pub_body's body, then freed on the same CPU from op @free_op's issue in
 * op @free_body's body, before any clear.  @c gets the cause.
 */
static bool f1_cause_for(long pub_op, long pub_body, long free_op, long free_body,
			 struct tf_cause *c)
{
	const char *site = "alloc_tag was not set";
	struct tf_event chk = { .kind = TF_EV_CHECK, .check = TF_CHECK_WARN, .site = site,
				.func = "test", .msg = site };
	char cls[48];

	model_start(16, 2, true);
	tf_journal_reset();
	tf_oracle_take_cause(c);
	jev(0, 0, (struct tf_event){ .kind = TF_EV_PAGE_ALLOC, .pfn = 0, .tag = 1 });
	jev(0, 0, (struct tf_event){ .kind = TF_EV_PAGE_ALLOC, .pfn = 1, .tag = TF_TAG_NONE,
				     .alloc_flags = TF_EV_ALLOC_NO_CODETAG });
	jev(0, 0, (struct tf_event){ .kind = TF_EV_OP_END });
	jev(pub_op, pub_body, (struct tf_event){ .kind = TF_EV_PEXT_ONLINE, .section = 0 });
	jev(free_op, free_body, (struct tf_event){ .kind = TF_EV_CALL, .pfn = 0, .pfn2 = 1 });
	jev(free_op, free_body, (struct tf_event){ .kind = TF_EV_PAGE_FREE, .pfn = 0 });
	jev(free_op, free_body, chk);
	tf_oracle_take_cause(c);	/* what on_event gave: not the check's */
	ASSERT_FALSE(tf_model_oracle.classify(&chk, cls, sizeof(cls)));
	ASSERT_STREQ(cls, "early-before-clear");
	tf_oracle_take_cause(c);
	ASSERT_TRUE(c->id && !strcmp(c->id, "F1"));
	tf_journal_reset();
	return true;
}

/*
 * F1's "another context" is another op's body, not another op being
 * issued: the journal's body, not its op, tells page_ext_init()'s own
 * work from the rest.
 */
static bool test_model_f1_cause_by_body(void)
{
	struct tf_cause c;

	boot_quietly(16, 2, true);
	/* Published and freed in one body: page_ext_init()'s own work. */
	ASSERT_TRUE(f1_cause_for(1, 1, 1, 1, &c));
	ASSERT_FALSE(c.holds);
	ASSERT_TRUE(strstr(c.text, "page_ext_init()'s own work") != NULL);
	/* A started op's body, run by op 2, published; op 2's own body freed. */
	ASSERT_TRUE(f1_cause_for(2, 1, 2, 2, &c));
	ASSERT_TRUE(c.holds);
	ASSERT_TRUE(strstr(c.text, "in op 1's body and CPU0 freed the page in op 2's") != NULL);
	/* The publishing CPU in a later op (early-f1-known-same-cpu-later-op.txt). */
	ASSERT_TRUE(f1_cause_for(1, 1, 2, 2, &c));
	ASSERT_TRUE(c.holds);
	return true;
}

/* ------------------------------------------------------------------ */
/* The model against the port's observed state                         */
/* ------------------------------------------------------------------ */

static int nr_port_checks;

static void model_only_sink(const struct tf_event *ev)
{
	tf_model_oracle.on_event(ev);
	nr_port_checks += ev->kind == TF_EV_CHECK;
}

/* Boot the port with the model listening, as tf_run does. */
static void run_start(unsigned int section_pages, unsigned int sections, bool debug)
{
	boot_quietly(section_pages, sections, debug);
	memset(&reports, 0, sizeof(reports));
	nr_port_checks = 0;
	tf_model_oracle.reset(&boot_m, record_report);
	tf_event_sink = model_only_sink;
}

static void run_op(struct tf_op op)
{
	tf_sim_exec(&op);
	tf_model_oracle.check_op();
}

#define RUN_OP(...)	run_op((struct tf_op){ __VA_ARGS__ })

static void run_stop(void)
{
	tf_event_sink = NULL;
	tf_bug_jmp = NULL;
}

/* The model believes in an allocation the port never made. */
static bool test_model_detects_page_conservation(void)
{
	boot_quietly(16, 2, true);
	model_start(16, 2, true);
	tf_model_oracle.check_op();
	ASSERT_REPORTS(0, "");
	ev_alloc(0, 1, TF_TAG_NONE);
	tf_model_oracle.check_op();
	ASSERT_REPORTS(1, "model:page-conservation");
	ASSERT_TRUE(strstr(reports.detail[0], "32 pages free") != NULL);
	return true;
}

static bool test_model_detects_counter_tampering(void)
{
	jmp_buf jb;

	run_start(64, 2, true);
	tf_bug_jmp = &jb;
	if (setjmp(jb)) {
		run_stop();
		fprintf(stderr, "  BUG in the port\n");
		return false;
	}
	RUN_OP(.kind = TF_OP_PEXT_INIT);
	RUN_OP(.kind = TF_OP_ALLOC, .n = 1, .tag = 3);
	ASSERT_REPORTS(0, "");

	/* One call too many on CPU 0's copy: the next op naming site3 sees it. */
	this_cpu_inc(tf_user_tags[3].counters->calls);
	RUN_OP(.kind = TF_OP_ALLOC, .n = 0, .tag = 3);
	ASSERT_REPORTS(1, "model:counter-mismatch");
	ASSERT_TRUE(strstr(reports.detail[0], "tag site3: 3 calls") != NULL);
	ASSERT_TRUE(strstr(reports.detail[0], "account for 2 /") != NULL);
	this_cpu_dec(tf_user_tags[3].counters->calls);
	RUN_OP(.kind = TF_OP_FREE, .n = 0);
	ASSERT_EQ(reports.nr, 1);

	/*
	 * Bytes on a tag no op names, and an inaccurate flag nothing set:
	 * the end check looks at every tag.
	 */
	this_cpu_add(tf_user_tags[9].counters->bytes, 4096);
	tf_user_tags[4].ct.flags |= CODETAG_FLAG_INACCURATE;
	RUN_OP(.kind = TF_OP_FREE, .n = 0);
	tf_sim_teardown();
	tf_model_oracle.check_end();
	this_cpu_sub(tf_user_tags[9].counters->bytes, 4096);
	tf_user_tags[4].ct.flags &= ~CODETAG_FLAG_INACCURATE;
	run_stop();
	if (reports.nr != 3 || !reported("model:inaccurate-flag")) {
		dump_reports();
		return false;
	}
	for (int i = 1; i < 3; i++) {
		if (!strcmp(reports.sig[i], "model:counter-mismatch"))
			ASSERT_TRUE(strstr(reports.detail[i], "tag site9: 0 calls / 4096 bytes") != NULL);
		else
			ASSERT_TRUE(strstr(reports.detail[i], "site4 is wrongly") != NULL);
	}
	ASSERT_EQ(nr_port_checks, 0);
	return true;
}

/* A page's ref changed behind the allocator's back. */
static bool test_model_detects_ref_tampering(void)
{
	union pgtag_ref_handle handle;
	union codetag_ref ref;
	unsigned long pfn = 0;
	jmp_buf jb;

	run_start(64, 2, true);
	tf_bug_jmp = &jb;
	if (setjmp(jb)) {
		run_stop();
		fprintf(stderr, "  BUG in the port\n");
		return false;
	}
	RUN_OP(.kind = TF_OP_PEXT_ONLINE, .n = 0);
	RUN_OP(.kind = TF_OP_PEXT_ONLINE, .n = 1);
	RUN_OP(.kind = TF_OP_ALLOC, .n = 0, .tag = 3);
	ASSERT_REPORTS(0, "");
	/* Find the page: the only one holding site3. */
	while (pfn < tf_observe_nr_pages() && tf_observe_ref(pfn).tag != 3)
		pfn++;
	ASSERT_TRUE(pfn < tf_observe_nr_pages());

	ASSERT_TRUE(get_page_tag_ref(pfn_to_page(pfn), &ref, &handle));
	ref.ct = &tf_user_tags[4].ct;
	update_page_tag_ref(handle, &ref);
	put_page_tag_ref(handle);
	ASSERT_EQ(tf_observe_ref(pfn).tag, 4);

	/* The init callbacks make the model look at every live page. */
	RUN_OP(.kind = TF_OP_PEXT_INIT);
	run_stop();
	ASSERT_TRUE(reported("model:ref-mismatch"));
	ASSERT_TRUE(strstr(reports.detail[0], "should hold tag site3, holds tag site4") != NULL);
	return true;
}

/* The end check: every free page back in the buddy lists. */
static bool test_model_end_check_finds_pcp_pages(void)
{
	jmp_buf jb;

	run_start(64, 2, true);
	tf_bug_jmp = &jb;
	if (setjmp(jb)) {
		run_stop();
		fprintf(stderr, "  BUG in the port\n");
		return false;
	}
	RUN_OP(.kind = TF_OP_PEXT_INIT);
	RUN_OP(.kind = TF_OP_ALLOC, .n = 0, .tag = 1);
	RUN_OP(.kind = TF_OP_FREE, .n = 0);
	ASSERT_REPORTS(0, "");
	/* No teardown drain: the freed page still sits on CPU 0's pageset. */
	tf_model_oracle.check_end();
	ASSERT_TRUE(reported("model:page-conservation"));
	ASSERT_TRUE(strstr(reports.detail[0], "on a PCP list") != NULL);

	/* After the real teardown the same end check is clean. */
	memset(&reports, 0, sizeof(reports));
	tf_sim_teardown();
	tf_model_oracle.check_end();
	run_stop();
	ASSERT_REPORTS(0, "");
	return true;
}

/* The PCP oracles see a PCP buddy at the wrong order and an owner left on a free block. */
static bool test_pcp_oracle_detects_tampering(void)
{
	struct tf_machine m = {
		.section_pages = 64, .nr_sections = 2, .nr_cpus = 2, .debug = true,
		.profiling = true, .pcp = true, .pcp_variant = 1,
	};
	struct per_cpu_pages *pcp;
	struct page *buddy = NULL;
	unsigned long pfn, saved, free_block = 0;
	int pindex;
	jmp_buf jb;

	tf_event_sink = NULL;
	tf_sim_set_machine(&m);
	tf_machine_boot(&m);
	memset(&reports, 0, sizeof(reports));
	tf_pcp_oracle.reset(&m, record_report);
	tf_bug_jmp = &jb;
	if (setjmp(jb)) {
		run_stop();
		return false;
	}
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_PEXT_INIT });
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_CPU_UP, .cpu = 1 });
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_ALLOC, .cpu = 1, .tag = 1 });
	tf_pcp_oracle.check_op();
	ASSERT_REPORTS(0, "");

	/* CPU1 claimed a block and keeps its remainders as PCP buddies. */
	pcp = per_cpu_ptr(tf_zone.per_cpu_pageset, 1);
	for (pindex = 0; pindex < NR_PCP_LISTS && !buddy; pindex++)
		if (!list_empty(&pcp->lists[pindex]) &&
		    PagePCPBuddy(list_first_entry(&pcp->lists[pindex], struct page, pcp_list)))
			buddy = list_first_entry(&pcp->lists[pindex], struct page, pcp_list);
	ASSERT_TRUE(buddy != NULL);
	saved = buddy->private;
	buddy->private = saved + 1;
	tf_pcp_oracle.check_op();
	buddy->private = saved;
	ASSERT_TRUE(reported("pcp:pcp-buddy-misplaced"));

	/* A block nobody touched is wholly free; give it an owner. */
	memset(&reports, 0, sizeof(reports));
	for (pfn = max_pfn - pageblock_nr_pages; pfn > 0; pfn -= pageblock_nr_pages)
		if (!tf_pageblocks[pfn >> pageblock_order].cpu) {
			free_block = pfn;
			break;
		}
	ASSERT_TRUE(free_block != 0);
	tf_pageblocks[free_block >> pageblock_order].cpu = 2;
	tf_pcp_oracle.check_op();
	tf_pageblocks[free_block >> pageblock_order].cpu = 0;
	ASSERT_TRUE(reported("pcp:owner-on-free-block"));

	/* A PCP lock left held between ops (a false commit return gone wrong). */
	memset(&reports, 0, sizeof(reports));
	tf_cur_cpu = 1;
	ASSERT_TRUE(spin_trylock(&pcp->lock));
	tf_cur_cpu = 0;
	tf_pcp_oracle.check_op();
	tf_cur_cpu = 1;
	spin_unlock(&pcp->lock);
	tf_cur_cpu = 0;
	ASSERT_TRUE(reported("pcp:lock-held"));

	memset(&reports, 0, sizeof(reports));
	tf_pcp_oracle.check_op();
	ASSERT_REPORTS(0, "");
	tf_sim_teardown();
	run_stop();
	return true;
}


/* ------------------------------------------------------------------ */
/* The oracle table and the signature registry                         */
/* ------------------------------------------------------------------ */

/* Each machine gets the oracles of its mode, the PCP oracle first. */
/*
 * The NUMA oracle (more than one node) sees an allocation from a remote
 * node while the preferred one had room, a node's pages that do not add
 * up, and an allocation the zonelist walk put where it had to.
 */
static const struct tf_machine mm_numa = {
	.section_pages = 16, .nr_sections = 4, .nr_cpus = 2, .nr_nodes = 2,
	.debug = true, .profiling = true,
};
static int numa_last_alloc_nid = -1;

static void numa_sink(const struct tf_event *ev)
{
	if (ev->kind == TF_EV_PAGE_ALLOC)
		numa_last_alloc_nid = tf_machine_section_nid(&mm_numa, ev->pfn / 16);
	tf_numa_oracle.on_event(ev);
}

static bool test_numa_oracle_detects_tampering(void)
{
	const struct tf_machine m = mm_numa;
	struct tf_event ev = { .kind = TF_EV_PAGE_ALLOC, .tag = TF_TAG_NONE, .cpu = 0 };

	tf_event_sink = NULL;
	tf_sim_set_machine(&m);
	tf_machine_boot(&m);
	memset(&reports, 0, sizeof(reports));
	ASSERT_TRUE(tf_numa_oracle.reset(&m, record_report));
	tf_numa_oracle.check_op();
	ASSERT_REPORTS(0, "");

	/* A page of node 1 (sections 2-3) for CPU0 (node 0), which is all free. */
	ev.pfn = 40;
	tf_numa_oracle.on_event(&ev);
	ASSERT_REPORTS(1, "numa:remote-alloc");
	/* The event claims a page the port still has free: node 1 does not add up. */
	tf_numa_oracle.check_op();
	ASSERT_REPORTS(2, "numa:remote-alloc");
	ASSERT_TRUE(reported("numa:page-conservation"));

	/* Real allocations: CPU1 (node 1) takes from node 1, and falls back to node 0 when it is full. */
	memset(&reports, 0, sizeof(reports));
	tf_numa_oracle.reset(&m, record_report);
	tf_event_sink = numa_sink;
	tf_sim_exec(&(struct tf_op){ .kind = TF_OP_CPU_UP, .cpu = 1 });
	for (int i = 0; i < 9; i++) {
		tf_sim_exec(&(struct tf_op){ .kind = TF_OP_ALLOC, .cpu = 1, .n = 2, .tag = 1 });
		tf_numa_oracle.check_op();
	}
	tf_event_sink = NULL;
	ASSERT_REPORTS(0, "");
	ASSERT_TRUE(numa_last_alloc_nid == 0);
	return true;
}

static bool test_oracle_table_by_mode(void)
{
	struct tf_machine m = { .section_pages = 16, .nr_sections = 1, .nr_cpus = 1 };
	bool on[3][TF_NR_ORACLES];

	ASSERT_TRUE(tf_oracles[0] == &tf_pcp_oracle);
	for (int mode = 0; mode < 3; mode++) {
		m.pcp = mode == 1;
		m.pgflag_bits = mode == 2 ? 8 : 0;
		for (int i = 0; i < TF_NR_ORACLES; i++)
			on[mode][i] = tf_oracles[i]->reset(&m, record_report);
	}
	/* page_ext mode: the model; PCP mode: the PCP oracle too; page flags: its own model. */
	ASSERT_TRUE(!on[0][0] && on[0][1] && !on[0][2]);
	ASSERT_TRUE(on[1][0] && on[1][1] && !on[1][2]);
	ASSERT_TRUE(!on[2][0] && !on[2][1] && on[2][2]);
	/* One node: no NUMA oracle; two nodes, in any mode: the NUMA oracle too. */
	ASSERT_TRUE(tf_oracles[3] == &tf_numa_oracle && !on[0][3] && !on[1][3] && !on[2][3]);
	m.nr_sections = 2;
	m.nr_nodes = 2;
	ASSERT_TRUE(tf_numa_oracle.reset(&m, record_report));
	return true;
}

/* The classes a registry meaning lists, "[a|b]", contain @cls. */
static bool meaning_has_class(const char *meaning, const char *cls)
{
	const char *open = strchr(meaning, '['), *close = open ? strchr(open, ']') : NULL;
	size_t n = strlen(cls);

	for (const char *p = open; p && p < close; p = strchr(p + 1, '|'))
		if (p + 1 + n <= close && !strncmp(p + 1, cls, n) &&
		    (p[1 + n] == '|' || p[1 + n] == ']'))
			return true;
	return false;
}

static const struct tf_sig_info *sig_by_name(const char *name, size_t len)
{
	for (int i = 0; i < TF_NR_SIGS; i++)
		if (strlen(tf_sigs[i].name) == len && !strncmp(tf_sigs[i].name, name, len))
			return &tf_sigs[i];
	return NULL;
}

/* Every registry entry is named once, and every known oracle finding uses one. */
static bool test_signature_registry(void)
{
	const char *sig;

	for (int i = 0; i < TF_NR_SIGS; i++) {
		ASSERT_TRUE(tf_sigs[i].name && tf_sigs[i].meaning && tf_sigs[i].meaning[0]);
		ASSERT_TRUE(!strncmp(tf_sigs[i].name, "model:", 6) ||
			    !strncmp(tf_sigs[i].name, "pcp:", 4) ||
			    !strncmp(tf_sigs[i].name, "numa:", 5) ||
			    !strncmp(tf_sigs[i].name, "harness:", 8));
		ASSERT_TRUE(strchr(tf_sigs[i].name, ' ') == NULL);
		for (int j = 0; j < i; j++)
			ASSERT_TRUE(strcmp(tf_sigs[i].name, tf_sigs[j].name));
	}
	for (size_t k = 0; (sig = tf_known_sig(k)); k++) {
		const char *cls = strstr(sig, " [");
		size_t len = cls ? (size_t)(cls - sig) : strlen(sig);
		const struct tf_sig_info *info;
		char c[48];

		if (!strncmp(sig, "check:", 6))
			continue;
		info = sig_by_name(sig, len);
		if (!info) {
			fprintf(stderr, "  known signature %s is not in the registry\n", sig);
			return false;
		}
		if (!cls)
			continue;
		snprintf(c, sizeof(c), "%.*s", (int)(strlen(cls) - 3), cls + 2);
		if (!meaning_has_class(info->meaning, c)) {
			fprintf(stderr, "  known signature %s: class %s not in \"%s\"\n", sig, c,
				info->meaning);
			return false;
		}
	}
	return true;
}

/*
 * The table in docs/architecture.md's "Signatures" section lists exactly
 * the registry: one row "| `NAME` | MEANING |" each, in any order, with
 * the registry's meaning.
 */
static bool test_signature_registry_is_documented(void)
{
	char path[512], line[1024];
	bool in_table = false, seen[TF_NR_SIGS] = { false }, ok = true;
	const char *file = __FILE__, *tail = strstr(file, "tests/test_model.c");
	FILE *f;

	/* This file is ROOT/tests/test_model.c: docs/ is beside tests/ (or in the cwd). */
	snprintf(path, sizeof(path), "%.*sdocs/architecture.md", tail ? (int)(tail - file) : 0,
		 file);
	f = fopen(path, "r");
	if (!f)
		f = fopen("docs/architecture.md", "r");
	if (!f) {
		fprintf(stderr, "  cannot open %s\n", path);
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		char *name, *end, *meaning;
		const struct tf_sig_info *info;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "## ", 3)) {
			in_table = !strncmp(line, "## Signatures", 13);
			continue;
		}
		if (!in_table || strncmp(line, "| `", 3))
			continue;
		name = line + 3;
		end = strchr(name, '`');
		if (!end || strncmp(end, "` | ", 4) || strlen(end) < 6 ||
		    strcmp(end + strlen(end) - 2, " |")) {
			fprintf(stderr, "  docs/architecture.md: a row not like | `NAME` | MEANING |: %s\n", line);
			ok = false;
			continue;
		}
		meaning = end + 4;
		end[strlen(end) - 2] = '\0';
		info = sig_by_name(name, (size_t)(strchr(name, '`') - name));
		*strchr(name, '`') = '\0';
		if (!info) {
			fprintf(stderr, "  docs/architecture.md lists %s, which the registry does not have\n", name);
			ok = false;
		} else if (seen[info - tf_sigs]) {
			fprintf(stderr, "  docs/architecture.md lists %s twice\n", name);
			ok = false;
		} else if (seen[info - tf_sigs] = true, strcmp(meaning, info->meaning)) {
			fprintf(stderr, "  docs/architecture.md: %s means \"%s\" there, the registry says:\n"
				"| `%s` | %s |\n", name, meaning, info->name, info->meaning);
			ok = false;
		}
	}
	fclose(f);
	for (int i = 0; i < TF_NR_SIGS; i++) {
		if (seen[i])
			continue;
		fprintf(stderr, "  docs/architecture.md misses\n| `%s` | %s |\n", tf_sigs[i].name,
			tf_sigs[i].meaning);
		ok = false;
	}
	return ok;
}

/* replay --trace names each page-flag event; a sysctl write is not a shutdown. */
static bool test_trace_names_pgflag_events(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&buf, &len);
	struct tf_run_opts o = { .trace = t };
	const char *shut;
	bool ok;

	ASSERT_TRUE(t != NULL);
	ASSERT_TRUE(parse(
		"machine section_pages=16 sections=1 pgflag_bits=8 kernel_tags=200 debug=0\n"
		"prof_sysctl off\n"
		"prof_sysctl on\n"
		"prof_shutdown\n"));
	tf_run(&sc, &o, &v);
	fclose(t);
	shut = strstr(buf, "shut down");
	ok = strstr(buf, "page flags: vm.mem_profiling = 0: 0\n") &&
	     strstr(buf, "page flags: vm.mem_profiling = 1: 0\n") &&
	     shut && shut == strstr(buf, "page flags: profiling shut down\n") + 22 &&
	     !strstr(shut + 1, "shut down") && v.nr == 0;
	if (!ok)
		fprintf(stderr, "  trace:\n%s", buf);
	free(buf);
	return ok;
}

const struct test_case tests_model[] = {
	TEST(test_pcp_oracle_detects_tampering),
	TEST(test_model_bug_switches_give_their_verdicts),
	TEST(test_model_verdict_details),
	TEST(test_model_f2_not_for_head),
	TEST(test_model_clean_run_is_clean),
	TEST(test_model_known_finding_is_classified),
	TEST(test_model_untagged_warning_is_expected),
	TEST(test_model_page_allocated_twice),
	TEST(test_model_free_mismatch),
	TEST(test_model_split_mismatch),
	TEST(test_model_classifies_untagged_warning),
	TEST(test_model_classifies_early_pages),
	TEST(test_model_f1_cause_by_body),
	TEST(test_model_detects_page_conservation),
	TEST(test_model_detects_counter_tampering),
	TEST(test_model_detects_ref_tampering),
	TEST(test_model_end_check_finds_pcp_pages),
	TEST(test_oracle_table_by_mode),
	TEST(test_numa_oracle_detects_tampering),
	TEST(test_signature_registry),
	TEST(test_signature_registry_is_documented),
	TEST(test_trace_names_pgflag_events),
};
const size_t nr_tests_model = ARRAY_LEN(tests_model);
