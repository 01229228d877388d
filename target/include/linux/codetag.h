/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_CODETAG_H
#define _LINUX_CODETAG_H

#include <linux/types.h>

struct codetag {
	unsigned int flags;
	unsigned int lineno;
	const char *modname;
	const char *function;
	const char *filename;
};

union codetag_ref {
	struct codetag *ct;
};

#define CODE_TAG_INIT {					\
	.modname	= NULL,				\
	.function	= __func__,			\
	.filename	= __FILE__,			\
	.lineno		= __LINE__,			\
	.flags		= 0,				\
}

#endif /* _LINUX_CODETAG_H */
