// SPDX-License-Identifier: GPL-2.0
/*
 * Compressed tag references and module tags (lib/alloc_tag.c, current
 * upstream: the mem_profiling_compressed mode that seed 003 introduced as
 * CONFIG_PGALLOC_TAG_USE_PAGEFLAGS).
 *
 * - the kernel tag section [first_tag, first_tag + count) and
 *   alloc_tag_sec_init(), which checks that every kernel tag has an index
 *   in the page flags' unused bits and shuts profiling down if not;
 * - shutdown_mem_profiling();
 * - the module tag area: one range of tags with a high-water size, a range
 *   reserved per module (prepend padding, alignment), the "tags
 *   addressable" check, and release at unload (or "unloaded" while the
 *   module's tags still account for live bytes);
 * - the module tags' per-CPU counters: allocated for each tag when the
 *   module loads (load_module(), the codetag type's module_load), freed
 *   and set NULL by clean_unused_counters() once a tag of an unloaded
 *   module reads zero bytes: at unload (release_module_tags()) and when
 *   a later load finds no room (clean_unused_module_areas_locked()).
 *
 * The encoding itself (idx_to_ref/ref_to_idx, the cmpxchg loop) is in
 * <linux/pgalloc_tag_compressed.h> and <linux/pgalloc_tag.h>.  The seed 003
 * (v3) versions of the functions that differ are in
 * target/variants/pgflags_v3.c; tf_pgf_v3() picks them.
 *
 * Harness departures: kallsyms_lookup_name() and execmem_vmap() come from
 * the simulated machine (target/sim/pgflags.c); vm_module_tags_populate()
 * never allocates pages (the area is always backed), so its -ENOMEM
 * shutdown is dead; no /proc/allocinfo, so remove_proc_entry() is nothing;
 * kmemleak_ignore_percpu() is nothing.  alloc_percpu()/free_percpu() are
 * the shims of <linux/percpu.h>, which really free (target/sim/percpu.c).
 */
#include <linux/err.h>
#include <linux/execmem.h>
#include <linux/kallsyms.h>
#include <linux/maple_tree.h>
#include <linux/module.h>

#include "internal.h"
#include "tagfuzz/bugs.h"
#include "../variants/pgflags_v3.h"

#define ALLOC_TAG_SECTION_NAME		"alloc_tags"
#define CODETAG_SECTION_START_PREFIX	"__start_"
#define CODETAG_SECTION_STOP_PREFIX	"__stop_"
#define MODULE_ALLOC_TAG_VMAP_SIZE	(100000UL * sizeof(struct alloc_tag))
#define SECTION_START(NAME)		(CODETAG_SECTION_START_PREFIX NAME)
#define SECTION_STOP(NAME)		(CODETAG_SECTION_STOP_PREFIX NAME)

DEFINE_STATIC_KEY_FALSE(mem_profiling_compressed);

struct alloc_tag_kernel_section kernel_tags = { NULL, 0 };
unsigned long alloc_tag_ref_mask;
int alloc_tag_ref_offs;

void shutdown_mem_profiling(bool remove_file)
{
	if (mem_alloc_profiling_enabled())
		static_branch_disable_mem_alloc_profiling_key();

	if (!mem_profiling_support || tf_bug(TF_BUG_SHUTDOWN_KEEPS_SUPPORT))
		return;

	if (remove_file)
		;	/* remove_proc_entry(ALLOCINFO_FILE_NAME, NULL) */
	mem_profiling_support = false;
}

void alloc_tag_sec_init(void)
{
	struct alloc_tag *last_codetag;

	if (tf_pgf_v3()) {
		alloc_tag_sec_init_v3();
		return;
	}

	if (!mem_profiling_support)
		return;

	if (!static_key_enabled(&mem_profiling_compressed))
		return;

	kernel_tags.first_tag = (struct alloc_tag *)kallsyms_lookup_name(
					SECTION_START(ALLOC_TAG_SECTION_NAME));
	last_codetag = (struct alloc_tag *)kallsyms_lookup_name(
					SECTION_STOP(ALLOC_TAG_SECTION_NAME));
	kernel_tags.count = last_codetag - kernel_tags.first_tag;

	/* Check if kernel tags fit into page flags */
	if (kernel_tags.count > (1UL << NR_UNUSED_PAGEFLAG_BITS) &&
	    !tf_bug(TF_BUG_SEC_INIT_NO_FIT_CHECK)) {
		shutdown_mem_profiling(false); /* allocinfo file does not exist yet */
		pr_err("%lu allocation tags cannot be references using %d available page flag bits. Memory allocation profiling is disabled!\n",
			kernel_tags.count, NR_UNUSED_PAGEFLAG_BITS);
		return;
	}

	alloc_tag_ref_offs = (LRU_REFS_PGOFF - NR_UNUSED_PAGEFLAG_BITS);
	alloc_tag_ref_mask = ((1UL << NR_UNUSED_PAGEFLAG_BITS) - 1);
	pr_debug("Memory allocation profiling compression is using %d page flag bits!\n",
		 NR_UNUSED_PAGEFLAG_BITS);
}

