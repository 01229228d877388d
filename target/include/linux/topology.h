/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU and node topology of the simulated machine: which node each CPU
 * sits on (the machine maps CPU c to node c % nodes), which CPUs each
 * node has, and the node distances.  No SLIT: every remote node is
 * REMOTE_DISTANCE away, as the kernel assumes without a distance table.
 * No memoryless nodes: numa_mem_id() is numa_node_id().
 */
#ifndef _LINUX_TOPOLOGY_H
#define _LINUX_TOPOLOGY_H

#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/sched.h>

#define LOCAL_DISTANCE		10
#define REMOTE_DISTANCE		20
#define PENALTY_FOR_NODE_WITH_CPUS	(1)

static inline int node_distance(int from, int to)
{
	return from == to ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

/* drivers/base/arch_numa.c keeps the same map; the machine fills it at boot. */
extern int cpu_to_node_map[NR_CPUS];

static inline int cpu_to_node(int cpu)
{
	return cpu_to_node_map[cpu];
}

static inline int numa_node_id(void)
{
	return cpu_to_node(raw_smp_processor_id());
}

static inline int numa_mem_id(void)
{
	return numa_node_id();
}

struct cpumask { unsigned long bits[1]; };
extern struct cpumask node_to_cpumask_map[MAX_NUMNODES];

static inline const struct cpumask *cpumask_of_node(int node)
{
	return &node_to_cpumask_map[node];
}

static inline bool cpumask_empty(const struct cpumask *mask)
{
	return !mask->bits[0];
}

#endif /* _LINUX_TOPOLOGY_H */
