// SPDX-License-Identifier: GPL-2.0
/*
 * The structure-aware mutator.  The engines' byte mutations know nothing
 * of ops: most of them break a `start ... run` group or land a change
 * point past the run's last scheduling step.  These mutations work on the
 * decoded scenario (every byte string is one) and encode it again, so
 * each result is a scenario one edit away from its parent: an op inserted
 * from the mode's table, deleted, duplicated, swapped with its neighbour,
 * one operand changed within its range, ops wrapped into a run group or
 * a group unwrapped, a header bit flipped, or a run's schedule changed
 * with change points drawn from the steps the parent's run really took.
 * The libFuzzer hooks at the end mix them with the engine's own byte
 * mutations (one in four), so nothing the bytes could reach is lost.
 * AFL++ calls the same tf_mutate() and tf_cross_over() from its custom
 * mutator stage (fuzz/afl_mutator.c), with its own havoc beside it.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fuzz_target.h"
#include "interleave.h"
#include "journal.h"
#include "mutator.h"
#include "tagfuzz/events.h"
#include "tagfuzz/sim.h"

const char *const tf_mutation_name[TF_NR_MUTATIONS] = {
	[TF_MUT_BYTES] = "bytes", [TF_MUT_INSERT] = "insert", [TF_MUT_DELETE] = "delete",
	[TF_MUT_DUPLICATE] = "duplicate", [TF_MUT_SWAP] = "swap", [TF_MUT_OPERAND] = "operand",
	[TF_MUT_WRAP] = "wrap", [TF_MUT_UNWRAP] = "unwrap", [TF_MUT_HEADER] = "header",
	[TF_MUT_SCHEDULE] = "schedule", [TF_MUT_RACE] = "race",
};

static struct tf_scenario cur, tmp, hdr;
static uint8_t buf[TF_HDR_BYTES + TF_OP_BYTES * 2 * TF_MAX_OPS];

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

bool tf_mutator_structured(void)
{
	static int structured = -1;

	if (structured < 0) {
		const char *m = getenv("TAGFUZZ_MUTATOR");

		structured = !(m && !strcmp(m, "bytes"));
	}
	return structured;
}

/* --- conflicts of the run in progress (tf_mut_group_info) --- */

#define NR_CONF_OBJS	(1u << TF_OBJ_SLOT_BITS)	/* objects of one group, direct-mapped */
#define NR_CONF_SLOTS	32	/* groups of one run whose conflicts are kept */
#define MAX_STEP	255	/* change points are one byte */

/* Which CPUs of the group in progress accessed each object. */
static struct {
	const volatile void *addr;
	unsigned long gen;
	uint8_t cpus;
} cobj[NR_CONF_OBJS];
static unsigned long cgen;
_Static_assert(TF_MAX_CPUS <= 8, "CPU masks are a byte");

/*
 * The group in progress: each step's CPU, its point of that CPU, and the
 * first two accesses next to it: the ones after the point, and an unlock
 * before it (an unlock is followed by its point, the rest come after one).
 */
static struct {
	long op;			/* -1: none */
	unsigned int last;		/* highest step seen */
	uint8_t points[TF_MAX_CPUS];
	uint8_t cpu[MAX_STEP + 1];
	uint8_t point[MAX_STEP + 1];	/* 0: no point seen at this step */
	const volatile void *addr[MAX_STEP + 1][2];
} cgrp = { .op = -1 };

/* The groups of this run that ended. */
static struct {
	long op;
	struct tf_mut_group_info gi;
} cdone[NR_CONF_SLOTS];
static unsigned int nr_cdone;

/* No group in progress: what the last one wrote is cleared (up to its last step). */
static void cgrp_clear(void)
{
	/* an unlock's access goes to the step after its point: one more */
	memset(cgrp.addr, 0, (cgrp.last + 2 <= MAX_STEP + 1 ? cgrp.last + 2 : MAX_STEP + 1) *
	       sizeof(cgrp.addr[0]));
	memset(cgrp.point, 0, cgrp.last + 1);
	memset(cgrp.points, 0, sizeof(cgrp.points));
	cgrp.op = -1;
	cgrp.last = 0;
}

