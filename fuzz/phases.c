// SPDX-License-Identifier: GPL-2.0
/*
 * Boot phases (phases.h).  The order is upstream's:
 *
 *  early page_ext (every CONFIG_MEM_ALLOC_PROFILING_DEBUG kernel, or the
 *  early_page_ext boot parameter): start_kernel() -> mm_core_init():
 *  memblock_free_all(), the allocations of kmem_cache_init() ...
 *  vmalloc_init(), then page_ext_init() itself (defer_init() never
 *  defers, so deferred_struct_pages is false) -- all on the boot CPU
 *  before sched_init(), rcu_init() and local_irq_enable(); smp_init()
 *  comes later from kernel_init_freeable().
 *
 *  deferred page_ext (non-debug, early_page_ext off, struct pages
 *  deferred): start_kernel() on the boot CPU, smp_init(), then
 *  page_alloc_init_late() and page_ext_init() from kernel_init_freeable()
 *  while the other CPUs run.
 *
 * After page_ext_init() returns everything may happen: CPU hotplug,
 * memory hotplug, migration, module loading, sysctl writes, any
 * interleaving -- but memory hotplug never beside CPU hotplug:
 * mem_hotplug_begin() takes cpus_read_lock() (mm/memory_hotplug.c).
 */
#include <string.h>

#include "phases.h"

const char *const tf_what_if_names[TF_NR_WHAT_IF] = {
	[TF_WHAT_IF_NONE] = "none",
	[TF_WHAT_IF_SMP_EARLY_BOOT] = "smp-early-boot",
};

int tf_what_if_by_name(const char *name)
{
	for (int i = 0; i < TF_NR_WHAT_IF; i++)
		if (!strcmp(name, tf_what_if_names[i]))
			return i;
	return -1;
}

/* What each op kind needs. */
enum tf_op_need {
	TF_NEED_ANY,		/* allocations, harness knobs, page_ext_init()'s own steps */
	TF_NEED_NO_PEXT_LOOP,	/* frees: not inside an early page_ext_init()'s loop */
	TF_NEED_SMP,		/* cpu_up: smp_init(), or hotplug after boot */
	TF_NEED_RUNTIME,	/* things only a booted system does */
};

static const unsigned char op_need[TF_NR_OPS] = {
	[TF_OP_ALLOC] = TF_NEED_ANY,
	[TF_OP_FREE] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_SPLIT] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_FREE_EXACT] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_PEXT_ONLINE] = TF_NEED_ANY,
	[TF_OP_PEXT_INIT] = TF_NEED_ANY,
	[TF_OP_PRESSURE] = TF_NEED_ANY,
	[TF_OP_FAIL_NEXT] = TF_NEED_ANY,
	[TF_OP_CPU_UP] = TF_NEED_SMP,
	[TF_OP_CPU_DOWN] = TF_NEED_RUNTIME,
	[TF_OP_BURST] = TF_NEED_ANY,
	[TF_OP_DRAIN] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_MIGRATE] = TF_NEED_RUNTIME,
	[TF_OP_START] = TF_NEED_ANY,
	[TF_OP_RUN] = TF_NEED_ANY,
	[TF_OP_PREEMPT] = TF_NEED_ANY,
	[TF_OP_TAGALLOC] = TF_NEED_ANY,
	[TF_OP_MOD_LOAD] = TF_NEED_RUNTIME,
	[TF_OP_MOD_UNLOAD] = TF_NEED_RUNTIME,
	[TF_OP_PGFLAG] = TF_NEED_ANY,
	[TF_OP_PROF_SHUTDOWN] = TF_NEED_RUNTIME,
	[TF_OP_PROF_SYSCTL] = TF_NEED_RUNTIME,
	[TF_OP_ISOLATE] = TF_NEED_RUNTIME,
	[TF_OP_FREE_BATCH] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_FREE_NOLOCK] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_MEM_ONLINE] = TF_NEED_RUNTIME,
	[TF_OP_MEM_OFFLINE] = TF_NEED_RUNTIME,
	/* a reference taken or dropped by kernel code: the last put frees */
	[TF_OP_GET_PAGE] = TF_NEED_NO_PEXT_LOOP,
	[TF_OP_PUT_PAGE] = TF_NEED_NO_PEXT_LOOP,
	/* hwpoison-inject's corrupt-pfn and unpoison-pfn: debugfs, user space */
	[TF_OP_POISON] = TF_NEED_RUNTIME,
	[TF_OP_UNPOISON] = TF_NEED_RUNTIME,
};

