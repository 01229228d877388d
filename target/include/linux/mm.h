/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/string.h>

/*
 * dump_page(): what bad_page() prints after "BUG: Bad page state".  The
 * port reports the bad page to the harness here, named after the caller.
 */
#define dump_page(page, reason)						\
	tf_report_check(TF_CHECK_BAD_PAGE, __func__, reason,		\
			"BUG: Bad page state: pfn:%lu %s", page_to_pfn(page), reason)

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	ALIGN((unsigned long)(x), PAGE_SIZE)

/* The simulated machine's memory map and page bodies (target/sim/). */
extern struct page *mem_map;
extern unsigned long max_pfn;
extern unsigned long tf_section_shift;

#define pfn_to_page(pfn)	(mem_map + (pfn))
#define page_to_pfn(page)	((unsigned long)((page) - mem_map))
#define pfn_to_section_nr(pfn)	((pfn) >> tf_section_shift)
#define section_nr_to_pfn(sec)	((unsigned long)(sec) << tf_section_shift)
#define PAGES_PER_SECTION	(1UL << tf_section_shift)
#define PAGE_SECTION_MASK	(~(PAGES_PER_SECTION - 1))
#define SECTION_ALIGN_UP(pfn)	(((pfn) + PAGES_PER_SECTION - 1) & PAGE_SECTION_MASK)
#define SECTION_ALIGN_DOWN(pfn)	((pfn) & PAGE_SECTION_MASK)

/*
 * NODE_NOT_IN_PAGE_FLAGS: a page's node is its section's, as
 * mm/sparse.c's section_to_node_table[] has it (set_section_nid() at
 * boot, and when memory is hot-added).
 */
extern int section_to_node_table[];

static inline void set_section_nid(unsigned long section_nr, int nid)
{
	section_to_node_table[section_nr] = nid;
}

static inline int page_to_nid(const struct page *page)
{
	return section_to_node_table[pfn_to_section_nr(page_to_pfn(page))];
}

static inline int pfn_to_nid(unsigned long pfn)
{
	return section_to_node_table[pfn_to_section_nr(pfn)];
}

/*
 * SPARSEMEM_STATIC: one flat array of sections, as many as a machine has
 * at most.  section_mem_map keeps only its flags here (the memmap is one
 * array, mem_map): present (memory added, its memmap valid) and online.
 */
struct page_ext;
struct mem_section {
	unsigned long section_mem_map;
	struct page_ext *page_ext;	/* entry of the section's first pfn */
};
#define SECTION_MARKED_PRESENT	(1UL << 0)
#define SECTION_IS_ONLINE	(1UL << 2)
#define NR_MEM_SECTIONS		TF_MAX_SECTIONS
extern struct mem_section mem_section[NR_MEM_SECTIONS];

static inline struct mem_section *__nr_to_section(unsigned long nr)
{
	return nr < NR_MEM_SECTIONS ? &mem_section[nr] : NULL;
}

static inline struct mem_section *__pfn_to_section(unsigned long pfn)
{
	return __nr_to_section(pfn_to_section_nr(pfn));
}

static inline int present_section(const struct mem_section *section)
{
	return section && (section->section_mem_map & SECTION_MARKED_PRESENT);
}

static inline int online_section(const struct mem_section *section)
{
	return section && (section->section_mem_map & SECTION_IS_ONLINE);
}

/* A pfn whose memmap exists: memory that was added (boot, or hot-added). */
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn && present_section(__pfn_to_section(pfn));
}

/* A pfn of an online section (no ZONE_DEVICE, no subsections here). */
static inline struct page *pfn_to_online_page(unsigned long pfn)
{
	if (pfn >= max_pfn || !online_section(__pfn_to_section(pfn)))
		return NULL;
	return pfn_to_page(pfn);
}

void *page_address(const struct page *page);
struct page *virt_to_page(const void *addr);

static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static inline int page_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}

static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}

/* The generic form (no arch override): every word of the struct page. */
#define mm_zero_struct_page(pp)	((void)memset((pp), 0, sizeof(struct page)))

static inline void set_page_refcounted(struct page *page)
{
	VM_BUG_ON_PAGE(page_count(page), page);
	set_page_count(page, 1);
}

static inline bool put_page_testzero(struct page *page)
{
	VM_BUG_ON_PAGE(page_count(page) == 0, page);
	return atomic_dec_and_test(&page->_refcount);
}

