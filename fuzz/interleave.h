/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interleaving coverage: which accesses of different CPUs to one object
 * met in this run (issue 18), as coverage both fuzzing engines see.
 */
#ifndef _TAGFUZZ_INTERLEAVE_H
#define _TAGFUZZ_INTERLEAVE_H

#include <stdbool.h>

#include "tagfuzz/events.h"

/* A new run: forget the last one's accesses. */
void tf_interleave_reset(void);
/* One access of a run of concurrent ops (tf_access_sink). */
void tf_interleave_access(const struct tf_access_rec *a);
/* TAGFUZZ_INTERLEAVING_COVERAGE=0 turns it off; read once. */
bool tf_interleave_enabled(void);
/* Pairs counted since the process started (for the tests and the bench). */
unsigned long tf_interleave_pairs(void);

#endif /* _TAGFUZZ_INTERLEAVE_H */
