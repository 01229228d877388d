/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/compiler.h>

/* Fully ordered, like the kernel's value-returning atomics. */
#define __TF_SEQ	__ATOMIC_SEQ_CST

#define ATOMIC_INIT(i)	{ (i) }

static inline int atomic_read(const atomic_t *v)
{
	tf_sched_point("atomic_read");
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
	tf_sched_point("atomic_set");
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
	tf_sched_point("atomic_add_return");
	return __atomic_add_fetch(&v->counter, i, __TF_SEQ);
}

static inline void atomic_add(int i, atomic_t *v)	{ (void)atomic_add_return(i, v); }
static inline void atomic_sub(int i, atomic_t *v)	{ (void)atomic_add_return(-i, v); }
static inline void atomic_inc(atomic_t *v)		{ (void)atomic_add_return(1, v); }
static inline void atomic_dec(atomic_t *v)		{ (void)atomic_add_return(-1, v); }
static inline bool atomic_dec_and_test(atomic_t *v)	{ return atomic_add_return(-1, v) == 0; }

static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	tf_sched_point("atomic_cmpxchg");
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __TF_SEQ, __TF_SEQ);
	return old;
}

static inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int new)
{
	tf_sched_point("atomic_try_cmpxchg");
	return __atomic_compare_exchange_n(&v->counter, old, new, false,
					   __TF_SEQ, __TF_SEQ);
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	tf_sched_point("atomic_long_read");
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_set(atomic_long_t *v, long i)
{
	tf_sched_point("atomic_long_set");
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_long_add(long i, atomic_long_t *v)
{
	tf_sched_point("atomic_long_add");
	__atomic_add_fetch(&v->counter, i, __TF_SEQ);
}

/* Add @a unless the value is @u; true if it was added (fully ordered then). */
static inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	int c = atomic_read(v);

	do {
		if (unlikely(c == u))
			return false;
	} while (!atomic_try_cmpxchg(v, &c, c + a));
	return true;
}

/* cmpxchg() on a plain word or pointer: returns the value found. */
#define cmpxchg(ptr, o, n) ({						\
	typeof(*(ptr)) __old = (o);					\
	tf_sched_point("cmpxchg(" #ptr ")");				\
	__atomic_compare_exchange_n((ptr), &__old, (n), false,		\
				    __TF_SEQ, __TF_SEQ);		\
	__old;								\
})

#define try_cmpxchg(ptr, po, n) ({					\
	tf_sched_point("try_cmpxchg(" #ptr ")");			\
	__atomic_compare_exchange_n((ptr), (po), (n), false,		\
				    __TF_SEQ, __TF_SEQ);		\
})

#define xchg(ptr, v) ({							\
	tf_sched_point("xchg(" #ptr ")");				\
	__atomic_exchange_n((ptr), (v), __TF_SEQ);			\
})

#endif /* _LINUX_ATOMIC_H */
