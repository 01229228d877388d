/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime the shims call into: the simulated machine's current CPU,
 * the scheduling-point hook, and the check sink the harness reads.
 * Kernel-style code never includes this directly; the linux/ shims do.
 * With tagfuzz/limits.h, tagfuzz/bugs.h, tagfuzz/fault.h and
 * tagfuzz/pgflags_layout.h it is all of the harness that kernel code and
 * the shims see; the scenario language, the observers and the
 * registries are harness-only.
 */
#ifndef _TAGFUZZ_HARNESS_H
#define _TAGFUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tagfuzz/limits.h"

struct task_struct;

/* Per simulated CPU: what the shims need to know about its context. */
struct tf_cpu_state {
	bool online;
	int preempt_count;	/* spinlocks and RCU readers held */
	int rcu_nesting;
	int alloc_depth;	/* nested page allocations, for the depth guard */
	struct task_struct *task;	/* current */
};

extern struct tf_cpu_state tf_cpus[TF_MAX_CPUS];
/* The CPU the simulated code runs on. */
/*
 * TF_REAL_THREADS: the ThreadSanitizer stress build runs each simulated
 * CPU on a real thread, so "the CPU this code runs on" is per thread.
 */
#ifdef TF_REAL_THREADS
#define tf_thread_local	__thread
#else
#define tf_thread_local
#endif
extern tf_thread_local int tf_cur_cpu;
extern int tf_nr_cpus;

/*
 * Where in the port a scheduling point or an access is: the kernel
 * function that called the shim, its file and line, and the shim it
 * called (@api: "llist_add", "spin_lock_irqsave", "READ_ONCE").  One
 * static object per call site, made by TF_HERE() where the shim's macro
 * expands, so in the kernel code that wrote the call; a shim that calls
 * another passes its own caller's on.  Traces print it; the stable site
 * names (the @what/@site strings) stay what the harness keys on.
 */
struct tf_loc {
	const char *api;
	const char *func;
	const char *file;	/* __FILE__: tf_loc_file() makes it relative to target/ */
	unsigned int line;
};
#define TF_HERE(api) ({							\
	static const struct tf_loc __tf_here = { (api), __func__, __FILE__, __LINE__ }; \
	&__tf_here;							\
})

/*
 * Every atomic, lock, RCU and list-publication point calls this.  With no
 * scheduler attached it costs one predictable branch.  @what is the
 * point's stable site name, @loc where it is (tf_sched_point(): here).
 */
extern void (*tf_sched_hook)(const char *what, const struct tf_loc *loc);
static inline void tf_sched_point_at(const char *what, const struct tf_loc *loc)
{
	if (__builtin_expect(tf_sched_hook != NULL, 0))
		tf_sched_hook(what, loc);
}
#define tf_sched_point(what)	tf_sched_point_at((what), TF_HERE(what))

/*
 * Every access the scheduling points stand for, after it happened: its
 * kind, the point's site name, the object and the value read or written
 * (a lock: its owner; a failed compare-and-exchange: the value found),
 * and where it is.  Set only while a run of concurrent ops is in
 * progress; the cause journal (reference/journal.c) keeps them for the
 * known-finding predicates.
 */
enum tf_access_kind {
	TF_ACC_READ,
	TF_ACC_WRITE,
	TF_ACC_RMW,		/* atomic read-modify-write, the new value */
	TF_ACC_CMPXCHG_FAIL,	/* compare-and-exchange lost: the value found */
	TF_ACC_LOCK,
	TF_ACC_UNLOCK,
	TF_ACC_RCU_LOCK,
	TF_ACC_RCU_UNLOCK,
	TF_NR_ACCESS_KINDS
};
extern void (*tf_access_hook)(enum tf_access_kind kind, const char *site,
			      const volatile void *addr, unsigned long val,
			      const struct tf_loc *loc);
static inline void tf_access_at(enum tf_access_kind kind, const char *site,
				const volatile void *addr, unsigned long val,
				const struct tf_loc *loc)
{
	if (__builtin_expect(tf_access_hook != NULL, 0))
		tf_access_hook(kind, site, addr, val, loc);
}
#define tf_access(kind, site, addr, val) \
	tf_access_at((kind), (site), (addr), (val), TF_HERE(site))

enum tf_check_kind {
	TF_CHECK_WARN,		/* WARN/WARN_ON/WARN_ONCE/VM_WARN_ON */
	TF_CHECK_BUG,		/* BUG/BUG_ON/VM_BUG_ON: ends the scenario */
	TF_CHECK_LIST,		/* CONFIG_DEBUG_LIST corruption report */
	TF_CHECK_SLEEP,		/* might_sleep() in atomic context */
	TF_CHECK_RECURSION,	/* allocator re-entered past the depth guard */
	TF_CHECK_DEADLOCK,	/* a lock or grace period that can never be had */
	TF_CHECK_BAD_PAGE,	/* bad_page(): page state wrong on alloc/free */
};

/*
 * Report a kernel check.  Every occurrence is reported, including the
 * ones a WARN_ONCE would print only once.  @site names the check (a
 * function or the message), @msg is the formatted text.  For a BUG the
 * call does not return: it unwinds to the harness.
 */
void tf_report_check(enum tf_check_kind kind, const char *func,
		     const char *site, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
_Noreturn void tf_report_bug(enum tf_check_kind kind, const char *func,
			     const char *site, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A tag ref in page_ext is read or written (pgalloc_tag.h): a check that
 * the table was not freed by memory offlining meanwhile (a BUG if it was:
 * a use-after-free).  Costs a load while no table has been freed.
 */
extern unsigned int tf_page_ext_nr_freed;
void tf_page_ext_freed_access(const void *ref);
static inline void tf_page_ext_access(const void *ref)
{
	if (__builtin_expect(__atomic_load_n(&tf_page_ext_nr_freed, __ATOMIC_RELAXED) != 0, 0))
		tf_page_ext_freed_access(ref);
}

/* printk at warning level and above: counted and traced, never a finding. */
void tf_report_printk(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Build-time kernel options that a scenario chooses per run.  The kernel
 * decides these with #ifdef; the port asks these flags at the same places.
 */
struct tf_kconfig {
	bool mem_alloc_profiling_debug;	/* CONFIG_MEM_ALLOC_PROFILING_DEBUG */
	bool mem_alloc_profiling;	/* mem_alloc_profiling_key */
};
extern struct tf_kconfig tf_kconfig;

#endif /* _TAGFUZZ_HARNESS_H */
