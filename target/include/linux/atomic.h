/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/compiler.h>

/* Fully ordered, like the kernel's value-returning atomics. */
#define __TF_SEQ	__ATOMIC_SEQ_CST

#define ATOMIC_INIT(i)	{ (i) }

static inline int atomic_read(const atomic_t *v)
{
	int r;

	tf_sched_point("atomic_read");
	r = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
	tf_access(TF_ACC_READ, "atomic_read", &v->counter, (unsigned long)r);
	return r;
}

static inline void atomic_set(atomic_t *v, int i)
{
	tf_sched_point("atomic_set");
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
	tf_access(TF_ACC_WRITE, "atomic_set", &v->counter, (unsigned long)i);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
	int r;

	tf_sched_point("atomic_add_return");
	r = __atomic_add_fetch(&v->counter, i, __TF_SEQ);
	tf_access(TF_ACC_RMW, "atomic_add_return", &v->counter, (unsigned long)r);
	return r;
}

static inline void atomic_add(int i, atomic_t *v)	{ (void)atomic_add_return(i, v); }
static inline void atomic_sub(int i, atomic_t *v)	{ (void)atomic_add_return(-i, v); }
static inline void atomic_inc(atomic_t *v)		{ (void)atomic_add_return(1, v); }
static inline void atomic_dec(atomic_t *v)		{ (void)atomic_add_return(-1, v); }
static inline bool atomic_dec_and_test(atomic_t *v)	{ return atomic_add_return(-1, v) == 0; }

static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	bool ok;

	tf_sched_point("atomic_cmpxchg");
	ok = __atomic_compare_exchange_n(&v->counter, &old, new, false,
					 __TF_SEQ, __TF_SEQ);
	tf_access(ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL, "atomic_cmpxchg", &v->counter,
		  (unsigned long)(ok ? new : old));
	return old;
}

static inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int new)
{
	bool ok;

	tf_sched_point("atomic_try_cmpxchg");
	ok = __atomic_compare_exchange_n(&v->counter, old, new, false,
					 __TF_SEQ, __TF_SEQ);
	tf_access(ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL, "atomic_try_cmpxchg", &v->counter,
		  (unsigned long)(ok ? new : *old));
	return ok;
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	long r;

	tf_sched_point("atomic_long_read");
	r = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
	tf_access(TF_ACC_READ, "atomic_long_read", &v->counter, (unsigned long)r);
	return r;
}

static inline void atomic_long_set(atomic_long_t *v, long i)
{
	tf_sched_point("atomic_long_set");
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
	tf_access(TF_ACC_WRITE, "atomic_long_set", &v->counter, (unsigned long)i);
}

static inline void atomic_long_add(long i, atomic_long_t *v)
{
	long r;

	tf_sched_point("atomic_long_add");
	r = __atomic_add_fetch(&v->counter, i, __TF_SEQ);
	tf_access(TF_ACC_RMW, "atomic_long_add", &v->counter, (unsigned long)r);
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
	typeof(ptr) __cx_p = (ptr);					\
	typeof(*(ptr)) __cx_n = (n);					\
	bool __cx_ok = __atomic_compare_exchange_n(__cx_p, &__old, __cx_n, \
						   false, __TF_SEQ, __TF_SEQ); \
	tf_access(__cx_ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL,		\
		  "cmpxchg(" #ptr ")", __cx_p,				\
		  (unsigned long)(__cx_ok ? __cx_n : __old));		\
	__old;								\
})

#define try_cmpxchg(ptr, po, n) ({					\
	tf_sched_point("try_cmpxchg(" #ptr ")");			\
	typeof(ptr) __tc_p = (ptr);					\
	typeof(po) __tc_po = (po);					\
	typeof(*(ptr)) __tc_n = (n);					\
	bool __tc_ok = __atomic_compare_exchange_n(__tc_p, __tc_po, __tc_n, \
						   false, __TF_SEQ, __TF_SEQ); \
	tf_access(__tc_ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL,		\
		  "try_cmpxchg(" #ptr ")", __tc_p,			\
		  (unsigned long)(__tc_ok ? __tc_n : *__tc_po));	\
	__tc_ok;							\
})

#define xchg(ptr, v) ({							\
	tf_sched_point("xchg(" #ptr ")");				\
	typeof(ptr) __xc_p = (ptr);					\
	typeof(*(ptr)) __xc_v = (v);					\
	typeof(*(ptr)) __xc_old = __atomic_exchange_n(__xc_p, __xc_v, __TF_SEQ); \
	tf_access(TF_ACC_RMW, "xchg(" #ptr ")", __xc_p, (unsigned long)__xc_v); \
	__xc_old;							\
})

#endif /* _LINUX_ATOMIC_H */
