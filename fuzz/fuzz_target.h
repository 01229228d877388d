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

#endif /* _TAGFUZZ_FUZZ_TARGET_H */