/* The group in progress ended: its CPUs and conflicts, a sample if many. */
static void conflicts_done(void)
{
	uint8_t cand[MAX_STEP + 1];
	unsigned int n = 0, i;
	uint64_t r = cgen * 0x9e3779b97f4a7c15ull + 1;
	struct tf_mut_group_info *gi;

	if (cgrp.op < 0)
		return;
	for (i = 1; i <= cgrp.last; i++) {
		for (unsigned int a = 0; a < 2 && cgrp.point[i]; a++) {
			const volatile void *addr = cgrp.addr[i][a];
			unsigned int k = tf_obj_slot(addr);
			uint8_t c = cobj[k].cpus;

			if (!addr || cobj[k].gen != cgen || cobj[k].addr != addr)
				continue;	/* no access, or the slot went to another object */
			if (c & (c - 1)) {
				cand[n++] = i;
				break;
			}
		}
	}
	/* more than we keep: a random few (Fisher-Yates), fixed by the run */
	for (i = 0; i < n && i < TF_MUT_MAX_CONFLICTS; i++) {
		unsigned int j;
		uint8_t x;

		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		j = i + r % (n - i);
		x = cand[i];
		cand[i] = cand[j];
		cand[j] = x;
	}
	if (nr_cdone < NR_CONF_SLOTS) {
		gi = &cdone[nr_cdone].gi;
		memset(gi, 0, sizeof(*gi));
		cdone[nr_cdone].op = cgrp.op;
		for (unsigned int c = 0; c < TF_MAX_CPUS; c++) {
			gi->points[c] = cgrp.points[c];
			if (cgrp.points[c])
				gi->cpus |= 1u << c;
		}
		gi->nr_conflicts = i;
		for (unsigned int k = 0; k < i; k++) {
			gi->conflict_cpu[k] = cgrp.cpu[cand[k]];
			gi->conflict_point[k] = cgrp.point[cand[k]];
		}
		nr_cdone++;
	}
	cgrp_clear();
}

/*
 * Every run, collecting or not: tf_mutator_run_info() then reports this
 * run's conflicts, none when it did not collect.  A group still open (the
 * run ended by a BUG, and nobody asked) is cleared here.
 */
void tf_mutator_run_begin(void)
{
	cgrp_clear();
	nr_cdone = 0;
}

/* The group of op @op is in progress (a new one when the op changed). */
static void group_in(long op)
{
	if (op != cgrp.op) {
		conflicts_done();
		cgrp.op = op;
		cgen++;		/* every object entry of an earlier group is stale */
	}
}

void tf_mutator_sched(long op, unsigned long step, int cpu)
{
	if (!tf_mutator_structured() || op < 0 || cpu < 0 || cpu >= TF_MAX_CPUS)
		return;
	group_in(op);
	if (cgrp.points[cpu] < MAX_STEP)
		cgrp.points[cpu]++;
	if (step >= 1 && step <= MAX_STEP) {
		cgrp.cpu[step] = cpu;
		cgrp.point[step] = cgrp.points[cpu];
		if (step > cgrp.last)
			cgrp.last = step;
	}
}

void tf_mutator_access(long op, const struct tf_access_rec *a)
{
	unsigned long step;
	unsigned int k;

	if (!tf_mutator_structured() || op < 0 || a->cpu < 0 || a->cpu >= TF_MAX_CPUS)
		return;
	group_in(op);
	step = a->step + (a->kind == TF_ACC_UNLOCK || a->kind == TF_ACC_RCU_UNLOCK);
	if (step >= 1 && step <= MAX_STEP) {
		if (!cgrp.addr[step][0])
			cgrp.addr[step][0] = a->addr;
		else if (!cgrp.addr[step][1] && cgrp.addr[step][0] != a->addr)
			cgrp.addr[step][1] = a->addr;
	}
	k = tf_obj_slot(a->addr);
	if (cobj[k].gen != cgen || cobj[k].addr != a->addr) {
		cobj[k].addr = a->addr;
		cobj[k].gen = cgen;
		cobj[k].cpus = 0;
	}
	cobj[k].cpus |= 1u << a->cpu;
}

