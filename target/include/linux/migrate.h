/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration as memory offlining calls it (include/linux/migrate.h,
 * mm/migrate.c, folio_try_get()/folio_put()).  Not ported: the harness
 * plays migration (target/sim/callers.c), as the migrate op does -- a
 * target page from the allocator, pgalloc_tag_swap(), the old page freed
 * -- for the allocations it owns.  What each stand-in does and leaves out
 * is in docs/fidelity.md ("Memory hotplug").
 */
#ifndef _LINUX_MIGRATE_H
#define _LINUX_MIGRATE_H

#include <linux/mm.h>

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };
enum migrate_reason { MR_COMPACTION, MR_MEMORY_HOTPLUG };

struct migration_target_control {
	int nid;
	unsigned int *nmask;
	gfp_t gfp_mask;
	enum migrate_reason reason;
};

typedef struct folio *new_folio_t(struct folio *folio, unsigned long private);
typedef void free_folio_t(struct folio *folio, unsigned long private);

/*
 * folio_try_get()/folio_put() as do_migrate_range() uses them: a reference
 * on a page the harness owns (a live allocation of a scenario op); false
 * for any other page -- free pages, tails, pages another CPU's op is
 * freeing right now.  The page's refcount is left alone: <linux/mm.h>'s
 * refcount folio_try_get()/folio_put() (extra references, memory failure)
 * are the real ones; these two stand for them in the files that include
 * this header, for offlining only (docs/fidelity.md, "Memory hotplug").
 */
bool migrate_folio_try_get(struct folio *folio);
void migrate_folio_put(struct folio *folio);
#define folio_try_get(folio)	migrate_folio_try_get(folio)
#define folio_put(folio)	migrate_folio_put(folio)
/* Off the LRU onto @list for migration (PageLRU cleared); false if not on the LRU. */
bool isolate_folio_to_list(struct folio *folio, struct list_head *list);
struct folio *alloc_migration_target(struct folio *src, unsigned long private);
/* The folios that could not be migrated stay on @from; returns how many. */
int migrate_pages(struct list_head *from, new_folio_t get_new_folio,
		  free_folio_t put_new_folio, unsigned long private,
		  enum migrate_mode mode, int reason, unsigned int *ret_succeeded);
void putback_movable_pages(struct list_head *l);

#endif /* _LINUX_MIGRATE_H */
