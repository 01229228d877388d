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
	tf_access(TF_ACC_RCU_LOCK, "rcu_read_lock", &tf_cpus[tf_cur_cpu].rcu_nesting, 0);
}

static inline void rcu_read_unlock(void)
{
	__atomic_fetch_sub(&tf_cpus[tf_cur_cpu].rcu_nesting, 1, __ATOMIC_SEQ_CST);
	tf_cpus[tf_cur_cpu].preempt_count--;
	tf_access(TF_ACC_RCU_UNLOCK, "rcu_read_unlock", &tf_cpus[tf_cur_cpu].rcu_nesting, 0);
	tf_sched_point("rcu_read_unlock");
}

#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_access_pointer(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) do {					\
	tf_sched_point("rcu_assign_pointer(" #p ")");			\
	typeof(&(p)) __ra_p = &(p);					\
	typeof(p) __ra_v = (v);						\
	__atomic_store_n(__ra_p, __ra_v, __ATOMIC_RELEASE);		\
	tf_access(TF_ACC_WRITE, "rcu_assign_pointer(" #p ")", __ra_p,	\
		  (unsigned long)__ra_v);				\
} while (0)

void synchronize_rcu(void);

#endif /* _LINUX_RCUPDATE_H */