/* --- what each run group did, by the scenario's canonical bytes --- */

#define NR_INFO_ENTRIES	1024
#define MAX_GROUPS	TF_MUT_MAX_GROUPS

static struct {
	uint64_t key;
	struct tf_mut_run_info ri;
} info_cache[NR_INFO_ENTRIES];

/*
 * The cache key: the scenario's canonical bytes, less the header fields a
 * fuzz target sets itself before the run (fuzz_boot and fuzz_pcp run the
 * current tracker, or TAGFUZZ_TRACKER's, whatever the input says; fuzz_pcp
 * TAGFUZZ_PCP's free path): the run notes its steps under the scenario it
 * ran, the mutator looks them up under the input's.
 */
static struct tf_scenario keyed;

static uint64_t key_of(const struct tf_scenario *s, size_t *len)
{
	uint64_t h = 14695981039346656037ull;
	size_t n;

	keyed.m = s->m;
	keyed.m.tracker = 0;
	keyed.m.pcp_variant = 0;
	keyed.nr_ops = s->nr_ops;
	keyed.truncated = s->truncated;
	memcpy(keyed.ops, s->ops, s->nr_ops * sizeof(s->ops[0]));
	n = tf_encode(&keyed, buf, sizeof(buf));
	if (n > sizeof(buf))
		n = sizeof(buf);
	for (size_t i = 0; i < n; i++)
		h = (h ^ buf[i]) * 1099511628211ull;
	if (len)
		*len = n;
	return h | 1;
}

void tf_mutator_run_info(const struct tf_scenario *s, struct tf_mut_run_info *ri)
{
	unsigned int g = 0;

	conflicts_done();
	memset(ri, 0, sizeof(*ri));
	for (size_t i = 0; i < s->nr_ops && g < MAX_GROUPS; i++) {
		unsigned long max;

		if (s->ops[i].kind != TF_OP_RUN)
			continue;
		for (unsigned int k = 0; k < nr_cdone; k++)
			if (cdone[k].op == (long)i)
				ri->g[g] = cdone[k].gi;
		max = tf_journal_op_steps((long)i);
		ri->g[g].steps = max > MAX_STEP ? MAX_STEP : max;
		g++;
	}
	ri->nr = g;
}

void tf_mutator_note_info(const struct tf_scenario *s, const struct tf_mut_run_info *ri)
{
	uint64_t key = key_of(s, NULL);
	struct tf_mut_run_info *k = &info_cache[key % NR_INFO_ENTRIES].ri;

	if (ri)
		*k = *ri;
	else
		memset(k, 0, sizeof(*k));
	/* from a pipe under AFL++: kept within its bounds */
	if (k->nr > MAX_GROUPS)
		k->nr = MAX_GROUPS;
	for (unsigned int g = 0; g < k->nr; g++) {
		if (k->g[g].nr_conflicts > TF_MUT_MAX_CONFLICTS)
			k->g[g].nr_conflicts = 0;
		for (unsigned int i = 0; i < k->g[g].nr_conflicts; i++)
			k->g[g].conflict_cpu[i] %= TF_MAX_CPUS;
	}
	info_cache[key % NR_INFO_ENTRIES].key = key;
}

void tf_mutator_note_run(const struct tf_scenario *s)
{
	struct tf_mut_run_info ri;

	if (!tf_mutator_structured())
		return;
	tf_mutator_run_info(s, &ri);
	tf_mutator_note_info(s, &ri);
}

/* What run group @g of @s did when it last ran; NULL if not known. */
static const struct tf_mut_group_info *group_of(const struct tf_scenario *s, unsigned int g)
{
	uint64_t key = key_of(s, NULL);
	unsigned int k = key % NR_INFO_ENTRIES;

	if (info_cache[k].key != key || g >= info_cache[k].ri.nr)
		return NULL;
	return &info_cache[k].ri.g[g];
}

