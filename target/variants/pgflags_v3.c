// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 003 (v3, Oct 2024): CONFIG_PGALLOC_TAG_USE_PAGEFLAGS.  What differs
 * from current upstream:
 *
 * - the key (mem_profiling_use_pageflags, DEFINE_STATIC_KEY_TRUE under the
 *   config) is on by default; alloc_tag_sec_init() turns it off and lets
 *   page_ext carry the references when the kernel tags do not fit, where
 *   upstream now shuts profiling down.  The harness plays the key with
 *   mem_profiling_compressed: same role, same readers.
 * - the module tag alignment rules and the "tags addressable" check sit
 *   under #ifdef CONFIG_PGALLOC_TAG_USE_PAGEFLAGS, not under the key: they
 *   apply even after the fall-back to page_ext;
 * - an incompatible module alignment fails the module's tag reservation
 *   (-EINVAL) without touching profiling;
 * - too many tags for the bits disables mem_alloc_profiling_key only
 *   (mem_profiling_support stays).
 *
 * The capacity checks themselves (count > 1 << bits for kernel tags,
 * CODETAG_ID_FIRST + count + module tags < 1 << bits) are the same in both.
 */
#include <linux/kallsyms.h>
#include <linux/module.h>

#include "../mm/internal.h"
#include "tagfuzz/bugs.h"
#include "pgflags_v3.h"

#define ALLOC_TAG_SECTION_NAME		"alloc_tags"
#define SECTION_START(NAME)		("__start_" NAME)
#define SECTION_STOP(NAME)		("__stop_" NAME)

extern struct alloc_tag_module_section module_tags;

unsigned int tf_pgflags_variant;

/*
 * v3's sysctl_init(): without profiling support at init the sysctl was
 * registered read-only (0444), and a later shutdown did not change that.
 * alloc_mod_tags_mem() calls it in both versions (it runs once per boot,
 * where alloc_tag_init() would); only v3's sysctl write reads it.
 */
static bool sysctl_ro;

void sysctl_init_v3(void)
{
	sysctl_ro = !mem_profiling_support;
}

bool sysctl_read_only_v3(void)
{
	return sysctl_ro;
}

void alloc_tag_sec_init_v3(void)
{
	struct alloc_tag *last_codetag;

	kernel_tags.first_tag = (struct alloc_tag *)kallsyms_lookup_name(
					SECTION_START(ALLOC_TAG_SECTION_NAME));
	last_codetag = (struct alloc_tag *)kallsyms_lookup_name(
					SECTION_STOP(ALLOC_TAG_SECTION_NAME));
	kernel_tags.count = last_codetag - kernel_tags.first_tag;

	/* Check if kernel tags fit into page flags */
	if (kernel_tags.count > (1UL << NR_UNUSED_PAGEFLAG_BITS)) {
		static_branch_disable(&mem_profiling_compressed);	/* use_pageflags */
		pr_warn("%lu kernel tags do not fit into %d available page flag bits, page extensions will be used instead!\n",
			kernel_tags.count, NR_UNUSED_PAGEFLAG_BITS);
	} else {
		alloc_tag_ref_offs = (LRU_REFS_PGOFF - NR_UNUSED_PAGEFLAG_BITS);
		alloc_tag_ref_mask = ((1UL << NR_UNUSED_PAGEFLAG_BITS) - 1);
		pr_info("All unused page flags (%d bits) are used to store page tag references!\n",
			NR_UNUSED_PAGEFLAG_BITS);
	}
}

unsigned long alloc_tag_align_v3(unsigned long val)
{
	if (val % sizeof(struct alloc_tag) == 0)
		return val;
	return ((val / sizeof(struct alloc_tag)) + 1) * sizeof(struct alloc_tag);
}

bool tags_addressable_v3(void)
{
	unsigned long tag_idx_count = CODETAG_ID_FIRST + kernel_tags.count +
				      module_tags.size / sizeof(struct alloc_tag);

	return tag_idx_count < (1UL << NR_UNUSED_PAGEFLAG_BITS);
}

/* The v3 block at the top of reserve_module_tags(); false: -EINVAL. */
bool ensure_alignment_v3(struct module *mod, unsigned long align, unsigned int *prepend)
{
	/*
	 * If alloc_tag size is not a multiple of required alignment tag
	 * indexing does not work.
	 */
	if (!IS_ALIGNED(sizeof(struct alloc_tag), align)) {
		pr_err("%s: alignment %lu is incompatible with allocation tag indexing, disable CONFIG_PGALLOC_TAG_USE_PAGEFLAGS",
			mod->name, align);
		return false;
	}

	/* Ensure prepend consumes multiple of alloc_tag-sized blocks */
	if (*prepend)
		*prepend = alloc_tag_align_v3(*prepend);
	return true;
}

/* v3, after module_tags.size grew. */
void tags_not_addressable_v3(struct module *mod)
{
	if (!tags_addressable_v3() && mem_alloc_profiling_enabled()) {
		tf_kconfig.mem_alloc_profiling = false;	/* static_branch_disable(&mem_alloc_profiling_key) */
		if (tf_bug(TF_BUG_V3_REFUSAL_FALLS_BACK))
			static_branch_disable(&mem_profiling_compressed);	/* use_pageflags */
		pr_warn("With module %s there are too many tags to fit in %d page flag bits. Memory profiling is disabled!\n",
			mod->name, NR_UNUSED_PAGEFLAG_BITS);
	}
}
