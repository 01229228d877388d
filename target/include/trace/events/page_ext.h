/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of page_ext initialisation.  Upstream has none here; the
 * port needs the harness told when a section's table is published and
 * when the init callbacks run, so page_ext.c calls these as it would a
 * tracepoint.  target/sim/glue_page_ext.c defines them.
 */
#ifndef _TRACE_EVENTS_PAGE_EXT_H
#define _TRACE_EVENTS_PAGE_EXT_H

void trace_page_ext_section_online(unsigned long section_nr);
void trace_page_ext_init_callbacks(void);
void trace_page_ext_init_done(void);

#endif /* _TRACE_EVENTS_PAGE_EXT_H */
