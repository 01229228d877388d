/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AFL++ custom mutator library (out/afl/tagfuzz_mutator.so, built
 * from fuzz/afl_mutator.c and the mutator core in fuzz/mutator.c): the
 * entry points AFL++'s custom mutator API looks up with dlsym()
 * (AFL++'s docs/custom_mutators.md), exported by the library and by
 * nothing else.  afl-fuzz loads it with AFL_CUSTOM_MUTATOR_LIBRARY;
 * `./build.sh fuzz --engine afl` sets that (TAGFUZZ_MUTATOR=bytes: not).
 */
#ifndef _TAGFUZZ_AFL_MUTATOR_H
#define _TAGFUZZ_AFL_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* @afl: AFL++'s state (unused); @seed: afl-fuzz's seed.  NULL on failure. */
void *afl_custom_init(void *afl, unsigned int seed);

/* Rounds of the custom stage per visit of a queue entry (0: none, bytes). */
unsigned int afl_custom_fuzz_count(void *data, const uint8_t *buf, size_t buf_size);

/*
 * One structured mutation (or a cross-over with @add_buf, another queue
 * entry, when AFL++ passes one) of @buf into *@out_buf, a buffer the
 * library owns; the new size, at most @max_size, or 0 when none could be
 * made (AFL++ skips that round).
 */
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size);

/* The last mutation, for the queue file's name ("op:tagfuzz-insert+swap"). */
const char *afl_custom_describe(void *data, size_t max_description_len);

/* Prints the library's counts (one "==tagfuzz== AFL++ mutator:" line), frees @data. */
void afl_custom_deinit(void *data);

#endif /* _TAGFUZZ_AFL_MUTATOR_H */
