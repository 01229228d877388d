// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic scheduler (see tagfuzz/sched.h).  Each in-flight op
 * runs on a fiber with a stack of its own.  A fiber is entered the first
 * time by moving the stack pointer onto its stack and calling its entry
 * (makecontext/swapcontext where there is no such asm here), and from then
 * on switched with _setjmp/_longjmp, which costs tens of nanoseconds.
 * AddressSanitizer is told about every stack switch so it neither misses
 * nor invents errors.
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include <linux/spinlock.h>

#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TF_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TF_ASAN 1
#endif

#ifdef TF_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#else
static inline void __sanitizer_start_switch_fiber(void **s, const void *b, size_t n)
{
	(void)s; (void)b; (void)n;
}
static inline void __sanitizer_finish_switch_fiber(void *s, const void **b, size_t *n)
{
	(void)s; (void)b; (void)n;
}
#define __asan_unpoison_memory_region(a, n)	((void)(a), (void)(n))
#endif

#define TF_FIBER_STACK	(256 * 1024)

enum fiber_state { F_IDLE, F_QUEUED, F_STARTED, F_DONE };
enum fiber_wait { W_NONE, W_LOCK, W_RCU, W_IDLE };

struct fiber {
	enum fiber_state state;
	enum fiber_wait wait;
	spinlock_t *lock;
	int idle_cpu;		/* W_IDLE: the CPU whose op must end first */
	int prio;
	struct tf_op op;
	jmp_buf ctx;
	jmp_buf bug_jb;		/* where a BUG on this fiber lands */
	ucontext_t uc;
	void *fake_stack;
};

static unsigned char tf_fiber_stacks[TF_MAX_CPUS][TF_FIBER_STACK] __attribute__((aligned(64)));
static struct fiber fibers[TF_MAX_CPUS];
static jmp_buf sched_jb;
static void *main_fake_stack;
static const void *main_stack_bottom;
static size_t main_stack_size;
static int running = -1;	/* the fiber's CPU, or -1 in the scheduler */
static bool active, bugged;
static unsigned long step;
static unsigned int next_point;
static struct tf_sched_plan plan;
static tf_op_fn *op_fn;
static jmp_buf *harness_bug_jmp;
static int nr_queued;

void (*tf_sched_observer)(unsigned long step, int cpu, const char *what,
			  const struct tf_loc *loc, unsigned int change_point);

void tf_sched_reset(tf_op_fn *fn)
{
	op_fn = fn;
	memset(fibers, 0, sizeof(fibers));
	nr_queued = 0;
	running = -1;
	active = false;
}

bool tf_sched_active(void)
{
	return active && running >= 0;
}

bool tf_sched_stack(const void **lo, const void **hi)
{
	if (!tf_sched_active())
		return false;
	*lo = tf_fiber_stacks[running];
	*hi = tf_fiber_stacks[running] + TF_FIBER_STACK;
	return true;
}

bool tf_sched_pending(void)
{
	return nr_queued > 0;
}

bool tf_sched_queue(int cpu, const struct tf_op *op)
{
	struct fiber *f = &fibers[cpu];

	if (f->state == F_QUEUED)
		return false;
	f->state = F_QUEUED;
	f->op = *op;
	nr_queued++;
	return true;
}

static bool others_in_rcu(int cpu)
{
	for (int c = 0; c < tf_nr_cpus; c++)
		if (c != cpu && __atomic_load_n(&tf_cpus[c].rcu_nesting, __ATOMIC_RELAXED))
			return true;
	return false;
}

static bool runnable(int cpu)
{
	struct fiber *f = &fibers[cpu];

	if (f->state != F_QUEUED && f->state != F_STARTED)
		return false;
	switch (f->wait) {
	case W_LOCK:
		return !spin_is_locked(f->lock);
	case W_RCU:
		return !others_in_rcu(cpu);
	case W_IDLE:
		return fibers[f->idle_cpu].state != F_QUEUED &&
		       fibers[f->idle_cpu].state != F_STARTED;
	default:
		return true;
	}
}

/* The runnable CPU with the highest priority (lowest CPU on a tie), or -1. */
static int best_runnable(void)
{
	int best = -1;

	for (int c = 0; c < tf_nr_cpus; c++) {
		if (runnable(c) && (best < 0 || fibers[c].prio > fibers[best].prio))
			best = c;
	}
	return best;
}

