/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interleaving coverage: which accesses of different CPUs to one object
 * met in this run (issue 18), as coverage both fuzzing engines see.
 */
#ifndef _TAGFUZZ_INTERLEAVE_H
#define _TAGFUZZ_INTERLEAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "tagfuzz/events.h"

/*
 * An object's slot in a direct-mapped table of 1 << TF_OBJ_SLOT_BITS
 * entries: the address mixed, not its low bits, as the CPUs' copies of a
 * per-CPU variable lie 64 KiB apart and would share one.  The interleaving
 * coverage's objects and the mutator's conflict objects.
 */
#define TF_OBJ_SLOT_BITS	10

static inline unsigned int tf_obj_slot(const volatile void *addr)
{
	return (((uintptr_t)addr >> 3) * 0x9e3779b97f4a7c15ull) >> (64 - TF_OBJ_SLOT_BITS);
}

/* A new run: forget the last one's accesses. */
void tf_interleave_reset(void);
/* One access of a run of concurrent ops (tf_access_sink). */
void tf_interleave_access(const struct tf_access_rec *a);
/* TAGFUZZ_INTERLEAVING_COVERAGE=0 turns it off; read once. */
bool tf_interleave_enabled(void);
/* Pairs counted since the process started (for the tests and the bench). */
unsigned long tf_interleave_pairs(void);

#endif /* _TAGFUZZ_INTERLEAVE_H */
