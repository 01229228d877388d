// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated machine: memory map and page bodies, CPUs and their
 * current tasks, the per-CPU area, and boot.  Boot resets only what the
 * previous run could have touched.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "../mm/internal.h"
#include "tagfuzz/glue.h"
#include "tagfuzz/pgflags_sim.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/variants.h"
#include "tagfuzz/sim_internal.h"

struct tf_cpu_state tf_cpus[TF_MAX_CPUS];
tf_thread_local int tf_cur_cpu;
int tf_nr_cpus = 1;
struct tf_kconfig tf_kconfig;
void (*tf_sched_hook)(const char *what, const struct tf_loc *loc);
void (*tf_access_hook)(enum tf_access_kind kind, const char *site,
		       const volatile void *addr, unsigned long val,
		       const struct tf_loc *loc);
void (*tf_access_sink)(const struct tf_access_rec *a);

/*
 * The machine's topology (linux/topology.h, linux/mm.h): CPU c sits on
 * node c % nodes, every node's CPUs, and each section's node (mm/sparse.c's
 * table under NODE_NOT_IN_PAGE_FLAGS), from tf_machine_section_nid().
 */
int cpu_to_node_map[NR_CPUS];
struct cpumask node_to_cpumask_map[MAX_NUMNODES];
int section_to_node_table[NR_MEM_SECTIONS];

static struct page tf_memmap[TF_MAX_PAGES] __tf_forgettable;
struct page *mem_map = tf_memmap;
unsigned long max_pfn;
unsigned long tf_section_shift;

/* Page bodies: pool pages and page_ext tables live in here. */
static unsigned char tf_mem[TF_MAX_PAGES][4096] __tf_forgettable;

static struct task_struct tf_tasks[TF_MAX_CPUS];

static unsigned char tf_pcpu_area[TF_MAX_CPUS][TF_PCPU_UNIT]
	__attribute__((aligned(64)));
static size_t tf_pcpu_used;

void *tf_pcpu_alloc(size_t size, size_t align)
{
	size_t off = ALIGN(tf_pcpu_used, align);

	/* Static per-CPU data only: tags and pagesets, a few KiB in all. */
	if (off + size > TF_PCPU_UNIT)
		__builtin_trap();
	tf_pcpu_used = off + size;
	return &tf_pcpu_area[0][off];
}

/*
 * ThreadSanitizer stops watching a word once it has seen a race on it,
 * reported or suppressed (it marks the word's shadow), and the simulated
 * memory is the same static memory in every run of the stress mode: a
 * race on a tag ref in one run would hide every race on that word, from
 * any code, in all later runs, unless something rewrites the word's
 * shadow (the page_ext tables' zeroing does, except when the probe
 * clear_get_ref hides it: glue_page_ext.c).  So each boot maps fresh
 * memory over it: the mmap interceptor resets the shadow, and the pages
 * read zero as in a new process.
 */
void tf_tsan_forget(void *addr, unsigned long size)
{
#ifdef TF_REAL_THREADS
	if (mmap(addr, size, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0) != addr) {
		perror("tagfuzz: mmap over the simulated memory");
		abort();
	}
#else
	(void)addr;
	(void)size;
#endif
}
_Static_assert(sizeof(tf_memmap) % 4096 == 0, "tf_tsan_forget() maps whole pages");

void *page_address(const struct page *page)
{
	return tf_mem[page_to_pfn(page)];
}

struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(((const unsigned char *)addr - &tf_mem[0][0]) / PAGE_SIZE);
}

/*
 * Waits until no other CPU is inside a read-side section.  A reader on
 * this CPU can never leave: that is a deadlock, as is a reader elsewhere
 * when no scheduler runs the other CPUs.
 */
static int rcu_nesting_of(int cpu)
{
	return __atomic_load_n(&tf_cpus[cpu].rcu_nesting, __ATOMIC_SEQ_CST);
}

/*
 * Named synchronize_rcu (in parentheses: <linux/rcupdate.h> has a macro of
 * that name, which gives the caller's place) for might_sleep()'s and the
 * checks' __func__.
 */
