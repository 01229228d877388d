// SPDX-License-Identifier: GPL-2.0
/*
 * The zonelists of mm/page_alloc.c (CONFIG_NUMA): each node's fallback
 * list holds its own zone first, then the other nodes' in the order
 * find_next_best_node_in() picks -- nearest first, the next node before
 * the ones under it, nodes without CPUs before nodes with, round-robin
 * between equals through node_load[] -- and its __GFP_THISNODE list its
 * own zone only.  Built once at boot (build_all_zonelists(NULL) in
 * SYSTEM_BOOTING); no memory hotplug rebuilds them here.
 */
#include <linux/limits.h>
#include <linux/string.h>

#include "internal.h"

static void zoneref_set_zone(struct zone *zone, struct zoneref *zoneref)
{
	zoneref->zone = zone;
	zoneref->zone_idx = zone_idx(zone);
}

/*
 * Builds allocation fallback zone lists.
 *
 * Add all populated zones of a node to the zonelist.
 */
static int build_zonerefs_node(pg_data_t *pgdat, struct zoneref *zonerefs)
{
	struct zone *zone;
	enum zone_type zone_type = MAX_NR_ZONES;
	int nr_zones = 0;

	do {
		zone_type--;
		zone = pgdat->node_zones + zone_type;
		if (populated_zone(zone))
			zoneref_set_zone(zone, &zonerefs[nr_zones++]);
	} while (zone_type);

	return nr_zones;
}

static int node_load[MAX_NUMNODES];

/*
 * find_next_best_node_in - find the next node that should appear in a
 * given node's fallback list: not in it yet, the nearest by distance,
 * preferring the next node over the ones under it and nodes without CPUs
 * (little allocation pressure on them), then the less loaded one.
 */
static int find_next_best_node_in(int node, nodemask_t *used_node_mask,
				  const nodemask_t *candidates)
{
	int n, val;
	int min_val = INT_MAX;
	int best_node = NUMA_NO_NODE;

	/*
	 * Use the local node if we haven't already, but for memoryless local
	 * node, we should skip it and fall back to other nodes.
	 */
	if (!node_isset(node, *used_node_mask) && node_isset(node, *candidates)) {
		node_set(node, *used_node_mask);
		return node;
	}

	for_each_node_mask(n, *candidates) {

		/* Don't want a node to appear more than once */
		if (node_isset(n, *used_node_mask))
			continue;

		/* Use the distance array to find the distance */
		val = node_distance(node, n);

		/* Penalize nodes under us ("prefer the next node") */
		val += (n < node);

		/* Give preference to headless and unused nodes */
		if (!cpumask_empty(cpumask_of_node(n)))
			val += PENALTY_FOR_NODE_WITH_CPUS;

		/* Slight preference for less loaded node */
		val *= MAX_NUMNODES;
		val += node_load[n];

		if (val < min_val) {
			min_val = val;
			best_node = n;
		}
	}

	if (best_node >= 0)
		node_set(best_node, *used_node_mask);

	return best_node;
}

/*
 * Build __GFP_THISNODE zonelists
 */
static void build_thisnode_zonelists(pg_data_t *pgdat)
{
	struct zoneref *zonerefs;
	int nr_zones;

	zonerefs = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	nr_zones = build_zonerefs_node(pgdat, zonerefs);
	zonerefs += nr_zones;
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;
}

/*
 * Build one zonelist ordered by node and zones within node.
 */
static void build_node_zonelist(pg_data_t *pgdat, const nodemask_t *candidates,
				int zlidx)
{
	struct zoneref *zonerefs = pgdat->node_zonelists[zlidx]._zonerefs;
	nodemask_t used_mask = NODE_MASK_NONE;
	int local_node = pgdat->node_id;
	int prev_node = local_node;
	int node;

	while ((node = find_next_best_node_in(local_node, &used_mask,
					      candidates)) >= 0) {
		/*
		 * We don't want to pressure a particular node.
		 * So adding penalty to the first node in same
		 * distance group to make it round-robin.
		 */
		if (node_distance(local_node, node) !=
		    node_distance(local_node, prev_node))
			node_load[node] += 1;

		zonerefs += build_zonerefs_node(NODE_DATA(node), zonerefs);
		prev_node = node;
	}

	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;
}

static void build_zonelists(pg_data_t *pgdat)
{
	build_node_zonelist(pgdat, &node_states[N_MEMORY], ZONELIST_FALLBACK);
	build_thisnode_zonelists(pgdat);
}

static void __build_all_zonelists(void *data)
{
	int nid;

	(void)data;
	memset(node_load, 0, sizeof(node_load));

	/*
	 * All possible nodes have pgdat preallocated
	 * in free_area_init
	 */
	for_each_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		build_zonelists(pgdat);
	}
}

/* At boot (SYSTEM_BOOTING): no zonelist_update_seq, no pr_info. */
void build_all_zonelists(pg_data_t *pgdat)
{
	__build_all_zonelists(pgdat);
}
