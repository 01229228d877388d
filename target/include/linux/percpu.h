/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data the way the kernel lays it out: one unit per CPU, a
 * per-CPU pointer is the CPU 0 address, and CPU n's copy sits n units
 * further on.  So `this_cpu_add(tag->counters->bytes, x)` reads as it
 * does in the kernel and touches only the running CPU's copy.
 *
 * Two allocators (target/sim/machine.c, target/sim/percpu.c):
 *
 * - tf_pcpu_alloc(): static per-CPU data (DEFINE_PER_CPU, and the
 *   harness's own long-lived users), never freed;
 * - alloc_percpu()/free_percpu(): objects of up to 16 bytes (module tag
 *   counters, struct alloc_tag_counters) come from a freeable area whose
 *   every slot has a recorded state.  free_percpu() poisons a slot and
 *   keeps it out of use for as long as it can (a FIFO quarantine), so a
 *   later use of the pointer is seen.  Larger objects (the zone's
 *   pageset) come from the static area: nothing frees one.
 *
 * Every this_cpu_*() and per_cpu_read() checks its address: one computed
 * from a NULL per-CPU pointer (the kernel adds the CPU's offset to NULL and
 * reaches into the CPU's per-CPU area, no fault) or into a freed slot is
 * reported (target/sim/percpu.c: a TF_PGF_EV_COUNTERS_USE event, which
 * the page-flag model turns into a finding) and redirected to a scratch
 * copy, so the run goes on.  An access to freeable per-CPU memory is also
 * a scheduling point, taken before the pointer is loaded: another CPU
 * may free the object between two such accesses of one path.  Accesses
 * to static per-CPU data are not points.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/compiler.h>

#define TF_PCPU_UNIT	(64 * 1024)
#define NR_CPUS		TF_MAX_CPUS

/* Allocate @size bytes in every CPU's unit; returns the CPU 0 address. */
void *tf_pcpu_alloc(size_t size, size_t align);
/* alloc_percpu(): zeroed, NULL when fault injection fails it.  @loc: the caller's place. */
void *tf_pcpu_dyn_alloc(size_t size, size_t align, const struct tf_loc *loc);
void tf_pcpu_dyn_free(void *ptr, const struct tf_loc *loc);
void tf_pcpu_dyn_release(void *ptr);	/* harness: a finished run's leftovers, not poisoned */
#define alloc_percpu(type) \
	((type __percpu *)tf_pcpu_dyn_alloc(sizeof(type), _Alignof(type), TF_HERE("alloc_percpu")))
#define free_percpu(ptr)	tf_pcpu_dyn_free((void *)(ptr), TF_HERE("free_percpu"))

/* The freeable area's CPU 0 addresses: [tf_pcpu_dyn_lo, tf_pcpu_dyn_hi). */
extern uintptr_t tf_pcpu_dyn_lo, tf_pcpu_dyn_hi;
#define TF_PCPU_NULL_WINDOW	4096	/* a NULL per-CPU pointer plus a field offset */

enum tf_pcpu_access {
	TF_PCPU_READ,
	TF_PCPU_ADD,
	TF_PCPU_SUB,
	TF_PCPU_INC,
	TF_PCPU_DEC,
};

/* What a per-CPU pointer points at (the observers ask; nothing is reported). */
enum tf_pcpu_state {
	TF_PCPU_STATIC,		/* static per-CPU data, or not per-CPU memory at all */
	TF_PCPU_NULLISH,	/* computed from NULL */
	TF_PCPU_LIVE,		/* an alloc_percpu() slot in use */
	TF_PCPU_FREED,		/* a slot free_percpu() gave back (or never handed out) */
};
enum tf_pcpu_state tf_pcpu_state(const void *ptr);

static inline bool tf_pcpu_watched(const void *ptr)
{
	uintptr_t a = (uintptr_t)ptr;

	return a < TF_PCPU_NULL_WINDOW || a - tf_pcpu_dyn_lo < tf_pcpu_dyn_hi - tf_pcpu_dyn_lo;
}

/* A CPU 0 address inside a live alloc_percpu() slot (the common case, inline). */
#define TF_PCPU_SLOT		16u
#define TF_PCPU_CHUNK_BYTES	((uintptr_t)TF_MAX_CPUS * TF_PCPU_UNIT)
extern uint8_t tf_pcpu_dyn_state[];	/* per slot: 1 live */
static inline bool tf_pcpu_dyn_live(const void *ptr)
{
	uintptr_t off = (uintptr_t)ptr - tf_pcpu_dyn_lo, in;

	if (off >= tf_pcpu_dyn_hi - tf_pcpu_dyn_lo)
		return false;
	in = off % TF_PCPU_CHUNK_BYTES;
	return in < TF_PCPU_UNIT &&
	       tf_pcpu_dyn_state[off / TF_PCPU_CHUNK_BYTES * (TF_PCPU_UNIT / TF_PCPU_SLOT) +
				 in / TF_PCPU_SLOT] == 1;
}

/*
 * @ptr is in freeable per-CPU memory or NULL-based: report a use of a
 * freed or NULL object, and give the address to use instead (@ptr itself
 * when the slot is live).  @what names the access, @func its function.
 */
void *tf_pcpu_use(void *ptr, enum tf_pcpu_access access, const char *what,
		  const char *func);

/*
 * The CPU 0 address of @var, checked: evaluated once to see whether it is
 * watched, then (after the scheduling point) again, as the kernel loads
 * the pointer when it gets to the access.
 */
#define __tf_pcpu_addr(var, access, what, loc) ({			\
	typeof(&(var)) __tf_a = &(var);					\
	if (__builtin_expect(tf_pcpu_watched(__tf_a), 0)) {		\
		tf_sched_point_at(what, loc);				\
		__tf_a = &(var);					\
		if (!tf_pcpu_dyn_live(__tf_a))				\
			__tf_a = (typeof(__tf_a))tf_pcpu_use((void *)__tf_a, \
							     (access), (what), __func__); \
	}								\
	__tf_a;								\
})

