/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oracles: what fuzz/run.c asks, for every run, whether the port did
 * what it should.  Each is a struct tf_oracle; the runner walks
 * tf_oracles[] in order for every call, so the order of the table decides
 * which signature a run reports first when two oracles disagree with the
 * port after the same op.
 */
#ifndef _TAGFUZZ_ORACLE_H
#define _TAGFUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"

/* Called for each disagreement: a stable signature and a detail line. */
typedef void (*tf_report_fn)(const char *sig, const char *detail);

/*
 * The signature registry: every signature an oracle or the runner
 * reports, besides the check:KIND:SITE family of kernel checks.  A report
 * may add a class: "NAME [class]".  docs/architecture.md lists exactly
 * these, with these meanings (tests/test_model.c checks it).
 */
enum tf_sig {
	TF_SIG_BOOT_ORDER,
	/* the reference model (reference/model.c; the first ones also pgflags_model.c) */
	TF_SIG_BAD_PFN,
	TF_SIG_PAGE_ALLOCATED_TWICE,
	TF_SIG_FREE_MISMATCH,
	TF_SIG_SPLIT_MISMATCH,
	TF_SIG_PAGE_CONSERVATION,
	TF_SIG_FREE_LISTS,
	TF_SIG_MISSING_CHECK,
	TF_SIG_REF_MISMATCH,
	TF_SIG_PAGE_EXT_STATE,
	TF_SIG_EARLY_REF_NOT_EMPTY,
	TF_SIG_EARLY_CLEAR_RACE,
	TF_SIG_EARLY_RECORD_RACE,
	TF_SIG_COUNTER_MISMATCH,
	TF_SIG_INACCURATE_FLAG,
	TF_SIG_TRACKER_TAG_DRIFT,
	TF_SIG_LEAKED_TRACKING_PAGE,
	TF_SIG_STRANDED_TRACKING_SLOTS,
	/* extra page references and poisoned pages (both models, through ledger.c) */
	TF_SIG_PAGE_REF,
	TF_SIG_UNPOISON_IN_USE,
	/* page-flag mode (reference/pgflags_model.c) */
	TF_SIG_PGF_DECODE,
	TF_SIG_PGF_OTHER_BITS,
	TF_SIG_PGF_COUNTER_MISMATCH,
	TF_SIG_PGF_UNUSED_TAG_COUNTED,
	TF_SIG_PGF_CAPACITY,
	TF_SIG_PGF_CAPACITY_REFUSED,
	TF_SIG_PGF_MODULE_REFUSED,
	TF_SIG_PGF_MODULE_AREA_REUSED,
	TF_SIG_PGF_COUNTERS_UAF,
	TF_SIG_PGF_COUNTERS_LIFETIME,
	/* PCP mode (reference/pcp_oracle.c) */
	TF_SIG_PCP_CONTAINERS,
	TF_SIG_PCP_COUNT_MISMATCH,
	TF_SIG_PCP_OWNED_BLOCKS_CORRUPT,
	TF_SIG_PCP_BUDDY_MISPLACED,
	TF_SIG_PCP_OWNER_ON_FREE_BLOCK,
	TF_SIG_PCP_ISOLATED_PAGE_ON_PCP,
	TF_SIG_PCP_DEAD_LISTS_NOT_EMPTY,
	TF_SIG_PCP_DEAD_OWNED_BLOCKS,
	TF_SIG_PCP_DEAD_LLIST_NOT_DRAINED,
	TF_SIG_PCP_STRANDED_AFTER_ONLINE,
	TF_SIG_PCP_STRANDED_LLIST_PAGE,
	TF_SIG_PCP_LLIST_SURVIVES_DRAIN_ALL,
	/* NUMA machines (reference/numa_oracle.c) */
	TF_SIG_NUMA_PAGE_CONSERVATION,
	TF_SIG_NUMA_REMOTE_ALLOC,
	TF_SIG_PCP_OFFLINED_PAGE_IN_CONTAINER,
	TF_SIG_PCP_LOCK_HELD,
	TF_NR_SIGS
};

struct tf_sig_info {
	const char *name;	/* "oracle:invariant", stable */
	const char *meaning;	/* one line; [a|b]: the classes it may carry */
};
extern const struct tf_sig_info tf_sigs[TF_NR_SIGS];

/*
 * Report @sig, with class @cls when it is neither NULL nor "", and a
 * detail formatted from @fmt, to @fn.
 */
void tf_oracle_reportf(tf_report_fn fn, enum tf_sig sig, const char *cls,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A known finding's cause (fuzz/known.c, docs/findings.md "Cause"): the
 * oracle that reports a symptom of a known finding first says whether
 * that finding's cause predicate holds on this run's own events
 * (reference/journal.h), and in words: what it saw, or which part of the
 * cause is missing.  For a kernel check, classify() says it.  The next
 * report (or the check being classified) takes it; a known symptom
 * reported without one is a new finding.
 */
struct tf_cause {
	const char *id;		/* "F14"; NULL: no predicate ran */
	bool holds;
	char text[200];
};
void tf_oracle_cause(const char *id, bool holds, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The runner: the cause given since the last take (id NULL if none). */
void tf_oracle_take_cause(struct tf_cause *c);

/* Every member may be NULL: the oracle has nothing to do there. */
struct tf_oracle {
	const char *name;
	/*
	 * A new run on @m: forget the last run, report through @report.
	 * False when the oracle has nothing to say about such a machine;
	 * the runner then leaves it out of the run.
	 */
	bool (*reset)(const struct tf_machine *m, tf_report_fn report);
	/* The machine has booted; the scenario's ops come next. */
	void (*boot_done)(void);
	/* Every event the port emits, as it is emitted. */
	void (*on_event)(const struct tf_event *ev);
	/*
	 * A kernel check fired (after on_event saw it).  Writes the oracle's
	 * class of it into @cls ("" when it has none) and returns true when
	 * it expected the check (then it is no finding at all).
	 */
	bool (*classify)(const struct tf_event *ev, char *cls, size_t len);
	/* After each op: the state the op touched. */
	void (*check_op)(void);
	/* The ops are over; teardown comes next. */
	void (*end_of_ops)(void);
	/* After teardown: everything. */
	void (*check_end)(void);
};

extern const struct tf_oracle tf_pcp_oracle;		/* reference/pcp_oracle.c */
extern const struct tf_oracle tf_model_oracle;		/* reference/model.c */
extern const struct tf_oracle tf_pgflags_oracle;	/* reference/pgflags_model.c */
extern const struct tf_oracle tf_numa_oracle;		/* reference/numa_oracle.c */

/*
 * The runner's order (reference/oracle.c): the PCP oracle before the
 * models, so that after an op its container checks come first.  The two
 * models never run together (page_ext mode or page-flag mode).  The NUMA
 * oracle comes last, on machines with more than one node.
 */
#define TF_NR_ORACLES	4
extern const struct tf_oracle *const tf_oracles[TF_NR_ORACLES];

#endif /* _TAGFUZZ_ORACLE_H */
