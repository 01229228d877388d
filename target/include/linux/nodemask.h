/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node masks and node states, for a machine of at most MAX_NUMNODES
 * (TF_MAX_NODES) nodes: one word.  The simulated machine sets
 * node_states[] and nr_online_nodes at boot (every node it has is
 * possible, online and has memory; no memoryless or hot-added nodes).
 */
#ifndef _LINUX_NODEMASK_H
#define _LINUX_NODEMASK_H

#include <linux/compiler.h>

#include "tagfuzz/limits.h"

#define MAX_NUMNODES	TF_MAX_NODES
#define NUMA_NO_NODE	(-1)

typedef struct { unsigned long bits[1]; } nodemask_t;

#define NODE_MASK_NONE	((nodemask_t){ { 0 } })
#define node_isset(node, mask)	(((mask).bits[0] >> (node)) & 1)
#define node_set(node, mask)	((mask).bits[0] |= 1UL << (node))

#define for_each_node_mask(node, mask)					\
	for ((node) = 0; (node) < MAX_NUMNODES; (node)++)		\
		if (!node_isset(node, mask)) {} else

enum node_states {
	N_POSSIBLE,		/* The node could become online at some point */
	N_ONLINE,		/* The node is online */
	N_MEMORY,		/* The node has memory */
	N_CPU,			/* The node has one or more cpus */
	NR_NODE_STATES
};

extern nodemask_t node_states[NR_NODE_STATES];
extern unsigned int nr_online_nodes;

#define node_state(node, state)		node_isset(node, node_states[state])
#define node_online(node)		node_state(node, N_ONLINE)
#define for_each_node_state(node, state)	for_each_node_mask(node, node_states[state])
#define for_each_node(node)		for_each_node_state(node, N_POSSIBLE)
#define for_each_online_node(node)	for_each_node_state(node, N_ONLINE)
#define first_online_node		0

#endif /* _LINUX_NODEMASK_H */