static unsigned int nr_runs(const struct tf_scenario *s);

unsigned int tf_mutator_run_groups(const uint8_t *data, size_t size, uint8_t what_if)
{
	tf_decode_what_if(data, size, what_if, &tmp);
	return nr_runs(&tmp);
}

bool tf_mutator_steps_known(const struct tf_scenario *s)
{
	uint64_t key;

	if (!nr_runs(s))
		return true;
	key = key_of(s, NULL);
	return info_cache[key % NR_INFO_ENTRIES].key == key;
}

/* --- ops --- */

/* @m's header bytes into @b. */
static int header_bytes(const struct tf_machine *m, uint8_t *b)
{
	hdr.m = *m;
	hdr.nr_ops = 0;
	if (tf_encode(&hdr, buf, sizeof(buf)) < TF_HDR_BYTES)
		return -1;
	memcpy(b, buf, TF_HDR_BYTES);
	return 0;
}

/* A random op of @m's mode: four random bytes under @m's header. */
static bool random_op(const struct tf_machine *m, uint8_t what_if, struct tf_op *op)
{
	uint8_t b[TF_HDR_BYTES + TF_OP_BYTES];

	if (header_bytes(m, b))
		return false;
	for (int i = 0; i < TF_OP_BYTES; i++)
		b[TF_HDR_BYTES + i] = rnd(256);
	tf_decode_what_if(b, sizeof(b), what_if, &tmp);
	if (!tmp.nr_ops)
		return false;
	*op = tmp.ops[tmp.nr_ops - 1];	/* the decoder may put a pext_init first */
	return true;
}

static bool insert_op(struct tf_scenario *s, size_t at, const struct tf_op *op)
{
	if (s->nr_ops >= TF_MAX_OPS || at > s->nr_ops)
		return false;
	memmove(&s->ops[at + 1], &s->ops[at], (s->nr_ops - at) * sizeof(s->ops[0]));
	s->ops[at] = *op;
	s->nr_ops++;
	return true;
}

static void delete_op(struct tf_scenario *s, size_t at)
{
	memmove(&s->ops[at], &s->ops[at + 1], (s->nr_ops - at - 1) * sizeof(s->ops[0]));
	s->nr_ops--;
}

/* One operand of @op to a new value in its range: a byte of its encoding. */
static bool mutate_operand(const struct tf_machine *m, uint8_t what_if, struct tf_op *op)
{
	uint8_t b[TF_HDR_BYTES + TF_OP_BYTES];
	bool async = op->async;
	int k = 1 + rnd(TF_OP_BYTES - 1);

	if (header_bytes(m, b))
		return false;
	tf_encode_op(m, op, b + TF_HDR_BYTES);
	switch (rnd(3)) {
	case 0:
		b[TF_HDR_BYTES + k] = rnd(256);
		break;
	case 1:
		b[TF_HDR_BYTES + k] += 1 + rnd(4);
		break;
	default:
		b[TF_HDR_BYTES + k] ^= 1u << rnd(8);
		break;
	}
	tf_decode_what_if(b, sizeof(b), what_if, &tmp);
	if (!tmp.nr_ops || tmp.ops[tmp.nr_ops - 1].kind != op->kind)
		return false;
	*op = tmp.ops[tmp.nr_ops - 1];
	op->async = async && tf_op_kind_can_start(op->kind);
	return true;
}

/* Index of the @g-th run op, counting from 0. */
static size_t nth_run(const struct tf_scenario *s, unsigned int g)
{
	for (size_t i = 0; i < s->nr_ops; i++)
		if (s->ops[i].kind == TF_OP_RUN && !g--)
			return i;
	return s->nr_ops;
}

static unsigned int nr_runs(const struct tf_scenario *s)
{
	unsigned int n = 0;

	for (size_t i = 0; i < s->nr_ops; i++)
		n += s->ops[i].kind == TF_OP_RUN;
	return n;
}

