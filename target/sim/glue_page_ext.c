// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for target/mm/page_ext.c (see glue_page_alloc.c): vmalloc space,
 * page_ext's tracepoints turned into harness events, and the reset that
 * puts page_ext back to its state before boot for each scenario.
 */
#include <string.h>

#include "../mm/internal.h"
#include "tagfuzz/events.h"
#include "tagfuzz/glue.h"
#include <trace/events/page_ext.h>

/*
 * vzalloc_node(): vmalloc space is not simulated.  A section's table
 * goes to the section's own slot when alloc_pages_exact() fails (the
 * port's alloc_page_ext() is passed the section for this), so two CPUs
 * racing to bring one section online get the same memory, as before the
 * glue existed.
 */
static unsigned long vmalloc_area[TF_MAX_SECTIONS][TF_MAX_SECTION_PAGES * 4];

static void *vmalloc_section_zalloc(unsigned long size, unsigned long section_nr)
{
	memset(vmalloc_area[section_nr], 0, size);
	return vmalloc_area[section_nr];
}
#define vzalloc_node(size, nid)	vmalloc_section_zalloc(size, section_nr)

/*
 * The oracles learn which allocation is a section's table, and so which
 * node it prefers, from an event just before alloc_page_ext() allocates
 * it (NUMA, issue 16): the allocation's own tag says nothing when
 * profiling is off.  The call site stays alloc_page_ext()'s.
 */
static void pext_table_event(unsigned long section_nr, int nid)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_TABLE, .section = section_nr, .pfn = nid };

	tf_emit(&ev);
}
#undef alloc_pages_exact_nid
#define alloc_pages_exact_nid(nid, size, flags)					\
	(pext_table_event(section_nr, nid),					\
	 alloc_hooks(alloc_pages_exact_nid_noprof(nid, size, flags)))

#include "../mm/page_ext.c"
#undef vzalloc_node
#undef alloc_pages_exact_nid

void trace_page_ext_section_online(unsigned long section_nr)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_ONLINE, .section = section_nr };

	tf_emit(&ev);
}

void trace_page_ext_init_callbacks(void)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_CALLBACKS };

	tf_emit(&ev);
}

void trace_page_ext_init_done(void)
{
	struct tf_event ev = { .kind = TF_EV_PEXT_INIT_DONE };

	tf_emit(&ev);
}

/* Called once per scenario before any section comes online. */
void tf_page_ext_reset(void)
{
	memset(mem_section, 0, sizeof(mem_section));
	invoke_need_callbacks();
}