static int lowest_prio(void)
{
	int low = 0;

	for (int c = 0; c < tf_nr_cpus; c++)
		if (fibers[c].state == F_QUEUED || fibers[c].state == F_STARTED)
			if (fibers[c].prio < low)
				low = fibers[c].prio;
	return low;
}

/* From a fiber back to the scheduler; returns when the scheduler resumes it. */
static void yield(struct fiber *f)
{
	__sanitizer_start_switch_fiber(&f->fake_stack, main_stack_bottom, main_stack_size);
	if (!_setjmp(f->ctx))
		_longjmp(sched_jb, 1);
	__sanitizer_finish_switch_fiber(f->fake_stack, NULL, NULL);
}

static void fiber_main(void)
{
	struct fiber *f = &fibers[running];

	__sanitizer_finish_switch_fiber(NULL, &main_stack_bottom, &main_stack_size);
	if (!setjmp(f->bug_jb))
		op_fn(&f->op);
	else
		bugged = true;
	f->state = F_DONE;
	f->wait = W_NONE;
	/* This stack is done with: let ASan drop its fake frames. */
	__sanitizer_start_switch_fiber(NULL, main_stack_bottom, main_stack_size);
	_longjmp(sched_jb, 1);
}

/* Enter @fn on the stack that ends at @top; @fn never returns. */
static void enter_stack(struct fiber *f, unsigned char *top, void (*fn)(void))
{
#if defined(__x86_64__)
	(void)f;
	__asm__ volatile("mov %0, %%rsp\n\tcall *%1\n\tud2"
			 : : "r"(top), "r"(fn) : "memory");
#elif defined(__aarch64__)
	(void)f;
	__asm__ volatile("mov sp, %0\n\tblr %1\n\tbrk #0"
			 : : "r"(top), "r"(fn) : "memory");
#else
	ucontext_t from;

	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = top - TF_FIBER_STACK;
	f->uc.uc_stack.ss_size = TF_FIBER_STACK;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, fn, 0);
	swapcontext(&from, &f->uc);
#endif
	__builtin_unreachable();
}

static void switch_to(int cpu)
{
	struct fiber *f = &fibers[cpu];
	unsigned char *stack = tf_fiber_stacks[cpu];

	running = cpu;
	tf_cur_cpu = cpu;
	tf_bug_jmp = &f->bug_jb;
	if (f->state == F_QUEUED) {
		f->state = F_STARTED;
		nr_queued--;
		/* A fiber abandoned by an earlier BUG may have left poison here. */
		__asan_unpoison_memory_region(stack, TF_FIBER_STACK);
		__sanitizer_start_switch_fiber(&main_fake_stack, stack, TF_FIBER_STACK);
		if (!_setjmp(sched_jb))
			enter_stack(f, stack + TF_FIBER_STACK, fiber_main);
	} else {
		__sanitizer_start_switch_fiber(&main_fake_stack, stack, TF_FIBER_STACK);
		if (!_setjmp(sched_jb))
			_longjmp(f->ctx, 1);
	}
	__sanitizer_finish_switch_fiber(main_fake_stack, NULL, NULL);
	running = -1;
}

/* The hook at every scheduling point while a run is in progress. */
static void sched_point(const char *what, const struct tf_loc *loc)
{
	struct fiber *f;
	unsigned int dropped = 0;
	int next;

	if (running < 0)
		return;		/* the scheduler's own shim calls */
	f = &fibers[running];
	step++;
	if (tf_sched_trace_sink) {
		struct tf_sched_line l = {
			.cpu = running, .step = step, .what = what, .loc = loc,
		};

		tf_sched_trace_sink(&l);
	}
	while (next_point < plan.nr_points && step >= plan.points[next_point]) {
		next_point++;
		dropped = next_point;
		f->prio = lowest_prio() - 1;
		tf_sched_note("change point %u: CPU%d drops to the lowest priority",
			      next_point, running);
	}
	if (tf_sched_observer)
		tf_sched_observer(step, running, what, loc, dropped);
	next = best_runnable();
	if (next != running) {
		tf_sched_note("switch to CPU%d", next);
		yield(f);
	}
}