/*
 * A change point: a step the group took; when not known (a group just
 * made), one of the first 16 steps half the time, else of the first 64:
 * a small group's later picks would all fall past its end.
 */
static unsigned int pick_point(const struct tf_mut_group_info *gi)
{
	if (gi && gi->steps)
		return 1 + rnd(gi->steps);
	return 1 + rnd(rnd(2) ? 16 : 64);
}

/* @cpu's place among the group's CPUs: the run's first= that puts it first. */
static unsigned int rotation_of(uint8_t cpus, unsigned int cpu)
{
	return __builtin_popcount(cpus & ((1u << cpu) - 1));
}

/* The CPU after @cpu in the group's order (the next to run when @cpu drops). */
static unsigned int next_cpu(uint8_t cpus, unsigned int cpu)
{
	for (unsigned int i = 1; i <= TF_MAX_CPUS; i++)
		if (cpus & (1u << ((cpu + i) % TF_MAX_CPUS)))
			return (cpu + i) % TF_MAX_CPUS;
	return cpu;
}

/*
 * A schedule aimed at a conflict (F, k) of the group: F first, and a
 * change point at its kth point, so the next CPU G runs right before F's
 * access.  With two points, G also stops at its jth point (one of its
 * conflicts three times in four, else any), so F's access lands between
 * two of G's: F ran k points, so G's jth point is the run's step k + j.
 */
static bool aim(struct tf_op *run, const struct tf_mut_group_info *gi, bool two)
{
	uint8_t cand[TF_MUT_MAX_CONFLICTS];
	unsigned int i, f, g, k, j, n = 0, cpus = 0;

	if (!gi || !gi->nr_conflicts)
		return false;
	/* a CPU with conflicts, then one of its: a CPU with few is as likely */
	for (i = 0; i < gi->nr_conflicts; i++)
		cpus |= 1u << gi->conflict_cpu[i];
	for (f = 0, k = 1 + rnd(__builtin_popcount(cpus)); ; f++)
		if ((cpus & (1u << f)) && !--k)
			break;
	for (i = 0; i < gi->nr_conflicts; i++)
		if (gi->conflict_cpu[i] == f)
			cand[n++] = gi->conflict_point[i];
	k = cand[rnd(n)];
	run->first = rotation_of(gi->cpus, f);
	run->at = k;
	run->at2 = 0;
	g = next_cpu(gi->cpus, f);
	if (!two || g == f)
		return true;
	for (i = 0, n = 0; i < gi->nr_conflicts; i++)
		if (gi->conflict_cpu[i] == g)
			cand[n++] = gi->conflict_point[i];
	j = n && rnd(4) ? cand[rnd(n)] : 1 + rnd(gi->points[g] ? gi->points[g] : 1);
	run->at2 = k + j;
	return true;
}

static bool mutate_schedule(struct tf_scenario *s, uint8_t what_if)
{
	unsigned int n = nr_runs(s), g;
	const struct tf_mut_group_info *gi;
	struct tf_op *run;

	if (!n)
		return false;
	g = rnd(n);
	gi = group_of(s, g);
	run = &s->ops[nth_run(s, g)];
	switch (rnd(10)) {
	case 0 ... 2:	/* one change point, at a conflict three times in four */
		if (rnd(4) && aim(run, gi, false))
			break;
		run->at = pick_point(gi);
		run->at2 = 0;
		break;
	case 3 ... 5:	/* two */
		if (rnd(4) && aim(run, gi, true))
			break;
		run->at = pick_point(gi);
		run->at2 = run->at + 1 + rnd(gi && gi->steps > run->at ? gi->steps - run->at : 16);
		break;
	case 6: {	/* nudge by 1 to 4 steps */
		int d = rnd(2) ? 1 + (int)rnd(4) : -1 - (int)rnd(4);

		if (run->at2 && rnd(2))
			run->at2 = run->at2 + d > run->at ? run->at2 + d : run->at + 1;
		else if (run->at + d >= 1)
			run->at += d;
		else
			run->at = 1;
		break;
	}
	case 7:		/* rotate the first CPU */
		run->first = (run->first + 1 + rnd(TF_MAX_CPUS - 1)) % TF_MAX_CPUS;
		break;
	case 8:		/* no change point */
		run->at = run->at2 = 0;
		break;
	default: {	/* add or remove a preempt */
		struct tf_op p = { .kind = TF_OP_PREEMPT };

		for (size_t i = 0; i < s->nr_ops; i++) {
			if (s->ops[i].kind == TF_OP_PREEMPT && rnd(2)) {
				delete_op(s, i);
				return true;
			}
		}
		p.n = pick_point(gi);
		return insert_op(s, rnd(s->nr_ops + 1), &p);
	}
	}
	if (run->at > MAX_STEP)
		run->at = MAX_STEP;
	if (run->at2 > MAX_STEP)
		run->at2 = MAX_STEP;
	if (run->at2 && run->at2 <= run->at)
		run->at2 = 0;
	(void)what_if;
	return true;
}

