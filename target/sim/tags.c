// SPDX-License-Identifier: GPL-2.0
/*
 * The codetag registry: the scenario's call sites, and every
 * DEFINE_ALLOC_TAG site in the port, registered the first time it runs.
 * Ids are stable within a process; signatures use names, never ids.
 */
#include <linux/alloc_tag.h>
#include <linux/string.h>

#include "tagfuzz/events.h"
#include "tagfuzz/ops.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/pgflags_sim.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/sim_internal.h"

#define TF_MAX_TAGS	64

static struct alloc_tag *tf_tags[TF_MAX_TAGS];
static int tf_tags_nr;

static const char *const tf_user_site_names[TF_NR_USER_TAGS] = {
	"site0", "site1", "site2", "site3", "site4", "site5", "site6", "site7",
	"site8", "site9", "site10", "site11", "site12", "site13", "site14", "site15",
};

struct alloc_tag tf_user_tags[TF_NR_USER_TAGS];

static int tf_tags_lock;

/* A call site registers the first time it runs, on whichever CPU that is. */
void tf_alloc_tag_register(struct alloc_tag *tag)
{
	while (__atomic_exchange_n(&tf_tags_lock, 1, __ATOMIC_ACQUIRE))
		;
	if (!tag->counters) {
		if (tf_tags_nr == TF_MAX_TAGS)
			__builtin_trap();	/* a port with more sites needs a bigger table */
		tf_tags[tf_tags_nr] = tag;
		/* Static per-CPU counters, as DEFINE_ALLOC_TAG's DEFINE_PER_CPU. */
		__atomic_store_n(&tag->counters,
				 tf_pcpu_alloc(sizeof(struct alloc_tag_counters),
					       _Alignof(struct alloc_tag_counters)),
				 __ATOMIC_RELEASE);
		__atomic_store_n(&tf_tags_nr, tf_tags_nr + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&tf_tags_lock, 0, __ATOMIC_RELEASE);
}

static void tf_user_tags_init(void)
{
	int i;

	for (i = 0; i < TF_NR_USER_TAGS; i++) {
		tf_user_tags[i].ct.function = tf_user_site_names[i];
		tf_user_tags[i].ct.filename = "scenario";
		tf_user_tags[i].ct.lineno = i;
		tf_alloc_tag_register(&tf_user_tags[i]);
	}
}

void tf_tags_reset(void)
{
	int i, cpu;

	if (!tf_tags_nr)
		tf_user_tags_init();
	for (i = 0; i < tf_tags_nr; i++) {
		tf_tags[i]->ct.flags = 0;
		for (cpu = 0; cpu < TF_MAX_CPUS; cpu++)
			memset(per_cpu_ptr(tf_tags[i]->counters, cpu), 0,
			       sizeof(struct alloc_tag_counters));
	}
}

int tf_tag_id(const struct alloc_tag *tag)
{
	int i, nr = __atomic_load_n(&tf_tags_nr, __ATOMIC_ACQUIRE);

	if (!tag)
		return TF_TAG_NONE;
	/* The scenario's sites first, by address: the common case. */
	if (tag >= tf_user_tags && tag < tf_user_tags + TF_NR_USER_TAGS)
		return tag - tf_user_tags;
	if (tf_pgf_tag_id(tag, &i))	/* page-flag mode: kernel section and module tags */
		return i;
	for (i = 0; i < nr; i++) {
		if (tf_tags[i] == tag)
			return i;
	}
	return TF_TAG_NONE;
}

struct alloc_tag *tf_tag_by_id(int id)
{
	if (id >= TF_TAG_ID_KERNEL)
		return tf_pgf_tag_by_id(id);
	return id >= 0 && id < tf_tags_nr ? tf_tags[id] : NULL;
}

int tf_nr_tags(void)
{
	return tf_tags_nr;
}

struct tf_tag_info tf_tag_info(int id)
{
	struct tf_tag_info info = { "?", "?", 0, false };
	struct alloc_tag *tag = tf_tag_by_id(id);

	if (tag && id >= TF_TAG_ID_KERNEL) {
		/* Kernel and module tags: named by their place, not their contents. */
		info.function = tf_pgf_is_kernel_id(id) ? "kernel_tag" : "module_tag";
		info.filename = tf_pgf_is_kernel_id(id) ? "kernel" : "module";
		info.lineno = id & (TF_TAG_ID_KERNEL - 1);
		info.user = true;
	} else if (tag) {
		info.function = tag->ct.function;
		info.filename = tag->ct.filename;
		info.lineno = tag->ct.lineno;
		info.user = id < TF_NR_USER_TAGS;
	}
	return info;
}
