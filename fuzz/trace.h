/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trace of a run (fuzz/trace.c): the scheduler's lines, each
 * scheduling point a CPU takes with its kernel function and port
 * file:line; and the tagging state's changes, each page's tag ref and
 * each tag's counters, read through the observers between events.  The
 * event lines themselves are fuzz/run.c's.
 */
#ifndef _TAGFUZZ_TRACE_H
#define _TAGFUZZ_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "tagfuzz/events.h"
#include "tagfuzz/observe.h"

/* What a trace shows (tf_run_opts.trace_what); 0 means both. */
#define TF_TRACE_EVENTS		1u
#define TF_TRACE_SCHED		2u
#define TF_TRACE_ALL		(TF_TRACE_EVENTS | TF_TRACE_SCHED)

/*
 * "events", "sched", "all" (or "events,sched"): the bits, or 0 for a
 * word that is none of them.
 */
unsigned int tf_trace_parse(const char *what);

/* A run's trace starts (@f, @what as given to tf_run) and ends. */
void tf_trace_begin(FILE *f, unsigned int what);
void tf_trace_end(void);
bool tf_trace_events(void);

/*
 * Print the tagging state's changes since the last call, made by @cpu:
 * a page's tag ref set, cleared or stamped EMPTY, a tag's calls and
 * bytes.  Events mode only; run.c calls it before each event line and at
 * each op's end, the scheduler's sink at each scheduling point.
 */
void tf_trace_state(int cpu);

/* A page's tag ref, read as tf_trace_state() does (NO_EXT before the machine is up). */
struct tf_ref_obs tf_trace_ref(unsigned long pfn);

/* tf_sched_trace_sink while a trace is on. */
void tf_trace_sched_line(const struct tf_sched_line *l);

#endif /* _TAGFUZZ_TRACE_H */