static void (synchronize_rcu)(const struct tf_loc *loc)
{
	int cpu;

	might_sleep();
	tf_sched_point_at("synchronize_rcu", loc);
	if (rcu_nesting_of(tf_cur_cpu))
		tf_report_bug(TF_CHECK_DEADLOCK, __func__, "synchronize_rcu() waits forever",
			      "synchronize_rcu() on CPU%d inside its own read-side section",
			      tf_cur_cpu);
	for_each_possible_cpu(cpu) {
		if (!rcu_nesting_of(cpu))
			continue;
#ifdef TF_REAL_THREADS
		/* Real threads: that reader leaves its section by itself. */
		while (rcu_nesting_of(cpu))
			sched_yield();
		continue;
#endif
		if (tf_sched_active()) {
			tf_sched_block_on_rcu();
			cpu = -1;	/* look at every CPU again */
			continue;
		}
		tf_report_bug(TF_CHECK_DEADLOCK, __func__, "synchronize_rcu() waits forever",
			      "synchronize_rcu() on CPU%d waits for a reader on CPU%d",
			      tf_cur_cpu, cpu);
	}
}

void __tf_synchronize_rcu(const struct tf_loc *loc)
{
	(synchronize_rcu)(loc);
}

void tf_spin_wait(spinlock_t *lock)
{
	int owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	if (owner == tf_cur_cpu)
		tf_report_bug(TF_CHECK_DEADLOCK, __func__, "spinlock recursion",
			      "spinlock recursion on CPU%d", tf_cur_cpu);
#ifdef TF_REAL_THREADS
	sched_yield();	/* the holder runs on a thread of its own */
	return;
#endif
	if (tf_sched_active()) {
		tf_sched_block_on_lock(lock);
		return;
	}
	tf_report_bug(TF_CHECK_DEADLOCK, __func__, "spinlock held forever",
		      "CPU%d spins on a lock CPU%d holds and cannot release",
		      tf_cur_cpu, owner);
}

/* Harness state that ops on several CPUs share; never a scheduling point. */
static int tf_harness_lock_word;

void tf_harness_lock(void)
{
	while (__atomic_exchange_n(&tf_harness_lock_word, 1, __ATOMIC_ACQUIRE)) {
#ifndef TF_REAL_THREADS
		/*
		 * One thread runs every fiber: the holder switched away at a
		 * scheduling point under the lock and nothing can release it.
		 * A harness bug: stop here rather than spin for ever.
		 */
		fprintf(stderr, "tagfuzz: harness lock taken on CPU%d while held: a scheduling point under it\n",
			tf_cur_cpu);
		abort();
#endif
		sched_yield();
	}
}

void tf_harness_unlock(void)
{
	__atomic_store_n(&tf_harness_lock_word, 0, __ATOMIC_RELEASE);
}

/* The machine's watermark setting, for init_per_zone_wmark_min(). */
static uint8_t tf_wmark;

/* Each zone's share of the min watermark is its share of the memory, as upstream. */
/*
 * The watermark stores, under a name fuzz/tsan.supp can give
 * (tagfuzz/racy.h): upstream's __setup_per_zone_wmarks() makes them with
 * plain stores while, after memory hotplug, other CPUs' allocations read
 * them with plain loads and no lock (wmark_pages()).
 */
static noinline void tf_racy_zone_set_wmarks(struct zone *zone, unsigned long min)
{
	zone->_watermark[WMARK_MIN] = min;
	zone->_watermark[WMARK_LOW] = min + min / 4 + 1;
	zone->_watermark[WMARK_HIGH] = min + min / 2 + 2;
}

static void tf_set_watermarks(const struct tf_machine *m)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		tf_racy_zone_set_wmarks(zone, max(1UL, zone_managed_pages(zone) *
						  (m->wmark + 1) / 128));
}

/*
 * The nodes: which node each section and each CPU is on (setup_arch()'s
 * NUMA init: set_section_nid() for the memory, the CPU-to-node map from
 * the firmware), and the node states.  Every CPU the machine has is in
 * its node's cpumask from boot.
 */
static void tf_numa_boot(const struct tf_machine *m)
{
	unsigned int nodes = tf_machine_nodes(m), s;
	int cpu, nid;

	for (s = 0; s < NR_MEM_SECTIONS; s++)
		set_section_nid(s, tf_machine_section_nid(m, s));
	memset(node_to_cpumask_map, 0, sizeof(node_to_cpumask_map));
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		cpu_to_node_map[cpu] = tf_machine_cpu_nid(m, cpu);
		if (cpu < m->nr_cpus)
			node_to_cpumask_map[cpu_to_node_map[cpu]].bits[0] |= 1UL << cpu;
	}
	memset(node_states, 0, sizeof(node_states));
	for (nid = 0; nid < (int)nodes; nid++) {
		node_set(nid, node_states[N_POSSIBLE]);
		node_set(nid, node_states[N_ONLINE]);
		node_set(nid, node_states[N_MEMORY]);
		if (!cpumask_empty(cpumask_of_node(nid)))
			node_set(nid, node_states[N_CPU]);
	}
	nr_online_nodes = nodes;
}

