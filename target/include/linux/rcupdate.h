/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Non-preemptible RCU on simulated CPUs: a reader holds off preemption,
 * synchronize_rcu() waits until no other CPU is inside a reader.
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/sched.h>

#define RCU_INITIALIZER(v)	(v)

static inline void rcu_read_lock(void)
{
	tf_sched_point("rcu_read_lock");
	/* synchronize_rcu() on another CPU reads this. */
	__atomic_fetch_add(&tf_cpus[tf_cur_cpu].rcu_nesting, 1, __ATOMIC_SEQ_CST);
	tf_cpus[tf_cur_cpu].preempt_count++;
}

static inline void rcu_read_unlock(void)
{
	__atomic_fetch_sub(&tf_cpus[tf_cur_cpu].rcu_nesting, 1, __ATOMIC_SEQ_CST);
	tf_cpus[tf_cur_cpu].preempt_count--;
	tf_sched_point("rcu_read_unlock");
}

#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_access_pointer(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) do {					\
	tf_sched_point("rcu_assign_pointer(" #p ")");			\
	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE);			\
} while (0)

void synchronize_rcu(void);

#endif /* _LINUX_RCUPDATE_H */
