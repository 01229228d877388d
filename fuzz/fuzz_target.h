/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a fuzz target (fuzz/fuzz_*.c) defines: libFuzzer's entry points,
 * which AFL++'s driver and bench/exec_driver.c call too.
 */
#ifndef _TAGFUZZ_FUZZ_TARGET_H
#define _TAGFUZZ_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* fuzz/mutator.c: the structure-aware mutator's hooks. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_size, const uint8_t *b,
				 size_t b_size, uint8_t *out, size_t max, unsigned int seed);

#endif /* _TAGFUZZ_FUZZ_TARGET_H */
