/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory notifier (include/linux/memory.h): what memory hotplug tells
 * its clients before and after a memory block changes state.  The chain
 * itself (drivers/base/memory.c's memory_chain) is a stand-in in
 * target/sim/memory.c.
 */
#ifndef _LINUX_MEMORY_H
#define _LINUX_MEMORY_H

#include <linux/err.h>	/* the errno values its callbacks return */
#include <linux/types.h>

#define MEM_ONLINE		(1 << 0)	/* exposed to userspace */
#define MEM_GOING_OFFLINE	(1 << 1)	/* exposed to userspace */
#define MEM_OFFLINE		(1 << 2)	/* exposed to userspace */
#define MEM_GOING_ONLINE	(1 << 3)
#define MEM_CANCEL_ONLINE	(1 << 4)
#define MEM_CANCEL_OFFLINE	(1 << 5)

struct memory_notify {
	unsigned long start_pfn;
	unsigned long nr_pages;
};

struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action, void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next;
	int priority;
};

#define NOTIFY_DONE		0x0000
#define NOTIFY_OK		0x0001
#define NOTIFY_STOP_MASK	0x8000

static inline int notifier_from_errno(int err)
{
	if (err)
		return NOTIFY_STOP_MASK | (NOTIFY_OK - err);
	return NOTIFY_OK;
}

static inline int notifier_to_errno(int ret)
{
	ret &= ~NOTIFY_STOP_MASK;
	return ret > NOTIFY_OK ? NOTIFY_OK - ret : 0;
}

#define DEFAULT_CALLBACK_PRI	0

int register_memory_notifier(struct notifier_block *nb);
int memory_notify(unsigned long val, void *v);

#define hotplug_memory_notifier(fn, pri) ({				\
	static struct notifier_block fn##_mem_nb =			\
		{ .notifier_call = fn, .priority = pri };		\
	register_memory_notifier(&fn##_mem_nb);				\
})

#endif /* _LINUX_MEMORY_H */
