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

static inline void __tf_rcu_read_lock(const struct tf_loc *loc)
{
	tf_sched_point_at("rcu_read_lock", loc);
	/* synchronize_rcu() on another CPU reads this. */
	__atomic_fetch_add(&tf_cpus[tf_cur_cpu].rcu_nesting, 1, __ATOMIC_SEQ_CST);
	tf_cpus[tf_cur_cpu].preempt_count++;
	tf_access_at(TF_ACC_RCU_LOCK, "rcu_read_lock", &tf_cpus[tf_cur_cpu].rcu_nesting, 0, loc);
}
#define rcu_read_lock()		__tf_rcu_read_lock(TF_HERE("rcu_read_lock"))

static inline void __tf_rcu_read_unlock(const struct tf_loc *loc)
{
	__atomic_fetch_sub(&tf_cpus[tf_cur_cpu].rcu_nesting, 1, __ATOMIC_SEQ_CST);
	tf_cpus[tf_cur_cpu].preempt_count--;
	tf_access_at(TF_ACC_RCU_UNLOCK, "rcu_read_unlock", &tf_cpus[tf_cur_cpu].rcu_nesting, 0, loc);
	tf_sched_point_at("rcu_read_unlock", loc);
}
#define rcu_read_unlock()	__tf_rcu_read_unlock(TF_HERE("rcu_read_unlock"))

#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_access_pointer(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) do {					\
	const struct tf_loc *__ra_l = TF_HERE("rcu_assign_pointer");	\
	tf_sched_point_at("rcu_assign_pointer(" #p ")", __ra_l);	\
	typeof(&(p)) __ra_p = &(p);					\
	typeof(p) __ra_v = (v);						\
	__atomic_store_n(__ra_p, __ra_v, __ATOMIC_RELEASE);		\
	tf_access_at(TF_ACC_WRITE, "rcu_assign_pointer(" #p ")", __ra_p,	\
		     (unsigned long)__ra_v, __ra_l);			\
} while (0)

/* The place is the caller's (target/sim/machine.c has the grace period). */
void __tf_synchronize_rcu(const struct tf_loc *loc);
#define synchronize_rcu()	__tf_synchronize_rcu(TF_HERE("synchronize_rcu"))

#endif /* _LINUX_RCUPDATE_H */
