/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_PAGE_EXT_H
#define _LINUX_PAGE_EXT_H

#include <linux/mm.h>

struct page_ext_operations {
	size_t offset;
	size_t size;
	bool (*need)(void);
	void (*init)(void);
	bool need_shared_flags;
};

struct page_ext {
	unsigned long flags;
};

/* struct mem_section and mem_section[] are in <linux/mm.h> (pfn_valid() reads them). */

struct page_ext *page_ext_get(const struct page *page);
void page_ext_put(struct page_ext *page_ext);
void page_ext_init(void);
int init_section_page_ext(unsigned long pfn, int nid);
void invoke_init_callbacks(void);

static inline void *page_ext_data(struct page_ext *page_ext,
				  struct page_ext_operations *ops)
{
	return (void *)(page_ext) + ops->offset;
}

#endif /* _LINUX_PAGE_EXT_H */
