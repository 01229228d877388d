/* SPDX-License-Identifier: GPL-2.0 */
/* The simulated machine's page-flag mode, as the callers drive it (target/sim/pgflags.c). */
#ifndef _TAGFUZZ_PGFLAGS_SIM_H
#define _TAGFUZZ_PGFLAGS_SIM_H

#include <stdbool.h>

#include "tagfuzz/ops.h"

struct alloc_tag;

/* This run keeps tag references in page flags (struct tf_machine.pgflag_bits). */
extern bool tf_pgf_mode;

void tf_pgflags_boot(const struct tf_machine *m);
struct alloc_tag *tf_pgf_select_tag(unsigned int sel);
/* The allocation a module tag was selected for is over: the module may go. */
void tf_pgf_tag_done(void);
struct alloc_tag *tf_pgf_user_tag(unsigned int site);
struct alloc_tag *tf_pgf_site_tag(unsigned int site);
void tf_pgf_module_load(unsigned int nr_tags, unsigned int align, unsigned int prepend);
void tf_pgf_module_unload(unsigned int n);
void tf_pgf_flag_bit(unsigned long pfn, unsigned int bit, bool clear);
void tf_pgf_shutdown(void);
void tf_pgf_sysctl(bool on);
/* Page-flag mode's tag ids, for the codetag registry (target/sim/tags.c). */
bool tf_pgf_tag_id(const struct alloc_tag *tag, int *id);
struct alloc_tag *tf_pgf_tag_by_id(int id);

/*
 * The simulated machine's symbol table and vmalloc space, which
 * target/mm/alloc_tag_pgflags.c and target/variants/pgflags_v3.c call
 * (declared there too, as kernel code declares them).
 */
unsigned long kallsyms_lookup_name(const char *name);
void *tf_execmem_vmap(unsigned long size);

/* Harness call sites in page-flag mode: kernel tags by selector. */
#define TF_PGF_SITE_MIGRATE	0
#define TF_PGF_SITE_CPUHP	1

#endif /* _TAGFUZZ_PGFLAGS_SIM_H */
