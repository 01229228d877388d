/* SPDX-License-Identifier: GPL-2.0 */
/* The simulated machine's symbol table (target/sim/pgflags.c). */
#ifndef _LINUX_KALLSYMS_H
#define _LINUX_KALLSYMS_H

unsigned long kallsyms_lookup_name(const char *name);

#endif /* _LINUX_KALLSYMS_H */
