/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <linux/types.h>
#include "tagfuzz/harness.h"

/*
 * READ_ONCE/WRITE_ONCE are where another CPU can observe or change shared
 * state, so each is a scheduling point.  The access itself is a relaxed
 * atomic so the ThreadSanitizer build sees what the kernel means.
 */
#define READ_ONCE(x) ({							\
	tf_sched_point("READ_ONCE(" #x ")");				\
	__atomic_load_n(&(x), __ATOMIC_RELAXED);			\
})

#define WRITE_ONCE(x, val) do {						\
	tf_sched_point("WRITE_ONCE(" #x ")");				\
	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED);		\
} while (0)

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* _LINUX_COMPILER_H */
