/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static keys as plain flags.  The kernel patches code; here a key is a
 * bool read with a relaxed load (a key flips only in ops that run alone,
 * never while another CPU is inside the code it guards).  Reading a key is
 * not a scheduling point, as patched code is not a memory access.
 */
#ifndef _LINUX_JUMP_LABEL_H
#define _LINUX_JUMP_LABEL_H

#include <linux/compiler.h>

struct static_key_false {
	bool enabled;
};

struct static_key_true {
	bool enabled;
};

#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name = { false }
#define DEFINE_STATIC_KEY_TRUE(name)	struct static_key_true name = { true }
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name
#define DECLARE_STATIC_KEY_TRUE(name)	extern struct static_key_true name

#define static_key_enabled(key)	__atomic_load_n(&(key)->enabled, __ATOMIC_RELAXED)
#define static_branch_enable(key) \
	__atomic_store_n(&(key)->enabled, true, __ATOMIC_RELAXED)
#define static_branch_disable(key) \
	__atomic_store_n(&(key)->enabled, false, __ATOMIC_RELAXED)

#endif /* _LINUX_JUMP_LABEL_H */
