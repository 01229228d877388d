// SPDX-License-Identifier: GPL-2.0
/* The cause journal (journal.h). */
#include <string.h>

#include "journal.h"
#include "tagfuzz/strmatch.h"

static struct tf_jrec jr[TF_JOURNAL_MAX];
static size_t nr;
static bool overflowed;
static long cur_op = -1;
static long cur_body = -1;

/*
 * Back links, so that the predicates' searches for the last event of a
 * kind or the last access to an object skip the rest of the journal (a
 * run of a few thousand frees had each "alloc_tag was not set" check
 * walk tens of thousands of records): each record's previous record of
 * the same event kind, or of an access to an address in the same
 * bucket, and the last of each.
 */
#define NR_KINDS	64
#define NR_BUCKETS	1024
_Static_assert(TF_EV_MEM_REFUSED < NR_KINDS, "an event kind past the back links");	/* the last kind */
static int prev_same[TF_JOURNAL_MAX];
static int last_kind[NR_KINDS];
static int last_bucket[NR_BUCKETS];

static unsigned int bucket_of(const volatile void *addr)
{
	unsigned long a = (unsigned long)addr >> 3;

	return (a ^ (a >> 10) ^ (a >> 20)) % NR_BUCKETS;
}

void tf_journal_reset(void)
{
	nr = 0;
	overflowed = false;
	cur_op = -1;
	cur_body = -1;
	memset(last_kind, 0xff, sizeof(last_kind));
	memset(last_bucket, 0xff, sizeof(last_bucket));
}

void tf_journal_set_op(long op)
{
	cur_op = op;
}

void tf_journal_set_body(long body)
{
	cur_body = body;
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
	r->body = cur_body;
	r->access = false;
	r->ev = *ev;
	r->ev.msg = NULL;
	if ((unsigned int)ev->kind < NR_KINDS) {
		prev_same[nr - 1] = last_kind[ev->kind];
		last_kind[ev->kind] = (int)(nr - 1);
	}
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
	r->body = cur_body;
	r->access = true;
	r->a = *a;
	prev_same[nr - 1] = last_bucket[bucket_of(a->addr)];
	last_bucket[bucket_of(a->addr)] = (int)(nr - 1);
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

long tf_journal_prev_event(size_t before, enum tf_event_kind kind)
{
	long i = (unsigned int)kind < NR_KINDS ? last_kind[kind] : -1;

	while (i >= 0 && (size_t)i >= before)
		i = prev_same[i];
	return i;
}

unsigned long tf_journal_op_steps(long op)
{
	unsigned long max = 0;

	for (size_t i = 0; i < nr; i++)
		if (jr[i].access && jr[i].op == op && jr[i].a.step > max)
			max = jr[i].a.step;
	return max;
}

long tf_journal_prev_same(long i)
{
	return i >= 0 && (size_t)i < nr && !jr[i].access ? prev_same[i] : -1;
}

long tf_journal_find_access(size_t before, int kind, const volatile void *addr, int cpu,
			    const char *site)
{
	long i = last_bucket[bucket_of(addr)];

	for (; i >= 0; i = prev_same[i]) {
		const struct tf_access_rec *a = &jr[i].a;

		if ((size_t)i >= before || a->addr != addr ||
		    (kind >= 0 && a->kind != (unsigned)kind) ||
		    (cpu >= 0 && a->cpu != cpu) || (site && !tf_str_starts(a->site, site)))
			continue;
		return i;
	}
	return -1;
}
