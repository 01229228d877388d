/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run one scenario on the port with every oracle on, and say what was
 * found.  Used by the fuzz targets, the replay tool and the tests.
 */
#ifndef _TAGFUZZ_RUN_H
#define _TAGFUZZ_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"

#define TF_MAX_FINDINGS	16

struct tf_finding {
	char sig[160];		/* oracle:kind:site [class] -- stable */
	char detail[256];
	long op;		/* op index, -1 for boot, end of ops and teardown */
	bool at_boot;		/* op -1 before the first op: boot */
	bool at_end;		/* op -1 after the last op, before the teardown */
	const char *known;	/* reason, when known and its cause held */
	/* "known: Fn (cause: ...)", "looks like Fn, but ...", or "" */
	char cause[256];
};

/*
 * A watcher sees the run as the oracles do: differential runs
 * (fuzz/diff.c) record each allocation's outcome through it.
 */
struct tf_run_watch {
	void (*event)(void *arg, const struct tf_event *ev, long op);
	/*
	 * a kernel check: its signature, or NULL when an oracle expected it;
	 * @known: the known list's reason when the check was judged known
	 * with its cause (tf_known_judge()), else NULL
	 */
	void (*check)(void *arg, const struct tf_event *ev, const char *sig, const char *known);
	/* the scenario's ops are done; teardown comes next */
	void (*teardown)(void *arg);
	/*
	 * Optional (NULL: not called), for fuzz/report.c: each access of a
	 * run of concurrent ops (as the cause journal gets it), each of its
	 * scheduling points (tagfuzz/sched.h's tf_sched_observer), and each
	 * finding as it is recorded (known ones too), before the run goes on.
	 */
	void (*access)(void *arg, long op, const struct tf_access_rec *a);
	void (*sched)(void *arg, long op, unsigned long step, int cpu, const char *what,
		      const struct tf_loc *loc, unsigned int change_point);
	void (*finding)(void *arg, const struct tf_finding *f);
	void *arg;
};

struct tf_run_opts {
	FILE *trace;		/* event trace goes here, or NULL */
	unsigned int trace_what;	/* TF_TRACE_EVENTS|TF_TRACE_SCHED (trace.h); 0: both */
	bool strict;		/* known findings count too */
	bool keep_going;	/* do not stop at the first finding */
	unsigned long bugs;	/* bug switches for this run */
	const struct tf_run_watch *watch;	/* or NULL */
	/*
	 * Collect what tf_mutator_run_info() reads (each group's points and
	 * conflicts): the fuzz targets (tf_fuzz_one()) and the AFL++
	 * library's learning run; replay, explore and report need none of it.
	 */
	bool for_mutator;
};

struct tf_verdict {
	int nr;			/* findings recorded (known ones included) */
	int nr_new;		/* not listed as known (all of them if strict) */
	bool truncated;		/* more than TF_MAX_FINDINGS */
	bool ended_by_bug;	/* a BUG ended the scenario early */
	struct tf_finding f[TF_MAX_FINDINGS];
};

void tf_run(const struct tf_scenario *s, const struct tf_run_opts *o,
	    struct tf_verdict *v);

/* The first finding that is not known (strict: the first), or NULL. */
const struct tf_finding *tf_verdict_first_new(const struct tf_verdict *v,
					      bool strict);

/*
 * Print a finding the way every tool does: one line with the stable
 * signature, a detail line, then the decoded scenario.
 */
/* When a finding of op -1 came: "boot", "after the last op" or "teardown". */
const char *tf_finding_when(const struct tf_finding *f);

void tf_print_finding(FILE *f, const struct tf_scenario *s,
		      const struct tf_finding *fd);

/*
 * A fuzz target's start: TAGFUZZ_STRICT, TAGFUZZ_BUGS and TAGFUZZ_WHAT_IF
 * into @strict, @bugs (run or diff options) and @what_if; an unknown bug
 * switch or what-if mode ends the process (status 2) naming @target.
 */
void tf_fuzz_env(const char *target, bool *strict, unsigned long *bugs, uint8_t *what_if);

/*
 * A fuzz target's decode, in the what-if mode TAGFUZZ_WHAT_IF gave (or
 * none).  False for an input whose header names a what-if mode the run
 * was not started in: default fuzzing stays on the real boot orders.
 */
bool tf_fuzz_decode(const uint8_t *data, size_t size, uint8_t what_if,
		    struct tf_scenario *s);

/*
 * A fuzz target's body: run @s; on its first new finding print the
 * finding and the scenario to stderr and abort (the crash libFuzzer and
 * AFL++ file).
 */
void tf_fuzz_one(const struct tf_scenario *s, const struct tf_run_opts *o);

/*
 * A fuzz target's end on a new finding (after tf_print_finding()): one
 * line naming the crash state, then abort() through frames that say what
 * @sig is (fuzz/frames.c), so that ClusterFuzz, which tells crashes apart
 * by their top stack frames, files different signatures apart.
 */
_Noreturn void tf_finding_abort(const char *sig);
/* The three frames under abort() that tf_finding_abort(@sig) takes, innermost first. */
#define TF_FRAME_NAME_LEN	64
void tf_finding_frames(const char *sig, char names[3][TF_FRAME_NAME_LEN]);

/*
 * A fuzz target counts the known findings of each run it suppressed, per
 * finding with the first cause seen, and prints the counts when the
 * process ends ("==tagfuzz== suppressed N x Fn; first: ..."), or now.
 */
void tf_fuzz_count_known(const struct tf_verdict *v, bool strict);
void tf_fuzz_print_known_counts(void);

/*
 * Known, accepted findings (fuzz/known.c): the reason @sig (without the
 * what-if suffix) is accepted, or NULL.  @what_if: the run's machine is in
 * a what-if mode, where the what-if-only findings are known too.
 */
const char *tf_known_reason(const char *sig, bool what_if);
/* The @i-th known signature and its finding, NULL past the last (for the tests). */
const char *tf_known_sig(size_t i);
const char *tf_known_id(size_t i);

/*
 * Judge a finding @sig against the known list with the cause its oracle
 * gave (@c, id NULL when none): the reason when @sig is known and its
 * cause held (suppressed), else NULL.  @line gets "known: Fn (cause: ...)",
 * "looks like Fn, but ..." (a known symptom without its cause: a new
 * finding), or "" (@sig is not known).
 */
struct tf_cause;
const char *tf_known_judge(const char *sig, bool what_if, const struct tf_cause *c,
			   char *line, size_t len);

/* The KIND of check:KIND:SITE signatures, by enum tf_check_kind. */
extern const char *const tf_check_kind_name[];
extern const size_t tf_nr_check_kinds;

/* Every finding of a run in a what-if mode ends with this. */
#define TF_WHAT_IF_SUFFIX	" [what-if]"

#endif /* _TAGFUZZ_RUN_H */
