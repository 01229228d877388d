// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic scheduler on its own: ops here are small functions
 * written against the shims (selected by tf_op.n), run on fibers under a
 * plan, so each test states exactly which interleaving it expects.
 */
#include <setjmp.h>

#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "tagfuzz/events.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"
#include "test.h"

static spinlock_t lock_a, lock_b;
static int shared;
static char order[64];		/* which CPU ran each step of interest */
static int nr_order;
static int nr_deadlocks;
static char deadlock_site[96];

static void note(void)
{
	if (nr_order < (int)sizeof(order) - 1)
		order[nr_order++] = '0' + tf_cur_cpu;
}

enum { OP_AB, OP_BA, OP_COUNT, OP_READER, OP_SYNC };

static void test_op(const struct tf_op *op)
{
	switch (op->n) {
	case OP_AB:
	case OP_BA:
		spin_lock(op->n == OP_AB ? &lock_a : &lock_b);
		note();
		spin_lock(op->n == OP_AB ? &lock_b : &lock_a);
		note();
		spin_unlock(&lock_b);
		spin_unlock(&lock_a);
		break;
	case OP_COUNT:
		for (int i = 0; i < 3; i++) {
			int v = READ_ONCE(shared);

			note();
			WRITE_ONCE(shared, v + 1);
		}
		break;
	case OP_READER:
		rcu_read_lock();
		note();
		READ_ONCE(shared);
		note();
		rcu_read_unlock();
		break;
	case OP_SYNC:
		synchronize_rcu();
		note();
		break;
	}
}

static void sink(const struct tf_event *ev)
{
	if (ev->kind == TF_EV_CHECK && ev->check == TF_CHECK_DEADLOCK) {
		nr_deadlocks++;
		snprintf(deadlock_site, sizeof(deadlock_site), "%s", ev->site);
	}
}

static void setup(void)
{
	struct tf_machine m = { .section_pages = 16, .nr_sections = 1, .nr_cpus = 4,
				.debug = true, .profiling = true };

	tf_event_sink = NULL;
	tf_machine_boot(&m);
	for (int c = 1; c < 4; c++)
		tf_cpus[c].online = true;
	tf_sched_reset(test_op);
	spin_lock_init(&lock_a);
	spin_lock_init(&lock_b);
	shared = 0;
	nr_order = 0;
	memset(order, 0, sizeof(order));
	nr_deadlocks = 0;
	tf_event_sink = sink;
}

static void queue(int cpu, int what)
{
	struct tf_op op = { .kind = TF_OP_ALLOC, .n = what, .async = true };

	tf_sched_queue(cpu, &op);
}

/* Runs the plan; returns false when a BUG ended the run. */
static bool run(unsigned int first, unsigned int nr, const unsigned int *points)
{
	struct tf_sched_plan p = { .first = first, .nr_points = nr };
	jmp_buf jb;
	bool ok = true;

	for (unsigned int i = 0; i < nr; i++)
		p.points[i] = points[i];
	tf_bug_jmp = &jb;
	if (setjmp(jb))
		ok = false;
	else
		tf_sched_run(&p);
	tf_bug_jmp = NULL;
	tf_event_sink = NULL;
	return ok;
}

/* No change point: the first CPU runs its op to the end, then the next. */
static bool test_sched_runs_to_completion_without_change_points(void)
{
	setup();
	queue(1, OP_COUNT);
	queue(2, OP_COUNT);
	ASSERT_TRUE(run(0, 0, NULL));
	ASSERT_STREQ(order, "111222");
	ASSERT_EQ(shared, 6);

	setup();
	queue(1, OP_COUNT);
	queue(2, OP_COUNT);
	ASSERT_TRUE(run(1, 0, NULL));	/* rotated: CPU2 first */
	ASSERT_STREQ(order, "222111");
	return true;
}

/*
 * A change point between CPU1's READ_ONCE and WRITE_ONCE lets CPU2 run its
 * whole op in between: CPU1 then writes back a stale value (a lost update),
 * which is what makes races in read-modify-write code reachable.
 */
static bool test_sched_change_point_interleaves(void)
{
	unsigned int at[] = { 2 };	/* step 1: CPU1's READ_ONCE, 2: its WRITE_ONCE */

	setup();
	queue(1, OP_COUNT);
	queue(2, OP_COUNT);
	ASSERT_TRUE(run(0, 1, at));
	ASSERT_STREQ(order, "122211");
	ASSERT_EQ(shared, 3);	/* CPU1's three increments start from 0 */
	return true;
}

/* Same plan, same interleaving: the schedule is a function of the bytes. */
static bool test_sched_is_deterministic(void)
{
	unsigned int at[] = { 2, 5 };
	char first[64];

	setup();
	queue(1, OP_COUNT);
	queue(2, OP_COUNT);
	queue(3, OP_COUNT);
	ASSERT_TRUE(run(1, 2, at));
	memcpy(first, order, sizeof(first));
	for (int i = 0; i < 5; i++) {
		setup();
		queue(1, OP_COUNT);
		queue(2, OP_COUNT);
		queue(3, OP_COUNT);
		ASSERT_TRUE(run(1, 2, at));
		ASSERT_STREQ(order, first);
	}
	return true;
}

/* A CPU spinning on a held lock waits; the holder finishes; no deadlock. */
static bool test_sched_spinning_cpu_waits_for_holder(void)
{
	unsigned int at[] = { 2 };

	setup();
	queue(1, OP_AB);
	queue(2, OP_AB);
	/* CPU1 takes A, drops at step 2 (taking B); CPU2 spins on A, CPU1 goes on. */
	ASSERT_TRUE(run(0, 1, at));
	ASSERT_EQ(nr_deadlocks, 0);
	ASSERT_STREQ(order, "1122");
	return true;
}

/* AB-BA with the change point in the window: reported, not hung. */
static bool test_sched_reports_abba_deadlock(void)
{
	unsigned int at[] = { 2 };

	setup();
	queue(1, OP_AB);
	queue(2, OP_BA);
	ASSERT_FALSE(run(0, 1, at));
	ASSERT_EQ(nr_deadlocks, 1);
	ASSERT_STREQ(deadlock_site, "no CPU can make progress");
	/* The machine is usable again after an abandoned run. */
	setup();
	queue(1, OP_AB);
	queue(2, OP_BA);
	ASSERT_TRUE(run(0, 0, NULL));
	ASSERT_EQ(nr_deadlocks, 0);
	return true;
}

/* synchronize_rcu() on CPU2 waits until CPU1's reader has left. */
static bool test_sched_synchronize_rcu_waits_for_reader(void)
{
	unsigned int at[] = { 2 };

	setup();
	queue(1, OP_READER);
	queue(2, OP_SYNC);
	/* CPU1 enters its reader and drops at step 2; CPU2's grace period must wait. */
	ASSERT_TRUE(run(0, 1, at));
	ASSERT_EQ(nr_deadlocks, 0);
	ASSERT_STREQ(order, "112");
	return true;
}

const struct test_case tests_sched[] = {
	TEST(test_sched_runs_to_completion_without_change_points),
	TEST(test_sched_change_point_interleaves),
	TEST(test_sched_is_deterministic),
	TEST(test_sched_spinning_cpu_waits_for_holder),
	TEST(test_sched_reports_abba_deadlock),
	TEST(test_sched_synchronize_rcu_waits_for_reader),
};
const size_t nr_tests_sched = ARRAY_LEN(tests_sched);
