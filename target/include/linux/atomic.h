/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/compiler.h>

/* Fully ordered, like the kernel's value-returning atomics. */
#define __TF_SEQ	__ATOMIC_SEQ_CST

#define ATOMIC_INIT(i)	{ (i) }

/*
 * Each atomic is a scheduling point named after the operation (its stable
 * site name); the macros give each the place the kernel code called it
 * from (TF_HERE), and the __tf_ forms take a place for shims that call
 * them on their own caller's behalf.
 */
static inline int __tf_atomic_read(const atomic_t *v, const struct tf_loc *loc)
{
	int r;

	tf_sched_point_at("atomic_read", loc);
	r = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
	tf_access_at(TF_ACC_READ, "atomic_read", &v->counter, (unsigned long)r, loc);
	return r;
}
#define atomic_read(v)	__tf_atomic_read(v, TF_HERE("atomic_read"))

static inline void __tf_atomic_set(atomic_t *v, int i, const struct tf_loc *loc)
{
	tf_sched_point_at("atomic_set", loc);
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
	tf_access_at(TF_ACC_WRITE, "atomic_set", &v->counter, (unsigned long)i, loc);
}
#define atomic_set(v, i)	__tf_atomic_set(v, i, TF_HERE("atomic_set"))

static inline int __tf_atomic_add_return(int i, atomic_t *v, const struct tf_loc *loc)
{
	int r;

	tf_sched_point_at("atomic_add_return", loc);
	r = __atomic_add_fetch(&v->counter, i, __TF_SEQ);
	tf_access_at(TF_ACC_RMW, "atomic_add_return", &v->counter, (unsigned long)r, loc);
	return r;
}
#define atomic_add_return(i, v)	__tf_atomic_add_return(i, v, TF_HERE("atomic_add_return"))
#define atomic_add(i, v)	((void)__tf_atomic_add_return(i, v, TF_HERE("atomic_add")))
#define atomic_sub(i, v)	((void)__tf_atomic_add_return(-(i), v, TF_HERE("atomic_sub")))
#define atomic_inc(v)		((void)__tf_atomic_add_return(1, v, TF_HERE("atomic_inc")))
#define atomic_dec(v)		((void)__tf_atomic_add_return(-1, v, TF_HERE("atomic_dec")))
#define atomic_dec_and_test(v) \
	(__tf_atomic_add_return(-1, v, TF_HERE("atomic_dec_and_test")) == 0)

static inline int __tf_atomic_cmpxchg(atomic_t *v, int old, int new, const struct tf_loc *loc)
{
	bool ok;

	tf_sched_point_at("atomic_cmpxchg", loc);
	ok = __atomic_compare_exchange_n(&v->counter, &old, new, false,
					 __TF_SEQ, __TF_SEQ);
	tf_access_at(ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL, "atomic_cmpxchg", &v->counter,
		     (unsigned long)(ok ? new : old), loc);
	return old;
}
#define atomic_cmpxchg(v, o, n)	__tf_atomic_cmpxchg(v, o, n, TF_HERE("atomic_cmpxchg"))

static inline bool __tf_atomic_try_cmpxchg(atomic_t *v, int *old, int new,
					   const struct tf_loc *loc)
{
	bool ok;

	tf_sched_point_at("atomic_try_cmpxchg", loc);
	ok = __atomic_compare_exchange_n(&v->counter, old, new, false,
					 __TF_SEQ, __TF_SEQ);
	tf_access_at(ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL, "atomic_try_cmpxchg", &v->counter,
		     (unsigned long)(ok ? new : *old), loc);
	return ok;
}
#define atomic_try_cmpxchg(v, po, n) \
	__tf_atomic_try_cmpxchg(v, po, n, TF_HERE("atomic_try_cmpxchg"))

static inline long __tf_atomic_long_read(const atomic_long_t *v, const struct tf_loc *loc)
{
	long r;

	tf_sched_point_at("atomic_long_read", loc);
	r = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
	tf_access_at(TF_ACC_READ, "atomic_long_read", &v->counter, (unsigned long)r, loc);
	return r;
}
#define atomic_long_read(v)	__tf_atomic_long_read(v, TF_HERE("atomic_long_read"))

