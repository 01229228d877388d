// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel shims: lists and their DEBUG_LIST checks, llist, atomics and
 * cmpxchg, spinlocks, RCU readers, WARN/BUG routing, READ_ONCE/WRITE_ONCE,
 * per-CPU counters, and the scheduling points they all are.
 */
#include <setjmp.h>

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "tagfuzz/events.h"
#include "tagfuzz/names.h"
#include "tagfuzz/sim.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* Capturing what the shims report                                     */
/* ------------------------------------------------------------------ */

static struct {
	int nr_checks;
	int nr_other;
	enum tf_check_kind kind;	/* of the last check */
	char site[128], func[64], msg[256];
	int cpu;
} seen;

static void capture(const struct tf_event *ev)
{
	if (ev->kind != TF_EV_CHECK) {
		seen.nr_other++;
		return;
	}
	seen.nr_checks++;
	seen.kind = ev->check;
	seen.cpu = ev->cpu;
	/* site and msg are only valid during the callback. */
	snprintf(seen.site, sizeof(seen.site), "%s", ev->site ? ev->site : "(null)");
	snprintf(seen.func, sizeof(seen.func), "%s", ev->func ? ev->func : "(null)");
	snprintf(seen.msg, sizeof(seen.msg), "%s", ev->msg ? ev->msg : "(null)");
}

static void capture_start(void)
{
	memset(&seen, 0, sizeof(seen));
	tf_event_sink = capture;
}

static void capture_stop(void)
{
	tf_event_sink = NULL;
	tf_bug_jmp = NULL;
}

/* Exactly one check of @kind was reported, with this site. */
#define ASSERT_ONE_CHECK(k, s) do {					\
	ASSERT_EQ(seen.nr_checks, 1);					\
	ASSERT_EQ(seen.kind, (k));					\
	ASSERT_STREQ(seen.site, (s));					\
} while (0)

/* ------------------------------------------------------------------ */
/* list_head                                                           */
/* ------------------------------------------------------------------ */

struct item {
	int v;
	struct list_head node;
};

/* Walk @head forwards and backwards; both must give @want, in order. */
static bool list_is(struct list_head *head, const int *want, int n)
{
	struct list_head *pos;
	int i = 0;

	for (pos = head->next; pos != head; pos = pos->next) {
		if (i >= n || list_entry(pos, struct item, node)->v != want[i])
			return false;
		if (pos->next->prev != pos)
			return false;
		i++;
	}
	if (i != n)
		return false;
	for (pos = head->prev; pos != head; pos = pos->prev) {
		if (i <= 0 || list_entry(pos, struct item, node)->v != want[--i])
			return false;
	}
	return i == 0;
}

static bool test_list_add_del_move(void)
{
	LIST_HEAD(head);
	LIST_HEAD(other);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };

	capture_start();
	ASSERT_TRUE(list_empty(&head));
	ASSERT_TRUE(list_first_entry_or_null(&head, struct item, node) == NULL);

	list_add(&a.node, &head);		/* 1 */
	list_add(&b.node, &head);		/* 2 1 */
	list_add_tail(&c.node, &head);		/* 2 1 3 */
	ASSERT_FALSE(list_empty(&head));
	ASSERT_TRUE(list_is(&head, (int[]){ 2, 1, 3 }, 3));
	ASSERT_EQ(list_first_entry(&head, struct item, node)->v, 2);
	ASSERT_EQ(list_last_entry(&head, struct item, node)->v, 3);
	ASSERT_EQ(list_first_entry_or_null(&head, struct item, node)->v, 2);

	list_del(&a.node);			/* 2 3 */
	ASSERT_TRUE(list_is(&head, (int[]){ 2, 3 }, 2));
	ASSERT_TRUE(a.node.next == LIST_POISON1);
	ASSERT_TRUE(a.node.prev == LIST_POISON2);

	list_move(&c.node, &other);		/* head: 2, other: 3 */
	ASSERT_TRUE(list_is(&head, (int[]){ 2 }, 1));
	ASSERT_TRUE(list_is(&other, (int[]){ 3 }, 1));
	list_move_tail(&b.node, &other);	/* head: -, other: 3 2 */
	ASSERT_TRUE(list_empty(&head));
	ASSERT_TRUE(list_is(&other, (int[]){ 3, 2 }, 2));

	list_del_init(&c.node);			/* other: 2 */
	ASSERT_TRUE(c.node.next == &c.node && c.node.prev == &c.node);
	ASSERT_TRUE(list_is(&other, (int[]){ 2 }, 1));

	/* Correct use never reports anything. */
	ASSERT_EQ(seen.nr_checks, 0);
	capture_stop();
	return true;
}

