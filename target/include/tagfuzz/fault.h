/* SPDX-License-Identifier: GPL-2.0 */
/* Fault injection and the recursion guard, as macros beside the code. */
#ifndef _TAGFUZZ_FAULT_H
#define _TAGFUZZ_FAULT_H

#include <linux/types.h>

/* Nested page allocations deeper than this are unbounded recursion. */
#define TF_ALLOC_DEPTH_MAX	8

bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order);
void tf_alloc_depth_enter(void);
void tf_alloc_depth_exit(void);

#endif /* _TAGFUZZ_FAULT_H */
