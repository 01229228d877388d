/* SPDX-License-Identifier: GPL-2.0 */
/* Allocation tags: a call site and its per-CPU counters. */
#ifndef _LINUX_ALLOC_TAG_H
#define _LINUX_ALLOC_TAG_H

#include <linux/bug.h>
#include <linux/codetag.h>
#include <linux/percpu.h>
#include <linux/sched.h>

struct alloc_tag_counters {
	u64 bytes;
	u64 calls;
};

struct alloc_tag {
	struct codetag ct;
	struct alloc_tag_counters __percpu *counters;
};

#define CODETAG_FLAG_INACCURATE	(1u << 0)

/*
 * The kernel puts every DEFINE_ALLOC_TAG in the alloc_tags section and
 * gives it per-CPU counters at build time; here a tag gets its counters
 * the first time its site runs (see target/sim/tags.c).
 */
void tf_alloc_tag_register(struct alloc_tag *tag);

#define DEFINE_ALLOC_TAG(_alloc_tag)					\
	static struct alloc_tag _alloc_tag = { .ct = CODE_TAG_INIT }

static inline bool mem_profiling_debug(void)
{
	return tf_kconfig.mem_alloc_profiling_debug;
}

#define CODETAG_EMPTY	((void *)1)

static inline bool is_codetag_empty(union codetag_ref *ref)
{
	if (!mem_profiling_debug())
		return false;
	return ref->ct == CODETAG_EMPTY;
}

/* Without the debug build there is no EMPTY: the ref is cleared. */
static inline void set_codetag_empty(union codetag_ref *ref)
{
	if (ref)
		ref->ct = mem_profiling_debug() ? CODETAG_EMPTY : NULL;
}

static inline bool mem_alloc_profiling_enabled(void)
{
	return tf_kconfig.mem_alloc_profiling;
}

/*
 * mem_alloc_profiling_key is tf_kconfig.mem_alloc_profiling here: what
 * shutdown_mem_profiling()'s static_branch_disable() and the sysctl's
 * proc_do_static_key() do to it.
 */
static inline void static_branch_disable_mem_alloc_profiling_key(void)
{
	tf_kconfig.mem_alloc_profiling = false;
}

static inline void proc_do_static_key_mem_alloc_profiling_key(bool on)
{
	tf_kconfig.mem_alloc_profiling = on;
}

static inline struct alloc_tag *ct_to_alloc_tag(struct codetag *ct)
{
	return container_of(ct, struct alloc_tag, ct);
}

__tf_pcpu_may_be_null
static inline struct alloc_tag_counters alloc_tag_read(struct alloc_tag *tag)
{
	struct alloc_tag_counters v = { 0, 0 };
	int cpu;

	for_each_possible_cpu(cpu) {
		v.bytes += per_cpu_read(tag->counters->bytes, cpu);
		v.calls += per_cpu_read(tag->counters->calls, cpu);
	}
	return v;
}

static inline void alloc_tag_add_check(union codetag_ref *ref, struct alloc_tag *tag)
{
	if (!mem_profiling_debug())
		return;
	WARN_ONCE(ref && ref->ct && !is_codetag_empty(ref),
		  "alloc_tag was not cleared (got tag for %s:%u)\n",
		  ref->ct->filename, ref->ct->lineno);

	WARN_ONCE(!tag, "current->alloc_tag not set\n");
}

static inline void alloc_tag_sub_check(union codetag_ref *ref)
{
	if (!mem_profiling_debug())
		return;
	WARN_ONCE(ref && !ref->ct, "alloc_tag was not set\n");
}

void alloc_tag_add_early_pfn(unsigned long pfn, unsigned int alloc_flags);

/* Caller should verify both ref and tag to be valid */
static inline bool __alloc_tag_ref_set(union codetag_ref *ref, struct alloc_tag *tag)
{
	alloc_tag_add_check(ref, tag);
	if (!ref || !tag)
		return false;

	ref->ct = &tag->ct;
	return true;
}

__tf_pcpu_may_be_null
static inline bool alloc_tag_ref_set(union codetag_ref *ref, struct alloc_tag *tag)
{
	if (unlikely(!__alloc_tag_ref_set(ref, tag)))
		return false;

	/*
	 * Every new reference, including each part of a split allocation,
	 * counts a call: freeing each part will take one away.
	 */
	this_cpu_inc(tag->counters->calls);
	return true;
}

__tf_pcpu_may_be_null
static inline void alloc_tag_add(union codetag_ref *ref, struct alloc_tag *tag, size_t bytes)
{
	if (likely(alloc_tag_ref_set(ref, tag)))
		this_cpu_add(tag->counters->bytes, bytes);
}

__tf_pcpu_may_be_null
static inline void alloc_tag_sub(union codetag_ref *ref, size_t bytes)
{
	struct alloc_tag *tag;

	alloc_tag_sub_check(ref);
	if (!ref || !ref->ct)
		return;

	if (is_codetag_empty(ref)) {
		ref->ct = NULL;
		return;
	}

	tag = ct_to_alloc_tag(ref->ct);

	this_cpu_sub(tag->counters->bytes, bytes);
	this_cpu_dec(tag->counters->calls);

	ref->ct = NULL;
}

/*
 * The TSan stress build keeps this a frame of its own (__tf_tsan_frame):
 * fuzz/tsan.supp names it as F8's racy access, and inlined into
 * __pgalloc_tag_add() it would be that function's race.
 */
static inline __tf_tsan_frame void alloc_tag_set_inaccurate(struct alloc_tag *tag)
{
	tag->ct.flags |= CODETAG_FLAG_INACCURATE;
}

static inline struct alloc_tag *alloc_tag_save(struct alloc_tag *tag)
{
	struct alloc_tag *old = current->alloc_tag;

	current->alloc_tag = tag;
	return old;
}

static inline void alloc_tag_restore(struct alloc_tag *tag, struct alloc_tag *old)
{
	if (mem_profiling_debug())
		WARN(current->alloc_tag != tag, "current->alloc_tag was changed:\n");
	current->alloc_tag = old;
}

#define alloc_hooks_tag(_tag, _do_alloc) ({				\
	struct alloc_tag * __maybe_unused _old = NULL;			\
	typeof(_do_alloc) _res;						\
	if (mem_alloc_profiling_enabled()) {				\
		_old = alloc_tag_save(_tag);				\
		_res = _do_alloc;					\
		alloc_tag_restore(_tag, _old);				\
	} else								\
		_res = _do_alloc;					\
	_res;								\
})

#define alloc_hooks(_do_alloc) ({					\
	DEFINE_ALLOC_TAG(_alloc_tag);					\
	if (unlikely(!__atomic_load_n(&_alloc_tag.counters, __ATOMIC_ACQUIRE))) \
		tf_alloc_tag_register(&_alloc_tag);			\
	alloc_hooks_tag(&_alloc_tag, _do_alloc);			\
})

#endif /* _LINUX_ALLOC_TAG_H */