static bool test_list_for_each_entry_safe_deletes(void)
{
	LIST_HEAD(head);
	struct item it[5], *pos, *n;
	int i, sum = 0;

	capture_start();
	for (i = 0; i < 5; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, &head);
	}
	/* Delete the odd ones while walking. */
	list_for_each_entry_safe(pos, n, &head, node) {
		sum += pos->v;
		if (pos->v & 1)
			list_del(&pos->node);
	}
	ASSERT_EQ(sum, 0 + 1 + 2 + 3 + 4);
	ASSERT_TRUE(list_is(&head, (int[]){ 0, 2, 4 }, 3));
	sum = 0;
	list_for_each_entry(pos, &head, node)
		sum += pos->v;
	ASSERT_EQ(sum, 6);
	ASSERT_EQ(seen.nr_checks, 0);
	capture_stop();
	return true;
}

static bool test_list_double_del_is_reported(void)
{
	LIST_HEAD(head);
	struct item a = { .v = 1 }, b = { .v = 2 };

	capture_start();
	list_add(&a.node, &head);
	list_add(&b.node, &head);
	list_del(&a.node);
	ASSERT_EQ(seen.nr_checks, 0);

	list_del(&a.node);		/* again: next is LIST_POISON1 */
	ASSERT_ONE_CHECK(TF_CHECK_LIST, "list_del corruption, next is LIST_POISON1");
	ASSERT_STREQ(seen.func, "__list_del_entry_valid_or_report");
	/* The corrupt del was refused: the list is as it was. */
	ASSERT_TRUE(list_is(&head, (int[]){ 2 }, 1));

	/* Every occurrence counts, not only the first. */
	list_del(&a.node);
	ASSERT_EQ(seen.nr_checks, 2);
	capture_stop();
	return true;
}

static bool test_list_del_corrupt_neighbour_is_reported(void)
{
	LIST_HEAD(head);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
	struct list_head stray;

	capture_start();
	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add_tail(&c.node, &head);	/* 1 2 3 */

	/* b's successor no longer points back at b. */
	c.node.prev = &stray;
	list_del(&b.node);
	ASSERT_ONE_CHECK(TF_CHECK_LIST, "list_del corruption. next->prev should be entry");
	/* Refused: b is still linked from a, and not poisoned. */
	ASSERT_TRUE(a.node.next == &b.node);
	ASSERT_TRUE(b.node.next == &c.node);
	c.node.prev = &b.node;

	/* b's predecessor no longer points at b. */
	a.node.next = &stray;
	list_del_init(&b.node);
	ASSERT_EQ(seen.nr_checks, 2);
	ASSERT_STREQ(seen.site, "list_del corruption. prev->next should be entry");
	ASSERT_TRUE(b.node.next == &c.node);	/* not re-initialised */
	a.node.next = &b.node;

	/* A NULL pointer in the entry. */
	b.node.next = NULL;
	list_move(&b.node, &head);
	ASSERT_EQ(seen.nr_checks, 3);
	ASSERT_STREQ(seen.site, "list_del corruption, next is NULL");
	b.node.next = &c.node;

	/* Repaired, the same list works without a report. */
	list_del(&b.node);
	ASSERT_EQ(seen.nr_checks, 3);
	ASSERT_TRUE(list_is(&head, (int[]){ 1, 3 }, 2));
	capture_stop();
	return true;
}

static bool test_list_add_corruption_is_reported(void)
{
	LIST_HEAD(head);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
	struct list_head stray = { NULL, NULL };

	capture_start();
	list_add(&a.node, &head);

	/* Adding an entry next to itself: a double add. */
	list_add(&a.node, &head);
	ASSERT_ONE_CHECK(TF_CHECK_LIST, "list_add double add");
	ASSERT_STREQ(seen.func, "__list_add_valid_or_report");
	ASSERT_TRUE(list_is(&head, (int[]){ 1 }, 1));

	/* head->prev is an entry that does not point back at head. */
	head.prev = &stray;
	stray.next = &b.node;
	list_add_tail(&c.node, &head);
	ASSERT_EQ(seen.nr_checks, 2);
	ASSERT_EQ(seen.kind, TF_CHECK_LIST);
	ASSERT_STREQ(seen.site, "list_add corruption. prev->next should be next");
	ASSERT_TRUE(head.prev == &stray);	/* refused */
	head.prev = &a.node;

	/* head->next's prev does not point at head. */
	a.node.prev = &stray;
	list_add(&b.node, &head);
	ASSERT_EQ(seen.nr_checks, 3);
	ASSERT_STREQ(seen.site, "list_add corruption. next->prev should be prev");
	ASSERT_TRUE(head.next == &a.node);
	a.node.prev = &head;

	list_add(&b.node, &head);
	ASSERT_EQ(seen.nr_checks, 3);
	ASSERT_TRUE(list_is(&head, (int[]){ 2, 1 }, 2));
	capture_stop();
	return true;
}