/* The CPU a started op runs on when its CPU is online (callers.c's op_cpu()). */
static unsigned int start_cpu(const struct tf_op *op)
{
	if (op->kind == TF_OP_CPU_UP)
		return op->cpu % TF_MAX_CPUS;
	return tf_op_kind_on_control_cpu(op->kind) || !tf_op_names_cpu(op) ? 0 :
	       op->cpu % TF_MAX_CPUS;
}

/*
 * Ops from a random one on, up to three, started and ended by a run op:
 * one op a CPU (a second start on a CPU runs the group before it with the
 * default schedule, so the run op's schedule would reach only the last),
 * the others of the stretch left as they are.
 */
static bool wrap(struct tf_scenario *s)
{
	size_t i, len, k;
	struct tf_op run = { .kind = TF_OP_RUN };
	unsigned int cpus = 0, n = 0;

	if (!s->nr_ops)
		return false;
	i = rnd(s->nr_ops);
	len = 2 + rnd(5);
	for (k = i; k < s->nr_ops && k < i + len && s->ops[k].kind != TF_OP_RUN; k++) {
		unsigned int cpu = start_cpu(&s->ops[k]);

		if (n < 3 && tf_op_kind_can_start(s->ops[k].kind) && !(cpus & (1u << cpu))) {
			s->ops[k].async = true;
			cpus |= 1u << cpu;
			n++;
		}
	}
	if (!n)
		return false;
	run.first = rnd(TF_MAX_CPUS);
	run.at = rnd(2) ? pick_point(NULL) : 0;
	return insert_op(s, k, &run);
}

/* Which CPUs are up before op @at: CPU 0 boots, the others start down. */
static unsigned int cpus_up_before(const struct tf_scenario *s, size_t at)
{
	unsigned int up = 1;

	for (size_t i = 0; i < at && i < s->nr_ops; i++) {
		const struct tf_op *op = &s->ops[i];

		if (op->kind == TF_OP_CPU_UP && op->cpu < s->m.nr_cpus)
			up |= 1u << op->cpu;
		else if (op->kind == TF_OP_CPU_DOWN && op->cpu)
			up &= ~(1u << op->cpu);
	}
	return up;
}

/* Put @op on a CPU that is up (@up) and not taken yet (@taken); false if none is. */
static bool place_on_cpu(struct tf_op *op, unsigned int up, unsigned int *taken)
{
	unsigned int free_cpus, n = 0, k;

	if (op->kind == TF_OP_CPU_UP) {		/* runs on the CPU it brings up */
		if (*taken & (1u << op->cpu))
			return false;
		*taken |= 1u << op->cpu;
		return true;
	}
	if (tf_op_kind_on_control_cpu(op->kind) || !tf_op_names_cpu(op)) {
		if (*taken & 1u)
			return false;
		*taken |= 1u;
		return true;
	}
	free_cpus = up & ~*taken;
	for (k = 0; k < TF_MAX_CPUS; k++)
		n += !!(free_cpus & (1u << k));
	if (!n)
		return false;
	for (k = rnd(n) + 1; ; op->cpu++) {
		op->cpu %= TF_MAX_CPUS;
		if ((free_cpus & (1u << op->cpu)) && !--k)
			break;
	}
	*taken |= 1u << op->cpu;
	return true;
}