/* ------------------------------------------------------------------ */
/* Module tags (CONFIG_MODULES)                                        */
/* ------------------------------------------------------------------ */

static struct maple_tree mod_area_mt = MTREE_INIT(mod_area_mt, MT_FLAGS_ALLOC_RANGE);
/* A dummy object used to indicate an unloaded module */
static struct module unloaded_mod;
/* A dummy object used to indicate a module prepended area */
static struct module prepend_mod;

struct alloc_tag_module_section module_tags;
static inline unsigned long alloc_tag_align(unsigned long val)
{
	if (tf_pgf_v3())
		return alloc_tag_align_v3(val);

	if (!static_key_enabled(&mem_profiling_compressed)) {
		/* No alignment requirements when we are not indexing the tags */
		return val;
	}

	if (val % sizeof(struct alloc_tag) == 0)
		return val;
	return ((val / sizeof(struct alloc_tag)) + 1) * sizeof(struct alloc_tag);
}

static bool ensure_alignment(unsigned long align, unsigned int *prepend)
{
	if (!static_key_enabled(&mem_profiling_compressed)) {
		/* No alignment requirements when we are not indexing the tags */
		return true;
	}

	/*
	 * If alloc_tag size is not a multiple of required alignment, tag
	 * indexing does not work.
	 */
	if (!IS_ALIGNED(sizeof(struct alloc_tag), align))
		return false;

	/* Ensure prepend consumes multiple of alloc_tag-sized blocks */
	if (*prepend)
		*prepend = alloc_tag_align(*prepend);

	return true;
}

bool tags_addressable(void)
{
	unsigned long tag_idx_count;

	if (tf_pgf_v3())
		return tags_addressable_v3();

	if (!static_key_enabled(&mem_profiling_compressed))
		return true; /* with page_ext tags are always addressable */

	tag_idx_count = CODETAG_ID_FIRST + kernel_tags.count +
			module_tags.size / (tf_bug(TF_BUG_ADDRESSABLE_COUNTS_BYTES) ? 1 :
					    sizeof(struct alloc_tag));

	return tag_idx_count < (1UL << NR_UNUSED_PAGEFLAG_BITS);
}

bool needs_section_mem(struct module *mod, unsigned long size)
{
	if (!mem_profiling_support)
		return false;

	return size >= sizeof(struct alloc_tag);
}

/*
 * Free the counters of every tag in [start_tag, end_tag] that reads zero
 * bytes; true when none is left.  Nothing here excludes a free of one of
 * these tags on another CPU (alloc_tag_sub() takes no lock).
 */
static bool clean_unused_counters(struct alloc_tag *start_tag,
				  struct alloc_tag *end_tag)
{
	struct alloc_tag *tag;
	bool ret = true;

	for (tag = start_tag; tag <= end_tag; tag++) {
		struct alloc_tag_counters counter;

		if (!tag->counters)
			continue;

		if (tf_bug(TF_BUG_CLEAN_READS_LOCAL_CPU))
			counter = (struct alloc_tag_counters){
				.bytes = this_cpu_read(tag->counters->bytes) };
		else
			counter = alloc_tag_read(tag);
		if (!counter.bytes) {
			free_percpu(tag->counters);
			tag->counters = NULL;
		} else {
			ret = false;
		}
	}

	return ret;
}

/* Called with mod_area_mt locked */
static void clean_unused_module_areas_locked(void)
{
	MA_STATE(mas, &mod_area_mt, 0, module_tags.size);
	struct module *val;

	mas_for_each(&mas, val, module_tags.size) {
		struct alloc_tag *start_tag;
		struct alloc_tag *end_tag;

		if (val != &unloaded_mod)
			continue;

		/* Release area if all tags are unused */
		start_tag = (struct alloc_tag *)(module_tags.start_addr + mas.index);
		end_tag = (struct alloc_tag *)(module_tags.start_addr + mas.last);
		if (clean_unused_counters(start_tag, end_tag))
			mas_erase(&mas);
	}
}

