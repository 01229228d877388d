// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/base/memory.c, as a stand-in: the memory notifier chain, where
 * clients register (page_ext_init() registers page_ext_callback()),
 * memory hotplug calls them in priority order, and the harness is told
 * that the chain has run (TF_EV_MEM_NOTIFY), after the clients: the
 * oracles then know what page_ext did with the section; and the memory
 * blocks, cut down to their per-block hwpoison counter and
 * memory_block_online()'s use of it.
 */
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>

#include "tagfuzz/events.h"
#include "tagfuzz/glue.h"

_Static_assert(MEM_ONLINE == TF_MEM_ONLINE && MEM_GOING_OFFLINE == TF_MEM_GOING_OFFLINE &&
	       MEM_OFFLINE == TF_MEM_OFFLINE && MEM_GOING_ONLINE == TF_MEM_GOING_ONLINE &&
	       MEM_CANCEL_ONLINE == TF_MEM_CANCEL_ONLINE &&
	       MEM_CANCEL_OFFLINE == TF_MEM_CANCEL_OFFLINE, "events.h names the actions");

static struct notifier_block *memory_chain;

/*
 * A memory block is one section here (memory_block_size_bytes() is the
 * section size: sections_per_block 1), so a block's id is its section's
 * number.  Of struct memory_block only what memory failure uses is kept:
 * the count of poisoned pages in the block (mm/hwpoison: "introduce
 * per-memory_block hwpoison counter").  Blocks are never removed here
 * (no remove_memory(), so no remove_memory_block_devices() and its
 * num_poisoned_pages_sub(-1UL, ...)): a block's count lives as long as
 * the run.
 */
struct memory_block {
	unsigned long start_section_nr;
	atomic_long_t nr_hwpoison;
};

static struct memory_block memory_blocks[TF_MAX_SECTIONS];

void tf_memory_notifier_reset(void)
{
	unsigned long i;

	memory_chain = NULL;
	for (i = 0; i < TF_MAX_SECTIONS; i++)
		memory_blocks[i] = (struct memory_block){ .start_section_nr = i };
}

static inline unsigned long pfn_to_block_id(unsigned long pfn)
{
	return pfn_to_section_nr(pfn);	/* base_memory_block_id(): one section a block */
}

/*
 * memory_block_get(): every section of the memory map has its block here
 * (a hot-added section's device exists before anything can poison it).
 * No device reference to take or put.
 */
static struct memory_block *memory_block_get(unsigned long block_id)
{
	return block_id < TF_MAX_SECTIONS ? &memory_blocks[block_id] : NULL;
}

void memblk_nr_poison_inc(unsigned long pfn)
{
	const unsigned long block_id = pfn_to_block_id(pfn);
	struct memory_block *mem = memory_block_get(block_id);

	if (mem)
		atomic_long_add(1, &mem->nr_hwpoison);
}

void memblk_nr_poison_sub(unsigned long pfn, long i)
{
	const unsigned long block_id = pfn_to_block_id(pfn);
	struct memory_block *mem = memory_block_get(block_id);

	if (mem)
		atomic_long_add(-i, &mem->nr_hwpoison);
}

static unsigned long memblk_nr_poison(struct memory_block *mem)
{
	return atomic_long_read(&mem->nr_hwpoison);
}

/*
 * memory_block_online() of the block of section @section_nr, cut down:
 * the hwpoison test, then online_pages() into @zone (zone_for_pfn_range()
 * is the caller's: ZONE_NORMAL of the section's node).  No memmap on
 * memory (altmap), no memory groups, no mem->zone; the caller stands for
 * mem_hotplug_begin()/mem_hotplug_done() (one hotplug op at a time).
 */
int memory_block_online(unsigned long section_nr, struct zone *zone)
{
	struct memory_block *mem = memory_block_get(section_nr);
	unsigned long start_pfn, nr_pages = PAGES_PER_SECTION;

	if (!mem)
		return -EINVAL;
	start_pfn = section_nr_to_pfn(mem->start_section_nr);

	if (memblk_nr_poison(mem))
		return -EHWPOISON;

	return online_pages(start_pfn, nr_pages, zone, NULL);
}

unsigned long tf_memblk_nr_poison(unsigned long section_nr)
{
	struct memory_block *mem = memory_block_get(section_nr);

	return mem ? __atomic_load_n(&mem->nr_hwpoison.counter, __ATOMIC_RELAXED) : 0;
}

/* Highest priority first; a block already on the chain is not added twice. */
int register_memory_notifier(struct notifier_block *nb)
{
	struct notifier_block **p;

	for (p = &memory_chain; *p; p = &(*p)->next) {
		if (*p == nb)
			return 0;
		if (nb->priority > (*p)->priority)
			break;
	}
	nb->next = *p;
	*p = nb;
	return 0;
}

/* blocking_notifier_call_chain(): stop at a client that says NOTIFY_STOP_MASK. */
int memory_notify(unsigned long val, void *v)
{
	struct memory_notify *mn = v;
	struct notifier_block *nb;
	int ret = NOTIFY_DONE;

	for (nb = memory_chain; nb; nb = nb->next) {
		ret = nb->notifier_call(nb, val, v);
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	tf_emit(&(struct tf_event){ .kind = TF_EV_MEM_NOTIFY, .order = val,
				    .pfn = mn->start_pfn, .pfn2 = mn->nr_pages,
				    .section = pfn_to_section_nr(mn->start_pfn) });
	return ret;
}
