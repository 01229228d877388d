// SPDX-License-Identifier: GPL-2.0
/*
 * The stress build's scheduler (TF_REAL_THREADS, built with ThreadSanitizer
 * in place of sched.c): every started op runs on a real thread of its own,
 * for its CPU, and a run waits for them all.  Nothing here chooses the
 * interleaving: the machine does, and ThreadSanitizer watches the port's
 * memory accesses.  A BUG on a thread ends that thread's op (the harness
 * has already counted its report).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <string.h>

#include "tagfuzz/racy.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"

struct worker {
	struct tf_op op;
	bool queued;
	int busy;		/* atomic: the op has not ended yet */
	pthread_t thread;
	int cpu;
};

static struct worker workers[TF_MAX_CPUS];

/* tagfuzz/racy.h: the probe `stress --probe` turned on. */
int tf_racy_probe;
static tf_op_fn *op_fn;
static int nr_queued;

void tf_sched_reset(tf_op_fn *fn)
{
	op_fn = fn;
	memset(workers, 0, sizeof(workers));
	nr_queued = 0;
}

bool tf_sched_active(void)
{
	return false;	/* blocking is real here: the shims spin and yield */
}

/* No scheduling points are counted here: the observer is never called. */
void (*tf_sched_observer)(unsigned long step, int cpu, const char *what,
			  const struct tf_loc *loc, unsigned int change_point);

bool tf_sched_stack(const void **lo, const void **hi)
{
	(void)lo;
	(void)hi;
	return false;
}

bool tf_sched_pending(void)
{
	return nr_queued > 0;
}

bool tf_sched_queue(int cpu, const struct tf_op *op)
{
	struct worker *w = &workers[cpu];

	if (w->queued)
		return false;
	w->queued = true;
	w->op = *op;
	w->cpu = cpu;
	__atomic_store_n(&w->busy, 1, __ATOMIC_RELEASE);
	nr_queued++;
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	jmp_buf bug;

	tf_cur_cpu = w->cpu;
	tf_bug_jmp = &bug;
	if (!setjmp(bug))
		op_fn(&w->op);
	__atomic_store_n(&w->busy, 0, __ATOMIC_RELEASE);
	return NULL;
}

void tf_sched_run(const struct tf_sched_plan *plan)
{
	(void)plan;	/* the machine picks the interleaving */
	for (int c = 0; c < TF_MAX_CPUS; c++)
		if (workers[c].queued && pthread_create(&workers[c].thread, NULL,
							worker_main, &workers[c]))
			__builtin_trap();
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		if (!workers[c].queued)
			continue;
		pthread_join(workers[c].thread, NULL);
		workers[c].queued = false;
	}
	nr_queued = 0;
}

void tf_sched_block_on_lock(void *lock)
{
	(void)lock;
	__builtin_trap();	/* tf_sched_active() is false: never called */
}

void tf_sched_block_on_rcu(void)
{
	__builtin_trap();
}

void tf_sched_wait_idle(int cpu)
{
	if (cpu == tf_cur_cpu)
		return;
	while (__atomic_load_n(&workers[cpu].busy, __ATOMIC_ACQUIRE))
		sched_yield();
}
