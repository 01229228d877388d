/* SPDX-License-Identifier: GPL-2.0 */
/* The simulated machine's module tag area (target/sim/pgflags.c). */
#ifndef _LINUX_EXECMEM_H
#define _LINUX_EXECMEM_H

#include <linux/types.h>

void *execmem_vmap(size_t size);

#endif /* _LINUX_EXECMEM_H */
