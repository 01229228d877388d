// SPDX-License-Identifier: GPL-2.0
/* The cause journal (journal.h). */
#include <string.h>

#include "journal.h"

static struct tf_jrec jr[TF_JOURNAL_MAX];
static size_t nr;
static bool overflowed;
static long cur_op = -1;

void tf_journal_reset(void)
{
	nr = 0;
	overflowed = false;
	cur_op = -1;
}

void tf_journal_set_op(long op)
{
	cur_op = op;
}

static struct tf_jrec *next(void)
{
	if (nr == TF_JOURNAL_MAX) {
		overflowed = true;
		return NULL;
	}
	return &jr[nr++];
}

void tf_journal_event(const struct tf_event *ev)
{
	struct tf_jrec *r;

	/* Scheduling-point notes are the trace's, not the run's. */
	if (ev->kind == TF_EV_NOTE || !(r = next()))
		return;
	r->op = cur_op;
	r->access = false;
	r->ev = *ev;
	r->ev.msg = NULL;
}

void tf_journal_access(const struct tf_access_rec *a)
{
	struct tf_jrec *r;

	if (nr >= TF_JOURNAL_ACCESS_MAX) {
		overflowed = true;
		return;
	}
	r = next();
	if (!r)
		return;
	r->op = cur_op;
	r->access = true;
	r->a = *a;
}

size_t tf_journal_len(void)
{
	return nr;
}

const struct tf_jrec *tf_journal_at(size_t i)
{
	return i < nr ? &jr[i] : NULL;
}

bool tf_journal_overflowed(void)
{
	return overflowed;
}

long tf_journal_find_access(size_t before, int kind, const volatile void *addr, int cpu,
			    const char *site)
{
	size_t i;

	if (before > nr)
		before = nr;
	for (i = before; i-- > 0;) {
		const struct tf_access_rec *a = &jr[i].a;

		if (!jr[i].access || a->addr != addr || (kind >= 0 && a->kind != (unsigned)kind) ||
		    (cpu >= 0 && a->cpu != cpu) || (site && strncmp(a->site, site, strlen(site))))
			continue;
		return (long)i;
	}
	return -1;
}
