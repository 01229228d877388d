/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fuzzing process's running counts for ./build.sh fuzz's progress
 * lines and summary (fuzz/status.c): with TAGFUZZ_STATUS_FILE set, each
 * process (libFuzzer's, its -fork jobs', every AFL++ child) appends what
 * it counted since its last report to that file, at most once a second,
 * when it ends and before it aborts on a finding.  Lines, tab-separated:
 *
 *   x PID N          N more executions (inputs given to the target)
 *   k PID ID N       N more reports of known finding ID, suppressed (its cause held)
 *   c ID CAUSE       the first cause this process saw for ID
 *   K ID...          the known list (first report of each process)
 *
 * Without the variable nothing is counted or written.
 */
#ifndef _TAGFUZZ_STATUS_H
#define _TAGFUZZ_STATUS_H

/* One input given to the target. */
void tf_status_exec(void);
/* A run had known finding @id suppressed, with @cause ("known: Fn (cause: ...)"). */
void tf_status_known(const char *id, const char *cause);
/* Write what is counted now (at exit and before a finding's abort). */
void tf_status_flush(void);

#endif /* _TAGFUZZ_STATUS_H */
