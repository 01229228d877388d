// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's floor for ./build.sh bench: a fuzz target that does almost
 * nothing (one pass over the input, one branch on it), built with the same
 * compiler, sanitizers and engine as the real targets.  Its exec/s is what
 * libFuzzer (or AFL++) costs per execution on this machine; the real
 * targets' exec/s divided by it is our share.
 */
#include <stddef.h>
#include <stdint.h>

static volatile unsigned int sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int h = 0;

	for (size_t i = 0; i < size; i++)
		h = h * 31 + data[i];
	if (size > 4 && data[0] == 'b')
		h ^= 1;
	sink = h;
	return 0;
}
