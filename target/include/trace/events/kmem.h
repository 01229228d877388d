/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmem tracepoints the port calls where upstream does (include/trace/
 * events/kmem.h).  target/sim/glue_page_alloc.c defines them as trace notes.
 */
#ifndef _TRACE_EVENTS_KMEM_H
#define _TRACE_EVENTS_KMEM_H

struct page;

/* free_pcppages_bulk(): a page leaves a PCP list for the buddy. */
void trace_mm_page_pcpu_drain(struct page *page, unsigned int order, int migratetype);

#endif /* _TRACE_EVENTS_KMEM_H */