static inline bool folio_put_testzero(struct folio *folio)
{
	return put_page_testzero(&folio->page);
}

static inline int folio_ref_count(const struct folio *folio)
{
	return page_count(&folio->page);
}

static inline bool page_ref_freeze(struct page *page, int count)
{
	return likely(atomic_cmpxchg(&page->_refcount, count, 0) == count);
}

static inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}

/* page_ref_add_unless(): the speculative reference of folio_try_get(). */
static inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	return atomic_add_unless(&page->_refcount, nr, u);
}

static inline bool get_page_unless_zero(struct page *page)
{
	return page_ref_add_unless(page, 1, 0);
}

static inline bool folio_try_get(struct folio *folio)
{
	return get_page_unless_zero(&folio->page);
}

/* 127: arbitrary random number, small enough to assemble well */
#define folio_ref_zero_or_close_to_overflow(folio) \
	((unsigned int)folio_ref_count(folio) + 127u <= 127u)

static inline void folio_get(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow(folio), folio);
	page_ref_inc(&folio->page);
}

/* No slab or large kmalloc pages here: get_page() is folio_get(). */
static inline void get_page(struct page *page)
{
	folio_get(page_folio(page));
}

/* mm/swap.c upstream; target/mm/page_alloc.c here (beside free_frozen_pages()). */
void __folio_put(struct folio *folio);

static inline void folio_put(struct folio *folio)
{
	if (folio_put_testzero(folio))
		__folio_put(folio);
}

static inline void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

static inline void set_page_private(struct page *page, unsigned long v)
{
	page->private = v;
}

static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}

static inline bool PageBuddy(const struct page *page)
{
	return page->page_type == PGTY_buddy;
}

static inline void __SetPageBuddy(struct page *page)	{ page->page_type = PGTY_buddy; }
static inline void __ClearPageBuddy(struct page *page)	{ page->page_type = PGTY_NONE; }
static inline bool PagePCPBuddy(const struct page *page)	{ return page->page_type == PGTY_pcp_buddy; }
static inline void __SetPagePCPBuddy(struct page *page)	{ page->page_type = PGTY_pcp_buddy; }
static inline void __ClearPagePCPBuddy(struct page *page)	{ page->page_type = PGTY_NONE; }
/*
 * Upstream's page type tests read page_type with data_race(): memory
 * offlining's scan_movable_pages() tests pages it holds no lock or
 * reference for while other CPUs' frees and allocations change it under
 * zone->lock.  Named for fuzz/tsan.supp (tagfuzz/racy.h); the other tests
 * here are only made under zone->lock.
 */
TF_RACY_READ(page_type_offline, unsigned int)
static inline bool PageOffline(const struct page *page)
{
	return tf_data_race(page_type_offline, page->page_type) == PGTY_offline;
}
static inline void __SetPageOffline(struct page *page)	{ page->page_type = PGTY_offline; }
static inline void __ClearPageOffline(struct page *page)	{ page->page_type = PGTY_NONE; }

/*
 * PG_lru (struct page's lru_bit): the harness sets it on its movable
 * allocations.  Atomic bit operations, as set_bit() and test_bit() are,
 * but not scheduling points: no schedule depends on them.
 */
static inline bool PageLRU(const struct page *page)
{
	return __atomic_load_n(&page->lru_bit, __ATOMIC_RELAXED);
}
static inline void SetPageLRU(struct page *page)
{
	__atomic_store_n(&page->lru_bit, 1, __ATOMIC_RELAXED);
}
static inline void ClearPageLRU(struct page *page)
{
	__atomic_store_n(&page->lru_bit, 0, __ATOMIC_RELAXED);
}
/* No movable_ops pages (balloon, zsmalloc) and no reserved pages in the port. */
static inline bool page_has_movable_ops(const struct page *page)	{ (void)page; return false; }
static inline bool PageReserved(const struct page *page)	{ (void)page; return false; }
static inline int page_ref_count(const struct page *page)	{ return atomic_read(&page->_refcount); }

/* No __GFP_COMP allocations are made: pages are never compound. */
static inline bool PageHead(const struct page *page)	{ (void)page; return false; }
static inline bool PageTail(const struct page *page)	{ (void)page; return false; }
static inline bool PageCompound(const struct page *page) { (void)page; return false; }