/* After each access of a run: stamped and handed to the harness. */
static void access_point(enum tf_access_kind kind, const char *site,
			 const volatile void *addr, unsigned long val,
			 const struct tf_loc *loc)
{
	struct tf_access_rec a = {
		.step = step, .cpu = running, .kind = kind, .site = site,
		.addr = addr, .val = val, .loc = loc,
	};

	if (running < 0 || !tf_access_sink)
		return;		/* the scheduler's own shim calls */
	tf_access_sink(&a);
}

static void end_run(void)
{
	for (int c = 0; c < TF_MAX_CPUS; c++) {
		if (fibers[c].state != F_IDLE)
			fibers[c].state = F_IDLE;
		fibers[c].wait = W_NONE;
	}
	nr_queued = 0;
	active = false;
	running = -1;
	tf_sched_hook = NULL;
	tf_access_hook = NULL;
	tf_bug_jmp = harness_bug_jmp;
	tf_cur_cpu = 0;
}

static _Noreturn void report_deadlock(void)
{
	char why[256] = "";
	size_t len = 0;

	for (int c = 0; c < tf_nr_cpus; c++) {
		struct fiber *f = &fibers[c];

		if (f->state != F_STARTED && f->state != F_QUEUED)
			continue;
		if (f->wait == W_LOCK)
			len += snprintf(why + len, sizeof(why) - len,
					"CPU%d spins on a lock CPU%d holds; ", c,
					__atomic_load_n(&f->lock->owner, __ATOMIC_RELAXED));
		else if (f->wait == W_RCU)
			len += snprintf(why + len, sizeof(why) - len,
					"CPU%d waits in synchronize_rcu(); ", c);
		else if (f->wait == W_IDLE)
			len += snprintf(why + len, sizeof(why) - len,
					"CPU%d waits for CPU%d to stop; ", c, f->idle_cpu);
		if (len >= sizeof(why))
			break;
	}
	end_run();
	tf_report_bug(TF_CHECK_DEADLOCK, "tf_sched_run", "no CPU can make progress",
		      "no CPU can make progress: %s", why);
}

void tf_sched_run(const struct tf_sched_plan *p)
{
	int order[TF_MAX_CPUS], n = 0;

	if (!nr_queued)
		return;
	plan = *p;
	step = 0;
	next_point = 0;
	bugged = false;
	active = true;

	/* Initial priorities: queued CPUs in order, rotated by plan.first. */
	for (int c = 0; c < tf_nr_cpus; c++)
		if (fibers[c].state == F_QUEUED)
			order[n++] = c;
	for (int i = 0; i < n; i++)
		fibers[order[(i + plan.first) % n]].prio = n - i;
	tf_sched_note("run: %d op(s) in flight, CPU%d first, %u change point(s)", n,
		      order[plan.first % n], plan.nr_points);

	harness_bug_jmp = tf_bug_jmp;
	tf_sched_hook = sched_point;
	tf_access_hook = access_point;
	for (;;) {
		int c = best_runnable();

		if (c < 0) {
			bool left = false;

			for (int k = 0; k < tf_nr_cpus; k++)
				if (fibers[k].state == F_QUEUED || fibers[k].state == F_STARTED)
					left = true;
			if (left)
				report_deadlock();
			break;
		}
		switch_to(c);
		if (bugged) {
			end_run();
			longjmp(*tf_bug_jmp, 1);
		}
	}
	end_run();
}

void tf_sched_block_on_lock(void *lock)
{
	struct fiber *f = &fibers[running];

	f->wait = W_LOCK;
	f->lock = lock;
	tf_sched_note("spins on a lock CPU%d holds",
		      __atomic_load_n(&f->lock->owner, __ATOMIC_RELAXED));
	yield(f);
	f->wait = W_NONE;
}

void tf_sched_block_on_rcu(void)
{
	struct fiber *f = &fibers[running];

	f->wait = W_RCU;
	tf_sched_note("synchronize_rcu() waits for readers");
	yield(f);
	f->wait = W_NONE;
}

void tf_sched_wait_idle(int cpu)
{
	struct fiber *f;

	if (!tf_sched_active() || cpu == running)
		return;
	f = &fibers[running];
	if (fibers[cpu].state != F_QUEUED && fibers[cpu].state != F_STARTED)
		return;
	f->wait = W_IDLE;
	f->idle_cpu = cpu;
	tf_sched_note("waits for CPU%d's op to end", cpu);
	yield(f);
	f->wait = W_NONE;
}
