// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_percpu() and free_percpu() that really free (issue 16), and the
 * check behind every this_cpu_*() and per_cpu_read() (linux/percpu.h).
 *
 * Objects of up to 16 bytes (struct alloc_tag_counters: module tag
 * counters, allocated by load_module() and freed by
 * clean_unused_counters()) live in slots of a freeable area laid out as
 * the kernel lays out per-CPU chunks: chunk k holds TF_PCPU_UNIT bytes per
 * CPU, CPU n's copy TF_PCPU_UNIT * n bytes after CPU 0's, so per_cpu_ptr()
 * works on it unchanged.  Each slot has a state: never used, live, freed.
 * free_percpu() poisons every CPU's copy (0x6b, as slab's POISON_FREE)
 * and puts the slot at the back of a FIFO quarantine; new objects take
 * never-used slots first and reuse the oldest freed slot only once the
 * area is used up (a reused slot hides a stale pointer, as the kernel's
 * percpu allocator would).  Slots live across runs; the module area's
 * leftover counters are freed at the next boot (pgflags.c).
 *
 * Larger objects come from the static area (tf_pcpu_alloc(), machine.c):
 * only the zone's pageset is that big, and nothing frees it.
 *
 * pcpu_alloc() populates its chunks with page allocations; here every
 * alloc_percpu() asks should_fail_alloc_page() once, so `fail_next`
 * reaches load_module()'s error path.  The pages themselves are not taken
 * from the simulated memory.
 */
#include <string.h>
#include <sys/mman.h>

#include <linux/gfp.h>
#include <linux/percpu.h>

#include "tagfuzz/events.h"
#include "tagfuzz/fault.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/sim.h"

#define SLOT		TF_PCPU_SLOT
#define SLOTS_PER_CHUNK	(TF_PCPU_UNIT / SLOT)
#define CHUNK_BYTES	((size_t)TF_PCPU_CHUNK_BYTES)
#define NR_CHUNKS	64u
#define NR_SLOTS	(NR_CHUNKS * SLOTS_PER_CHUNK)
#define POISON_FREE	0x6b6b6b6b6b6b6b6bull

enum { S_UNUSED, S_LIVE, S_FREED };	/* S_LIVE is 1: tf_pcpu_dyn_live() */

uintptr_t tf_pcpu_dyn_lo, tf_pcpu_dyn_hi;
static unsigned char *area;
uint8_t tf_pcpu_dyn_state[NR_SLOTS];
#define state tf_pcpu_dyn_state
static unsigned int fresh;		/* slots below were handed out at least once */
static unsigned int quarantine[NR_SLOTS], q_head, q_len;
static void *scratch;			/* where a bad access goes instead */

static unsigned char *slot_addr(unsigned int s)
{
	return area + (size_t)(s / SLOTS_PER_CHUNK) * CHUNK_BYTES +
	       (size_t)(s % SLOTS_PER_CHUNK) * SLOT;
}

/* The slot a CPU 0 address in the area falls in, or -1 (another CPU's copy). */
static long slot_of(const void *ptr)
{
	size_t off = (uintptr_t)ptr - (uintptr_t)area;
	size_t in_chunk = off % CHUNK_BYTES;

	if (in_chunk >= TF_PCPU_UNIT)
		return -1;
	return (long)(off / CHUNK_BYTES * SLOTS_PER_CHUNK + in_chunk / SLOT);
}

/* Every copy this run can reach (CPUs 0..tf_nr_cpus-1): two words each. */
static void fill(unsigned int s, uint64_t word)
{
	unsigned char *p = slot_addr(s);

	for (int cpu = 0; cpu < tf_nr_cpus; cpu++, p += TF_PCPU_UNIT) {
		((uint64_t *)p)[0] = word;
		((uint64_t *)p)[1] = word;
	}
}

static bool area_map(void)
{
	if (area)
		return true;
	area = mmap(NULL, NR_CHUNKS * CHUNK_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED) {
		area = NULL;
		return false;
	}
	tf_pcpu_dyn_lo = (uintptr_t)area;
	tf_pcpu_dyn_hi = (uintptr_t)area + NR_CHUNKS * CHUNK_BYTES;
	return true;
}