/*
 * PG_hwpoison (CONFIG_MEMORY_FAILURE), in struct page's mf_flags word
 * (<linux/mm_types.h> says why): atomic bit operations, as on page->flags.
 */
#define PG_hwpoison	0

/* test_bit(): a plain load in the kernel, so no scheduling point here either. */
static inline bool PageHWPoison(const struct page *page)
{
	return __atomic_load_n(&page->mf_flags, __ATOMIC_RELAXED) & (1UL << PG_hwpoison);
}

static inline void __tf_SetPageHWPoison(struct page *page, const struct tf_loc *loc)
{
	tf_sched_point_at("set_bit(PG_hwpoison)", loc);
	__atomic_fetch_or(&page->mf_flags, 1UL << PG_hwpoison, __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "set_bit(PG_hwpoison)", &page->mf_flags, page->mf_flags, loc);
}
#define SetPageHWPoison(page)	__tf_SetPageHWPoison(page, TF_HERE("SetPageHWPoison"))

static inline void __tf_ClearPageHWPoison(struct page *page, const struct tf_loc *loc)
{
	tf_sched_point_at("clear_bit(PG_hwpoison)", loc);
	__atomic_fetch_and(&page->mf_flags, ~(1UL << PG_hwpoison), __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "clear_bit(PG_hwpoison)", &page->mf_flags, page->mf_flags, loc);
}
#define ClearPageHWPoison(page)	__tf_ClearPageHWPoison(page, TF_HERE("ClearPageHWPoison"))

static inline bool __tf_TestSetPageHWPoison(struct page *page, const struct tf_loc *loc)
{
	unsigned long old;

	tf_sched_point_at("test_and_set_bit(PG_hwpoison)", loc);
	old = __atomic_fetch_or(&page->mf_flags, 1UL << PG_hwpoison, __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "test_and_set_bit(PG_hwpoison)", &page->mf_flags, page->mf_flags, loc);
	return old & (1UL << PG_hwpoison);
}
#define TestSetPageHWPoison(page)	__tf_TestSetPageHWPoison(page, TF_HERE("TestSetPageHWPoison"))

static inline bool __tf_TestClearPageHWPoison(struct page *page, const struct tf_loc *loc)
{
	unsigned long old;

	tf_sched_point_at("test_and_clear_bit(PG_hwpoison)", loc);
	old = __atomic_fetch_and(&page->mf_flags, ~(1UL << PG_hwpoison), __ATOMIC_SEQ_CST);
	tf_access_at(TF_ACC_RMW, "test_and_clear_bit(PG_hwpoison)", &page->mf_flags, page->mf_flags, loc);
	return old & (1UL << PG_hwpoison);
}
#define TestClearPageHWPoison(page)	__tf_TestClearPageHWPoison(page, TF_HERE("TestClearPageHWPoison"))

/* No large folios: a folio holds a poisoned page when its one page is. */
static inline bool folio_contain_hwpoisoned_page(struct folio *folio)
{
	return PageHWPoison(&folio->page);
}

static inline bool folio_test_clear_hwpoison(struct folio *folio)
{
	return TestClearPageHWPoison(&folio->page);
}

/* The port's pages are never slab (PG_lru: PageLRU() above). */
static inline bool PageSlab(const struct page *page)	{ (void)page; return false; }

/* memory_failure()'s flags (include/linux/mm.h). */
enum mf_flags {
	MF_COUNT_INCREASED = 1 << 0,
	MF_ACTION_REQUIRED = 1 << 1,
	MF_MUST_KILL = 1 << 2,
	MF_SOFT_OFFLINE = 1 << 3,
	MF_UNPOISON = 1 << 4,
	MF_SW_SIMULATED = 1 << 5,
	MF_NO_RETRY = 1 << 6,
	MF_MEM_PRE_REMOVE = 1 << 7,
};
int memory_failure(unsigned long pfn, int flags);
int unpoison_memory(unsigned long pfn);
extern atomic_long_t num_poisoned_pages;
void num_poisoned_pages_inc(unsigned long pfn);
void num_poisoned_pages_sub(unsigned long pfn, long i);
/* CONFIG_MEMORY_FAILURE && CONFIG_MEMORY_HOTPLUG: drivers/base/memory.c */
void memblk_nr_poison_inc(unsigned long pfn);
void memblk_nr_poison_sub(unsigned long pfn, long i);

#endif /* _LINUX_MM_H */
