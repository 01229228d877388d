/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_LIMITS_H
#define _LINUX_LIMITS_H
#include <limits.h>	/* INT_MAX and friends */
#endif