/*
 * A race to try: two ops that can start, each a copy of one of the input's
 * (its operands already mean something there) or, one time in three, the
 * second a new one from the mode's table, half the time on the first's
 * allocation when both name one, started on two different CPUs that are
 * up there (a CPU brought up first when only CPU 0 is), then a run op.
 * The schedule mutations reach only the interleavings of groups that
 * exist; a race needs its two ops started together first.
 */
static bool race(struct tf_scenario *s, uint8_t what_if)
{
	size_t cand[64], nc = 0, at, later;
	struct tf_op a, b, run = { .kind = TF_OP_RUN };
	unsigned int up, taken = 0;

	for (size_t i = 0; i < s->nr_ops && nc < 64; i++)
		if (tf_op_kind_can_start(s->ops[i].kind))
			cand[nc++] = i;
	if (!nc || s->m.nr_cpus < 2)
		return false;
	later = cand[rnd(nc)];
	a = s->ops[later];
	if (rnd(3)) {
		size_t j = cand[rnd(nc)];

		b = s->ops[j];
		later = j > later ? j : later;
	} else if (!random_op(&s->m, what_if, &b) || !tf_op_kind_can_start(b.kind)) {
		return false;
	}
	/* half the time on the same allocation: a race is two CPUs on one object */
	if (rnd(2) && tf_op_kind_takes_live_index(a.kind) && tf_op_kind_takes_live_index(b.kind))
		b.n = a.n;
	at = later + 1 + rnd(s->nr_ops - later);
	up = cpus_up_before(s, at);
	if (up == 1u) {		/* only the boot CPU: bring one more up */
		struct tf_op cpu_up = { .kind = TF_OP_CPU_UP, .cpu = 1 + rnd(s->m.nr_cpus - 1) };

		if (!insert_op(s, at++, &cpu_up))
			return false;
		up |= 1u << cpu_up.cpu;
	}
	if (!place_on_cpu(&a, up, &taken) || !place_on_cpu(&b, up, &taken))
		return false;
	a.async = b.async = true;
	run.first = rnd(2);	/* a rotation over the two queued CPUs: either first */
	run.at = rnd(4) ? pick_point(NULL) : 0;
	if (run.at && !rnd(2))
		run.at2 = run.at + pick_point(NULL);
	return s->nr_ops + 3 <= TF_MAX_OPS && insert_op(s, at, &a) && insert_op(s, at + 1, &b) &&
	       insert_op(s, at + 2, &run);
}

static bool unwrap(struct tf_scenario *s)
{
	unsigned int n = nr_runs(s);
	size_t r, i;

	if (!n)
		return false;
	r = nth_run(s, rnd(n));
	for (i = r; i-- > 0 && s->ops[i].kind != TF_OP_RUN;)
		s->ops[i].async = false;
	delete_op(s, r);
	return true;
}