/* ------------------------------------------------------------------ */
/* llist                                                               */
/* ------------------------------------------------------------------ */

struct litem {
	int v;
	struct llist_node node;
};

static bool test_llist_add_del_all(void)
{
	LLIST_HEAD(head);
	struct litem it[4], *pos, *n;
	struct llist_node *all;
	int i, order[4], nr = 0;

	ASSERT_TRUE(llist_empty(&head));
	ASSERT_TRUE(llist_first(&head) == NULL);
	for (i = 0; i < 4; i++) {
		it[i].v = i;
		/* true only for the add that found the list empty */
		ASSERT_EQ(llist_add(&it[i].node, &head), i == 0);
		ASSERT_TRUE(llist_first(&head) == &it[i].node);
	}
	ASSERT_FALSE(llist_empty(&head));

	all = llist_del_all(&head);
	ASSERT_TRUE(llist_empty(&head));
	ASSERT_TRUE(llist_first(&head) == NULL);
	ASSERT_TRUE(all == &it[3].node);
	/* Newest first, and safe against reuse of each node. */
	llist_for_each_entry_safe(pos, n, all, node) {
		ASSERT_TRUE(nr < 4);
		order[nr++] = pos->v;
		pos->node.next = (struct llist_node *)0x1;	/* clobber */
	}
	ASSERT_EQ(nr, 4);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(order[i], 3 - i);

	/* Deleting from an empty list gives NULL. */
	ASSERT_TRUE(llist_del_all(&head) == NULL);

	/* A batch goes in front of what is there. */
	it[0].node.next = NULL;
	ASSERT_TRUE(llist_add(&it[0].node, &head));
	it[1].node.next = &it[2].node;
	ASSERT_FALSE(llist_add_batch(&it[1].node, &it[2].node, &head));
	ASSERT_TRUE(llist_first(&head) == &it[1].node);
	ASSERT_TRUE(it[2].node.next == &it[0].node);
	ASSERT_TRUE(it[0].node.next == NULL);
	return true;
}

/* ------------------------------------------------------------------ */
/* Atomics and cmpxchg                                                 */
/* ------------------------------------------------------------------ */

static bool test_atomic_ops(void)
{
	atomic_t v = ATOMIC_INIT(5);

	ASSERT_EQ(atomic_read(&v), 5);
	atomic_set(&v, 10);
	ASSERT_EQ(atomic_read(&v), 10);
	ASSERT_EQ(atomic_add_return(3, &v), 13);
	atomic_add(2, &v);
	ASSERT_EQ(atomic_read(&v), 15);
	atomic_sub(5, &v);
	ASSERT_EQ(atomic_read(&v), 10);
	atomic_inc(&v);
	ASSERT_EQ(atomic_read(&v), 11);
	atomic_dec(&v);
	ASSERT_EQ(atomic_read(&v), 10);

	atomic_set(&v, 2);
	ASSERT_FALSE(atomic_dec_and_test(&v));
	ASSERT_TRUE(atomic_dec_and_test(&v));
	ASSERT_EQ(atomic_read(&v), 0);
	ASSERT_FALSE(atomic_dec_and_test(&v));
	ASSERT_EQ(atomic_read(&v), -1);
	return true;
}

static bool test_atomic_cmpxchg_semantics(void)
{
	atomic_t v = ATOMIC_INIT(7);
	int old;

	/* Success: returns the old value and stores the new one. */
	ASSERT_EQ(atomic_cmpxchg(&v, 7, 8), 7);
	ASSERT_EQ(atomic_read(&v), 8);
	/* Failure: returns what is there, stores nothing. */
	ASSERT_EQ(atomic_cmpxchg(&v, 7, 9), 8);
	ASSERT_EQ(atomic_read(&v), 8);

	/* try_cmpxchg success: true, *old untouched. */
	old = 8;
	ASSERT_TRUE(atomic_try_cmpxchg(&v, &old, 20));
	ASSERT_EQ(old, 8);
	ASSERT_EQ(atomic_read(&v), 20);
	/* Failure: false, and *old becomes the value found. */
	old = 8;
	ASSERT_FALSE(atomic_try_cmpxchg(&v, &old, 30));
	ASSERT_EQ(old, 20);
	ASSERT_EQ(atomic_read(&v), 20);
	/* The updated expectation makes the retry succeed. */
	ASSERT_TRUE(atomic_try_cmpxchg(&v, &old, 30));
	ASSERT_EQ(atomic_read(&v), 30);
	return true;
}