/*
 * Harness annotation for the kernel functions that reach module tag
 * counters, which clean_unused_counters() may have set NULL: the kernel
 * computes `&NULL->field` plus the CPU offset without a fault, so the
 * shim checks the address instead of UBSan's null check stopping the run.
 */
#define __tf_pcpu_may_be_null	__attribute__((no_sanitize("null")))

#define per_cpu_ptr(ptr, cpu) \
	((typeof(ptr))((char *)(ptr) + (size_t)(cpu) * TF_PCPU_UNIT))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, tf_cur_cpu)
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)

/*
 * Relaxed atomics: other CPUs read these copies when summing.  An access
 * to freeable per-CPU memory goes into a run's access record (the CPU 0
 * address, the CPU's copy after it) for the known-finding causes.
 */
#define __tf_this_cpu_add(var, val, access, what, api) ({		\
	const struct tf_loc *__tf_l = TF_HERE(api);			\
	typeof(&(var)) __tf_p = __tf_pcpu_addr(var, access, what, __tf_l); \
	typeof(var) __tf_v = __atomic_add_fetch((typeof(__tf_p))((char *)__tf_p + \
				 (size_t)tf_cur_cpu * TF_PCPU_UNIT),	\
				 (val), __ATOMIC_RELAXED);		\
	if (__builtin_expect(tf_pcpu_watched(__tf_p), 0))		\
		tf_access_at(TF_ACC_RMW, what, __tf_p, (unsigned long)__tf_v, __tf_l); \
	(void)__tf_v;							\
})
#define this_cpu_add(var, val) \
	__tf_this_cpu_add(var, val, TF_PCPU_ADD, "this_cpu_add(" #var ")", "this_cpu_add")
#define this_cpu_sub(var, val) \
	__tf_this_cpu_add(var, -(typeof(var))(val), TF_PCPU_SUB, "this_cpu_sub(" #var ")", \
			  "this_cpu_sub")
#define this_cpu_inc(var) \
	__tf_this_cpu_add(var, 1, TF_PCPU_INC, "this_cpu_inc(" #var ")", "this_cpu_inc")
#define this_cpu_dec(var) \
	__tf_this_cpu_add(var, -(typeof(var))1, TF_PCPU_DEC, "this_cpu_dec(" #var ")", \
			  "this_cpu_dec")
#define per_cpu_read(var, cpu) ({					\
	const struct tf_loc *__tf_l = TF_HERE("per_cpu_read");		\
	typeof(&(var)) __tf_p = __tf_pcpu_addr(var, TF_PCPU_READ,	\
					       "per_cpu read(" #var ")", __tf_l); \
	typeof(var) __tf_v = __atomic_load_n((typeof(__tf_p))((char *)__tf_p + \
					     (size_t)(cpu) * TF_PCPU_UNIT), __ATOMIC_RELAXED); \
	if (__builtin_expect(tf_pcpu_watched(__tf_p), 0))		\
		tf_access_at(TF_ACC_READ, "per_cpu read(" #var ")", __tf_p,	\
			     (unsigned long)__tf_v, __tf_l);		\
	__tf_v;								\
})
#define this_cpu_read(var)	per_cpu_read(var, tf_cur_cpu)

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < tf_nr_cpus; (cpu)++)
/* Other CPUs read the online state while hotplug changes it. */
#define cpu_online(cpu)	__atomic_load_n(&tf_cpus[cpu].online, __ATOMIC_ACQUIRE)
#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < tf_nr_cpus; (cpu)++) if (!cpu_online(cpu)) {} else

#endif /* _LINUX_PERCPU_H */
