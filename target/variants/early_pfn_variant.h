/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included by each tracker version under target/variants/ (and only
 * there): the functions keep their kernel names, but
 * alloc_tag_add_early_pfn() is already the current tracker's, declared in
 * <linux/alloc_tag.h>; each version's own is static and reached through
 * its struct tf_early_pfn_ops.
 */
#ifndef _TAGFUZZ_EARLY_PFN_VARIANT_H
#define _TAGFUZZ_EARLY_PFN_VARIANT_H

#include "early_pfn.h"

#define alloc_tag_add_early_pfn	variant_alloc_tag_add_early_pfn

#endif /* _TAGFUZZ_EARLY_PFN_VARIANT_H */
