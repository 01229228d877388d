// SPDX-License-Identifier: GPL-2.0
/*
 * The trace's scheduler lines and tagging-state changes (trace.h).
 *
 * A scheduling point prints as
 *
 *   CPU2 sched #16 free_frozen_page_commit() mm/pcp_split.c:88 [llist_add] READ_ONCE(head->first)
 *
 * the run's step, the kernel function and port file:line that called the
 * shim, the shim it called when that is not the point's own name, and the
 * point's stable site name last (what `# points:` and the cause journal
 * key on).  The tagging state is read through the observers (a page's
 * ref: tf_observe_pgf(), which is tf_observe_ref() outside compressed
 * mode; a tag's counters: tf_observe_tag()) and compared with what was
 * read last, so the port itself carries no trace calls for it.
 */
#include <stdint.h>
#include <string.h>

#include "trace.h"
#include "tagfuzz/names.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"

#define MAX_TAGS	64	/* the codetag registry's size (target/sim/tags.c) */

static FILE *out;
static unsigned int shown;
static bool primed;
static struct tf_ref_obs refs[TF_MAX_PAGES];
static unsigned long words[TF_MAX_PAGES];	/* tf_observe_ref_words() as refs[] was read */
static unsigned long now_words[TF_MAX_PAGES];
static unsigned long nr_pages;
static struct tf_tag_obs tags[MAX_TAGS];
static int nr_tags;

unsigned int tf_trace_parse(const char *what)
{
	if (!strcmp(what, "events"))
		return TF_TRACE_EVENTS;
	if (!strcmp(what, "sched"))
		return TF_TRACE_SCHED;
	if (!strcmp(what, "all") || !strcmp(what, "events,sched") || !strcmp(what, "sched,events"))
		return TF_TRACE_ALL;
	return 0;
}

void tf_trace_begin(FILE *f, unsigned int what)
{
	out = f;
	shown = what ? what : TF_TRACE_ALL;
	primed = false;
	tf_sched_trace_sink = f ? tf_trace_sched_line : NULL;
}

void tf_trace_end(void)
{
	out = NULL;
	primed = false;
	tf_sched_trace_sink = NULL;
}

bool tf_trace_events(void)
{
	return out && (shown & TF_TRACE_EVENTS);
}

/* A ref's state as the trace names it. */
static const char *ref_name(const struct tf_ref_obs *r, char *buf, size_t len)
{
	switch (r->state) {
	case TF_REF_NO_EXT:
		return "no page_ext";
	case TF_REF_NULL:
		return "NULL";
	case TF_REF_EMPTY:
		return "CODETAG_EMPTY";
	case TF_REF_TAG:
		return tf_format_tag(r->tag, buf, len);
	case TF_REF_BAD:
		break;
	}
	return "a pointer to no tag";
}

static struct tf_ref_obs read_ref(unsigned long pfn)
{
	struct tf_pgf_obs o = tf_observe_pgf(pfn);

	return (struct tf_ref_obs){ o.state, o.tag };
}

struct tf_ref_obs tf_trace_ref(unsigned long pfn)
{
	void (*sched_hook)(const char *, const struct tf_loc *) = tf_sched_hook;
	void (*access_hook)(enum tf_access_kind, const char *, const volatile void *,
			    unsigned long, const struct tf_loc *) = tf_access_hook;
	struct tf_ref_obs r = { TF_REF_NO_EXT, TF_TAG_NONE };

	if (!primed || pfn >= tf_observe_nr_pages())
		return r;
	tf_sched_hook = NULL;
	tf_access_hook = NULL;
	r = read_ref(pfn);
	tf_sched_hook = sched_hook;
	tf_access_hook = access_hook;
	return r;
}

/*
 * Read the state with the scheduler's hooks off: an observer that goes
 * through a shim must not be a scheduling point of the run.
 */