static bool test_cmpxchg_xchg_on_words_and_pointers(void)
{
	unsigned long w = 100, exp;
	int x, y, *p = &x, *expp;

	/* cmpxchg() returns the value found either way. */
	ASSERT_EQ(cmpxchg(&w, 100UL, 200UL), 100);
	ASSERT_EQ(w, 200);
	ASSERT_EQ(cmpxchg(&w, 100UL, 300UL), 200);
	ASSERT_EQ(w, 200);

	ASSERT_TRUE(cmpxchg(&p, &x, &y) == &x);
	ASSERT_TRUE(p == &y);
	ASSERT_TRUE(cmpxchg(&p, &x, NULL) == &y);
	ASSERT_TRUE(p == &y);

	exp = 1;
	ASSERT_FALSE(try_cmpxchg(&w, &exp, 5UL));
	ASSERT_EQ(exp, 200);
	ASSERT_EQ(w, 200);
	ASSERT_TRUE(try_cmpxchg(&w, &exp, 5UL));
	ASSERT_EQ(w, 5);

	expp = &x;
	ASSERT_FALSE(try_cmpxchg(&p, &expp, &x));
	ASSERT_TRUE(expp == &y);
	ASSERT_TRUE(try_cmpxchg(&p, &expp, &x));
	ASSERT_TRUE(p == &x);

	ASSERT_EQ(xchg(&w, 9UL), 5);
	ASSERT_EQ(w, 9);
	ASSERT_TRUE(xchg(&p, NULL) == &x);
	ASSERT_TRUE(p == NULL);
	return true;
}

/* ------------------------------------------------------------------ */
/* Spinlocks                                                           */
/* ------------------------------------------------------------------ */

static bool test_spin_trylock(void)
{
	int saved_cpu = tf_cur_cpu, pc0 = tf_cpus[0].preempt_count;
	int pc1 = tf_cpus[1].preempt_count;
	DEFINE_SPINLOCK(lock);

	tf_cur_cpu = 0;
	ASSERT_FALSE(spin_is_locked(&lock));
	ASSERT_TRUE(spin_trylock(&lock));
	ASSERT_TRUE(spin_is_locked(&lock));
	ASSERT_EQ(lock.owner, 0);
	ASSERT_EQ(tf_cpus[0].preempt_count, pc0 + 1);
	ASSERT_FALSE(preemptible());

	/* Held: a second trylock fails, on this CPU or another. */
	ASSERT_FALSE(spin_trylock(&lock));
	ASSERT_EQ(tf_cpus[0].preempt_count, pc0 + 1);
	tf_cur_cpu = 1;
	ASSERT_FALSE(spin_trylock(&lock));
	ASSERT_EQ(tf_cpus[1].preempt_count, pc1);
	ASSERT_EQ(lock.owner, 0);

	tf_cur_cpu = 0;
	spin_unlock(&lock);
	ASSERT_FALSE(spin_is_locked(&lock));
	ASSERT_EQ(lock.owner, -1);
	ASSERT_EQ(tf_cpus[0].preempt_count, pc0);

	/* Free again: CPU 1 can have it now. */
	tf_cur_cpu = 1;
	ASSERT_TRUE(spin_trylock(&lock));
	ASSERT_EQ(lock.owner, 1);
	ASSERT_EQ(tf_cpus[1].preempt_count, pc1 + 1);
	spin_unlock(&lock);
	ASSERT_EQ(tf_cpus[1].preempt_count, pc1);
	tf_cur_cpu = saved_cpu;
	return true;
}

/* Taking a lock this CPU holds is a deadlock: a BUG that unwinds. */
static bool test_spin_lock_recursion_is_a_bug(void)
{
	static spinlock_t lock;
	jmp_buf jb;
	int saved_cpu = tf_cur_cpu;
	int pc0 = tf_cpus[0].preempt_count;

	tf_cur_cpu = 0;
	spin_lock_init(&lock);
	spin_lock(&lock);
	capture_start();
	tf_bug_jmp = &jb;
	if (!setjmp(jb)) {
		spin_lock(&lock);
		capture_stop();
		fprintf(stderr, "  spin_lock on a held lock returned\n");
		return false;
	}
	capture_stop();
	ASSERT_ONE_CHECK(TF_CHECK_DEADLOCK, "spinlock recursion");
	spin_unlock(&lock);
	ASSERT_EQ(tf_cpus[0].preempt_count, pc0);
	tf_cur_cpu = saved_cpu;
	return true;
}