static inline void __tf_atomic_long_set(atomic_long_t *v, long i, const struct tf_loc *loc)
{
	tf_sched_point_at("atomic_long_set", loc);
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
	tf_access_at(TF_ACC_WRITE, "atomic_long_set", &v->counter, (unsigned long)i, loc);
}
#define atomic_long_set(v, i)	__tf_atomic_long_set(v, i, TF_HERE("atomic_long_set"))

static inline void __tf_atomic_long_add(long i, atomic_long_t *v, const struct tf_loc *loc)
{
	long r;

	tf_sched_point_at("atomic_long_add", loc);
	r = __atomic_add_fetch(&v->counter, i, __TF_SEQ);
	tf_access_at(TF_ACC_RMW, "atomic_long_add", &v->counter, (unsigned long)r, loc);
}
#define atomic_long_add(i, v)	__tf_atomic_long_add(i, v, TF_HERE("atomic_long_add"))

/* Add @a unless the value is @u; true if it was added (fully ordered then). */
static inline bool __tf_atomic_add_unless(atomic_t *v, int a, int u, const struct tf_loc *loc)
{
	int c = __tf_atomic_read(v, loc);

	do {
		if (unlikely(c == u))
			return false;
	} while (!__tf_atomic_try_cmpxchg(v, &c, c + a, loc));
	return true;
}
#define atomic_add_unless(v, a, u) \
	__tf_atomic_add_unless(v, a, u, TF_HERE("atomic_add_unless"))

/* cmpxchg() on a plain word or pointer: returns the value found. */
#define __tf_cmpxchg(ptr, o, n, what, loc) ({				\
	const struct tf_loc *__cx_l = (loc);				\
	typeof(*(ptr)) __old = (o);					\
	tf_sched_point_at(what, __cx_l);				\
	typeof(ptr) __cx_p = (ptr);					\
	typeof(*(ptr)) __cx_n = (n);					\
	bool __cx_ok = __atomic_compare_exchange_n(__cx_p, &__old, __cx_n, \
						   false, __TF_SEQ, __TF_SEQ); \
	tf_access_at(__cx_ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL,	\
		     what, __cx_p,					\
		     (unsigned long)(__cx_ok ? __cx_n : __old), __cx_l);	\
	__old;								\
})
#define cmpxchg(ptr, o, n) \
	__tf_cmpxchg(ptr, o, n, "cmpxchg(" #ptr ")", TF_HERE("cmpxchg"))

#define __tf_try_cmpxchg(ptr, po, n, what, loc) ({			\
	const struct tf_loc *__tc_l = (loc);				\
	tf_sched_point_at(what, __tc_l);				\
	typeof(ptr) __tc_p = (ptr);					\
	typeof(po) __tc_po = (po);					\
	typeof(*(ptr)) __tc_n = (n);					\
	bool __tc_ok = __atomic_compare_exchange_n(__tc_p, __tc_po, __tc_n, \
						   false, __TF_SEQ, __TF_SEQ); \
	tf_access_at(__tc_ok ? TF_ACC_RMW : TF_ACC_CMPXCHG_FAIL,	\
		     what, __tc_p,					\
		     (unsigned long)(__tc_ok ? __tc_n : *__tc_po), __tc_l); \
	__tc_ok;							\
})
#define __tf_try_cmpxchg_at(ptr, po, n, loc) \
	__tf_try_cmpxchg(ptr, po, n, "try_cmpxchg(" #ptr ")", loc)
#define try_cmpxchg(ptr, po, n) \
	__tf_try_cmpxchg(ptr, po, n, "try_cmpxchg(" #ptr ")", TF_HERE("try_cmpxchg"))

#define __tf_xchg(ptr, v, what, loc) ({					\
	const struct tf_loc *__xc_l = (loc);				\
	tf_sched_point_at(what, __xc_l);				\
	typeof(ptr) __xc_p = (ptr);					\
	typeof(*(ptr)) __xc_v = (v);					\
	typeof(*(ptr)) __xc_old = __atomic_exchange_n(__xc_p, __xc_v, __TF_SEQ); \
	tf_access_at(TF_ACC_RMW, what, __xc_p, (unsigned long)__xc_v, __xc_l); \
	__xc_old;							\
})
#define __tf_xchg_at(ptr, v, loc)	__tf_xchg(ptr, v, "xchg(" #ptr ")", loc)
#define xchg(ptr, v)	__tf_xchg(ptr, v, "xchg(" #ptr ")", TF_HERE("xchg"))

#endif /* _LINUX_ATOMIC_H */