static void observe(int cpu, bool print)
{
	void (*sched_hook)(const char *, const struct tf_loc *) = tf_sched_hook;
	void (*access_hook)(enum tf_access_kind, const char *, const volatile void *,
			    unsigned long, const struct tf_loc *) = tf_access_hook;
	unsigned long pfn, n = tf_observe_nr_pages();
	int id, nt = tf_nr_tags();
	char a[160], b[160];

	tf_sched_hook = NULL;
	tf_access_hook = NULL;
	if (n > TF_MAX_PAGES)
		n = TF_MAX_PAGES;
	if (nt > MAX_TAGS)
		nt = MAX_TAGS;
	tf_observe_ref_words(now_words, n);
	for (pfn = 0; pfn < n; pfn++) {
		unsigned long w, block;
		struct tf_ref_obs r, *old = &refs[pfn];
		bool changed;

		/* The common case, nothing moved: whole blocks compared at once. */
		block = n - pfn < 256 ? n - pfn : 256;
		if (pfn + block <= nr_pages && !(pfn & 255) &&
		    !memcmp(&now_words[pfn], &words[pfn], block * sizeof(words[0]))) {
			pfn += block - 1;
			continue;
		}
		w = now_words[pfn];
		if (pfn < nr_pages && w == words[pfn])
			continue;
		words[pfn] = w;
		r = read_ref(pfn);
		changed = pfn < nr_pages && (r.state != old->state ||
					     (r.state == TF_REF_TAG && r.tag != old->tag));

		/* A table coming or going with nothing in it: page_ext's own news. */
		if (changed && print &&
		    !((r.state == TF_REF_NO_EXT && old->state == TF_REF_NULL) ||
		      (r.state == TF_REF_NULL && old->state == TF_REF_NO_EXT)))
			fprintf(out, "  CPU%d ref     pfn %lu: %s -> %s\n", cpu, pfn,
				ref_name(old, a, sizeof(a)), ref_name(&r, b, sizeof(b)));
		*old = r;
	}
	nr_pages = n;
	for (id = 0; id < nt; id++) {
		struct tf_tag_obs t = tf_observe_tag(id), *old = &tags[id];

		if (id >= nr_tags)
			memset(old, 0, sizeof(*old));	/* registered since: counted nothing before */
		if (print && (t.calls != old->calls || t.bytes != old->bytes))
			fprintf(out, "  CPU%d counter %s: calls %lld -> %lld, bytes %lld -> %lld\n",
				cpu, tf_format_tag(id, a, sizeof(a)), (long long)old->calls,
				(long long)t.calls, (long long)old->bytes, (long long)t.bytes);
		if (print && t.inaccurate && !old->inaccurate)
			fprintf(out, "  CPU%d counter %s: marked inaccurate\n", cpu,
				tf_format_tag(id, a, sizeof(a)));
		*old = t;
	}
	nr_tags = nt;
	tf_sched_hook = sched_hook;
	tf_access_hook = access_hook;
}

void tf_trace_state(int cpu)
{
	if (!tf_trace_events())
		return;
	if (!primed) {
		/* The machine has just booted: what it starts with is no change. */
		nr_pages = 0;
		nr_tags = 0;
		observe(cpu, false);
		primed = true;
		return;
	}
	observe(cpu, true);
}

/* The shim's name, unless the point's own site name says it ("spin_lock", "READ_ONCE(x)"). */
static bool api_in_site(const char *api, const char *site)
{
	size_t n = strlen(api);

	return !strncmp(site, api, n) && (site[n] == '\0' || site[n] == '(');
}

void tf_trace_sched_line(const struct tf_sched_line *l)
{
	char where[384];

	if (!out)
		return;
	if (primed)
		tf_trace_state(l->cpu);
	if (!(shown & TF_TRACE_SCHED))
		return;
	if (!l->what) {
		fprintf(out, "  CPU%d sched: %s\n", l->cpu, l->msg);
		return;
	}
	if (!l->loc) {
		fprintf(out, "  CPU%d sched #%lu %s\n", l->cpu, l->step, l->what);
		return;
	}
	tf_format_loc(l->loc, where, sizeof(where));
	if (l->loc->api && !api_in_site(l->loc->api, l->what))
		fprintf(out, "  CPU%d sched #%lu %s [%s] %s\n", l->cpu, l->step, where,
			l->loc->api, l->what);
	else
		fprintf(out, "  CPU%d sched #%lu %s %s\n", l->cpu, l->step, where, l->what);
}