/*
 * CONFIG_DEBUG_SPINLOCK's unlock checks: releasing a free lock, or one
 * another CPU holds, is a BUG that unwinds (the lock is left as it was).
 */
static bool test_spin_unlock_by_the_wrong_owner_is_a_bug(void)
{
	static spinlock_t lock;
	jmp_buf jb;
	int saved_cpu = tf_cur_cpu;
	int pc0 = tf_cpus[0].preempt_count, pc1 = tf_cpus[1].preempt_count;

	spin_lock_init(&lock);
	tf_cur_cpu = 1;
	spin_lock(&lock);
	tf_cur_cpu = 0;
	capture_start();
	tf_bug_jmp = &jb;
	if (!setjmp(jb)) {
		spin_unlock(&lock);
		capture_stop();
		fprintf(stderr, "  spin_unlock of CPU1's lock on CPU0 returned\n");
		return false;
	}
	capture_stop();
	ASSERT_ONE_CHECK(TF_CHECK_BUG, "spinlock wrong owner");
	ASSERT_EQ(lock.owner, 1);
	ASSERT_TRUE(spin_is_locked(&lock));
	ASSERT_EQ(tf_cpus[0].preempt_count, pc0);

	tf_cur_cpu = 1;
	spin_unlock(&lock);
	ASSERT_EQ(tf_cpus[1].preempt_count, pc1);
	capture_start();
	tf_bug_jmp = &jb;
	if (!setjmp(jb)) {
		spin_unlock(&lock);
		capture_stop();
		fprintf(stderr, "  spin_unlock of a free lock returned\n");
		return false;
	}
	capture_stop();
	ASSERT_ONE_CHECK(TF_CHECK_BUG, "spinlock already unlocked");
	ASSERT_EQ(tf_cpus[1].preempt_count, pc1);
	tf_cur_cpu = saved_cpu;
	return true;
}

/* ------------------------------------------------------------------ */
/* WARN and BUG                                                        */
/* ------------------------------------------------------------------ */

static bool test_warn_on_returns_condition_and_reports(void)
{
	int x = 3;

	capture_start();
	ASSERT_FALSE(WARN_ON(x == 4));
	ASSERT_EQ(seen.nr_checks, 0);
	ASSERT_TRUE(WARN_ON(x == 3));
	ASSERT_ONE_CHECK(TF_CHECK_WARN, "WARN_ON(x == 3)");
	ASSERT_STREQ(seen.func, "test_warn_on_returns_condition_and_reports");
	/* The condition is evaluated once, and its truth value returned. */
	ASSERT_EQ(WARN_ON(x++), 1);
	ASSERT_EQ(x, 4);
	ASSERT_EQ(seen.nr_checks, 2);
	capture_stop();
	return true;
}

static bool test_warn_once_reports_every_time(void)
{
	int i, r;

	capture_start();
	for (i = 0; i < 2; i++) {
		r = WARN_ONCE(i < 5, "tf test warning %d\n", i);
		ASSERT_EQ(r, 1);
	}
	ASSERT_EQ(seen.nr_checks, 2);
	ASSERT_EQ(seen.kind, TF_CHECK_WARN);
	/* The site is the format without its newline; the message is formatted. */
	ASSERT_STREQ(seen.site, "tf test warning %d");
	ASSERT_STREQ(seen.msg, "tf test warning 1");

	ASSERT_FALSE(WARN_ONCE(0, "never\n"));
	ASSERT_EQ(seen.nr_checks, 2);

	for (i = 0; i < 3; i++)
		ASSERT_TRUE(WARN_ON_ONCE(i >= 0));
	ASSERT_EQ(seen.nr_checks, 5);
	ASSERT_STREQ(seen.site, "WARN_ON(i >= 0)");

	VM_WARN_ON(1);
	VM_WARN_ON_ONCE(1);
	ASSERT_EQ(seen.nr_checks, 7);

	ASSERT_TRUE(WARN(1, "plain %s", "warn"));
	ASSERT_EQ(seen.nr_checks, 8);
	ASSERT_STREQ(seen.msg, "plain warn");

	/* Without a sink nothing is delivered, and the value still is. */
	tf_event_sink = NULL;
	ASSERT_TRUE(WARN_ONCE(1, "dropped\n"));
	ASSERT_EQ(seen.nr_checks, 8);
	capture_stop();
	return true;
}

