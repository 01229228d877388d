/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <linux/types.h>
#include "tagfuzz/harness.h"
#include "tagfuzz/racy.h"

/*
 * READ_ONCE/WRITE_ONCE are where another CPU can observe or change shared
 * state, so each is a scheduling point.  The access itself is a relaxed
 * atomic so the ThreadSanitizer build sees what the kernel means.
 */
#define READ_ONCE(x) ({							\
	tf_sched_point("READ_ONCE(" #x ")");				\
	typeof(&(x)) __ro_p = &(x);					\
	typeof(x) __ro_v = __atomic_load_n(__ro_p, __ATOMIC_RELAXED);	\
	tf_access(TF_ACC_READ, "READ_ONCE(" #x ")", __ro_p,		\
		  (unsigned long)__ro_v);				\
	__ro_v;								\
})

#define WRITE_ONCE(x, val) do {						\
	tf_sched_point("WRITE_ONCE(" #x ")");				\
	typeof(&(x)) __wo_p = &(x);					\
	typeof(x) __wo_v = (val);					\
	__atomic_store_n(__wo_p, __wo_v, __ATOMIC_RELAXED);		\
	tf_access(TF_ACC_WRITE, "WRITE_ONCE(" #x ")", __wo_p,		\
		  (unsigned long)__wo_v);				\
} while (0)

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* _LINUX_COMPILER_H */