static bool cpu_hotplug_op(const struct tf_op *op)
{
	return op->kind == TF_OP_CPU_UP || op->kind == TF_OP_CPU_DOWN;
}

static bool mem_hotplug_op(const struct tf_op *op)
{
	return op->kind == TF_OP_MEM_ONLINE || op->kind == TF_OP_MEM_OFFLINE;
}

void tf_phase_begin(struct tf_phase_state *st, const struct tf_machine *m)
{
	memset(st, 0, sizeof(*st));
	st->early_config = m->debug || m->early_page_ext;
	st->what_if = m->what_if != TF_WHAT_IF_NONE;
	/* Page-flag mode boots with page_ext initialised (callers.c). */
	st->phase = m->pgflag_bits ? TF_PHASE_RUNTIME : TF_PHASE_EARLY;
}

bool tf_phase_boot_cpu_only(const struct tf_phase_state *st)
{
	return st->phase == TF_PHASE_EARLY ||
	       (st->early_config && st->phase == TF_PHASE_PEXT);
}

enum tf_phase_action tf_phase_need(const struct tf_phase_state *st, const struct tf_op *op,
				   const char **rule)
{
	/*
	 * Memory hotplug comes after boot in the what-if mode too: that mode is
	 * about other CPUs during early boot, and onlining memory before
	 * page_ext_init() registered its notifier is no order the kernel has.
	 */
	if (st->what_if && st->phase != TF_PHASE_RUNTIME && mem_hotplug_op(op)) {
		*rule = "before page_ext_init has returned: memory hotplug comes after boot";
		return TF_PHASE_FINISH_PEXT;
	}
	/* A lock, not the boot order: the what-if mode keeps it. */
	if (op->async && ((mem_hotplug_op(op) && st->started_cpu_hotplug) ||
			  (cpu_hotplug_op(op) && st->started_mem_hotplug))) {
		*rule = "beside CPU hotplug: mem_hotplug_begin() takes cpus_read_lock(), so "
			"memory and CPU hotplug never run at once";
		return TF_PHASE_RUN_NOW;
	}
	if (st->what_if)
		return TF_PHASE_OK;
	switch (op->kind < TF_NR_OPS ? op_need[op->kind] : TF_NEED_ANY) {
	case TF_NEED_NO_PEXT_LOOP:
		if (st->early_config && st->phase == TF_PHASE_PEXT) {
			*rule = "inside page_ext_init: between its first section and its init "
				"callbacks the boot CPU runs only page_ext_init's own allocations "
				"(alloc_page_ext(), kmemleak, vmalloc)";
			return TF_PHASE_FINISH_PEXT;
		}
		break;
	case TF_NEED_SMP:
		if (st->early_config && st->phase != TF_PHASE_RUNTIME) {
			*rule = "before page_ext_init: a debug kernel (early_page_ext) initialises "
				"page_ext on the boot CPU in mm_core_init(), before smp_init";
			return TF_PHASE_FINISH_PEXT;
		}
		if (!st->early_config && st->phase == TF_PHASE_PEXT) {
			*rule = "during page_ext_init: with deferred page_ext it runs from "
				"kernel_init_freeable() after smp_init, and no CPU is hotplugged "
				"before init has finished";
			return TF_PHASE_FINISH_PEXT;
		}
		break;
	case TF_NEED_RUNTIME:
		if (st->phase != TF_PHASE_RUNTIME) {
			*rule = "before page_ext_init has returned: CPU hot-unplug, memory "
				"hotplug, migration, pageblock isolation, module loading, sysctl "
				"writes and hwpoison injection come after boot";
			return TF_PHASE_FINISH_PEXT;
		}
		break;
	}

	if (op->async && tf_phase_boot_cpu_only(st)) {
		*rule = st->early_config ?
			"before page_ext_init: the boot CPU runs alone (start_kernel(), IRQs off, "
			"no scheduler) until after page_ext_init and smp_init" :
			"before smp_init: the boot CPU runs alone (start_kernel(), IRQs off, "
			"no scheduler)";
		return TF_PHASE_RUN_NOW;
	}
	return TF_PHASE_OK;
}

