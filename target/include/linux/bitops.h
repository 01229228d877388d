/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic bit operations on a word: set_bit()/clear_bit() as the page flag
 * helpers (SetPageX/ClearPageX) use them.  Each is a scheduling point, so
 * another CPU's read-modify-write of the same word (the tag bits' cmpxchg
 * loop) can be interleaved with it, and an access (an RMW, the new value)
 * the cause journal and the interleaving coverage see.
 */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H

#include <linux/compiler.h>

#define BITS_PER_LONG	64

static inline void __tf_set_bit(unsigned int nr, unsigned long *addr, const struct tf_loc *loc)
{
	unsigned long v;

	tf_sched_point_at("set_bit", loc);
	v = __atomic_or_fetch(addr, 1UL << nr, __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "set_bit", addr, v, loc);
}
#define set_bit(nr, addr)	__tf_set_bit(nr, addr, TF_HERE("set_bit"))

static inline void __tf_clear_bit(unsigned int nr, unsigned long *addr, const struct tf_loc *loc)
{
	unsigned long v;

	tf_sched_point_at("clear_bit", loc);
	v = __atomic_and_fetch(addr, ~(1UL << nr), __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "clear_bit", addr, v, loc);
}
#define clear_bit(nr, addr)	__tf_clear_bit(nr, addr, TF_HERE("clear_bit"))

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (__atomic_load_n(addr, __ATOMIC_RELAXED) >> nr) & 1;
}

#endif /* _LINUX_BITOPS_H */
