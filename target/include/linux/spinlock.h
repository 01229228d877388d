/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks on simulated CPUs.  Taking a lock is a scheduling point; a
 * lock that can never be had (held by this CPU, or by a CPU that cannot
 * run) is a deadlock finding rather than a hang.
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/compiler.h>

typedef struct {
	int locked;
	int owner;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ 0, -1 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
	lock->owner = -1;
}

/* Blocks in the scheduler, or reports the deadlock; see target/sim/. */
void tf_spin_wait(spinlock_t *lock);

static inline bool __tf_spin_try(spinlock_t *lock)
{
	int unlocked = 0;

	if (!__atomic_compare_exchange_n(&lock->locked, &unlocked, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&lock->owner, tf_cur_cpu, __ATOMIC_RELAXED);
	tf_cpus[tf_cur_cpu].preempt_count++;
	return true;
}

static inline int __tf_spin_trylock(spinlock_t *lock, const struct tf_loc *loc)
{
	int ok;

	tf_sched_point_at("spin_trylock", loc);
	ok = __tf_spin_try(lock);
	if (ok)
		tf_access_at(TF_ACC_LOCK, "spin_trylock", lock, (unsigned long)tf_cur_cpu, loc);
	else
		tf_access_at(TF_ACC_READ, "spin_trylock", lock,
			     (unsigned long)__atomic_load_n(&lock->owner, __ATOMIC_RELAXED), loc);
	return ok;
}

static inline void __tf_spin_lock(spinlock_t *lock, const struct tf_loc *loc)
{
	tf_sched_point_at("spin_lock", loc);
	while (!__tf_spin_try(lock))
		tf_spin_wait(lock);
	tf_access_at(TF_ACC_LOCK, "spin_lock", lock, (unsigned long)tf_cur_cpu, loc);
}

/*
 * CONFIG_DEBUG_SPINLOCK's debug_spin_unlock() (kernel/locking/spinlock_debug.c):
 * unlocking a lock that is free, or that another CPU (another task: here
 * one task a CPU) holds.  spin_bug() prints "BUG: spinlock %s on CPU#%d"
 * once and goes on; the run ends here, as nothing after a lock released
 * by the wrong owner can be trusted.
 */
static inline void __tf_debug_spin_unlock(spinlock_t *lock)
{
	int owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
		tf_report_bug(TF_CHECK_BUG, "spin_unlock", "spinlock already unlocked",
			      "BUG: spinlock already unlocked on CPU#%d", tf_cur_cpu);
	if (owner != tf_cur_cpu)
		tf_report_bug(TF_CHECK_BUG, "spin_unlock", "spinlock wrong owner",
			      "BUG: spinlock wrong owner on CPU#%d (held by CPU%d)",
			      tf_cur_cpu, owner);
}

static inline void __tf_spin_unlock(spinlock_t *lock, const struct tf_loc *loc)
{
	__tf_debug_spin_unlock(lock);
	__atomic_store_n(&lock->owner, -1, __ATOMIC_RELAXED);
	tf_cpus[tf_cur_cpu].preempt_count--;
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	tf_access_at(TF_ACC_UNLOCK, "spin_unlock", lock, (unsigned long)tf_cur_cpu, loc);
	tf_sched_point_at("spin_unlock", loc);
}

/* Each call names its place in the kernel code (TF_HERE) and the form it used. */
#define spin_trylock(lock)	__tf_spin_trylock(lock, TF_HERE("spin_trylock"))
#define spin_lock(lock)		__tf_spin_lock(lock, TF_HERE("spin_lock"))
#define spin_unlock(lock)	__tf_spin_unlock(lock, TF_HERE("spin_unlock"))

static inline bool spin_is_locked(spinlock_t *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED);
}

#define spin_lock_irqsave(lock, flags) \
	do { (flags) = 0; __tf_spin_lock(lock, TF_HERE("spin_lock_irqsave")); } while (0)
#define spin_unlock_irqrestore(lock, flags) \
	do { (void)(flags); __tf_spin_unlock(lock, TF_HERE("spin_unlock_irqrestore")); } while (0)
#define spin_trylock_irqsave(lock, flags) \
	({ (flags) = 0; __tf_spin_trylock(lock, TF_HERE("spin_trylock_irqsave")); })
#define spin_lock_irq(lock)	__tf_spin_lock(lock, TF_HERE("spin_lock_irq"))
#define spin_unlock_irq(lock)	__tf_spin_unlock(lock, TF_HERE("spin_unlock_irq"))

#define lockdep_assert_held(lock)	((void)WARN_ON(!spin_is_locked(lock)))

#endif /* _LINUX_SPINLOCK_H */