static bool test_bug_on_unwinds_to_harness(void)
{
	jmp_buf jb;
	volatile int reached = 0;
	int cond = 1;

	capture_start();
	tf_bug_jmp = &jb;
	if (!setjmp(jb)) {
		BUG_ON(cond == 0);	/* false: goes on */
		reached = 1;
		BUG_ON(cond == 1);
		reached = 2;
	}
	capture_stop();
	ASSERT_EQ(reached, 1);
	ASSERT_ONE_CHECK(TF_CHECK_BUG, "BUG_ON(cond == 1)");
	return true;
}

static bool test_might_sleep_in_atomic_is_reported(void)
{
	DEFINE_SPINLOCK(lock);
	int saved_cpu = tf_cur_cpu;

	tf_cur_cpu = 0;
	capture_start();
	might_sleep();
	ASSERT_EQ(seen.nr_checks, 0);
	spin_lock(&lock);
	might_sleep();
	spin_unlock(&lock);
	ASSERT_ONE_CHECK(TF_CHECK_SLEEP, "sleeping function called from invalid context");
	rcu_read_lock();
	might_sleep();
	rcu_read_unlock();
	ASSERT_EQ(seen.nr_checks, 2);
	might_sleep();
	ASSERT_EQ(seen.nr_checks, 2);
	capture_stop();
	tf_cur_cpu = saved_cpu;
	return true;
}

/* ------------------------------------------------------------------ */
/* RCU                                                                 */
/* ------------------------------------------------------------------ */

static bool test_rcu_read_lock_nesting(void)
{
	int saved_cpu = tf_cur_cpu;
	int n0 = tf_cpus[0].rcu_nesting, p0 = tf_cpus[0].preempt_count;
	int n1 = tf_cpus[1].rcu_nesting;

	tf_cur_cpu = 0;
	rcu_read_lock();
	ASSERT_EQ(tf_cpus[0].rcu_nesting, n0 + 1);
	ASSERT_EQ(tf_cpus[0].preempt_count, p0 + 1);
	rcu_read_lock();
	ASSERT_EQ(tf_cpus[0].rcu_nesting, n0 + 2);
	ASSERT_EQ(tf_cpus[0].preempt_count, p0 + 2);
	ASSERT_FALSE(preemptible());
	/* Per CPU: CPU 1 is not a reader. */
	ASSERT_EQ(tf_cpus[1].rcu_nesting, n1);
	rcu_read_unlock();
	ASSERT_EQ(tf_cpus[0].rcu_nesting, n0 + 1);
	rcu_read_unlock();
	ASSERT_EQ(tf_cpus[0].rcu_nesting, n0);
	ASSERT_EQ(tf_cpus[0].preempt_count, p0);
	tf_cur_cpu = saved_cpu;
	return true;
}

static bool test_rcu_pointer_publication(void)
{
	static int a = 1, b = 2;
	int *p = NULL;

	rcu_assign_pointer(p, &a);
	ASSERT_TRUE(rcu_access_pointer(p) == &a);
	rcu_read_lock();
	ASSERT_EQ(*rcu_dereference(p), 1);
	rcu_read_unlock();
	rcu_assign_pointer(p, &b);
	ASSERT_EQ(*rcu_dereference(p), 2);
	return true;
}

/* synchronize_rcu() with a reader on another CPU can never return here. */
static bool test_synchronize_rcu_waits_for_readers(void)
{
	jmp_buf jb;
	int saved_cpu = tf_cur_cpu, saved_nr = tf_nr_cpus;

	tf_nr_cpus = 2;
	tf_cur_cpu = 0;
	capture_start();
	synchronize_rcu();		/* no readers: returns, quietly */
	ASSERT_EQ(seen.nr_checks, 0);

	tf_cur_cpu = 1;
	rcu_read_lock();
	tf_cur_cpu = 0;
	tf_bug_jmp = &jb;
	if (!setjmp(jb)) {
		synchronize_rcu();
		capture_stop();
		tf_cur_cpu = 1;
		rcu_read_unlock();
		tf_cur_cpu = saved_cpu;
		tf_nr_cpus = saved_nr;
		fprintf(stderr, "  synchronize_rcu() returned with a reader on CPU1\n");
		return false;
	}
	capture_stop();
	tf_cur_cpu = 1;
	rcu_read_unlock();
	tf_cur_cpu = saved_cpu;
	tf_nr_cpus = saved_nr;
	ASSERT_ONE_CHECK(TF_CHECK_DEADLOCK, "synchronize_rcu() waits forever");
	return true;
}

/* ------------------------------------------------------------------ */
/* READ_ONCE/WRITE_ONCE and scheduling points                          */
/* ------------------------------------------------------------------ */

