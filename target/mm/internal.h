/* SPDX-License-Identifier: GPL-2.0 */
/* The slice of mm/internal.h the port needs. */
#ifndef __MM_INTERNAL_H
#define __MM_INTERNAL_H

#include <linux/alloc_tag.h>
#include <linux/mmzone.h>
#include <linux/pgalloc_tag.h>

#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04 /* don't check watermarks at all */
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10 /* Caller cannot block. Allow access to 25% of the min watermark or 62.5% if __GFP_HIGH is set. */
#define ALLOC_MIN_RESERVE	0x20 /* __GFP_HIGH set. Allow access to 50% of the min watermark. */
#define ALLOC_CPUSET		0x40 /* check for correct cpuset */
#define ALLOC_CMA		0x80 /* allow allocations from CMA areas */
#define ALLOC_NOFRAGMENT	0x100 /* avoid mixing pageblock types */
#define ALLOC_HIGHATOMIC	0x200 /* Allows access to MIGRATE_HIGHATOMIC */
#define ALLOC_NOLOCK		0x400 /* Only use spin_trylock in allocation path */
#define ALLOC_KSWAPD		0x800 /* allow waking of kswapd, __GFP_KSWAPD_RECLAIM set */
#define __ALLOC_ALLOC_TAG	0x1000 /* Reserved bit for use by alloc_tag code */
#define ALLOC_DEFAULT		0

/* Flags that allow allocations below the min watermark. */
#define ALLOC_RESERVES (ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE|ALLOC_HIGHATOMIC|ALLOC_OOM)

/* alloc_tag.c's name for the reserved bit. */
#define ALLOC_NO_CODETAG	__ALLOC_ALLOC_TAG

BUILD_BUG_ON(__GFP_HIGH != ALLOC_MIN_RESERVE);
BUILD_BUG_ON(__GFP_KSWAPD_RECLAIM != ALLOC_KSWAPD);

struct alloc_context {
	struct zonelist *zonelist;
	struct zoneref *preferred_zoneref;
	int migratetype;
	int highest_zoneidx;
	bool spread_dirty_pages;
	nodemask_t *nodemask;
	/* Only flags that are global to the whole allocation go here. */
	unsigned int alloc_flags;
};

#define FPI_NONE	((fpi_t)0)
#define FPI_TO_TAIL	((fpi_t)(1 << 1))
#define FPI_TRYLOCK	((fpi_t)(1 << 2))
/* free_pages_prepare() has already been called for page(s) being freed. */
#define FPI_PREPARED	((fpi_t)(1 << 3))

void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp_flags,
		     unsigned int alloc_flags);
bool free_pages_prepare(struct page *page, unsigned int order);

struct page *__alloc_pages_noprof(gfp_t gfp, unsigned int order, int preferred_nid,
				  nodemask_t *nodemask, unsigned int alloc_flags);
#define __alloc_pages(...)	alloc_hooks(__alloc_pages_noprof(__VA_ARGS__))
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order);
#define alloc_pages(...)	alloc_hooks(alloc_pages_noprof(__VA_ARGS__))
#define alloc_page(gfp)		alloc_pages(gfp, 0)
void *alloc_pages_exact_noprof(size_t size, gfp_t gfp_mask);
#define alloc_pages_exact(...)	alloc_hooks(alloc_pages_exact_noprof(__VA_ARGS__))
unsigned long alloc_pages_bulk_noprof(gfp_t gfp, int preferred_nid, nodemask_t *nodemask,
				      int nr_pages, struct page **page_array);
#define alloc_pages_bulk(gfp, nr, arr) \
	alloc_hooks(alloc_pages_bulk_noprof(gfp, numa_mem_id(), NULL, nr, arr))
struct page *alloc_pages_node_noprof(int nid, gfp_t gfp_mask, unsigned int order);
void *alloc_pages_exact_nid_noprof(int nid, size_t size, gfp_t gfp_mask);
#define alloc_pages_exact_nid(...)	alloc_hooks(alloc_pages_exact_nid_noprof(__VA_ARGS__))