void *tf_pcpu_dyn_alloc(size_t size, size_t align, const struct tf_loc *loc)
{
	unsigned int s;

	if (size > SLOT || align > SLOT)
		return tf_pcpu_alloc(size, align);
	tf_sched_point_at("alloc_percpu", loc);	/* pcpu_alloc_mutex, pcpu_lock */
	if (should_fail_alloc_page(GFP_KERNEL, 0)) {
		tf_note("alloc_percpu(%zu bytes) fails: its chunk could not be populated", size);
		return NULL;
	}
	if (!area_map())
		return NULL;
	if (fresh < NR_SLOTS) {
		s = fresh++;
	} else if (q_len) {
		s = quarantine[q_head];
		q_head = (q_head + 1) % NR_SLOTS;
		q_len--;
	} else {
		tf_note("alloc_percpu: every slot is live");
		return NULL;
	}
	state[s] = S_LIVE;
	fill(s, 0);
	return slot_addr(s);
}

static void dyn_free(void *ptr, bool poison)
{
	long s;

	if (!ptr)
		return;
	if (!area || (uintptr_t)ptr - tf_pcpu_dyn_lo >= tf_pcpu_dyn_hi - tf_pcpu_dyn_lo ||
	    (s = slot_of(ptr)) < 0 || slot_addr(s) != (unsigned char *)ptr) {
		/* free_percpu() of static data or of no object: WARN in the kernel. */
		tf_report_check(TF_CHECK_WARN, "free_percpu", "free_percpu of no object",
				"free_percpu(%p): not an alloc_percpu() object", ptr);
		return;
	}
	if (state[s] != S_LIVE) {
		tf_report_check(TF_CHECK_WARN, "free_percpu", "free_percpu of a freed object",
				"free_percpu(%p): freed twice", ptr);
		return;
	}
	state[s] = S_FREED;
	if (poison)
		fill(s, POISON_FREE);
	quarantine[(q_head + q_len) % NR_SLOTS] = s;
	q_len++;
}

void tf_pcpu_dyn_free(void *ptr, const struct tf_loc *loc)
{
	if (!ptr)
		return;
	tf_sched_point_at("free_percpu", loc);	/* pcpu_lock */
	dyn_free(ptr, true);
	tf_access_at(TF_ACC_WRITE, "free_percpu", ptr, 0, loc);
}

/* The harness puts back what a finished run left allocated: nothing uses it again. */
void tf_pcpu_dyn_release(void *ptr)
{
	dyn_free(ptr, false);
}

enum tf_pcpu_state tf_pcpu_state(const void *ptr)
{
	long s;

	if ((uintptr_t)ptr < TF_PCPU_NULL_WINDOW)
		return TF_PCPU_NULLISH;
	if (!area || (uintptr_t)ptr - tf_pcpu_dyn_lo >= tf_pcpu_dyn_hi - tf_pcpu_dyn_lo)
		return TF_PCPU_STATIC;
	s = slot_of(ptr);
	if (s >= 0 && state[s] == S_LIVE)
		return TF_PCPU_LIVE;
	return TF_PCPU_FREED;
}

void *tf_pcpu_use(void *ptr, enum tf_pcpu_access access, const char *what,
		  const char *func)
{
	enum tf_pcpu_state st = tf_pcpu_state(ptr);
	struct tf_event ev = { .kind = TF_EV_PGF, .section = TF_PGF_EV_COUNTERS_USE,
			       .order = access, .func = func, .site = what };

	if (st == TF_PCPU_LIVE || st == TF_PCPU_STATIC)
		return ptr;
	ev.pfn = st == TF_PCPU_NULLISH ? TF_PGF_CTR_USE_NULL : TF_PGF_CTR_USE_FREED;
	ev.pfn2 = (uintptr_t)ptr % SLOT;	/* the field: 0 bytes, 8 calls */
	tf_emit(&ev);
	if (!scratch)
		scratch = tf_pcpu_alloc(SLOT, SLOT);
	for (int cpu = 0; cpu < TF_MAX_CPUS; cpu++)
		memset(per_cpu_ptr((unsigned char *)scratch, cpu), 0, SLOT);
	return (unsigned char *)scratch + (uintptr_t)ptr % SLOT;
}
