/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <linux/compiler.h>

/* Every occurrence is counted: the _once forms do not hide repeats. */
#define pr_err(fmt, ...)	tf_report_printk("err", fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	tf_report_printk("warn", fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	((void)0)
#define pr_debug(fmt, ...)	((void)0)

#endif /* _LINUX_PRINTK_H */