void __free_pages(struct page *page, unsigned int order);
void free_frozen_pages(struct page *page, unsigned int order);
bool is_free_buddy_page(const struct page *page);
#define __free_page(page)	__free_pages((page), 0)
void free_pages_exact(void *virt, size_t size);
void split_page(struct page *page, unsigned int order);
void drain_local_pages(struct zone *zone);
void drain_all_pages(struct zone *zone);
void drain_pages(unsigned int cpu);
int page_alloc_cpu_dead(unsigned int cpu);
int page_alloc_cpu_online(unsigned int cpu);


/* Memory hotplug (mm/internal.h's side of it). */
void __free_pages_core(struct page *page, unsigned int order, enum meminit_context context);
unsigned long __offline_isolated_pages(unsigned long start_pfn, unsigned long end_pfn);
void zone_pcp_disable(struct zone *zone);
void zone_pcp_enable(struct zone *zone);
void offline_mem_sections(unsigned long start_pfn, unsigned long end_pfn);

/* Freeing paths shared by the PCP free-path family (pcp_split.c). */
void free_pages_nolock(struct page *page, unsigned int order);
void free_one_page(struct zone *zone, struct page *page,
		   unsigned long pfn, unsigned int order, fpi_t fpi_flags);
void add_page_to_zone_llist(struct zone *zone, struct page *page, unsigned int order);
struct per_cpu_pages *pcp_spin_trylock(struct per_cpu_pages __percpu *ptr);
void pcp_spin_unlock(struct per_cpu_pages *pcp);
bool free_frozen_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
			     struct page *page, int migratetype, unsigned int order,
			     fpi_t fpi_flags);
int rmqueue_bulk(struct zone *zone, unsigned int order, unsigned long count,
		 struct list_head *list, int migratetype, unsigned int alloc_flags);
struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
void __free_one_page_locked(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int migratetype, fpi_t fpi_flags);
bool check_new_pages(struct page *page, unsigned int order);

static inline unsigned int order_to_pindex(int migratetype, int order)
{
	return (MIGRATE_PCPTYPES * order) + migratetype;
}

static inline int pindex_to_order(unsigned int pindex)
{
	return pindex / MIGRATE_PCPTYPES;
}

/*
 * No compound pages in the port: a batch carries each folio's order
 * beside it (upstream reads folio_order()).
 */
#define FOLIO_BATCH_SIZE	31
struct folio_batch {
	unsigned int nr;
	struct folio *folios[FOLIO_BATCH_SIZE];
	unsigned char orders[FOLIO_BATCH_SIZE];
};
#define folio_pfn(f)		page_to_pfn(&(f)->page)
#define folio_zone(f)		page_zone(&(f)->page)
#define folio_nid(f)		page_to_nid(&(f)->page)
void free_unref_folios(struct folio_batch *folios);

/*
 * The PCP free-path family (issue 5): 0 runs upstream's paths; 1 seed
 * 004's split path (target/mm/pcp_split.c), set from the machine header.
 */
enum tf_pcp_variant {
	TF_PCP_UPSTREAM,
	TF_PCP_SPLIT,
	TF_NR_PCP_VARIANTS
};
extern unsigned int tf_pcp_variant;
#define tf_pcp_split	(tf_pcp_variant == TF_PCP_SPLIT)

void pcpblock_release(struct zone *zone, unsigned long pfn, unsigned int order);
struct page *pcp_split_rmqueue(struct zone *zone, unsigned int order, int migratetype,
			       unsigned int alloc_flags, struct per_cpu_pages *pcp);
void pcp_split_bulk_prepare(struct per_cpu_pages *pcp);
void pcp_split_drain_absorb(struct per_cpu_pages *pcp);
void drain_pages_zone(unsigned int cpu, struct zone *zone);
void pcp_split_free_frozen_pages(struct zone *zone, struct page *page, unsigned long pfn,
				 unsigned int order, int migratetype, fpi_t fpi_flags);
void pcp_split_free_unref_folios(struct folio_batch *folios);
int pcp_split_cpu_dead(unsigned int cpu);
int pcp_split_cpu_online(unsigned int cpu);

/* page_owner: the hooks the harness watches allocations and frees through. */
void set_page_owner(struct page *page, unsigned int order, gfp_t gfp_mask,
		    unsigned int alloc_flags);
void reset_page_owner(struct page *page, unsigned int order);
void split_page_owner(struct page *page, int old_order, int new_order);

#endif /* __MM_INTERNAL_H */
