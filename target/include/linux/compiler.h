/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <linux/types.h>
#include "tagfuzz/harness.h"
#include "tagfuzz/racy.h"

/*
 * READ_ONCE/WRITE_ONCE are where another CPU can observe or change shared
 * state, so each is a scheduling point.  The access itself is a relaxed
 * atomic so the ThreadSanitizer build sees what the kernel means.  The
 * site name ("READ_ONCE(x)", as written) is made where the kernel code
 * writes the call, and so is its place (TF_HERE); the __TF_*_AT forms are
 * for shims that use them on their caller's behalf.
 */
#define __TF_READ_ONCE(x, what, loc) ({					\
	const struct tf_loc *__ro_l = (loc);				\
	tf_sched_point_at(what, __ro_l);				\
	typeof(&(x)) __ro_p = &(x);					\
	typeof(x) __ro_v = __atomic_load_n(__ro_p, __ATOMIC_RELAXED);	\
	tf_access_at(TF_ACC_READ, what, __ro_p,				\
		     (unsigned long)__ro_v, __ro_l);			\
	__ro_v;								\
})
#define __TF_WRITE_ONCE(x, val, what, loc) do {				\
	const struct tf_loc *__wo_l = (loc);				\
	tf_sched_point_at(what, __wo_l);				\
	typeof(&(x)) __wo_p = &(x);					\
	typeof(x) __wo_v = (val);					\
	__atomic_store_n(__wo_p, __wo_v, __ATOMIC_RELAXED);		\
	tf_access_at(TF_ACC_WRITE, what, __wo_p,			\
		     (unsigned long)__wo_v, __wo_l);			\
} while (0)
#define __TF_READ_ONCE_AT(x, loc)	__TF_READ_ONCE(x, "READ_ONCE(" #x ")", loc)
#define __TF_WRITE_ONCE_AT(x, val, loc)	__TF_WRITE_ONCE(x, val, "WRITE_ONCE(" #x ")", loc)

#define READ_ONCE(x)	__TF_READ_ONCE(x, "READ_ONCE(" #x ")", TF_HERE("READ_ONCE"))
#define WRITE_ONCE(x, val) \
	__TF_WRITE_ONCE(x, val, "WRITE_ONCE(" #x ")", TF_HERE("WRITE_ONCE"))

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* _LINUX_COMPILER_H */
