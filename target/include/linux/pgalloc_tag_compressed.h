/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compressed page tag references (seed 003 "alloc_tag: config to store
 * page allocation tag refs in page flags", kept upstream as the
 * mem_profiling_compressed mode): a page's tag reference is an index in
 * the page flags' unused bits.  0 is NULL, 1 is EMPTY, kernel tags (the
 * alloc_tags section, [first_tag, first_tag + count)) start at 2 and
 * module tags follow them.  Upstream has these in include/linux/
 * pgalloc_tag.h and the section structs in include/linux/alloc_tag.h;
 * pgalloc_tag.h includes this file where upstream has them.
 */
#ifndef _LINUX_PGALLOC_TAG_COMPRESSED_H
#define _LINUX_PGALLOC_TAG_COMPRESSED_H

#include <linux/alloc_tag.h>
#include <linux/jump_label.h>
#include <linux/page-flags-layout.h>
#include <linux/printk.h>

#include "tagfuzz/bugs.h"

#ifndef IS_ALIGNED
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#endif

struct alloc_tag_kernel_section {
	struct alloc_tag *first_tag;
	unsigned long count;
};

struct alloc_tag_module_section {
	union {
		unsigned long start_addr;
		struct alloc_tag *first_tag;
	};
	unsigned long end_addr;
	/* used size */
	unsigned long size;
};

extern unsigned long alloc_tag_ref_mask;
extern int alloc_tag_ref_offs;
extern struct alloc_tag_kernel_section kernel_tags;

DECLARE_STATIC_KEY_FALSE(mem_profiling_compressed);

typedef u16	pgalloc_tag_idx;

/* Reserved indexes */
#define CODETAG_ID_NULL		0
#define CODETAG_ID_EMPTY	1
#define CODETAG_ID_FIRST	2

/* CONFIG_MODULES=y */
extern struct alloc_tag_module_section module_tags;

static inline struct alloc_tag *module_idx_to_tag(pgalloc_tag_idx idx)
{
	return &module_tags.first_tag[idx - kernel_tags.count];
}

static inline pgalloc_tag_idx module_tag_to_idx(struct alloc_tag *tag)
{
	return CODETAG_ID_FIRST + kernel_tags.count + (tag - module_tags.first_tag);
}

static inline void idx_to_ref(pgalloc_tag_idx idx, union codetag_ref *ref)
{
	switch (idx) {
	case (CODETAG_ID_NULL):
		ref->ct = NULL;
		break;
	case (CODETAG_ID_EMPTY):
		set_codetag_empty(ref);
		break;
	default:
		idx -= CODETAG_ID_FIRST;
		ref->ct = idx < kernel_tags.count ?
			&kernel_tags.first_tag[idx].ct :
			&module_idx_to_tag(idx)->ct;
		break;
	}
}

static inline pgalloc_tag_idx ref_to_idx(union codetag_ref *ref)
{
	struct alloc_tag *tag;

	if (!ref->ct)
		return CODETAG_ID_NULL;

	if (is_codetag_empty(ref))
		return CODETAG_ID_EMPTY;

	tag = ct_to_alloc_tag(ref->ct);
	if (tag >= kernel_tags.first_tag && tag < kernel_tags.first_tag + kernel_tags.count)
		return CODETAG_ID_FIRST + (tag - kernel_tags.first_tag);

	return module_tag_to_idx(tag);
}

void alloc_tag_sec_init(void);

/* lib/alloc_tag.c pieces the compressed mode touches (mm/alloc_tag*.c here). */
extern bool mem_profiling_support;
void shutdown_mem_profiling(bool remove_file);

#endif /* _LINUX_PGALLOC_TAG_COMPRESSED_H */