/* Called with mod_area_mt locked */
static bool find_aligned_area(struct ma_state *mas, unsigned long section_size,
			      unsigned long size, unsigned int prepend, unsigned long align)
{
	bool cleanup_done = false;

repeat:
	/* Try finding exact size and hope the start is aligned */
	if (!mas_empty_area(mas, 0, section_size - 1, prepend + size)) {
		if (IS_ALIGNED(mas->index + prepend, align))
			return true;

		/* Try finding larger area to align later */
		mas_reset(mas);
		if (!mas_empty_area(mas, 0, section_size - 1,
				    size + prepend + align - 1))
			return true;
	}

	/* No free area, try cleanup stale data and repeat the search once */
	if (!cleanup_done) {
		clean_unused_module_areas_locked();
		cleanup_done = true;
		mas_reset(mas);
		goto repeat;
	}

	return false;
}

/* The area is always backed here: nothing to allocate or map. */
static int vm_module_tags_populate(void)
{
	return 0;
}

void *reserve_module_tags(struct module *mod, unsigned long size,
			  unsigned int prepend, unsigned long align)
{
	unsigned long section_size = module_tags.end_addr - module_tags.start_addr;
	MA_STATE(mas, &mod_area_mt, 0, section_size - 1);
	unsigned long offset;
	void *ret = NULL;

	/* If no tags return error */
	if (size < sizeof(struct alloc_tag))
		return ERR_PTR(-EINVAL);

	/*
	 * align is always power of 2, so we can use IS_ALIGNED and ALIGN.
	 * align 0 or 1 means no alignment, to simplify set to 1.
	 */
	if (!align)
		align = 1;

	if (tf_pgf_v3()) {
		if (!ensure_alignment_v3(mod, align, &prepend))
			return ERR_PTR(-EINVAL);
	} else if (!ensure_alignment(align, &prepend)) {
		shutdown_mem_profiling(true);
		pr_err("%s: alignment %lu is incompatible with allocation tag indexing. Memory allocation profiling is disabled!\n",
			mod->name, align);
		return ERR_PTR(-EINVAL);
	}

	mas_lock(&mas);
	if (!find_aligned_area(&mas, section_size, size, prepend, align)) {
		ret = ERR_PTR(-ENOMEM);
		goto unlock;
	}

	/* Mark found area as reserved */
	offset = mas.index;
	offset += prepend;
	offset = ALIGN(offset, align);
	if (offset != mas.index) {
		unsigned long pad_start = mas.index;

		mas.last = offset - 1;
		mas_store(&mas, &prepend_mod);
		if (mas_is_err(&mas)) {
			ret = ERR_PTR(xa_err(mas.node));
			goto unlock;
		}
		mas.index = offset;
		mas.last = offset + size - 1;
		mas_store(&mas, mod);
		if (mas_is_err(&mas)) {
			mas.index = pad_start;
			mas_erase(&mas);
			ret = ERR_PTR(xa_err(mas.node));
		}
	} else {
		mas.last = offset + size - 1;
		mas_store(&mas, mod);
		if (mas_is_err(&mas))
			ret = ERR_PTR(xa_err(mas.node));
	}
unlock:
	mas_unlock(&mas);

	if (IS_ERR(ret))
		return ret;

	if (module_tags.size < offset + size) {
		int grow_res;

		module_tags.size = offset + size;
		if (tf_pgf_v3()) {
			tags_not_addressable_v3(mod);
		} else if (mem_alloc_profiling_enabled() && !tags_addressable()) {
			shutdown_mem_profiling(true);
			pr_warn("With module %s there are too many tags to fit in %d page flag bits. Memory allocation profiling is disabled!\n",
				mod->name, NR_UNUSED_PAGEFLAG_BITS);
		}

		grow_res = vm_module_tags_populate();
		if (grow_res) {
			shutdown_mem_profiling(true);
			pr_err("Failed to allocate memory for allocation tags in the module %s. Memory allocation profiling is disabled!\n",
			       mod->name);
			return ERR_PTR(grow_res);
		}
	}

	return (struct alloc_tag *)(module_tags.start_addr + offset);
}

