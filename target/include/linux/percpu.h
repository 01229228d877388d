/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data the way the kernel lays it out: one unit per CPU, a
 * per-CPU pointer is the CPU 0 address, and CPU n's copy sits n units
 * further on.  So `this_cpu_add(tag->counters->bytes, x)` reads as it
 * does in the kernel and touches only the running CPU's copy.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/compiler.h>

#define TF_PCPU_UNIT	(64 * 1024)
#define NR_CPUS		TF_MAX_CPUS

/* Allocate @size bytes in every CPU's unit; returns the CPU 0 address. */
void *tf_pcpu_alloc(size_t size, size_t align);
#define alloc_percpu(type) \
	((type __percpu *)tf_pcpu_alloc(sizeof(type), _Alignof(type)))

#define per_cpu_ptr(ptr, cpu) \
	((typeof(ptr))((char *)(ptr) + (size_t)(cpu) * TF_PCPU_UNIT))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, tf_cur_cpu)
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)

#define __this_cpu_lval(var) \
	(*(typeof(&(var)))((char *)&(var) + (size_t)tf_cur_cpu * TF_PCPU_UNIT))

/* Relaxed atomics: other CPUs read these copies when summing. */
#define this_cpu_add(var, val) \
	((void)__atomic_fetch_add(&__this_cpu_lval(var), (val), __ATOMIC_RELAXED))
#define this_cpu_sub(var, val)	this_cpu_add(var, -(typeof(var))(val))
#define this_cpu_inc(var)	this_cpu_add(var, 1)
#define this_cpu_dec(var)	this_cpu_sub(var, 1)
#define per_cpu_read(var, cpu) \
	__atomic_load_n((typeof(&(var)))((char *)&(var) + (size_t)(cpu) * TF_PCPU_UNIT), \
			__ATOMIC_RELAXED)

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < tf_nr_cpus; (cpu)++)
/* Other CPUs read the online state while hotplug changes it. */
#define cpu_online(cpu)	__atomic_load_n(&tf_cpus[cpu].online, __ATOMIC_ACQUIRE)
#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < tf_nr_cpus; (cpu)++) if (!cpu_online(cpu)) {} else

#endif /* _LINUX_PERCPU_H */
