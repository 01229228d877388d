/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-flag tag reference family, seed 003 (v3, "alloc_tag: config to
 * store page allocation tag refs in page flags", Oct 2024): the functions
 * whose v3 form differs from current upstream (target/mm/alloc_tag_pgflags.c).
 * A scenario picks the variant in its header (pgflags_variant=v3|current).
 */
#ifndef _TAGFUZZ_PGFLAGS_V3_H
#define _TAGFUZZ_PGFLAGS_V3_H

#include <stdbool.h>

#include "tagfuzz/pgflags_layout.h"

struct module;

extern unsigned int tf_pgflags_variant;

static inline bool tf_pgf_v3(void)
{
	return tf_pgflags_variant == TF_PGF_V3;
}

void alloc_tag_sec_init_v3(void);
unsigned long alloc_tag_align_v3(unsigned long val);
bool tags_addressable_v3(void);
bool ensure_alignment_v3(struct module *mod, unsigned long align, unsigned int *prepend);
void tags_not_addressable_v3(struct module *mod);
void sysctl_init_v3(void);
bool sysctl_read_only_v3(void);

#endif /* _TAGFUZZ_PGFLAGS_V3_H */