size_t tf_mutate(uint8_t *data, size_t size, size_t max, unsigned int seed, uint8_t what_if,
		 enum tf_mutation *done)
{
	enum tf_mutation m;
	struct tf_op op;
	size_t n, i;
	bool ok = false;

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	tf_decode_what_if(data, size, what_if, &cur);
	/* Schedules are where races are: a third of an input with a run group's mutations. */
	if (nr_runs(&cur) && !rnd(3))
		m = TF_MUT_SCHEDULE;
	else
		m = 1 + rnd(TF_NR_MUTATIONS - 1);
	i = cur.nr_ops ? rnd(cur.nr_ops) : 0;
	switch (m) {
	case TF_MUT_INSERT:
		ok = random_op(&cur.m, what_if, &op) && insert_op(&cur, rnd(cur.nr_ops + 1), &op);
		break;
	case TF_MUT_DELETE:
		if ((ok = cur.nr_ops > 0))
			delete_op(&cur, i);
		break;
	case TF_MUT_DUPLICATE:
		ok = cur.nr_ops > 0 && insert_op(&cur, i + 1, &cur.ops[i]);
		break;
	case TF_MUT_SWAP:
		if ((ok = cur.nr_ops > 1 && i + 1 < cur.nr_ops)) {
			op = cur.ops[i];
			cur.ops[i] = cur.ops[i + 1];
			cur.ops[i + 1] = op;
		}
		break;
	case TF_MUT_OPERAND:
		ok = cur.nr_ops > 0 && mutate_operand(&cur.m, what_if, &cur.ops[i]);
		break;
	case TF_MUT_WRAP:
		ok = wrap(&cur);
		break;
	case TF_MUT_UNWRAP:
		ok = unwrap(&cur);
		break;
	case TF_MUT_SCHEDULE:
		ok = mutate_schedule(&cur, what_if);
		break;
	case TF_MUT_RACE:
		ok = race(&cur, what_if);
		break;
	case TF_MUT_HEADER:
	case TF_MUT_BYTES:
	case TF_NR_MUTATIONS:
		ok = true;
		break;
	}
	if (!ok)
		return 0;
	n = tf_encode(&cur, buf, sizeof(buf));
	if (n > sizeof(buf) || n > max)
		return 0;
	if (m == TF_MUT_HEADER)
		buf[rnd(3)] ^= 1u << rnd(8);	/* the machine: bytes 0-2 */
	memcpy(data, buf, n);
	if (done)
		*done = m;
	return n;
}

size_t tf_cross_over(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		     uint8_t *out, size_t max, unsigned int seed, uint8_t what_if)
{
	size_t na, nb, n;

	rng = seed * 0x9e3779b97f4a7c15ull + 7;
	tf_decode_what_if(a, a_size, what_if, &cur);
	tf_decode_what_if(b, b_size, what_if, &tmp);
	na = cur.nr_ops ? rnd(cur.nr_ops + 1) : 0;
	nb = tmp.nr_ops ? rnd(tmp.nr_ops + 1) : 0;
	if (na + (tmp.nr_ops - nb) > TF_MAX_OPS)
		return 0;
	/* @b's ops keep their meaning under @a's machine only where the modes agree. */
	if (tf_machine_mode(&cur.m) != tf_machine_mode(&tmp.m))
		return 0;
	memcpy(&cur.ops[na], &tmp.ops[nb], (tmp.nr_ops - nb) * sizeof(cur.ops[0]));
	cur.nr_ops = na + (tmp.nr_ops - nb);
	n = tf_encode(&cur, buf, sizeof(buf));
	if (n > sizeof(buf) || n > max)
		return 0;
	memcpy(out, buf, n);
	return n;
}

/* --- libFuzzer's hooks (the AFL++ library: fuzz/afl_mutator.c) --- */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max) __attribute__((weak));

static uint8_t fuzz_what_if;

void tf_mutator_set_what_if(uint8_t what_if)
{
	fuzz_what_if = what_if;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	size_t n = 0;

	if (tf_mutator_structured() && seed % 4)
		n = tf_mutate(data, size, max, seed, fuzz_what_if, NULL);
	if (!n && LLVMFuzzerMutate)
		n = LLVMFuzzerMutate(data, size, max);
	return n ? n : size;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *a, size_t a_size, const uint8_t *b,
				 size_t b_size, uint8_t *out, size_t max, unsigned int seed)
{
	size_t n = 0;

	if (tf_mutator_structured())
		n = tf_cross_over(a, a_size, b, b_size, out, max, seed, fuzz_what_if);
	if (!n) {
		/* The byte cross-over: @a's first half, @b's second half. */
		size_t ha = a_size / 2, hb = b_size / 2;

		if (ha + (b_size - hb) > max)
			return 0;
		memcpy(out, a, ha);
		memcpy(out + ha, b + hb, b_size - hb);
		n = ha + (b_size - hb);
	}
	return n;
}
