// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/base/memory.c's memory notifier chain, as a stand-in: clients
 * register (page_ext_init() registers page_ext_callback()), memory
 * hotplug calls them in priority order, and the harness is told that
 * the chain has run (TF_EV_MEM_NOTIFY), after the clients: the oracles
 * then know what page_ext did with the section.
 */
#include <linux/memory.h>
#include <linux/mm.h>

#include "tagfuzz/events.h"
#include "tagfuzz/glue.h"

_Static_assert(MEM_ONLINE == TF_MEM_ONLINE && MEM_GOING_OFFLINE == TF_MEM_GOING_OFFLINE &&
	       MEM_OFFLINE == TF_MEM_OFFLINE && MEM_GOING_ONLINE == TF_MEM_GOING_ONLINE &&
	       MEM_CANCEL_ONLINE == TF_MEM_CANCEL_ONLINE &&
	       MEM_CANCEL_OFFLINE == TF_MEM_CANCEL_OFFLINE, "events.h names the actions");

static struct notifier_block *memory_chain;

void tf_memory_notifier_reset(void)
{
	memory_chain = NULL;
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