static bool test_read_write_once(void)
{
	u8 b = 0;
	u64 q = 0;
	unsigned long w = 1;
	int *p = NULL, x = 0;

	WRITE_ONCE(b, 0xab);
	ASSERT_EQ(READ_ONCE(b), 0xab);
	ASSERT_EQ(b, 0xab);
	WRITE_ONCE(q, 0x1122334455667788ull);
	ASSERT_TRUE(READ_ONCE(q) == 0x1122334455667788ull);
	WRITE_ONCE(w, w + 1);
	ASSERT_EQ(READ_ONCE(w), 2);
	WRITE_ONCE(p, &x);
	ASSERT_TRUE(READ_ONCE(p) == &x);
	return true;
}

static int nr_sched;
static char sched_what[8][48];
static const struct tf_loc *sched_loc[8];

static void count_sched(const char *what, const struct tf_loc *loc)
{
	if (nr_sched < 8) {
		snprintf(sched_what[nr_sched], sizeof(sched_what[0]), "%s", what);
		sched_loc[nr_sched] = loc;
	}
	nr_sched++;
}

/* Every shared access, atomic, lock and RCU point calls the scheduler. */
static bool test_shims_are_scheduling_points(void)
{
	DEFINE_SPINLOCK(lock);
	atomic_t v = ATOMIC_INIT(0);
	LLIST_HEAD(lh);
	struct llist_node n;
	int x = 0, old = 0, saved_cpu = tf_cur_cpu, line;

	tf_cur_cpu = 0;
	nr_sched = 0;
	tf_sched_hook = count_sched;
	WRITE_ONCE(x, 1);
	(void)READ_ONCE(x);
	atomic_try_cmpxchg(&v, &old, 1);
	ASSERT_TRUE(spin_trylock(&lock));
	spin_unlock(&lock);
	rcu_read_lock();
	rcu_read_unlock();
	tf_sched_hook = NULL;
	tf_cur_cpu = saved_cpu;

	ASSERT_EQ(nr_sched, 7);
	ASSERT_STREQ(sched_what[0], "WRITE_ONCE(x)");
	ASSERT_STREQ(sched_what[1], "READ_ONCE(x)");
	ASSERT_STREQ(sched_what[2], "atomic_try_cmpxchg");
	ASSERT_STREQ(sched_what[3], "spin_trylock");
	ASSERT_STREQ(sched_what[4], "spin_unlock");
	ASSERT_STREQ(sched_what[5], "rcu_read_lock");
	ASSERT_STREQ(sched_what[6], "rcu_read_unlock");

	/* An llist add is a read then a try_cmpxchg: a race window between. */
	nr_sched = 0;
	tf_sched_hook = count_sched;
	llist_add(&n, &lh); line = __LINE__;
	tf_sched_hook = NULL;
	ASSERT_EQ(nr_sched, 2);
	ASSERT_STREQ(sched_what[0], "READ_ONCE(head->first)");
	ASSERT_STREQ(sched_what[1], "try_cmpxchg(&head->first)");
	/*
	 * Both points are placed where this function called llist_add(), not
	 * in the shim: the trace names the kernel function and its line.
	 */
	for (int i = 0; i < 2; i++) {
		ASSERT_TRUE(sched_loc[i] != NULL);
		ASSERT_STREQ(sched_loc[i]->func, __func__);
		ASSERT_STREQ(sched_loc[i]->api, "llist_add");
		ASSERT_EQ(sched_loc[i]->line, (unsigned int)line);
		ASSERT_TRUE(strstr(sched_loc[i]->file, "tests/test_shims.c") != NULL);
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Per-CPU data                                                        */
/* ------------------------------------------------------------------ */

struct tf_pcpu_test {
	u64 a;
	u64 b;
};

static bool test_percpu_counters(void)
{
	/* Per-CPU space is never given back: allocate once per process. */
	static struct tf_pcpu_test __percpu *c;
	int saved_cpu = tf_cur_cpu, saved_nr = tf_nr_cpus, cpu;
	u64 sum = 0;

	if (!c)
		c = alloc_percpu(struct tf_pcpu_test);
	for (cpu = 0; cpu < TF_MAX_CPUS; cpu++)
		memset(per_cpu_ptr(c, cpu), 0, sizeof(*c));

	tf_nr_cpus = 4;
	tf_cur_cpu = 0;
	this_cpu_add(c->a, 5);
	tf_cur_cpu = 2;
	this_cpu_add(c->a, 7);
	this_cpu_inc(c->b);
	tf_cur_cpu = 3;
	this_cpu_sub(c->a, 2);
	this_cpu_dec(c->b);

	/* Each CPU touched only its own copy. */
	ASSERT_EQ(per_cpu_read(c->a, 0), 5);
	ASSERT_EQ(per_cpu_read(c->a, 1), 0);
	ASSERT_EQ(per_cpu_read(c->a, 2), 7);
	ASSERT_TRUE(per_cpu_read(c->a, 3) == (u64)-2);
	ASSERT_EQ(per_cpu_ptr(c, 2)->b, 1);
	ASSERT_EQ(this_cpu_ptr(c), per_cpu_ptr(c, 3));
	for_each_possible_cpu(cpu)
		sum += per_cpu_read(c->a, cpu);
	ASSERT_EQ(sum, 10);
	sum = 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu_read(c->b, cpu);
	ASSERT_EQ(sum, 0);

	tf_cur_cpu = saved_cpu;
	tf_nr_cpus = saved_nr;
	return true;
}

/* Trace names: gfp and alloc_flags from their one table each, places relative to target/. */
static bool test_flag_and_place_names(void)
{
	static const struct tf_loc here = { "llist_add", "f", "/x/target/sim/../mm/page_alloc.c", 7 };
	char b[160];

	ASSERT_STREQ(tf_format_gfp(GFP_KERNEL, b, sizeof(b)), "GFP_KERNEL");
	ASSERT_STREQ(tf_format_gfp(GFP_KERNEL | __GFP_ZERO, b, sizeof(b)), "GFP_KERNEL|__GFP_ZERO");
	ASSERT_STREQ(tf_format_gfp(GFP_ATOMIC, b, sizeof(b)), "GFP_ATOMIC");
	ASSERT_STREQ(tf_format_gfp(GFP_NOWAIT | __GFP_NO_OBJ_EXT, b, sizeof(b)),
		     "GFP_NOWAIT|__GFP_NO_OBJ_EXT");
	ASSERT_STREQ(tf_format_gfp(__GFP_HIGH | 0x80000000u, b, sizeof(b)), "__GFP_HIGH|0x80000000");
	ASSERT_STREQ(tf_format_gfp(0, b, sizeof(b)), "0");
	ASSERT_STREQ(tf_format_alloc_flags(0, b, sizeof(b)), "ALLOC_WMARK_MIN");
	ASSERT_STREQ(tf_format_alloc_flags(0x1001, b, sizeof(b)), "ALLOC_WMARK_LOW|ALLOC_NO_CODETAG");
	ASSERT_STREQ(tf_format_alloc_flags(0x2 | 0x40, b, sizeof(b)), "ALLOC_WMARK_HIGH|ALLOC_CPUSET");
	ASSERT_STREQ(tf_format_alloc_flags(0x3 | 0x4 | 0x20, b, sizeof(b)),
		     "ALLOC_WMARK_3|ALLOC_NO_WATERMARKS|ALLOC_MIN_RESERVE");
	ASSERT_STREQ(tf_port_path("/a/target/b/target/include/linux/llist.h", b, sizeof(b)),
		     "include/linux/llist.h");
	ASSERT_STREQ(tf_port_path("fuzz/./run.c", b, sizeof(b)), "fuzz/run.c");
	ASSERT_STREQ(tf_format_loc(&here, b, sizeof(b)), "f() mm/page_alloc.c:7");
	ASSERT_STREQ(tf_format_loc(NULL, b, sizeof(b)), "?");
	return true;
}

const struct test_case tests_shims[] = {
	TEST(test_flag_and_place_names),
	TEST(test_list_add_del_move),
	TEST(test_list_for_each_entry_safe_deletes),
	TEST(test_list_double_del_is_reported),
	TEST(test_list_del_corrupt_neighbour_is_reported),
	TEST(test_list_add_corruption_is_reported),
	TEST(test_llist_add_del_all),
	TEST(test_atomic_ops),
	TEST(test_atomic_cmpxchg_semantics),
	TEST(test_cmpxchg_xchg_on_words_and_pointers),
	TEST(test_spin_trylock),
	TEST(test_spin_lock_recursion_is_a_bug),
	TEST(test_spin_unlock_by_the_wrong_owner_is_a_bug),
	TEST(test_warn_on_returns_condition_and_reports),
	TEST(test_warn_once_reports_every_time),
	TEST(test_bug_on_unwinds_to_harness),
	TEST(test_might_sleep_in_atomic_is_reported),
	TEST(test_rcu_read_lock_nesting),
	TEST(test_rcu_pointer_publication),
	TEST(test_synchronize_rcu_waits_for_readers),
	TEST(test_read_write_once),
	TEST(test_shims_are_scheduling_points),
	TEST(test_percpu_counters),
};
const size_t nr_tests_shims = ARRAY_LEN(tests_shims);