void release_module_tags(struct module *mod, bool used)
{
	MA_STATE(mas, &mod_area_mt, module_tags.size, module_tags.size);
	struct alloc_tag *start_tag;
	struct alloc_tag *end_tag;
	struct module *val;

	mas_lock(&mas);
	mas_for_each_rev(&mas, val, 0)
		if (val == mod)
			break;

	if (!val) /* module not found */
		goto out;

	if (!used)
		goto release_area;

	start_tag = (struct alloc_tag *)(module_tags.start_addr + mas.index);
	end_tag = (struct alloc_tag *)(module_tags.start_addr + mas.last);
	if (!clean_unused_counters(start_tag, end_tag)) {
		struct alloc_tag *tag;

		for (tag = start_tag; tag <= end_tag; tag++) {
			struct alloc_tag_counters counter;

			if (!tag->counters)
				continue;

			counter = alloc_tag_read(tag);
			pr_info("%s:%u module %s func:%s has %llu allocated at module unload\n",
				tag->ct.filename, tag->ct.lineno, tag->ct.modname,
				tag->ct.function, counter.bytes);
			(void)counter;
		}
	} else {
		used = false;
	}
release_area:
	mas_store(&mas, used ? &unloaded_mod : NULL);
	val = mas_prev_range(&mas, 0);
	if (val == &prepend_mod)
		mas_store(&mas, NULL);
out:
	mas_unlock(&mas);
}

/*
 * The codetag type's module_load: each of the module's tags, just copied
 * into the area with no counters (DEFINE_ALLOC_TAG in a module), gets
 * per-CPU counters; a failure frees what was allocated and fails the load.
 */
int load_module(struct module *mod, struct codetag *start, struct codetag *stop)
{
	/* Allocate module alloc_tag percpu counters */
	struct alloc_tag *start_tag;
	struct alloc_tag *stop_tag;
	struct alloc_tag *tag;

	/* percpu counters for core allocations are already statically allocated */
	if (!mod)
		return 0;

	start_tag = ct_to_alloc_tag(start);
	stop_tag = ct_to_alloc_tag(stop);
	for (tag = start_tag; tag < stop_tag; tag++) {
		WARN_ON(tag->counters);
		tag->counters = alloc_percpu(struct alloc_tag_counters);
		if (!tag->counters) {
			while (--tag >= start_tag) {
				free_percpu(tag->counters);
				tag->counters = NULL;
			}
			pr_err("Failed to allocate memory for allocation tag percpu counters in the module %s\n",
			       mod->name);
			return -ENOMEM;
		}

		/*
		 * Avoid a kmemleak false positive. The pointer to the counters is stored
		 * in the alloc_tag section of the module and cannot be directly accessed.
		 */
		/* kmemleak_ignore_percpu(tag->counters): no kmemleak here */
	}
	return 0;
}

int alloc_mod_tags_mem(void)
{
	void *addr;

	mtree_destroy(&mod_area_mt);
	module_tags.size = 0;

	/* Map space to copy allocation tags */
	sysctl_init_v3();
	addr = execmem_vmap(MODULE_ALLOC_TAG_VMAP_SIZE);
	if (!addr) {
		pr_err("Failed to map %lu bytes for module allocation tags\n",
			MODULE_ALLOC_TAG_VMAP_SIZE);
		module_tags.start_addr = 0;
		return -ENOMEM;
	}

	module_tags.start_addr = (unsigned long)addr;
	module_tags.end_addr = module_tags.start_addr + MODULE_ALLOC_TAG_VMAP_SIZE;
	/* Ensure the base is alloc_tag aligned when required for indexing */
	module_tags.start_addr = alloc_tag_align(module_tags.start_addr);

	return 0;
}

/*
 * The vm.mem_profiling sysctl written from user space (current->mm set):
 * proc_mem_profiling_handler(), then proc_do_static_key() on
 * mem_alloc_profiling_key.  v3's table had proc_do_static_key() itself,
 * read-only (0444) in debug builds or when profiling was not supported at
 * init, so a later shutdown did not stop it.
 */
int proc_mem_profiling_write(bool on)
{
	if (tf_pgf_v3()) {
		if (mem_profiling_debug() || sysctl_read_only_v3())
			return -EPERM;	/* mode 0444 */
	} else {
		if (mem_profiling_debug())
			return -EACCES;	/* User can't toggle profiling while debugging */
		if (!mem_profiling_support && !tf_bug(TF_BUG_SYSCTL_AFTER_SHUTDOWN))
			return -EINVAL;
	}
	proc_do_static_key_mem_alloc_profiling_key(on);
	return 0;
}
