// SPDX-License-Identifier: GPL-2.0
/*
 * Interleaving coverage.  Code coverage cannot tell two schedules that
 * take the same branches apart, so nothing rewards a schedule for getting
 * closer to the one a race needs.  At every access of a run of concurrent
 * ops this counts the pair (the last access to the same object by each
 * other CPU, this access), keyed by both sites' names and access kinds
 * (MUZZ's thread-aware coverage, Krace's alias pairs), into counters the
 * engines read as coverage: libFuzzer's extra counters, and AFL++'s edge
 * map when the binary has one.  A pair is a new feature the first time a
 * schedule makes it happen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interleave.h"

#define NR_COUNTERS	8192	/* libFuzzer's extra counters */
#define NR_OBJS		(1u << TF_OBJ_SLOT_BITS)	/* objects remembered per run, direct-mapped */
#define NR_SITES	512	/* site name hashes, memoised by pointer */

/* libFuzzer reads (and clears before each input) this section. */
__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t counters[NR_COUNTERS];

/* AFL++'s shared edge map, when the binary was built by afl-clang-*. */
extern uint8_t *__afl_area_ptr __attribute__((weak));
extern uint32_t __afl_map_size __attribute__((weak));

struct obj {
	const volatile void *addr;
	unsigned long gen;
	uint32_t last[TF_MAX_CPUS];	/* each CPU's last access: site ^ kind, 0 none */
};

static struct obj objs[NR_OBJS];
static unsigned long gen;
static int enabled = -1;
static unsigned long nr_pairs;

static struct {
	const char *site;
	uint32_t hash;
} sites[NR_SITES];

bool tf_interleave_enabled(void)
{
	if (enabled < 0) {
		const char *e = getenv("TAGFUZZ_INTERLEAVING_COVERAGE");

		enabled = !(e && !strcmp(e, "0"));
	}
	return enabled;
}

void tf_interleave_reset(void)
{
	gen++;	/* every object entry of an earlier run is stale */
}

unsigned long tf_interleave_pairs(void)
{
	return nr_pairs;
}

/* FNV-1a of the site's name: stable across builds and address layouts. */
static uint32_t site_hash(const char *site)
{
	size_t i = ((uintptr_t)site >> 3) % NR_SITES;
	uint32_t h = 2166136261u;
	const char *p;

	if (sites[i].site == site)
		return sites[i].hash;
	for (p = site; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	sites[i].site = site;
	sites[i].hash = h | 1;	/* never 0: 0 means no access */
	return sites[i].hash;
}

static void hit(uint32_t prev, uint32_t cur)
{
	uint32_t h = (prev * 0x9e3779b1u) ^ cur;

	h ^= h >> 15;
	nr_pairs++;
	if (counters[h % NR_COUNTERS] < 255)
		counters[h % NR_COUNTERS]++;
	if (&__afl_area_ptr && __afl_area_ptr && &__afl_map_size && __afl_map_size)
		__afl_area_ptr[(h ^ 0x5bd1e995u) % __afl_map_size]++;
}

void tf_interleave_access(const struct tf_access_rec *a)
{
	uint32_t key;
	struct obj *o;
	int c;

	if (!tf_interleave_enabled() || a->cpu < 0 || a->cpu >= TF_MAX_CPUS)
		return;
	key = site_hash(a->site) ^ ((uint32_t)a->kind * 0x01000193u);
	key |= 1;
	o = &objs[tf_obj_slot(a->addr)];
	if (o->gen != gen || o->addr != a->addr) {
		memset(o, 0, sizeof(*o));
		o->gen = gen;
		o->addr = a->addr;
	}
	for (c = 0; c < TF_MAX_CPUS; c++)
		if (c != a->cpu && o->last[c])
			hit(o->last[c], key);
	o->last[a->cpu] = key;
}