bool tf_phase_what_if_allows(const struct tf_phase_state *st, const struct tf_op *op)
{
	struct tf_phase_state w = *st;
	const char *rule;

	w.what_if = true;
	return !st->what_if && tf_phase_need(&w, op, &rule) == TF_PHASE_OK;
}


enum tf_phase tf_op_phase(const struct tf_phase_state *st, const struct tf_op *op)
{
	if ((op->kind == TF_OP_PEXT_ONLINE || op->kind == TF_OP_PEXT_INIT) &&
	    st->phase != TF_PHASE_RUNTIME)
		return TF_PHASE_PEXT;
	return st->phase;
}

void tf_phase_step(struct tf_phase_state *st, const struct tf_op *op)
{
	if (op->async && cpu_hotplug_op(op))
		st->started_cpu_hotplug = true;
	if (op->async && mem_hotplug_op(op))
		st->started_mem_hotplug = true;
	switch (op->kind) {
	case TF_OP_PEXT_ONLINE:
		if (st->phase == TF_PHASE_EARLY || st->phase == TF_PHASE_SMP)
			st->phase = TF_PHASE_PEXT;
		break;
	case TF_OP_PEXT_INIT:
		if (st->phase == TF_PHASE_RUNTIME)
			break;
		if (op->async) {
			st->phase = TF_PHASE_PEXT;
			st->pext_init_started = true;
		} else {
			st->phase = TF_PHASE_RUNTIME;
		}
		break;
	case TF_OP_CPU_UP:
		if (!st->early_config && st->phase == TF_PHASE_EARLY)
			st->phase = TF_PHASE_SMP;
		break;
	case TF_OP_RUN:
		st->started_cpu_hotplug = st->started_mem_hotplug = false;
		if (st->pext_init_started) {
			st->phase = TF_PHASE_RUNTIME;
			st->pext_init_started = false;
		}
		break;
	default:
		break;
	}
}

const char *tf_phase_name(enum tf_phase p)
{
	static const char *const names[TF_NR_PHASES] = {
		[TF_PHASE_EARLY] = "early",
		[TF_PHASE_SMP] = "smp",
		[TF_PHASE_PEXT] = "page_ext_init",
		[TF_PHASE_RUNTIME] = "runtime",
	};

	return p < TF_NR_PHASES ? names[p] : "?";
}

const char *tf_phase_what(const struct tf_phase_state *st)
{
	switch (st->phase) {
	case TF_PHASE_EARLY:
		return st->early_config ?
			"start_kernel() on the boot CPU alone (IRQs off, no scheduler, RCU idle); "
			"page_ext_init() comes from mm_core_init()" :
			"start_kernel() on the boot CPU alone; deferred page_ext: smp_init() "
			"comes first";
	case TF_PHASE_SMP:
		return "smp_init() has run; page_ext_init() comes later, from "
		       "kernel_init_freeable() (deferred struct page init)";
	case TF_PHASE_PEXT:
		return st->early_config ?
			"mm_core_init() walks the sections on the boot CPU" :
			"kernel_init_freeable() walks the sections while the other CPUs run";
	case TF_PHASE_RUNTIME:
	default:
		return st->early_config ?
			"page_ext_init() has returned; smp_init() and everything after" :
			"page_ext_init() has returned";
	}
}