void tf_machine_boot(const struct tf_machine *m)
{
	int cpu;

	tf_nr_cpus = m->nr_cpus;
	tf_pcp_variant = m->pcp ? m->pcp_variant : TF_PCP_UPSTREAM;
	tf_kconfig.mem_alloc_profiling_debug = m->debug;
	tf_kconfig.mem_alloc_profiling = m->profiling;

	for (cpu = 0; cpu < TF_MAX_CPUS; cpu++) {
		memset(&tf_cpus[cpu], 0, sizeof(tf_cpus[cpu]));
		memset(&tf_tasks[cpu], 0, sizeof(tf_tasks[cpu]));
		tf_tasks[cpu].comm = "swapper";
		tf_cpus[cpu].task = &tf_tasks[cpu];
	}
	tf_cpus[0].online = true;
	tf_cur_cpu = 0;

	tf_section_shift = __builtin_ctz(m->section_pages);
	/* The memory map covers the sections memory hotplug adds later too. */
	max_pfn = tf_machine_pages(m);
	tf_max_page_order = tf_machine_max_order(m);
	tf_tsan_forget(tf_memmap, sizeof(tf_memmap));
	tf_tsan_forget(tf_mem, sizeof(tf_mem));
	/* Pages past max_pfn are never looked at (pfn_valid()): this run's only. */
	memset(tf_memmap, 0, max_pfn * sizeof(struct page));

	tf_numa_boot(m);
	tf_tags_reset();
	tf_fault_reset();
	tf_pgflags_boot(m);	/* page-flag mode: before page_ext's need callbacks */
	tf_page_ext_reset(m->nr_sections);
	tf_memory_notifier_reset();
	tf_tracker = m->tracker;
	tf_alloc_tag_boot();
	tf_page_alloc_init((unsigned long)m->section_pages * m->nr_sections, max_pfn);
	tf_wmark = m->wmark;
	tf_memory_failure_reset();
	tf_set_watermarks(m);
	tf_callers_reset();
	if (tf_pgf_mode)
		tf_sim_page_ext_init_early();
}

/*
 * mm/page_alloc.c's init_per_zone_wmark_min() after memory hotplug: the
 * watermarks again, from the managed pages the zone has now (the port's
 * watermarks are the machine's wmark= fraction of them, not
 * min_free_kbytes' square root).
 */
void init_per_zone_wmark_min(void)
{
	struct tf_machine m = { .wmark = tf_wmark };
	struct zone *zone;

	if (!tf_racy_probe_on(zone_set_wmarks)) {
		tf_set_watermarks(&m);
		return;
	}
	/* The stress probe (tagfuzz/racy.h): the stores made here instead. */
	for_each_populated_zone(zone) {
		unsigned long min = max(1UL, zone_managed_pages(zone) * (tf_wmark + 1) / 128);

		zone->_watermark[WMARK_MIN] = min;
		zone->_watermark[WMARK_LOW] = min + min / 4 + 1;
		zone->_watermark[WMARK_HIGH] = min + min / 2 + 2;
	}
}

/* PRESSURE: move every zone's watermarks relative to what it has free now. */
void tf_machine_pressure(const struct tf_machine *m, unsigned int level)
{
	struct zone *zone;

	if (!level) {
		tf_set_watermarks(m);
		return;
	}
	for_each_populated_zone(zone) {
		unsigned long free = max(0L, zone_free_pages(zone));

		switch (level) {
		case 1:	/* fast path (low) fails, slow path (min) passes */
			zone->_watermark[WMARK_MIN] = free / 2;
			zone->_watermark[WMARK_LOW] = free + 1;
			break;
		case 2:	/* only reserve users (__GFP_HIGH, atomic) pass */
			zone->_watermark[WMARK_MIN] = free + 1;
			zone->_watermark[WMARK_LOW] = free + 2;
			break;
		default: /* only ALLOC_NO_WATERMARKS passes */
			zone->_watermark[WMARK_MIN] = 4 * free + 8;
			zone->_watermark[WMARK_LOW] = 4 * free + 9;
			break;
		}
		zone->_watermark[WMARK_HIGH] = zone->_watermark[WMARK_LOW] + 1;
	}
}
