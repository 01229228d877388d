/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/bug.h>

#define PF_MEMALLOC	0x00000800

struct alloc_tag;

struct task_struct {
	unsigned int flags;
	struct alloc_tag *alloc_tag;
	const char *comm;
	/*
	 * Harness: a signal arrives at the signal_polls-th signal_pending()
	 * (0: never) -- the user of a sysfs write that waits and waits gives
	 * up, as offline_pages()' retry loop expects someone to.
	 */
	unsigned int signal_polls;
};

#define current		(tf_cpus[tf_cur_cpu].task)

static inline bool in_interrupt(void)	{ return false; }
static inline bool in_task(void)	{ return true; }
static inline bool rt_or_dl_task(struct task_struct *p)	{ (void)p; return false; }

static inline bool preemptible(void)
{
	return tf_cpus[tf_cur_cpu].preempt_count == 0;
}

/* A sleep in atomic context is reported; execution goes on, as it does. */
#define might_sleep() do {						\
	if (!preemptible())						\
		tf_report_check(TF_CHECK_SLEEP, __func__,		\
				"sleeping function called from invalid context", \
				"BUG: sleeping function called from invalid context in %s", \
				__func__);				\
} while (0)

static inline int signal_pending(struct task_struct *p)
{
	if (!p->signal_polls)
		return 0;
	if (p->signal_polls > 1) {
		p->signal_polls--;
		return 0;
	}
	return 1;
}

/* Another CPU may run here (a scheduling point); nothing waits for it. */
#define cond_resched()	tf_sched_point("cond_resched")

static inline int smp_processor_id(void)	{ return tf_cur_cpu; }
static inline int raw_smp_processor_id(void)	{ return tf_cur_cpu; }

#endif /* _LINUX_SCHED_H */
