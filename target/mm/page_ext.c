// SPDX-License-Identifier: GPL-2.0
/*
 * page_ext with SPARSEMEM: one table per memory section, allocated and
 * published a section at a time by page_ext_init(), after which the init
 * callbacks run.  Lookups fail for a section that has no table yet.
 */
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "internal.h"
#include <trace/events/page_ext.h>

struct mem_section mem_section[NR_MEM_SECTIONS];

extern struct page_ext_operations page_alloc_tagging_ops;

static struct page_ext_operations *page_ext_ops[] = {
	&page_alloc_tagging_ops,
};

static unsigned long page_ext_size;
/* A client needs page_ext (upstream: page_ext_size is not 0). */
static bool page_ext_needed;

static void invoke_need_callbacks(void)
{
	size_t i;

	page_ext_size = sizeof(struct page_ext);
	page_ext_needed = false;
	for (i = 0; i < ARRAY_SIZE(page_ext_ops); i++) {
		if (page_ext_ops[i]->need()) {
			page_ext_needed = true;
			page_ext_ops[i]->offset = page_ext_size;
			page_ext_size += page_ext_ops[i]->size;
		}
	}
}

void invoke_init_callbacks(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(page_ext_ops); i++) {
		if (page_ext_ops[i]->init)
			page_ext_ops[i]->init();
	}
}

static inline struct page_ext *get_entry(void *base, unsigned long index)
{
	return base + page_ext_size * index;
}

static inline bool page_ext_invalid(struct page_ext *page_ext)
{
	return !page_ext;
}

static struct page_ext *lookup_page_ext(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	struct mem_section *section = &mem_section[pfn_to_section_nr(pfn)];
	struct page_ext *page_ext = READ_ONCE(section->page_ext);

	/*
	 * The sanity checks the page allocator does upon freeing a
	 * page can reach here before the page_ext arrays are
	 * allocated when feeding a range of pages to the allocator
	 * for the first time during bootup or memory hotplug.
	 */
	if (page_ext_invalid(page_ext))
		return NULL;
	return get_entry(page_ext, pfn & (PAGES_PER_SECTION - 1));
}

struct page_ext *page_ext_get(const struct page *page)
{
	struct page_ext *page_ext;

	rcu_read_lock();
	page_ext = lookup_page_ext(page);
	if (!page_ext) {
		rcu_read_unlock();
		return NULL;
	}

	return page_ext;
}

void page_ext_put(struct page_ext *page_ext)
{
	if (unlikely(!page_ext))
		return;

	rcu_read_unlock();
}

static void *alloc_page_ext(size_t size, int nid, unsigned long section_nr)
{
	gfp_t flags = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;
	void *addr;

	/* The table comes from the section's own node first. */
	addr = alloc_pages_exact_nid(nid, size, flags);
	if (addr) {
		memset(addr, 0, size);
		return addr;
	}

	addr = vzalloc_node(size, nid);
	return addr;
}

int init_section_page_ext(unsigned long pfn, int nid)
{
	unsigned long section_nr = pfn_to_section_nr(pfn);
	struct mem_section *section = &mem_section[section_nr];
	struct page_ext *base;
	unsigned long table_size;

	if (section->page_ext)
		return 0;

	table_size = page_ext_size * PAGES_PER_SECTION;
	base = alloc_page_ext(table_size, nid, section_nr);
	if (!base)
		return -1;

	/* Publish: from here on lookups in this section succeed. */
	WRITE_ONCE(section->page_ext, base);
	trace_page_ext_section_online(section_nr);
	return 0;
}

void page_ext_init(void)
{
	unsigned long pfn;
	int nid;

	if (!page_ext_needed)
		return;

	for_each_node_state(nid, N_MEMORY) {
		unsigned long start_pfn, end_pfn;

		start_pfn = node_start_pfn(nid);
		end_pfn = node_end_pfn(nid);
		/*
		 * start_pfn and end_pfn may not be aligned to SECTION and the
		 * page->flags of out of node pages are not initialized.  So we
		 * scan [start_pfn, the biggest section's pfn < end_pfn) here.
		 */
		for (pfn = start_pfn; pfn < end_pfn;
			pfn = ALIGN(pfn + 1, PAGES_PER_SECTION)) {

			if (!pfn_valid(pfn))
				continue;
			/*
			 * Nodes's pfns can be overlapping.
			 * We know some arch can have a nodes layout such as
			 * -------------pfn-------------->
			 * N0 | N1 | N2 | N0 | N1 | N2|....
			 */
			if (pfn_to_nid(pfn) != nid)
				continue;
			if (init_section_page_ext(pfn, nid))
				goto oom;
		}
	}

	trace_page_ext_init_callbacks();
	invoke_init_callbacks();
	trace_page_ext_init_done();
	return;

oom:
	BUG();	/* panic("Out of memory") */
}
