/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness entry points the glue translation units define (target/sim/
 * glue_*.c, each of which includes one target/mm file): the boot resets
 * and the harness-only operations that need a kernel file's statics.
 * Harness-only: no target/mm file includes this.
 */
#ifndef _TAGFUZZ_GLUE_H
#define _TAGFUZZ_GLUE_H

#include <stdbool.h>

/* glue_page_ext.c: page_ext as before boot, for a new scenario. */
void tf_page_ext_reset(unsigned int nr_boot_sections);
/* memory.c: the memory notifier chain empty again (page_ext_init() registers). */
void tf_memory_notifier_reset(void);
/* The poisoned pages the memory block of @section_nr counts (nr_hwpoison). */
unsigned long tf_memblk_nr_poison(unsigned long section_nr);
/* glue_alloc_tag.c: the tracker's boot state and the variant pick. */
void tf_alloc_tag_boot(void);
/* glue_page_alloc.c */
void tf_page_alloc_init(unsigned long nr_pages, unsigned long nr_pages_all);
void tf_set_pageblock_isolate(unsigned long start_pfn, bool isolate);
void tf_zone_llist_flush(void);
/* glue_memory_failure.c: memory-failure.c's counters as before boot. */
void tf_memory_failure_reset(void);

#endif /* _TAGFUZZ_GLUE_H */
