// SPDX-License-Identifier: GPL-2.0
/*
 * page_ext with SPARSEMEM: one table per memory section, allocated and
 * published a section at a time by page_ext_init(), after which the init
 * callbacks run.  Lookups fail for a section that has no table yet.
 * Memory hotplug brings tables online with a section and frees them when
 * it goes offline (the memory notifier, page_ext_callback()).
 */
#include <linux/memory.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "internal.h"
#include "tagfuzz/bugs.h"
#include <trace/events/page_ext.h>

#define PAGE_EXT_INVALID       (0x1)

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
	return !page_ext || (((unsigned long)page_ext & PAGE_EXT_INVALID) == PAGE_EXT_INVALID);
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

static void free_page_ext(void *addr)
{
	size_t table_size;
	struct page *page;

	table_size = page_ext_size * PAGES_PER_SECTION;

	if (is_vmalloc_addr(addr)) {
		vfree(addr);
	} else {
		page = virt_to_page(addr);
		BUG_ON(PageReserved(page));
		free_pages_exact(addr, table_size);
	}
}

static void __free_page_ext(unsigned long pfn)
{
	struct mem_section *ms;
	struct page_ext *base;

	ms = __pfn_to_section(pfn);
	if (!ms || !ms->page_ext)
		return;

	base = READ_ONCE(ms->page_ext);
	/*
	 * page_ext here can be valid while doing the roll back
	 * operation in online_page_ext().
	 */
	if (page_ext_invalid(base))
		base = (void *)base - PAGE_EXT_INVALID;
	WRITE_ONCE(ms->page_ext, NULL);

	base = get_entry(base, pfn & (PAGES_PER_SECTION - 1));
	free_page_ext(base);
}

static void __invalidate_page_ext(unsigned long pfn)
{
	struct mem_section *ms;
	void *val;

	ms = __pfn_to_section(pfn);
	if (!ms || !ms->page_ext)
		return;
	val = (void *)ms->page_ext + PAGE_EXT_INVALID;
	WRITE_ONCE(ms->page_ext, val);
}

static int online_page_ext(unsigned long start_pfn, unsigned long nr_pages)
{
	int nid = pfn_to_nid(start_pfn);
	unsigned long start, end, pfn;
	int fail = 0;

	start = SECTION_ALIGN_DOWN(start_pfn);
	end = SECTION_ALIGN_UP(start_pfn + nr_pages);

	for (pfn = start; !fail && pfn < end; pfn += PAGES_PER_SECTION)
		fail = init_section_page_ext(pfn, nid);
	if (!fail)
		return 0;

	/* rollback */
	end = pfn - PAGES_PER_SECTION;
	for (pfn = start; pfn < end; pfn += PAGES_PER_SECTION)
		__free_page_ext(pfn);

	return -ENOMEM;
}

static void offline_page_ext(unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long start, end, pfn;

	start = SECTION_ALIGN_DOWN(start_pfn);
	end = SECTION_ALIGN_UP(start_pfn + nr_pages);

	/*
	 * Freeing of page_ext is done in 3 steps to avoid
	 * use-after-free of it:
	 * 1) Traverse all the sections and mark their page_ext
	 *    as invalid.
	 * 2) Wait for all the existing users of page_ext who
	 *    started before invalidation to finish.
	 * 3) Free the page_ext.
	 */
	for (pfn = start; pfn < end; pfn += PAGES_PER_SECTION)
		__invalidate_page_ext(pfn);

	synchronize_rcu();

	for (pfn = start; pfn < end; pfn += PAGES_PER_SECTION)
		__free_page_ext(pfn);
}

static int page_ext_callback(struct notifier_block *self,
			     unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;
	int ret = 0;

	switch (action) {
	case MEM_GOING_ONLINE:
		/* Bug switch: the new section's pages are freed without page_ext. */
		if (tf_bug(TF_BUG_ONLINE_NO_PAGE_EXT))
			break;
		ret = online_page_ext(mn->start_pfn, mn->nr_pages);
		break;
	case MEM_OFFLINE:
		/* Bug switch: the section keeps its table, stale, for its next online. */
		if (tf_bug(TF_BUG_OFFLINE_KEEPS_PAGE_EXT))
			break;
		offline_page_ext(mn->start_pfn,
				mn->nr_pages);
		break;
	case MEM_CANCEL_ONLINE:
		offline_page_ext(mn->start_pfn,
				mn->nr_pages);
		break;
	case MEM_GOING_OFFLINE:
		break;
	case MEM_ONLINE:
	case MEM_CANCEL_OFFLINE:
		break;
	}

	return notifier_from_errno(ret);
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
	hotplug_memory_notifier(page_ext_callback, DEFAULT_CALLBACK_PRI);

	trace_page_ext_init_callbacks();
	invoke_init_callbacks();
	trace_page_ext_init_done();
	return;

oom:
	BUG();	/* panic("Out of memory") */
}
