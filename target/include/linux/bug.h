/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WARN and BUG routed to the harness.  WARN_ONCE keeps its kernel meaning
 * for the value it returns, but every occurrence is reported: a check
 * that fires twice is two findings, not one.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/printk.h>

#define WARN(cond, fmt, ...) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		tf_report_check(TF_CHECK_WARN, __func__, fmt,		\
				fmt, ##__VA_ARGS__);			\
	__c;								\
})
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)

#define WARN_ON(cond) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		tf_report_check(TF_CHECK_WARN, __func__,		\
				"WARN_ON(" #cond ")", "WARN_ON(%s)", #cond); \
	__c;								\
})
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define VM_WARN_ON(cond)	((void)WARN_ON(cond))
#define VM_WARN_ON_ONCE(cond)	((void)WARN_ON(cond))

#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		tf_report_bug(TF_CHECK_BUG, __func__,			\
			      "BUG_ON(" #cond ")", "BUG_ON(%s)", #cond); \
} while (0)
#define VM_BUG_ON(cond)			BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page)	BUG_ON(cond)
#define VM_BUG_ON_FOLIO(cond, folio)	BUG_ON(cond)
#define BUG()	tf_report_bug(TF_CHECK_BUG, __func__, "BUG()", "BUG()")

#endif /* _LINUX_BUG_H */
