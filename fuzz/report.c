// SPDX-License-Identifier: GPL-2.0
/*
 * report: turn a finding into a plain-text report a linux-mm maintainer can
 * read without knowing the harness (./build.sh report, README "Reporting a
 * finding").
 *
 * Each input is run once more with a watch on the run (fuzz/run.h): every
 * event the port emits, every scheduling point and access of a run of
 * concurrent ops, every finding as it is recorded, each with the call
 * chain that reached it (report_sym.c).  The report is written from those
 * and from the docs (report_docs.c): subject, the code the port follows,
 * Config, Phase, Sequence, Consequence, Upstream lines, Reproducer, a
 * trimmed trace, and the known/what-if status.  Inputs with the same
 * finding (its known id, else its signature) make one report.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "expect.h"
#include "oracle.h"
#include "phases.h"
#include "report_docs.h"
#include "report_sym.h"
#include "run.h"
#include "tagfuzz/observe.h"
#include "tagfuzz/pgflags.h"
#include "tagfuzz/pgflags_layout.h"
#include "tagfuzz/sched.h"
#include "tagfuzz/sim.h"
#include "tagfuzz/variants.h"

#define WIDTH		78
#define MAX_ITEMS	200000
#define MAX_INPUTS	256
#define MAX_FOUND	(TF_MAX_FINDINGS)

/*
 * The docs and the symbol cache live as long as the process: no leak
 * report at exit (the other sanitizers stay on).
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* --- what a run is recorded as -------------------------------------------------- */

enum item_kind { I_EVENT, I_POINT, I_ACCESS };

struct item {
	enum item_kind kind;
	long op;
	int cpu;
	unsigned long step;	/* I_POINT: its number; I_ACCESS: the step it followed */
	/* I_EVENT: the event, strings copied */
	struct tf_event ev;
	char *sig;		/* a check's signature; "" when an oracle expected it */
	/* I_POINT, I_ACCESS */
	const char *what;
	unsigned int change_point;
	enum tf_access_kind akind;
	unsigned long val;
	const volatile void *addr;
	int link;		/* I_POINT: its access, I_ACCESS: its point; -1 none */
	const struct tf_loc *loc;	/* I_POINT, I_ACCESS: the API and its caller's place */
	struct tf_stack *st;	/* I_POINT, and the events with a call chain */
};

struct found {
	struct tf_finding f;
	int at;			/* items recorded when it was */
};

struct pcp_snap {
	bool taken, ok;
	const char *why;
	int nr_cpus;
	struct tf_pcp_cpu_obs cpu[TF_MAX_CPUS_OBS];
};

#define MAX_TAGS	64
struct tag_snap {
	int n;
	int id[MAX_TAGS];
	struct tf_tag_obs obs[MAX_TAGS];
};

static struct rec {
	struct item *items;
	int nr;
	bool truncated;
	int last_point[TF_MAX_CPUS], pre_access[TF_MAX_CPUS];
	struct found found[MAX_FOUND];
	int nr_found;
	bool snap_pending;
	struct pcp_snap pcp;
	struct tag_snap tags, tags_end;
	const struct tf_scenario *s;
} rec;

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	return d;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	return p;
}

static void rec_reset(const struct tf_scenario *s)
{
	for (int i = 0; i < rec.nr; i++) {
		struct item *it = &rec.items[i];

		free(it->st);
		free(it->sig);
		if (it->kind == I_EVENT) {
			free((char *)it->ev.msg);
			free((char *)it->ev.site);
			free((char *)it->ev.func);
		}
	}
	if (!rec.items)
		rec.items = xcalloc(MAX_ITEMS, sizeof(*rec.items));
	rec.nr = 0;
	rec.truncated = false;
	for (int c = 0; c < TF_MAX_CPUS; c++)
		rec.last_point[c] = rec.pre_access[c] = -1;
	rec.nr_found = 0;
	rec.snap_pending = false;
	memset(&rec.pcp, 0, sizeof(rec.pcp));
	memset(&rec.tags, 0, sizeof(rec.tags));
	memset(&rec.tags_end, 0, sizeof(rec.tags_end));
	rec.s = s;
}

static struct item *new_item(enum item_kind kind, long op, int cpu)
{
	struct item *it;

	if (rec.nr == MAX_ITEMS) {
		rec.truncated = true;
		return NULL;
	}
	it = &rec.items[rec.nr++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->op = op;
	it->cpu = cpu;
	it->link = -1;
	return it;
}

static void capture(struct item *it)
{
	it->st = xcalloc(1, sizeof(*it->st));
	tf_sym_capture(it->st);
}

/* The counters of every tag the run allocated with, as /proc/allocinfo shows them. */
static void snap_tags(struct tag_snap *t)
{
	for (int i = 0; i < rec.nr && t->n < MAX_TAGS; i++) {
		const struct item *it = &rec.items[i];
		int id = it->ev.tag;
		bool dup = false;

		if (it->kind != I_EVENT || it->ev.kind != TF_EV_PAGE_ALLOC || id < 0)
			continue;
		for (int k = 0; k < t->n; k++)
			dup |= t->id[k] == id;
		if (dup)
			continue;
		t->id[t->n] = id;
		t->obs[t->n] = tf_observe_tag(id);
		t->n++;
	}
}

/* The machine's state at the first finding, taken outside any run's fibers. */
static void snapshot(void)
{
	const struct tf_machine *m = &rec.s->m;
	static uint8_t where[TF_MAX_PAGES];

	rec.snap_pending = false;
	if (m->pcp) {
		rec.pcp.taken = true;
		rec.pcp.nr_cpus = m->nr_cpus < TF_MAX_CPUS_OBS ? m->nr_cpus : TF_MAX_CPUS_OBS;
		rec.pcp.ok = tf_observe_pcp(where, rec.pcp.cpu, &rec.pcp.why);
	}
	snap_tags(&rec.tags);
}

static void maybe_snapshot(void)
{
	if (rec.snap_pending && !tf_sched_active())
		snapshot();
}

static void w_event(void *arg, const struct tf_event *ev, long op)
{
	struct item *it = new_item(I_EVENT, op, ev->cpu);

	(void)arg;
	if (it) {
		it->ev = *ev;
		it->ev.msg = ev->msg ? xstrdup(ev->msg) : NULL;
		it->ev.site = ev->site ? xstrdup(ev->site) : NULL;
		it->ev.func = ev->func ? xstrdup(ev->func) : NULL;
		if (ev->kind == TF_EV_CHECK || ev->kind == TF_EV_NOTE || ev->kind == TF_EV_PRINTK)
			capture(it);
	}
	maybe_snapshot();
}

static void w_check(void *arg, const struct tf_event *ev, const char *sig, const char *known)
{
	(void)arg;
	(void)ev;
	(void)known;
	for (int i = rec.nr - 1; i >= 0; i--) {
		struct item *it = &rec.items[i];

		if (it->kind == I_EVENT && it->ev.kind == TF_EV_CHECK) {
			if (!it->sig)
				it->sig = xstrdup(sig ? sig : "");
			break;
		}
	}
}

static void w_teardown(void *arg)
{
	(void)arg;
	maybe_snapshot();
}

static void w_sched(void *arg, long op, unsigned long step, int cpu, const char *what,
		    const struct tf_loc *loc, unsigned int change_point)
{
	struct item *it = new_item(I_POINT, op, cpu);
	int idx = rec.nr - 1, pre;

	(void)arg;
	if (!it)
		return;
	it->step = step;
	it->what = what;
	it->loc = loc;
	it->change_point = change_point;
	capture(it);
	pre = rec.pre_access[cpu];
	if (pre >= 0 && rec.items[pre].link < 0 && !strcmp(rec.items[pre].what, what)) {
		rec.items[pre].link = idx;
		it->link = pre;
	}
	rec.pre_access[cpu] = -1;
	rec.last_point[cpu] = idx;
}

static void w_access(void *arg, long op, const struct tf_access_rec *a)
{
	struct item *it = new_item(I_ACCESS, op, a->cpu);
	int idx = rec.nr - 1, lp = rec.last_point[a->cpu];

	(void)arg;
	if (!it)
		return;
	it->step = a->step;
	it->what = a->site;
	it->loc = a->loc;
	it->akind = a->kind;
	it->val = a->val;
	it->addr = a->addr;
	if (lp >= 0 && rec.items[lp].link < 0 && !strcmp(rec.items[lp].what, a->site)) {
		rec.items[lp].link = idx;
		it->link = lp;
	} else {
		rec.pre_access[a->cpu] = idx;
	}
}

static void w_finding(void *arg, const struct tf_finding *f)
{
	(void)arg;
	if (rec.nr_found == MAX_FOUND)
		return;
	rec.found[rec.nr_found].f = *f;
	rec.found[rec.nr_found].at = rec.nr;
	if (!rec.nr_found++)
		rec.snap_pending = true;
	maybe_snapshot();
}

static const struct tf_run_watch watch = {
	.event = w_event, .check = w_check, .teardown = w_teardown,
	.access = w_access, .sched = w_sched, .finding = w_finding,
};

/* --- inputs and the variant they run ---------------------------------------------- */

struct variant {
	unsigned long bugs;
	int tracker;		/* -1: the scenario's own */
	int pcp;		/* -1: the header's */
	uint8_t what_if;
	bool bugs_from_env;
};
static struct variant env_variant = { .tracker = -1, .pcp = -1 };

struct input {
	const char *path;
	bool text;
	char origin[256];	/* a text scenario's "# minimized from ..." line */
	unsigned long bugs;
	struct tf_scenario *s;
	/* pass 1 */
	bool found;
	char key[160];
	char sig[160];
	long op;
	size_t nr_ops;
	int group;
};

static struct input inputs[MAX_INPUTS];
static int nr_inputs, nr_errors;

static bool is_text(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".txt");
}

/* Read and decode @in; false with one line on stderr. */
static bool load(struct input *in)
{
	struct tf_expect e = { 0 };
	char err[256];
	struct stat st;
	size_t size;
	char *buf;
	const char *bad;

	if (stat(in->path, &st)) {
		fprintf(stderr, "report: %s: %s\n", in->path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "report: %s: %s, not a regular file\n", in->path,
			S_ISDIR(st.st_mode) ? "a directory (./build.sh report DIR walks one)" :
			"not a regular file");
		return false;
	}
	buf = tf_read_file(in->path, &size);
	if (!buf) {
		fprintf(stderr, "report: %s: %s\n", in->path, strerror(errno));
		return false;
	}
	in->s = xcalloc(1, sizeof(*in->s));
	in->text = is_text(in->path);
	in->bugs = env_variant.bugs;
	if (in->text) {
		if (tf_text_check(buf, size, err, sizeof(err)) ||
		    tf_expect_parse(buf, &e, err, sizeof(err)) ||
		    tf_parse_text_what_if(buf, env_variant.what_if, in->s, err, sizeof(err))) {
			fprintf(stderr, "report: %s: %s\n", in->path, err);
			free(buf);
			return false;
		}
		{
			const char *m = strstr(buf, "# minimized from ");

			if (m && (m == buf || m[-1] == '\n'))
				snprintf(in->origin, sizeof(in->origin), "%.*s",
					 (int)strcspn(m + 2, "\n"), m + 2);
		}
		if (e.has_bugs && !env_variant.bugs_from_env &&
		    tf_bugs_parse(e.bugs, &in->bugs, &bad)) {
			fprintf(stderr, "report: %s: '# bugs:' names unknown switch '%s'\n", in->path, bad);
			free(buf);
			return false;
		}
	} else {
		tf_decode_what_if((const uint8_t *)buf, size, env_variant.what_if, in->s);
		/* as the fuzz targets and replay: the current tracker unless told otherwise */
		in->s->m.tracker = TF_TRACKER_CURRENT;
	}
	free(buf);
	if (env_variant.tracker >= 0)
		in->s->m.tracker = env_variant.tracker;
	if (env_variant.pcp >= 0 && in->s->m.pcp)
		in->s->m.pcp_variant = env_variant.pcp;
	return true;
}

static int env_setup(void)
{
	const char *v, *bad;

	v = getenv("TAGFUZZ_BUGS");
	if (v && *v) {
		if (tf_bugs_parse(v, &env_variant.bugs, &bad)) {
			fprintf(stderr, "report: TAGFUZZ_BUGS: unknown bug switch '%s'\n", bad);
			return -1;
		}
		env_variant.bugs_from_env = true;
	}
	v = getenv("TAGFUZZ_TRACKER");
	if (v && *v && strcmp(v, "header")) {
		env_variant.tracker = tf_tracker_by_name(v);
		if (env_variant.tracker < 0) {
			fprintf(stderr, "report: TAGFUZZ_TRACKER=%s: one tracker variant only (a "
				"differential run is not reported; out/replay --list-trackers)\n", v);
			return -1;
		}
	}
	v = getenv("TAGFUZZ_PCP");
	if (v && *v && strcmp(v, "header")) {
		if (!strcmp(v, "upstream") || !strcmp(v, "split")) {
			env_variant.pcp = !strcmp(v, "split");
		} else {
			fprintf(stderr, "report: TAGFUZZ_PCP=%s: say upstream, split or header (a "
				"differential run is not reported)\n", v);
			return -1;
		}
	}
	v = getenv("TAGFUZZ_WHAT_IF");
	if (v && *v) {
		int k = tf_what_if_by_name(v);

		if (k < 0) {
			fprintf(stderr, "report: TAGFUZZ_WHAT_IF=%s: the what-if modes are none and "
				"smp-early-boot\n", v);
			return -1;
		}
		env_variant.what_if = k;
	}
	return 0;
}

/* Run @in with the watch on; its findings and items are in rec. */
static __attribute__((noinline)) void run_recorded(struct input *in, struct tf_verdict *v)
{
	static FILE *devnull;
	struct tf_run_opts o = { .strict = true, .keep_going = true, .bugs = in->bugs,
				 .watch = &watch };

	/* tf_note() narration is formatted only for a traced run: the report reads it as events. */
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	o.trace = devnull;
	rec_reset(in->s);
	tf_sym_set_top(__builtin_frame_address(0));
	tf_run(in->s, &o, v);
	if (rec.snap_pending)
		snapshot();
	snap_tags(&rec.tags_end);
}

/* The finding a report is about: its known id when its cause held, else its signature. */
static void key_of(const struct tf_finding *f, char *key, size_t len)
{
	char id[8];

	if (f->known && sscanf(f->cause, "known: %7s", id) == 1)
		snprintf(key, len, "%s", id);
	else
		snprintf(key, len, "%s", f->sig);
}

/* --- writing ------------------------------------------------------------------------ */

static FILE *out;

static void section(const char *title)
{
	fprintf(out, "\n%s\n", title);
	for (size_t i = 0; i < strlen(title); i++)
		fputc('-', out);
	fputc('\n', out);
}

/* @text wrapped at WIDTH, the first line after @first, the rest indented by @indent. */
static void wrap(int indent, const char *first, const char *text)
{
	int col = fprintf(out, "%*s%s", indent, "", first);
	const char *p = text;
	bool line_start = true;

	while (*p) {
		const char *end = p;
		int n;

		while (*end && *end != ' ')
			end++;
		n = (int)(end - p);
		if (!line_start && col + 1 + n > WIDTH) {
			fprintf(out, "\n%*s", indent + (int)strlen(first), "");
			col = indent + (int)strlen(first);
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", n, p);
		col += n;
		line_start = false;
		p = end;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

static void wrapf(int indent, const char *first, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void wrapf(int indent, const char *first, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wrap(indent, first, buf);
}

/* A known reason without its "(docs/findings.md)" tail, into @buf. */
static const char *strip_docs_ref(const char *s, char *buf, size_t len)
{
	const char *p = strstr(s, " (docs/findings.md)");
	const char *q = strstr(s, "; docs/findings.md)");

	if (p)
		snprintf(buf, len, "%.*s%s", (int)(p - s), s, p + strlen(" (docs/findings.md)"));
	else if (q)
		snprintf(buf, len, "%.*s)%s", (int)(q - s), s, q + strlen("; docs/findings.md)"));
	else
		snprintf(buf, len, "%s", s);
	return buf;
}

/* --- the functions a report names --------------------------------------------------- */

#define MAX_FUNCS	96
static struct fn_use {
	const char *func, *port_func, *file;
	unsigned int line;
	bool seed004;
} funcs[MAX_FUNCS];
static int nr_funcs;

/* Off while the Sequence shows boot and page_ext_init() setup: their functions are not listed. */
static bool collecting = true;

static void use_chain(const struct tf_chain *c)
{
	if (!collecting)
		return;
	for (int i = 0; i < c->n; i++) {
		const struct tf_kframe *f = &c->f[i];
		int k;

		for (k = 0; k < nr_funcs; k++)
			if (!strcmp(funcs[k].func, f->func) && funcs[k].seed004 == f->seed004)
				break;
		if (k < nr_funcs || nr_funcs == MAX_FUNCS)
			continue;
		funcs[nr_funcs++] = (struct fn_use){ f->func, f->port_func, f->file, f->line,
						     f->seed004 };
	}
}

/* Functions a text names ("alloc_tag_sec_init()", "drain_pages_zone()'s"), where the port defines them. */
static void use_named(const char *text)
{
	for (const char *p = text; p && *p; p++) {
		const char *start = p;
		char name[96];
		const char *file;
		unsigned int line;
		size_t n;
		int k;

		if (!(isalpha((unsigned char)*p) || *p == '_') ||
		    (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
			continue;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		n = (size_t)(p - start);
		if (strncmp(p, "()", 2) || n >= sizeof(name)) {
			p--;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, start);
		for (k = 0; k < nr_funcs; k++)
			if (!strcmp(funcs[k].func, name))
				break;
		if (k < nr_funcs || nr_funcs == MAX_FUNCS || !tf_docs_find_def(name, &file, &line))
			continue;
		funcs[nr_funcs++] = (struct fn_use){ xstrdup(name), NULL, file, line,
						     !strcmp(file, "target/mm/pcp_split.c") };
	}
}

/* "func() (file:line)" of a frame. */
static void fmt_frame(const struct tf_kframe *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s()%s (%s:%u%s%s%s)", f->func, f->seed004 ? " [seed 004]" : "",
		 f->file, f->line, f->port_func ? ", port: " : "", f->port_func ? f->port_func : "",
		 f->port_func ? "()" : "");
}

/* "in f() <- g() <- h()" for at most @depth callers. */
static void fmt_where(const struct tf_chain *c, int depth, char *buf, size_t len)
{
	const struct tf_kframe *where, *shim;
	size_t n = 0;
	int i, start;

	buf[0] = '\0';
	if (!tf_sym_point(c, &where, &shim)) {
		snprintf(buf, len, "(no symbols)");
		return;
	}
	start = (int)(where - c->f);
	if (shim)
		n += snprintf(buf + n, len - n, "%s() <- ", shim->func);
	for (i = start; i < c->n && i < start + depth + 1 && n < len; i++) {
		char fr[256];

		if (i == start) {
			fmt_frame(&c->f[i], fr, sizeof(fr));
			n += snprintf(buf + n, len - n, "%s", fr);
		} else {
			n += snprintf(buf + n, len - n, " <- %s()", c->f[i].func);
		}
	}
}

/*
 * The chain of a recorded item: a scheduling point's or an access's from
 * its place (the API, then the port function that called it) and the
 * symbolized callers; an event's symbolized.
 */
static bool item_chain(const struct item *it, struct tf_chain *c)
{
	if (!it->st && !it->loc)
		return false;
	if (it->kind == I_EVENT)
		tf_sym_chain(it->st, c);
	else
		tf_sym_chain_at(it->st, it->loc, it->what, c);
	use_chain(c);
	return c->n > 0;
}

/* --- kernel terms for the harness's values ------------------------------------------ */

static const char *gfp_name(unsigned int g)
{
	switch (g) {
	case TF_GFP_ATOMIC: return "GFP_ATOMIC";
	case TF_GFP_NOWAIT: return "GFP_NOWAIT";
	case TF_GFP_MEMALLOC: return "GFP_KERNEL | __GFP_MEMALLOC";
	default: return "GFP_KERNEL";
	}
}

static void fmt_tag(int id, char *buf, size_t len);

/* What an access read or wrote, in the terms of its field. */
static void fmt_value(const struct item *acc, char *buf, size_t len)
{
	const char *w = acc->what;
	unsigned long v = acc->val;

	if (acc->akind == TF_ACC_LOCK) {
		snprintf(buf, len, "taken");
	} else if (acc->akind == TF_ACC_UNLOCK) {
		snprintf(buf, len, "released");
	} else if (acc->akind == TF_ACC_RCU_LOCK || acc->akind == TF_ACC_RCU_UNLOCK) {
		buf[0] = '\0';
	} else if (strstr(w, "pcp->flags")) {
		snprintf(buf, len, "%#lx%s%s%s%s: PCPF_CPU_DEAD %s", v, v & 3 ? " (" : "",
			 v & 1 ? "PCPF_PREV_FREE_HIGH_ORDER" : "", (v & 3) == 3 ? " | " : "",
			 v & 2 ? "PCPF_FREE_HIGH_BATCH)" : v & 1 ? ")" : "", v & 4 ? "set" : "clear");
	} else if (strstr(w, "head->first")) {
		if (acc->akind == TF_ACC_CMPXCHG_FAIL)
			snprintf(buf, len, "failed");
		else if (acc->akind == TF_ACC_READ)
			snprintf(buf, len, "%s", v ? "a page (list not empty)" : "NULL (list empty)");
		else if (strstr(w, "cmpxchg("))
			snprintf(buf, len, "%s", "done (the node is the new head)");
		else if (strstr(w, "xchg(&head"))
			snprintf(buf, len, "%s", "the whole list taken");
		else
			snprintf(buf, len, "%#lx", v);
	} else if (strstr(w, "pbd->cpu")) {
		if (v)
			snprintf(buf, len, "owner CPU%lu", v - 1);
		else
			snprintf(buf, len, "no owner (the zone)");
	} else if (!strcmp(w, "read page tag ref") || !strcmp(w, "write page tag ref")) {
		int id = rec.s->m.pgflag_bits ? -1 : tf_tag_id((const struct alloc_tag *)v);

		if (rec.s->m.pgflag_bits)
			snprintf(buf, len, "%#lx (page->flags)", v);
		else if (!v)
			snprintf(buf, len, "NULL");
		else if (v == 1)
			snprintf(buf, len, "CODETAG_EMPTY");
		else if (id >= 0)
			fmt_tag(id, buf, len);
		else
			snprintf(buf, len, "a tag");
	} else if (v >= 0x100000 && v < (unsigned long)-0x100000) {
		/* an address: differs from run to run */
		snprintf(buf, len, acc->akind == TF_ACC_CMPXCHG_FAIL ? "failed, found a pointer" :
			 "a pointer");
	} else if (acc->akind == TF_ACC_CMPXCHG_FAIL) {
		snprintf(buf, len, "failed, found %#lx", v);
	} else {
		snprintf(buf, len, "%#lx", v);
	}
}

static const char *kind_verb(enum tf_access_kind k)
{
	switch (k) {
	case TF_ACC_READ: return "reads";
	case TF_ACC_WRITE: return "writes";
	case TF_ACC_RMW: return "updates";
	case TF_ACC_CMPXCHG_FAIL: return "loses";
	case TF_ACC_LOCK: return "takes";
	case TF_ACC_UNLOCK: return "releases";
	default: return "";
	}
}

/* Whose pageset field an address is (" of CPU1's pageset"), or "". */
static void fmt_owner(const volatile void *addr, char *buf, size_t len)
{
	const struct tf_machine *m = &rec.s->m;

	buf[0] = '\0';
	if (!m->pcp)
		return;
	for (unsigned int node = 0; node < tf_machine_nodes(m); node++) {
		unsigned long pfn = (unsigned long)tf_machine_node_start_section(m, node) *
				    m->section_pages;

		for (int c = 0; c < m->nr_cpus; c++) {
			struct tf_pcp_addrs a;

			if (!tf_observe_pcp_addrs(pfn, c, &a))
				continue;
			if (addr == a.flags || addr == a.llist_first || addr == a.lock) {
				if (tf_machine_nodes(m) > 1)
					snprintf(buf, len, " of CPU%d's pageset (node %u)", c, node);
				else
					snprintf(buf, len, " of CPU%d's pageset", c);
				return;
			}
		}
	}
}

/* --- ops in kernel terms ------------------------------------------------------------- */

static int op_cpu(const struct tf_op *op)
{
	return tf_op_kind_on_control_cpu(op->kind) ? 0 : op->cpu;
}

/* Events of op @op on @cpu (-1: any), in order: index list into @idx. */
static int op_events(long op, int cpu, enum tf_event_kind kind, int *idx, int max)
{
	int n = 0;

	for (int i = 0; i < rec.nr && n < max; i++) {
		const struct item *it = &rec.items[i];

		if (it->kind == I_EVENT && it->op == op && it->ev.kind == kind &&
		    (cpu < 0 || it->cpu == cpu))
			idx[n++] = i;
	}
	return n;
}

static unsigned int log2_pages(unsigned long n)
{
	unsigned int o = 0;

	while ((1UL << o) < n)
		o++;
	return o;
}

static void fmt_tag(int id, char *buf, size_t len)
{
	struct tf_tag_info t;

	if (id == TF_TAG_NONE || id < 0) {
		snprintf(buf, len, "no tag");
		return;
	}
	t = tf_tag_info(id);
	if (id >= TF_TAG_ID_KERNEL)
		snprintf(buf, len, "%s tag %u", t.filename, t.lineno);
	else if (t.user)
		snprintf(buf, len, "the test's call site %d", id);
	else
		snprintf(buf, len, "%s() (%s:%u)", t.function, tf_sym_relative(t.filename), t.lineno);
}

/*
 * @op (index @i; started ops: @cpu their CPU in the run @ev_op) in kernel
 * terms, with what its events say it did.
 */
static void describe_op(const struct tf_op *op, long ev_op, int cpu, char *buf, size_t len)
{
	int idx[64], n;
	const struct item *e;
	char tag[96];

	switch (op->kind) {
	case TF_OP_ALLOC:
	case TF_OP_TAGALLOC:
		n = op_events(ev_op, cpu, TF_EV_PAGE_ALLOC, idx, 64);
		e = n ? &rec.items[idx[0]] : NULL;
		fmt_tag(e ? e->ev.tag : -1, tag, sizeof(tag));
		if (op->kind == TF_OP_ALLOC && op->alloc_kind == TF_ALLOC_EXACT)
			snprintf(buf, len, "alloc_pages_exact(%u pages, %s)", op->n, gfp_name(op->gfp));
		else if (op->kind == TF_OP_ALLOC && op->alloc_kind == TF_ALLOC_BULK)
			snprintf(buf, len, "alloc_pages_bulk(%s, %u)", gfp_name(op->gfp), op->n);
		else
			snprintf(buf, len, "alloc_pages(%s, %u)",
				 gfp_name(op->gfp), op->kind == TF_OP_ALLOC ? op->n : op->order);
		if (!e) {
			snprintf(buf + strlen(buf), len - strlen(buf), " fails");
			return;
		}
		snprintf(buf + strlen(buf), len - strlen(buf), " -> pfn %lu", e->ev.pfn);
		if (n > 1)
			snprintf(buf + strlen(buf), len - strlen(buf), " (+%d more)", n - 1);
		snprintf(buf + strlen(buf), len - strlen(buf), ", %s%s", op->untagged ?
			 "no alloc tag (current->alloc_tag NULL): " : "", tag);
		return;
	case TF_OP_FREE:
	case TF_OP_FREE_EXACT:
	case TF_OP_FREE_NOLOCK:
	case TF_OP_SPLIT:
	case TF_OP_MIGRATE:
	case TF_OP_PUT_PAGE:
		n = op_events(ev_op, cpu, TF_EV_CALL, idx, 64);
		e = n ? &rec.items[idx[0]] : NULL;
		if (!e) {
			snprintf(buf, len, "%s: no live allocation to act on, nothing is called",
				 tf_op_name(op));
			return;
		}
		if (op->kind == TF_OP_SPLIT) {
			snprintf(buf, len, "split_page(pfn %lu, order %u)", e->ev.pfn, log2_pages(e->ev.pfn2));
		} else if (op->kind == TF_OP_MIGRATE) {
			snprintf(buf, len, "migration of pfn %lu: a new page from alloc_pages(), "
				 "pgalloc_tag_swap(), the old page freed", e->ev.pfn);
		} else if (op->kind == TF_OP_PUT_PAGE) {
			snprintf(buf, len, "put_page(pfn %lu)", e->ev.pfn);
		} else if (op->kind == TF_OP_FREE_NOLOCK) {
			snprintf(buf, len, "free_pages_nolock(pfn %lu, %u)", e->ev.pfn,
				 log2_pages(e->ev.pfn2));
		} else {
			int f[4], nf = op_events(ev_op, cpu, TF_EV_PAGE_FREE, f, 4);
			bool whole = nf && rec.items[f[0]].ev.order == log2_pages(e->ev.pfn2) &&
				     (1UL << log2_pages(e->ev.pfn2)) == e->ev.pfn2;

			if (whole || e->ev.pfn2 == 1)
				snprintf(buf, len, "__free_pages(pfn %lu, %u)", e->ev.pfn,
					 log2_pages(e->ev.pfn2));
			else
				snprintf(buf, len, "free_pages_exact(pfn %lu, %lu pages)", e->ev.pfn,
					 e->ev.pfn2);
		}
		return;
	case TF_OP_FREE_BATCH:
		n = op_events(ev_op, cpu, TF_EV_PAGE_FREE, idx, 64);
		snprintf(buf, len, "free_unref_folios() of a batch of %d folio(s)%s", n,
			 n ? ":" : "");
		for (int k = 0; k < n && k < 8; k++)
			snprintf(buf + strlen(buf), len - strlen(buf), " pfn %lu%s",
				 rec.items[idx[k]].ev.pfn, k + 1 < n && k < 7 ? "," : "");
		return;
	case TF_OP_PEXT_ONLINE:
		snprintf(buf, len, "page_ext_init() reaches section %u: init_section_page_ext()", op->n);
		return;
	case TF_OP_PEXT_INIT:
		snprintf(buf, len, "page_ext_init()");
		return;
	case TF_OP_PRESSURE:
		snprintf(buf, len, "memory pressure: the watermarks moved (level %u)", op->n);
		return;
	case TF_OP_FAIL_NEXT:
		snprintf(buf, len, "fault injection (fail_page_alloc): after %u more page allocations, "
			 "the next %u fail", op->skip, op->n);
		return;
	case TF_OP_CPU_UP:
		snprintf(buf, len, "cpu_up(%u): page_alloc_cpu_online(%u)%s", op->cpu, op->cpu,
			 op->n ? ", then the CPU's bring-up allocations" : "");
		return;
	case TF_OP_CPU_DOWN:
		snprintf(buf, len, "cpu_down(%u): page_alloc_cpu_dead(%u) on a surviving CPU", op->cpu,
			 op->cpu);
		return;
	case TF_OP_BURST:
		snprintf(buf, len, "%u x alloc_pages(GFP_KERNEL, %u)%s%s", op->n, op->order,
			 op->rounds > 1 ? ", several rounds" : "", op->churn ? ", each round freed" : "");
		return;
	case TF_OP_DRAIN:
		snprintf(buf, len, op->all ? "drain_all_pages(NULL)" : "drain_pages(%u)", op->cpu);
		return;
	case TF_OP_MOD_LOAD:
		snprintf(buf, len, "module load with %u allocation tags: reserve_module_tags(), "
			 "load_module()", op->n);
		return;
	case TF_OP_MOD_UNLOAD:
		snprintf(buf, len, "module unload: release_module_tags()");
		return;
	case TF_OP_PGFLAG:
		snprintf(buf, len, "%s(%u, &page->flags)", op->clear ? "clear_bit" : "set_bit", op->bit);
		return;
	case TF_OP_PROF_SHUTDOWN:
		snprintf(buf, len, "shutdown_mem_profiling(true)");
		return;
	case TF_OP_PROF_SYSCTL:
		snprintf(buf, len, "echo %u > /proc/sys/vm/mem_profiling", op->n);
		return;
	case TF_OP_ISOLATE:
		if (op->clear)
			snprintf(buf, len, "undo_isolate_page_range() of pageblock %u", op->n);
		else
			snprintf(buf, len, "start_isolate_page_range() of pageblock %u, then "
				 "drain_all_pages(zone), as alloc_contig_range() does", op->n);
		return;
	case TF_OP_MEM_ONLINE:
		snprintf(buf, len, "memory block of section %u onlined: online_pages()", op->n);
		return;
	case TF_OP_MEM_OFFLINE:
		snprintf(buf, len, "memory block of section %u offlined: offline_pages()", op->n);
		return;
	case TF_OP_GET_PAGE:
		snprintf(buf, len, "folio_try_get() on a live allocation's head");
		return;
	case TF_OP_POISON:
		snprintf(buf, len, "memory_failure(pfn, MF_SW_SIMULATED) (hwpoison-inject)");
		return;
	case TF_OP_UNPOISON:
		snprintf(buf, len, "unpoison_memory(pfn) (hwpoison-inject)");
		return;
	case TF_OP_START:
	case TF_OP_RUN:
	case TF_OP_PREEMPT:
	case TF_NR_OPS:
		break;
	}
	snprintf(buf, len, "%s", tf_op_name(op));
}

/* A note the port itself emitted (pcp_trace(), a tracepoint), not the harness's narration. */
static bool kernel_note(const struct item *it, struct tf_chain *c)
{
	if (it->kind != I_EVENT || it->ev.kind != TF_EV_NOTE || !it->st)
		return false;
	tf_sym_chain(it->st, c);
	if (!c->first)
		return false;
	if (c->first_kernel || !strncmp(c->first, "trace_", 6)) {
		use_chain(c);
		return true;
	}
	return false;
}

/*
 * The kernel-side lines of op @op's events on @cpu (-1 any) among items
 * [@from, @to): the port's trace notes, printks, checks.
 */
static void kernel_lines(int from, int to, long op, int cpu, int indent, int max)
{
	int shown = 0, more = 0;

	for (int i = from; i < to && i < rec.nr; i++) {
		const struct item *it = &rec.items[i];
		struct tf_chain c;
		char where[512];

		if (it->kind != I_EVENT || it->op != op || (cpu >= 0 && it->cpu != cpu))
			continue;
		if (it->ev.kind == TF_EV_NOTE && kernel_note(it, &c)) {
			if (shown++ >= max) {
				more++;
				continue;
			}
			if (c.n) {
				fmt_where(&c, 0, where, sizeof(where));
				wrapf(indent, "", "%s: \"%s\" in %s", !c.first_kernel ? c.first : "port note",
				      it->ev.msg, where);
			} else {
				wrapf(indent, "", "tracepoint %s: %s", c.first, it->ev.msg);
			}
		} else if (it->ev.kind == TF_EV_PRINTK) {
			if (shown++ >= max) {
				more++;
				continue;
			}
			if (item_chain(it, &c)) {
				fmt_where(&c, 0, where, sizeof(where));
				wrapf(indent, "", "pr_%s: \"%s\" in %s", it->ev.site, it->ev.msg, where);
			} else {
				wrapf(indent, "", "pr_%s: \"%s\"", it->ev.site, it->ev.msg);
			}
		} else if (it->ev.kind == TF_EV_CHECK && it->sig && it->sig[0]) {
			if (shown++ >= max) {
				more++;
				continue;
			}
			wrapf(indent, "", "%s in %s(): %s", tf_check_kind_name[it->ev.check],
			      it->ev.func, it->ev.msg);
		}
	}
	if (more)
		fprintf(out, "%*s(%d more line(s) of the port's trace)\n", indent, "", more);
}

static void op_kernel_lines(long op, int cpu, int indent, int max)
{
	kernel_lines(0, rec.nr, op, cpu, indent, max);
}

/* --- the sections -------------------------------------------------------------------- */

struct group {
	char key[160];
	int first;		/* the input reported (the fewest ops) */
	int members[MAX_INPUTS];
	int nr;
};
static struct group groups[MAX_INPUTS];
static int nr_groups;

static const struct tf_finding *primary;	/* the finding the report is about */
static struct tf_verdict verdict;
static unsigned long cur_bugs;			/* the reported input's bug switches */

static const char *subsystem(const struct tf_finding *f)
{
	const char *sig = f->sig;

	if (!strncmp(sig, "pcp:", 4) || !strncmp(sig, "numa:", 5) ||
	    !strncmp(sig, "model:page-conservation", 23) || !strncmp(sig, "model:free-lists", 16) ||
	    !strncmp(sig, "model:page-allocated-twice", 26))
		return "mm/page_alloc";
	if (!strncmp(sig, "model:unpoison", 14))
		return "mm/memory-failure";
	if (!strncmp(sig, "model:page-ext", 14))
		return "mm/page_ext";
	if (!strncmp(sig, "check:", 6)) {
		/* the file of the function the check fired in */
		for (int i = 0; i < rec.nr; i++) {
			const struct item *it = &rec.items[i];
			struct tf_chain c;
			const struct tf_kframe *w, *sh;

			if (it->kind == I_EVENT && it->ev.kind == TF_EV_CHECK && it->sig && it->sig[0] &&
			    it->st) {
				tf_sym_chain(it->st, &c);
				if (c.n && tf_sym_point(&c, &w, &sh)) {
					static char buf[128];
					const char *u = tf_docs_upstream_file(w->file);
					size_t n;

					if (!u)
						break;
					snprintf(buf, sizeof(buf), "%s", u);
					n = strlen(buf);
					if (n > 2 && (!strcmp(buf + n - 2, ".c") || !strcmp(buf + n - 2, ".h")))
						buf[n - 2] = '\0';
					return buf;
				}
				break;
			}
		}
		return "mm";
	}
	return "mm/alloc_tag";
}

/* The meaning of a registry signature, without its class list and finding ids. */
static void meaning_of(const char *sig, char *buf, size_t len)
{
	char base[160];
	const char *sp = strchr(sig, ' ');

	snprintf(base, sizeof(base), "%.*s", sp ? (int)(sp - sig) : (int)strlen(sig), sig);
	buf[0] = '\0';
	for (int i = 0; i < TF_NR_SIGS; i++) {
		const char *m = tf_sigs[i].meaning;
		size_t n = 0;

		if (strcmp(tf_sigs[i].name, base))
			continue;
		for (const char *p = m; *p && n + 1 < len; p++) {
			if (*p == '[' || (*p == ' ' && p[1] == '(' && p[2] == 'F')) {
				const char *end = strchr(p, *p == '[' ? ']' : ')');

				if (end) {
					p = end;
					continue;
				}
			}
			buf[n++] = *p;
		}
		while (n && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
		return;
	}
	if (!strncmp(sig, "check:", 6)) {
		const char *kind = sig + 6, *site = strchr(kind, ':');
		const char *cls = site ? strstr(site, " [") : NULL;

		if (site)
			snprintf(buf, len, "%.*s \"%.*s\"", (int)(site - kind), kind,
				 cls ? (int)(cls - site - 1) : (int)strlen(site + 1), site + 1);
	}
	if (!buf[0])
		snprintf(buf, len, "%s", sig);
}

static void write_subject(int nr, const struct group *all)
{
	char title[256];
	const char *t = NULL;

	if (all[0].key[0] == 'F' && !strchr(all[0].key, ':'))
		t = tf_docs_finding_title(all[0].key, NULL);
	if (t)
		snprintf(title, sizeof(title), "%s", t);
	else
		meaning_of(primary->sig, title, sizeof(title));
	fprintf(out, "Subject: [BUG] %s: %s", subsystem(primary), title);
	if (nr > 1)
		fprintf(out, " (+%d related)", nr - 1);
	fputc('\n', out);
}

static bool machine_seed004(const struct tf_machine *m)
{
	return m->pcp && m->pcp_variant;
}

static void write_header(const char *cmdline, int nr, const struct group *all)
{
	const struct tf_machine *m = &rec.s->m;
	const struct tf_seed *s4 = tf_seed("004");

	write_subject(nr, all);
	if (machine_seed004(m) && s4 && s4->msgid)
		fprintf(out, "In-Reply-To: %s\n", s4->msgid);
	fprintf(out, "Generated-By: %s\n", cmdline);
	fputc('\n', out);
	wrap(0, "", "Found with tagfuzz, a userspace port of the kernel's allocation tagging "
	     "(alloc_tag, page_ext, the compressed tag references) and of the page allocator "
	     "paths under it, driven by scenarios and checked against the kernel's own WARN/BUG "
	     "checks and a reference model. Function names and file:line below are the port's "
	     "(target/ in the tagfuzz tree); \"Upstream lines\" maps them to the kernel's files. "
	     "Everything in the Sequence and Consequence sections was recorded from the run; the "
	     "machine is scaled down (sections of a few dozen pages).");
}

static void write_status(const struct tf_finding *f)
{
	char id[8], buf[600];
	const char *anchor = NULL, *title;

	section("Status");
	if (f->known && sscanf(f->cause, "known: %7s", id) == 1) {
		title = tf_docs_finding_title(id, &anchor);
		wrapf(2, "", "Known: %s in docs/findings.md%s%s%s (listed in fuzz/known.c: fuzzing "
		      "goes on past it, replay --strict reports it).", id, title ? ", \"" : "",
		      title ? title : "", title ? "\"" : "");
		if (anchor)
			wrapf(2, "", "docs/findings.md#%s", anchor);
		wrapf(2, "", "Why it is known: %s", strip_docs_ref(f->known, buf, sizeof(buf)));
		{
			const char *c = f->cause + strlen("known: ") + strlen(id);
			size_t n;

			while (*c == ' ')
				c++;
			if (!strncmp(c, "(cause: ", 8))
				c += 8;
			n = strlen(c);
			if (n && c[n - 1] == ')')
				n--;
			wrapf(2, "", "Its cause held in this run: %.*s", (int)n, c);
		}
	} else {
		wrap(2, "", "New: not a known finding (fuzz/known.c, docs/findings.md).");
		if (f->cause[0])
			wrapf(2, "", "The known-finding check says: %s", f->cause);
	}
	if (rec.s->m.what_if)
		wrapf(2, "", "WHAT-IF: the run lifted the kernel's boot order (what_if=%s: other CPUs "
		      "run during early boot and inside page_ext_init()). A real kernel does not run "
		      "this order; this is not a claim about upstream.",
		      tf_what_if_names[rec.s->m.what_if % TF_NR_WHAT_IF]);
	if (verdict.nr > 1)
		wrapf(2, "", "The run went on past it (keep-going) and recorded %d finding(s) in "
		      "all; Consequence lists them.", verdict.nr);
}

/* The port files the report's functions live in, and what each follows. */
static void write_code(void)
{
	const char *done[32];
	int nr_done = 0;
	const struct tf_machine *m = &rec.s->m;

	section("Code the port follows");
	for (int i = 0; i < nr_funcs; i++) {
		const struct tf_port_file *pf;
		bool dup = false;

		for (int k = 0; k < nr_done; k++)
			dup |= !strcmp(done[k], funcs[i].file);
		if (dup || nr_done == 32)
			continue;
		done[nr_done++] = funcs[i].file;
		pf = tf_docs_port_file(funcs[i].file);
		if (pf)
			wrapf(2, "", "%s follows %s: %s", pf->port, pf->upstream, pf->follows);
		else if (strncmp(funcs[i].file, "target/include/", 15))
			wrapf(2, "", "%s: not in docs/fidelity.md's table of port files", funcs[i].file);
	}
	{
		char shims[1024] = "";
		size_t n = 0;

		for (int k = 0; k < nr_done; k++)
			if (!strncmp(done[k], "target/include/", 15) && done[k][15] &&
			    !tf_docs_port_file(done[k]))
				n += (size_t)snprintf(shims + n, sizeof(shims) - n, "%s%s", n ? ", " : "",
						      done[k] + 15);
		if (n)
			wrapf(2, "", "Shims (target/include/): %s: the kernel's headers of those names, "
			      "with the same semantics; every atomic, lock, llist and READ_ONCE/WRITE_ONCE "
			      "in them is a scheduling point of the harness.", shims);
	}
	fputc('\n', out);
	wrap(2, "", "The patch series it models (\"seed NNN\" in the docs; the table: docs/seeds.md"
	     "):");
	{
		const char *ids[5];
		int n = 0;

		if (machine_seed004(m))
			ids[n++] = "004";
		if (m->pgflag_bits)
			ids[n++] = "003";
		if (!m->pgflag_bits && !machine_seed004(m)) {
			ids[n++] = "000";
			ids[n++] = "001";
			ids[n++] = "002";
		}
		for (int i = 0; i < n; i++) {
			const struct tf_seed *s = tf_seed(ids[i]);

			wrapf(4, "", "seed %s: %s (%s)", s->id, s->subject, s->from);
			wrapf(6, "", "%s%s", s->link, s->msgid ? "" : " (a search by subject: the seed has "
			      "no Message-ID)");
		}
		if (m->pgflag_bits && m->pgflags_variant != TF_PGF_V3)
			wrap(4, "", "The compressed mode as merged: torvalds/linux mm/alloc_tag.c "
			     "1d581ab2348c (the port's base), linux-mm 0aa864266ebd compared where "
			     "they differ (docs/findings.md, F11 and F13).");
	}
}

static void write_config(void)
{
	const struct tf_machine *m = &rec.s->m;
	const struct tf_scenario *s = rec.s;
	bool hotplug_cpu = false, memhp = false, poison = false, faults = false, sysctl = false;

	for (size_t i = 0; i < s->nr_ops; i++) {
		enum tf_op_kind k = s->ops[i].kind;

		hotplug_cpu |= k == TF_OP_CPU_UP || k == TF_OP_CPU_DOWN;
		memhp |= k == TF_OP_MEM_ONLINE || k == TF_OP_MEM_OFFLINE;
		poison |= k == TF_OP_POISON || k == TF_OP_UNPOISON;
		faults |= k == TF_OP_FAIL_NEXT;
		sysctl |= k == TF_OP_PROF_SYSCTL;
	}
	section("Config");
	fprintf(out, "  CONFIG_MEM_ALLOC_PROFILING=y\n");
	if (m->debug)
		fprintf(out, "  CONFIG_MEM_ALLOC_PROFILING_DEBUG=y\n");
	else
		fprintf(out, "  # CONFIG_MEM_ALLOC_PROFILING_DEBUG is not set\n");
	if (m->pgflag_bits) {
		if (m->pgflags_variant == TF_PGF_V3)
			fprintf(out, "  CONFIG_PGALLOC_TAG_USE_PAGEFLAGS=y    (seed 003 v3, not upstream)\n");
		fprintf(out, "  boot: sysctl.vm.mem_profiling=%d,compressed\n", m->profiling ? 1 : 0);
		fprintf(out, "  NR_UNUSED_PAGEFLAG_BITS=%u    (the page-flag layout of the build)\n",
			m->pgflag_bits);
		fprintf(out, "  kernel allocation tags: %u    (entries of the alloc_tags section)\n",
			m->kernel_tags);
	} else {
		fprintf(out, "  CONFIG_PAGE_EXTENSION=y    (tag references in page_ext)\n");
		fprintf(out, "  boot: sysctl.vm.mem_profiling=%d\n", m->profiling ? 1 : 0);
		if (m->debug)
			fprintf(out, "  early_page_ext: on    (CONFIG_MEM_ALLOC_PROFILING_DEBUG turns it on: "
				"page_ext_init() from mm_core_init())\n");
		else if (m->early_page_ext)
			fprintf(out, "  boot: early_page_ext    (page_ext_init() from mm_core_init())\n");
		else
			fprintf(out, "  CONFIG_DEFERRED_STRUCT_PAGE_INIT=y, no early_page_ext    "
				"(page_ext_init() from page_alloc_init_late(), after smp_init())\n");
	}
	if (sysctl)
		fprintf(out, "  vm.mem_profiling written at run time    (/proc/sys/vm/mem_profiling)\n");
	if (m->pcp)
		fprintf(out, "  PCP free path: %s\n", m->pcp_variant ?
			"seed 004 applied (\"split-path PCP free with local-trylock + remote-llist\"); "
			"pageblock_order 3" : "upstream's");
	fprintf(out, "  CPUs: %u possible, CPU0 boots%s\n", m->nr_cpus,
		hotplug_cpu ? "; CONFIG_HOTPLUG_CPU=y (the test brings CPUs up and down)" : "");
	if (tf_machine_nodes(m) > 1)
		fprintf(out, "  CONFIG_NUMA=y, %u nodes (one ZONE_NORMAL each)\n", tf_machine_nodes(m));
	else
		fprintf(out, "  one node, one zone (ZONE_NORMAL)\n");
	fprintf(out, "  memory: %u section(s) of %u pages = %lu pages at boot%s    (SPARSEMEM, "
		"scaled down)\n", m->nr_sections, m->section_pages,
		(unsigned long)m->nr_sections * m->section_pages,
		m->hotplug_sections ? ", more to hot-add" : "");
	if (memhp || m->hotplug_sections)
		fprintf(out, "  CONFIG_MEMORY_HOTPLUG=y, CONFIG_MEMORY_HOTREMOVE=y    (one section a "
			"memory block%s)\n", m->hotplug_sections ? "" : "; none hot-added");
	if (poison)
		fprintf(out, "  CONFIG_MEMORY_FAILURE=y, CONFIG_HWPOISON_INJECT=y    (debugfs "
			"corrupt-pfn / unpoison-pfn)\n");
	if (faults)
		fprintf(out, "  CONFIG_FAIL_PAGE_ALLOC=y    (failures placed by the test)\n");
	fprintf(out, "  CONFIG_DEBUG_VM=y, CONFIG_DEBUG_LIST=y    (as modelled throughout)\n");
	if (m->tracker != TF_TRACKER_CURRENT)
		wrapf(2, "", "VARIANT (not upstream): early-PFN tracker '%s': %s (%s)",
		      tf_tracker_table[m->tracker % TF_NR_TRACKERS].name,
		      tf_tracker_table[m->tracker % TF_NR_TRACKERS].what,
		      tf_tracker_table[m->tracker % TF_NR_TRACKERS].origin);
	for (int b = 0; b < TF_NR_BUGS; b++)
		if (cur_bugs & (1UL << b))
			wrapf(2, "", "VARIANT (not upstream): bug switch '%s': %s", tf_bug_table[b].name,
			      tf_bug_table[b].what);
	if (m->what_if)
		wrapf(2, "", "WHAT-IF (not a real kernel's order): what_if=%s: other CPUs run during "
		      "early boot and inside page_ext_init()",
		      tf_what_if_names[m->what_if % TF_NR_WHAT_IF]);
}

/* --- Phase and Sequence -------------------------------------------------------------- */

/* The index of the first item of op 0 (boot is before it), or rec.nr. */
static int boot_end(void)
{
	for (int i = 0; i < rec.nr; i++)
		if (rec.items[i].op >= 0)
			return i;
	return rec.nr;
}

static void op_where(const struct tf_finding *f, char *buf, size_t len)
{
	char line[160];

	if (f->op >= 0 && (size_t)f->op < rec.s->nr_ops) {
		tf_format_op(&rec.s->ops[f->op], line, sizeof(line));
		snprintf(buf, len, "op %ld of the reproducer (%s)", f->op, line);
	} else {
		snprintf(buf, len, "%s", f->at_boot ? "boot" :
			 "the end of the test (the harness's teardown)");
	}
}

static void write_summary(const struct tf_finding *f)
{
	char m[600], where[256], buf[600];

	section("Summary");
	if (f->known) {
		const char *colon;

		strip_docs_ref(f->known, buf, sizeof(buf));
		colon = buf[0] == 'F' ? strstr(buf, ": ") : NULL;
		snprintf(m, sizeof(m), "%s", colon && colon - buf < 16 ? colon + 2 : buf);
		if (m[0] >= 'a' && m[0] <= 'z' && strncmp(m, "alloc_", 6) && strncmp(m, "drain_", 6) &&
		    !strchr(m, '(') )
			;
	} else {
		meaning_of(f->sig, m, sizeof(m));
	}
	op_where(f, where, sizeof(where));
	wrap(2, "", m);
	wrapf(2, "", "Found at %s: %s", where, f->detail);
	wrapf(2, "", "tagfuzz signature: %s", strip_docs_ref(f->sig, buf, sizeof(buf)));
}

static void write_phase(const struct tf_finding *f)
{
	struct tf_phase_state st;
	const struct tf_scenario *s = rec.s;

	section("Phase");
	tf_phase_begin(&st, &s->m);
	if (f->at_boot) {
		wrap(2, "", s->m.pgflag_bits ?
		     "boot: mm_core_init() on the boot CPU, where alloc_tag_sec_init() decides "
		     "whether the kernel's tags fit into the page flags (before "
		     "memblock_free_all() and the first page allocation)" :
		     "boot: start_kernel() on the boot CPU alone");
		return;
	}
	for (long i = 0; i < (f->op >= 0 ? f->op : (long)s->nr_ops); i++)
		tf_phase_step(&st, &s->ops[i]);
	if (f->op >= 0)
		wrapf(2, "", "%s: %s", tf_phase_name(tf_op_phase(&st, &s->ops[f->op])),
		      tf_phase_what(&st));
	else
		wrapf(2, "", "%s: %s; found by the check after the test's ops, when everything "
		      "is freed and drained", tf_phase_name(st.phase), tf_phase_what(&st));
}

/* One step of a run: "[15] READ_ONCE(pcp->flags) of CPU1's pageset = 0x0 ..." and where. */
static void step_lines(const struct item *p, const struct item *acc, bool stopped, bool resumed,
		       int indent)
{
	char val[160] = "", owner[48] = "", where[512] = "", first[32];
	struct tf_chain c;

	if (acc) {
		fmt_value(acc, val, sizeof(val));
		fmt_owner(acc->addr, owner, sizeof(owner));
	}
	if (p && item_chain(p, &c))
		fmt_where(&c, 2, where, sizeof(where));
	snprintf(first, sizeof(first), "[%lu] ", p ? p->step : acc->step);
	if (stopped)
		wrapf(indent, first, "stops before %s", p->what);
	else
		wrapf(indent, first, "%s%s%s%s%s", p ? p->what : acc->what, owner, val[0] ? " = " : "",
		      val, resumed ? " (resumed: the access it stopped before)" : "");
	if (where[0])
		wrapf(indent + (int)strlen(first), "in ", "%s", where);
}

static const char *pcp_point_name(unsigned int pt)
{
	return pt == TF_PCP_PT_DEAD_DONE ? "page_alloc_cpu_dead() returns" :
	       pt == TF_PCP_PT_ONLINE_DONE ? "page_alloc_cpu_online() returns" :
	       pt == TF_PCP_PT_DRAIN_ALL ? "drain_all_pages() starts" :
	       "drain_all_pages() done";
}

/* An event in kernel terms, into @buf; false when it is not worth a line. */
static bool event_text(const struct item *it, char *buf, size_t len)
{
	struct tf_chain c;
	char where[512];

	switch (it->ev.kind) {
	case TF_EV_PAGE_ALLOC:
		snprintf(buf, len, "post_alloc_hook(): pfn %lu, order %u", it->ev.pfn, it->ev.order);
		return true;
	case TF_EV_PAGE_FREE:
		snprintf(buf, len, "free_pages_prepare(): pfn %lu, order %u", it->ev.pfn, it->ev.order);
		return true;
	case TF_EV_CPU_DOWN:
		snprintf(buf, len, "CPU%u is offline (cpuhp: page_alloc_cpu_dead() comes next)",
			 it->ev.section);
		return true;
	case TF_EV_PCP:
		snprintf(buf, len, "%s (CPU%lu)", pcp_point_name(it->ev.section), it->ev.pfn);
		return true;
	case TF_EV_NOTE:
		if (!kernel_note(it, &c))
			return false;
		if (c.n) {
			fmt_where(&c, 0, where, sizeof(where));
			snprintf(buf, len, "%s: %s, in %s", c.first_kernel ? "port note" : c.first,
				 it->ev.msg, where);
		} else {
			snprintf(buf, len, "%s: %s", c.first, it->ev.msg);
		}
		return true;
	case TF_EV_CHECK:
		if (!it->sig || !it->sig[0])
			return false;
		snprintf(buf, len, "%s in %s(): %s", tf_check_kind_name[it->ev.check], it->ev.func,
			 it->ev.msg);
		return true;
	case TF_EV_PRINTK:
		snprintf(buf, len, "pr_%s: %s", it->ev.site, it->ev.msg);
		return true;
	default:
		return false;
	}
}

static bool event_line(const struct item *it, int indent)
{
	char buf[1200];

	if (!event_text(it, buf, sizeof(buf)))
		return false;
	wrap(indent, "", buf);
	return true;
}

/* An item a run's listing shows: a step, an access, or an event with a line. */
static bool shown_item(const struct item *it)
{
	char buf[1200];

	return it->kind != I_EVENT || event_text(it, buf, sizeof(buf));
}

/* "f() [seed 004] <- g()": where a capture is, with @callers callers. */
static void fmt_short(const struct tf_chain *c, int callers, char *buf, size_t len)
{
	const struct tf_kframe *w, *sh;
	size_t n = 0;

	buf[0] = '\0';
	if (!tf_sym_point(c, &w, &sh))
		return;
	for (int i = (int)(w - c->f); i < c->n && i <= (int)(w - c->f) + callers; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s()%s", i == (int)(w - c->f) ? "" : " <- ",
				      c->f[i].func, c->f[i].seed004 ? " [seed 004]" : "");
}

/* The synopsis of a change point: who stopped where, after doing what. */
static void change_point_line(int pi, int indent)
{
	const struct item *p = &rec.items[pi], *last = NULL, *lastp = NULL;
	const struct tf_kframe *w, *sh;
	struct tf_chain c, lc;
	char val[160] = "", owner[48] = "", here[300] = "", there[300] = "", first[64];

	for (int i = pi - 1; i >= 0 && rec.items[i].op == p->op; i--) {
		const struct item *a = &rec.items[i];

		if (a->kind == I_ACCESS && a->cpu == p->cpu && a->akind != TF_ACC_RCU_LOCK &&
		    a->akind != TF_ACC_RCU_UNLOCK && a->akind != TF_ACC_LOCK &&
		    a->akind != TF_ACC_UNLOCK) {
			last = a;
			lastp = a->link >= 0 ? &rec.items[a->link] : NULL;
			break;
		}
	}
	snprintf(first, sizeof(first), "change point %u, step %lu: ", p->change_point, p->step);
	if (!item_chain(p, &c) || !tf_sym_point(&c, &w, &sh)) {
		wrapf(indent, first, "CPU%d stops before %s", p->cpu, p->what);
		return;
	}
	fmt_short(&c, 1, here, sizeof(here));
	wrapf(indent, first, "CPU%d stops in %s, before %s%s (%s)", p->cpu, here,
	      sh ? sh->func : p->what, sh ? "()" : "", p->what);
	if (!last)
		return;
	fmt_value(last, val, sizeof(val));
	fmt_owner(last->addr, owner, sizeof(owner));
	if (lastp && item_chain(lastp, &lc))
		fmt_short(&lc, 1, there, sizeof(there));
	wrapf(indent + (int)strlen(first), "", "after step %lu: %s%s%s %s%s%s%s", last->step, there,
	      there[0] ? " " : "", kind_verb(last->akind), last->what, owner, val[0] ? " = " : "",
	      val);
}

/* Which addresses two or more CPUs touched in run op @op (their items' indexes marked). */
static bool shared_addr(long op, const volatile void *addr)
{
	int cpu = -1;

	if (!addr)
		return false;
	for (int i = 0; i < rec.nr; i++) {
		const struct item *a = &rec.items[i];

		if (a->kind != I_ACCESS || a->op != op || a->addr != addr)
			continue;
		if (a->akind == TF_ACC_RCU_LOCK || a->akind == TF_ACC_RCU_UNLOCK)
			return false;
		if (cpu >= 0 && a->cpu != cpu)
			return true;
		cpu = a->cpu;
	}
	return false;
}

static void write_run(long r, int indent)
{
	const struct tf_scenario *s = rec.s;
	long from = r - 1;
	int first = -1;

	while (from >= 0 && s->ops[from].kind != TF_OP_RUN)
		from--;
	wrapf(indent, "", "Op %ld runs these at once, one CPU each, interleaved at the scheduling "
	      "points (every atomic, READ_ONCE/WRITE_ONCE, lock, llist and RCU operation):", r);
	for (long i = from + 1; i < r; i++) {
		const struct tf_op *op = &s->ops[i];
		char d[400];

		if (!op->async)
			continue;
		describe_op(op, r, op_cpu(op), d, sizeof(d));
		{
			char first[16];

			snprintf(first, sizeof(first), "CPU%d  ", op_cpu(op));
			wrap(indent + 2, first, d);
		}
	}
	for (int i = 0; i < rec.nr; i++) {
		const struct item *it = &rec.items[i];

		if (it->op != r || it->kind != I_POINT)
			continue;
		if (first < 0)
			first = i;
		if (it->change_point)
			change_point_line(i, indent + 2);
	}
	if (first < 0) {
		wrap(indent + 2, "", "(no scheduling point was reached)");
		return;
	}
	fputc('\n', out);
	/* per segment: the items of one CPU between two switches */
	for (int i = 0; i < rec.nr;) {
		const struct item *it = &rec.items[i];
		int cpu, end, shown = 0, elided = 0;
		unsigned long lo = 0, hi = 0;

		if (it->op != r || !shown_item(it)) {
			i++;
			continue;
		}
		cpu = it->cpu;
		for (end = i; end < rec.nr && rec.items[end].op == r &&
			      (rec.items[end].cpu == cpu || !shown_item(&rec.items[end])); end++) {
			const struct item *x = &rec.items[end];

			if (x->cpu != cpu)
				continue;

			if (x->kind == I_POINT) {
				if (!lo)
					lo = x->step;
				hi = x->step;
			}
		}
		if (lo && lo != hi)
			fprintf(out, "%*sCPU%d, steps %lu-%lu:\n", indent + 2, "", cpu, lo, hi);
		else if (lo)
			fprintf(out, "%*sCPU%d, step %lu:\n", indent + 2, "", cpu, lo);
		else
			fprintf(out, "%*sCPU%d:\n", indent + 2, "", cpu);
		for (int k = i; k < end; k++) {
			const struct item *x = &rec.items[k];
			bool important;

			if (x->cpu != cpu)
				continue;
			if (x->kind == I_EVENT) {
				if (event_line(x, indent + 5))
					shown++;
				continue;
			}
			if (x->kind == I_ACCESS) {
				if (x->link >= 0 && x->link < i && rec.items[x->link].kind == I_POINT) {
					step_lines(&rec.items[x->link], x, false, true, indent + 4);
					shown++;
				}
				continue;
			}
			/* a point */
			{
				const struct item *acc = x->link >= 0 ? &rec.items[x->link] : NULL;
				bool stopped = acc && x->link >= end;
				bool last_points = x->step + 1 >= hi;

				important = k == i || stopped || last_points || x->change_point ||
					    (acc && acc->akind != TF_ACC_LOCK && acc->akind != TF_ACC_UNLOCK &&
					     shared_addr(r, acc->addr));
				if (!important) {
					elided++;
					continue;
				}
				if (elided) {
					fprintf(out, "%*s... %d step(s)\n", indent + 4, "", elided);
					elided = 0;
				}
				step_lines(x, stopped ? NULL : acc, stopped, false, indent + 4);
				shown++;
			}
		}
		if (elided)
			fprintf(out, "%*s... %d step(s)\n", indent + 4, "", elided);
		i = end;
	}
}

static void write_sequence(const struct tf_finding *f)
{
	const struct tf_scenario *s = rec.s;
	struct tf_phase_state st;
	long upto = -1;
	bool teardown = false;
	int teardown_to = 0;

	/* every op up to the last finding the run recorded (keep-going: what followed the first) */
	for (int k = 0; k < verdict.nr; k++) {
		const struct tf_finding *g = &verdict.f[k];

		if (g->op >= 0 && g->op > upto)
			upto = g->op;
		if (g->op < 0 && !g->at_boot) {
			teardown = true;
			upto = (long)s->nr_ops - 1;
		}
	}
	for (int k = 0; k < rec.nr_found; k++)
		if (rec.found[k].f.op < 0 && !rec.found[k].f.at_boot)
			teardown_to = rec.found[k].at;
	(void)f;
	enum tf_phase shown_phase = TF_NR_PHASES;
	int b = boot_end();

	section("Sequence");
	tf_phase_begin(&st, &s->m);
	if (s->m.pgflag_bits)
		wrapf(2, "", "boot, CPU0: mm_core_init() -> alloc_tag_sec_init() with %u kernel tags "
		      "and NR_UNUSED_PAGEFLAG_BITS=%u", s->m.kernel_tags, s->m.pgflag_bits);
	else
		wrap(2, "", "boot, CPU0: start_kernel(); the memory map's pages go to the buddy "
		     "allocator");
	collecting = f->at_boot;
	kernel_lines(0, b, -1, -1, 6, 6);
	for (long i = 0; i <= upto && i < (long)s->nr_ops; i++) {
		const struct tf_op *op = &s->ops[i];
		enum tf_phase ph = tf_op_phase(&st, op);
		char d[400];

		if (ph != shown_phase && op->kind != TF_OP_PREEMPT && !op->async) {
			struct tf_phase_state as = st;

			as.phase = ph;
			wrapf(2, "", "[phase %s: %s]", tf_phase_name(ph), tf_phase_what(&as));
			shown_phase = ph;
		}
		collecting = ph == TF_PHASE_RUNTIME || ph == TF_PHASE_SMP || i == upto;
		tf_phase_step(&st, op);
		if (op->async || op->kind == TF_OP_PREEMPT)
			continue;
		if (op->kind == TF_OP_RUN) {
			write_run(i, 2);
			continue;
		}
		/* a row of like allocations on one CPU: one line */
		if (op->kind == TF_OP_ALLOC && op->alloc_kind == TF_ALLOC_PAGES) {
			long j = i + 1;
			char pfns[200] = "";
			size_t n = 0;

			while (j <= upto && j < (long)s->nr_ops && s->ops[j].kind == TF_OP_ALLOC &&
			       !s->ops[j].async && s->ops[j].cpu == op->cpu &&
			       s->ops[j].alloc_kind == op->alloc_kind && s->ops[j].gfp == op->gfp &&
			       s->ops[j].n == op->n && s->ops[j].tag == op->tag &&
			       s->ops[j].untagged == op->untagged)
				j++;
			if (j - i > 1) {
				char tag[96];
				int idx[1], got = 0;

				for (long k = i; k < j; k++) {
					if (op_events(k, -1, TF_EV_PAGE_ALLOC, idx, 1) == 1) {
						got++;
						if (n < sizeof(pfns) - 16)
							n += (size_t)snprintf(pfns + n, sizeof(pfns) - n,
									      "%s%lu", n ? ", " : "",
									      rec.items[idx[0]].ev.pfn);
					}
				}
				op_events(i, -1, TF_EV_PAGE_ALLOC, idx, 1);
				fmt_tag(got ? rec.items[idx[0]].ev.tag : -1, tag, sizeof(tag));
				{
					char first[16];

					snprintf(first, sizeof(first), "CPU%d  ", op_cpu(op));
					wrapf(2, first, "%ld x alloc_pages(%s, %u) -> pfn %s, %s  (ops "
					      "%ld-%ld)", j - i, gfp_name(op->gfp), op->n,
					      got ? pfns : "(none)", tag, i, j - 1);
				}
				for (long k = i; k < j; k++)
					op_kernel_lines(k, -1, 8, 4);
				for (long k = i + 1; k < j; k++)
					tf_phase_step(&st, &s->ops[k]);
				i = j - 1;
				continue;
			}
		}
		describe_op(op, i, op_cpu(op), d, sizeof(d));
		{
			char first[16];

			snprintf(first, sizeof(first), "CPU%d  ", op_cpu(op));
			wrapf(2, first, "%s  (op %ld)", d, i);
		}
		op_kernel_lines(i, -1, 8, 6);
	}
	collecting = true;
	if (teardown) {
		if (s->m.pcp)
			wrap(2, "", "Then the test ends: CPUs that are down come up, CPU0 frees what is "
			     "still allocated, then calls drain_all_pages(NULL), as a caller that needs "
			     "the free pages back would (direct reclaim, alloc_contig_range()):");
		else
			wrap(2, "", "Then the test ends: CPU0 frees what is still allocated, the other "
			     "CPUs go down (page_alloc_cpu_dead()), then drain_all_pages(NULL):");
		for (int i = b; i < rec.nr && i < teardown_to; i++) {
			const struct item *it = &rec.items[i];

			if (it->op != -1 || it->kind != I_EVENT)
				continue;
			if (it->ev.kind == TF_EV_PCP || it->ev.kind == TF_EV_CHECK ||
			    it->ev.kind == TF_EV_PRINTK || it->ev.kind == TF_EV_NOTE)
				event_line(it, 6);
		}
	}
}

/* --- Consequence ------------------------------------------------------------------- */

static void write_chain(const struct tf_chain *c, int indent)
{
	for (int k = 0; k < c->n; k++) {
		char fr[300];

		fmt_frame(&c->f[k], fr, sizeof(fr));
		wrapf(indent, "", "%s", fr);
	}
	if (c->caller)
		wrap(indent, "", "(called by the test's op)");
}

static void write_checks(void)
{
	int shown = 0, total = 0;
	char seen_site[8][600];
	const struct item *seen_it[8];
	int seen_n[8], nr_seen = 0;

	/* one entry per check and call chain: a WARN reached two ways shows both */
	for (int i = 0; i < rec.nr; i++) {
		const struct item *it = &rec.items[i];
		struct tf_chain c;
		char key[600];
		size_t n;
		int k;

		if (it->kind != I_EVENT || it->ev.kind != TF_EV_CHECK || !it->sig || !it->sig[0])
			continue;
		total++;
		n = (size_t)snprintf(key, sizeof(key), "%s", it->sig);
		if (it->st) {
			tf_sym_chain(it->st, &c);
			for (int f = 0; f < c.n && n < sizeof(key); f++)
				n += (size_t)snprintf(key + n, sizeof(key) - n, " %s", c.f[f].func);
		}
		for (k = 0; k < nr_seen; k++)
			if (!strcmp(seen_site[k], key))
				break;
		if (k < nr_seen) {
			seen_n[k]++;
			continue;
		}
		if (nr_seen == 8)
			continue;
		snprintf(seen_site[nr_seen], sizeof(seen_site[0]), "%s", key);
		seen_it[nr_seen] = it;
		seen_n[nr_seen++] = 1;
	}
	if (!total) {
		wrap(2, "", "The kernel's own checks (WARN, BUG, DEBUG_LIST, bad_page) did not fire.");
		return;
	}
	for (int k = 0; k < nr_seen; k++) {
		const struct item *it = seen_it[k];
		struct tf_chain c;
		char where[160];

		if (it->op >= 0 && (size_t)it->op < rec.s->nr_ops)
			snprintf(where, sizeof(where), "op %ld", it->op);
		else
			snprintf(where, sizeof(where), "%s", it->op < 0 && it < rec.items + boot_end() ?
				 "boot" : "the teardown");
		wrapf(2, "", "%s: %s  (in %s(), CPU%d, %s; %d time(s) in the run from this call "
		      "chain: the harness counts each, a WARN_ONCE prints once)",
		      it->ev.check == TF_CHECK_WARN ? "WARNING" : tf_check_kind_name[it->ev.check],
		      it->ev.msg, it->ev.func, it->cpu, where, seen_n[k]);
		if (item_chain(it, &c)) {
			wrap(4, "", "Call trace (the port's functions, innermost first):");
			write_chain(&c, 6);
		} else if (!tf_sym_available()) {
			wrap(4, "", "(no call trace: llvm-symbolizer was not found in PATH)");
		}
		shown++;
	}
}

static void write_consequence(const struct tf_finding *f)
{
	char where[256], buf[600];

	section("Consequence");
	op_where(f, where, sizeof(where));
	wrapf(2, "", "At %s the harness found: %s", where, f->detail);
	write_checks();
	for (int i = 0; i < rec.nr; i++) {
		const struct item *it = &rec.items[i];

		if (it->kind == I_EVENT && it->ev.kind == TF_EV_PRINTK)
			wrapf(2, "", "pr_%s from the port: \"%s\"", it->ev.site, it->ev.msg);
	}
	if (rec.pcp.taken) {
		wrap(2, "", "The per-CPU pagesets when it was found:");
		if (!rec.pcp.ok)
			wrapf(4, "", "(the free containers contradict themselves: %s)",
			      rec.pcp.why ? rec.pcp.why : "?");
		fprintf(out, "    %-5s %-10s %-13s %-13s %-14s %s\n", "CPU", "pcp->count",
			"on PCP lists", "on free_llist", "PCPF_CPU_DEAD", "owned pageblocks");
		for (int c = 0; c < rec.pcp.nr_cpus; c++) {
			const struct tf_pcp_cpu_obs *o = &rec.pcp.cpu[c];

			fprintf(out, "    CPU%-2d %-10ld %-13ld %-13ld %-14s %u\n", c, o->count, o->listed,
				o->llist, o->dead ? "set" : "clear", o->owned);
		}
	}
	if (rec.tags.n && !rec.s->m.pgflag_bits && !f->at_boot) {
		wrap(2, "", "Counters of the tags the run allocated with, when it was found (bytes "
		     "and calls, the columns of /proc/allocinfo, and the call site):");
		for (int k = 0; k < rec.tags.n; k++) {
			char tag[128];

			fmt_tag(rec.tags.id[k], tag, sizeof(tag));
			fprintf(out, "    %8lld %5lld  %s%s\n", (long long)rec.tags.obs[k].bytes,
				(long long)rec.tags.obs[k].calls, tag,
				rec.tags.obs[k].inaccurate ? " (inaccurate)" : "");
		}
	}
	{
		bool any = false;

		for (int k = 0; k < rec.tags_end.n; k++) {
			int id = rec.tags_end.id[k];

			if ((id >= TF_TAG_ID_KERNEL || tf_tag_info(id).user) &&
			    (rec.tags_end.obs[k].bytes || rec.tags_end.obs[k].calls))
				any = true;
		}
		if (any && !verdict.ended_by_bug) {
			wrap(2, "", "When the test ended, with every allocation of its call sites freed "
			     "again, these counters were not zero (bytes, calls, call site; a "
			     "negative count is shown signed):");
			for (int k = 0; k < rec.tags_end.n; k++) {
				int id = rec.tags_end.id[k];
				char tag[128];

				if (!(id >= TF_TAG_ID_KERNEL || tf_tag_info(id).user) ||
				    !(rec.tags_end.obs[k].bytes || rec.tags_end.obs[k].calls))
					continue;
				fmt_tag(id, tag, sizeof(tag));
				fprintf(out, "    %8lld %5lld  %s\n", (long long)rec.tags_end.obs[k].bytes,
					(long long)rec.tags_end.obs[k].calls, tag);
			}
		}
	}
	if (verdict.nr > 1) {
		wrap(2, "", "The run went on; later findings in it:");
		for (int i = 1; i < verdict.nr; i++) {
			const struct tf_finding *g = &verdict.f[i];
			char w[256];
			int same = 1;

			while (i + 1 < verdict.nr && !strcmp(verdict.f[i + 1].sig, g->sig) &&
			       verdict.f[i + 1].op == g->op && !strcmp(verdict.f[i + 1].detail, g->detail) &&
			       !strcmp(verdict.f[i + 1].cause, g->cause)) {
				same++;
				i++;
			}
			op_where(g, w, sizeof(w));
			if (same > 1)
				snprintf(w + strlen(w), sizeof(w) - strlen(w), ", %d times", same);
			wrapf(4, "- ", "%s at %s: %s%s%s", strip_docs_ref(g->sig, buf, sizeof(buf)), w,
			      g->detail, g->cause[0] ? "; " : "", g->cause);
		}
		if (verdict.truncated)
			wrapf(4, "", "(more than %d; the rest were not recorded)", TF_MAX_FINDINGS);
	}
}

/* --- Upstream lines ------------------------------------------------------------------ */

static const char *marker_text(char m)
{
	switch (m) {
	case '=': return "=";
	case '~': return "~";
	case '!': return "!";
	case 'r': return "r";
	case 'h': return "harness";
	default: return "?";
	}
}

static void write_upstream(void)
{
	const char *files_done[32];
	int nr_done = 0;

	section("Upstream lines");
	wrap(2, "", "The port's functions this report names, by the upstream file each follows, "
	     "with its fidelity marker from docs/fidelity.md (= same semantics; ~ simplified, "
	     "no effect on tagging in any state the harness reaches; ! differs in a way that can "
	     "change an outcome; r reconstructed from the seed's context) and what the table "
	     "says it follows:");
	for (int i = 0; i < nr_funcs; i++) {
		const char *file = funcs[i].file, *up;
		const struct tf_port_file *pf;
		bool dup = false;

		for (int k = 0; k < nr_done; k++)
			dup |= !strcmp(files_done[k], file);
		if (dup || nr_done == 32)
			continue;
		files_done[nr_done++] = file;
		up = tf_docs_upstream_file(file);
		pf = tf_docs_port_file(file);
		/* functions of this file that have something to say */
		{
			bool any = false;

			for (int k = i; k < nr_funcs; k++) {
				if (strcmp(funcs[k].file, file))
					continue;
				if (strncmp(file, "target/include/", 15) ||
				    tf_docs_fidelity(funcs[k].func, funcs[k].seed004))
					any = true;
			}
			if (!any)
				continue;
		}
		fputc('\n', out);
		if (!strcmp(file, "target/mm/pcp_split.c"))
			wrapf(2, "", "mm/page_alloc.c as seed 004 changes it (port: %s; no upstream tree)",
			      file);
		else
			wrapf(2, "", "%s (port: %s%s%s)", up ? up : "?", file, pf ? "; " : "",
			      pf ? "docs/fidelity.md names the tree and commit above" : "");
		for (int k = i; k < nr_funcs; k++) {
			const struct tf_fidelity *fd;
			char name[128], follows[72];

			if (strcmp(funcs[k].file, file))
				continue;
			fd = tf_docs_fidelity(funcs[k].func, funcs[k].seed004);
			if (!fd && !strncmp(file, "target/include/", 15))
				continue;
			snprintf(name, sizeof(name), "%s()", funcs[k].func);
			if (fd) {
				/* the "follows" cell less its marker, else the notes */
				const char *t = fd->follows;

				while (*t == '=' || *t == '~' || *t == '!' || *t == ' ' ||
				       (fd->marker == 'r' && *t == 'r' && (!t[1] || t[1] == ' ')))
					t++;
				if (!*t && fd->notes)
					t = fd->notes;
				snprintf(follows, sizeof(follows), "%s", t);
				if (strlen(t) >= sizeof(follows))
					strcpy(follows + sizeof(follows) - 4, "...");
			}
			if (strlen(name) > 30)
				fprintf(out, "    %s\n    %-30s", name, "");
			else
				fprintf(out, "    %-30s", name);
			fprintf(out, " %-3s %s\n", fd ? marker_text(fd->marker) : "-",
				fd ? follows : "no row in docs/fidelity.md");
		}
	}
}

/* --- Reproducer and trace ---------------------------------------------------------- */

static void write_reproducer(const struct group *g)
{
	const struct input *in = &inputs[g->first];
	char env[512] = "";

	section("Reproducer");
	if (in->bugs) {
		size_t n = (size_t)snprintf(env, sizeof(env), "TAGFUZZ_BUGS=");

		for (int b = 0, k = 0; b < TF_NR_BUGS; b++)
			if (in->bugs & (1UL << b))
				n += (size_t)snprintf(env + n, sizeof(env) - n, "%s%s", k++ ? "," : "",
						      tf_bug_table[b].name);
		snprintf(env + n, sizeof(env) - n, " ");
	}
	wrapf(2, "", "%s (%s, %zu ops; the text format is docs/scenarios.md)%s%s:", in->path,
	      in->text ? "a text scenario" : "a fuzzer input, decoded", rec.s->nr_ops,
	      in->origin[0] ? "; " : "", in->origin);
	fputc('\n', out);
	{
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		if (m) {
			tf_print_scenario(m, rec.s);
			fclose(m);
			for (char *line = text, *nl; line && *line; line = nl) {
				nl = strchr(line, '\n');
				if (nl)
					*nl++ = '\0';
				fprintf(out, "    %s\n", line);
			}
			free(text);
		}
	}
	fputc('\n', out);
	wrapf(2, "", "Replay it: %s./build.sh repro %s   (a known finding is reported with "
	      "TAGFUZZ_STRICT=1; out/replay --strict --print --trace %s shows every step)",
	      env, in->path, in->path);
	if (!in->text)
		wrapf(2, "", "Shrink it: %s./build.sh minimize %s (writes a text scenario)", env,
		      in->path);
	if (g->nr > 1) {
		wrap(2, "", "Also reproduced by:");
		for (int k = 0; k < g->nr; k++)
			if (g->members[k] != g->first)
				wrapf(4, "", "%s  (%s)", inputs[g->members[k]].path, inputs[g->members[k]].sig);
	}
}

/* The lines of op @op's items in [@from, @to): steps near change points, events. */
static void trace_op(long op, int from, int to, int *lines, int *skipped, int max)
{
	int before = *lines;

	for (int i = from; i < to; i++) {
		const struct item *it = &rec.items[i];
		char line[800], where[512] = "", val[160] = "", owner[48] = "";
		struct tf_chain c;
		const struct item *acc;
		bool near = false;

		if (it->op != op)
			continue;
		if (it->kind == I_ACCESS && it->link >= 0)
			continue;	/* shown with its point */
		if (it->kind == I_EVENT) {
			char b[1200];

			if (it->ev.kind == TF_EV_PCP && it->ev.section == TF_PCP_PT_DRAINED_ALL)
				continue;
			if (!event_text(it, b, sizeof(b)))
				continue;
			if (*lines >= max) {
				(*skipped)++;
				continue;
			}
			wrapf(4, "", "CPU%d %s", it->cpu, b);
			(*lines)++;
			continue;
		}
		/* near a change point: always (while lines last); elsewhere the first half */
		for (int k = i - 4; k <= i + 4; k++)
			if (k >= 0 && k < rec.nr && rec.items[k].op == op && rec.items[k].kind == I_POINT &&
			    rec.items[k].change_point)
				near = true;
		if (*lines >= max || (!near && *lines >= max / 2)) {
			(*skipped)++;
			continue;
		}
		acc = it->kind == I_POINT && it->link >= 0 ? &rec.items[it->link] : NULL;
		if (it->kind == I_ACCESS)
			acc = it;
		if (acc) {
			fmt_value(acc, val, sizeof(val));
			fmt_owner(acc->addr, owner, sizeof(owner));
		}
		/* an access of no point of its own: where its place says */
		if (item_chain(it, &c))
			fmt_where(&c, 0, where, sizeof(where));
		snprintf(line, sizeof(line), "CPU%d [%lu] %s%s%s%s%s%s%s", it->cpu, it->step,
			 it->what, owner, val[0] ? " = " : "", val, where[0] ? "  in " : "", where,
			 it->kind == I_POINT && it->change_point ? "  <- change point" : "");
		wrap(4, "", line);
		(*lines)++;
	}
	if (*lines == before)
		wrap(4, "", "(no step or event of the port)");
}

/*
 * The steps and kernel-side events of the finding's op, then of the ops of
 * the later findings the run recorded, trimmed.
 */
static void write_trace(const struct tf_finding *f, const struct group *g)
{
	int lines = 0, skipped = 0, b = boot_end(), teardown_to = 0;
	const int max = 70;
	long ops[MAX_FOUND];
	int nr = 0;

	(void)f;
	section("Trace (trimmed)");
	wrap(2, "", "What the port did where the findings were made, one line a step or event "
	     "(CPU, [step] at a scheduling point, the access = its value, where):");
	for (int k = 0; k < verdict.nr; k++) {
		const struct tf_finding *x = &verdict.f[k];
		long op = x->op >= 0 ? x->op : x->at_boot ? -2 : -1;
		bool dup = false;

		for (int j = 0; j < nr; j++)
			dup |= ops[j] == op;
		if (!dup && nr < MAX_FOUND)
			ops[nr++] = op;
	}
	for (int k = 0; k < rec.nr_found; k++)
		if (rec.found[k].f.op < 0 && !rec.found[k].f.at_boot)
			teardown_to = rec.found[k].at;
	for (int j = 0; j < nr; j++) {
		char line[160];

		if (ops[j] == -2) {
			wrap(2, "", "boot:");
			trace_op(-1, 0, b, &lines, &skipped, max);
		} else if (ops[j] == -1) {
			wrap(2, "", "the teardown, up to the finding:");
			trace_op(-1, b, teardown_to, &lines, &skipped, max);
		} else {
			tf_format_op(&rec.s->ops[ops[j]], line, sizeof(line));
			wrapf(2, "", "op %ld (%s):", ops[j], line);
			trace_op(ops[j], 0, rec.nr, &lines, &skipped, max);
		}
	}
	if (skipped)
		wrapf(2, "", "(%d more line(s) not shown: out/replay --strict --trace %s has them all)",
		      skipped, inputs[g->first].path);
}

/* --- putting it together ------------------------------------------------------------- */

static int compose(const struct group *g, bool with_header, const char *cmdline, int nr,
		   const struct group *all, int index)
{
	struct input *in = &inputs[g->first];
	char *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	FILE *final = out;

	cur_bugs = in->bugs;
	run_recorded(in, &verdict);
	if (!verdict.nr) {
		fprintf(stderr, "report: %s: HARNESS ERROR: the finding did not come back on a second "
			"run\n", in->path);
		return -1;
	}
	primary = &verdict.f[0];
	nr_funcs = 0;
	out = open_memstream(&a, &al);
	if (!out) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	write_phase(primary);
	write_sequence(primary);
	write_consequence(primary);
	collecting = true;
	for (int i = 0; i < verdict.nr; i++) {
		use_named(verdict.f[i].detail);
		use_named(verdict.f[i].cause);
		use_named(verdict.f[i].known);
	}
	fclose(out);
	out = open_memstream(&b, &bl);
	if (!out) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	write_reproducer(g);
	write_trace(primary, g);
	fclose(out);
	out = final;
	if (with_header) {
		write_header(cmdline, nr, all);
	}
	if (nr > 1) {
		char title[256];
		const char *t = g->key[0] == 'F' ? tf_docs_finding_title(g->key, NULL) : NULL;

		if (!t) {
			meaning_of(primary->sig, title, sizeof(title));
			t = title;
		}
		fprintf(out, "\n\n==== %d of %d: %s ====\n", index + 1, nr, t);
	}
	write_summary(primary);
	write_status(primary);
	write_code();
	write_config();
	fputs(a, out);
	write_upstream();
	fputs(b, out);
	free(a);
	free(b);
	return 0;
}

static void file_name(const char *key, char *buf, size_t len)
{
	size_t n = 0;
	bool dash = false;

	if (key[0] == 'F' && !strchr(key, ':')) {
		snprintf(buf, len, "%s", key);
		return;
	}
	n = (size_t)snprintf(buf, len, "new-");
	for (const char *p = key; *p && n + 1 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			buf[n++] = *p;
			dash = false;
		} else if (*p >= 'A' && *p <= 'Z') {
			buf[n++] = (char)(*p - 'A' + 'a');
			dash = false;
		} else if (!dash && n > 4) {
			buf[n++] = '-';
			dash = true;
		}
	}
	while (n > 4 && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
}


/*
 * The hand-written part of a report --out rewrites (from its marker line
 * on: docs/reports/ keeps a review below it), or NULL.
 */
#define HAND_WRITTEN_MARKER	"-- hand-written below this line"

static char *hand_written(const char *path)
{
	size_t size;
	char *text = tf_read_file(path, &size), *m, *keep = NULL;

	if (!text)
		return NULL;
	for (m = text; (m = strstr(m, HAND_WRITTEN_MARKER)); m++) {
		if (m == text || m[-1] == '\n') {
			keep = strdup(m);
			break;
		}
	}
	free(text);
	return keep;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: report [--out DIR] [--together] FILE...\n"
		"Writes, for each distinct finding of the inputs (its known id, else its\n"
		"signature), a plain-text report for a kernel developer: subject, the code the\n"
		"port follows, Config, Phase, Sequence, Consequence, Upstream lines, Reproducer,\n"
		"a trimmed trace, the known/what-if status.  Inputs are text scenarios (.txt)\n"
		"or fuzzer inputs (bytes); ./build.sh report takes directories and ClusterFuzzLite\n"
		".zip artifacts, minimizes fuzzer inputs first and reads the variant a fuzzing\n"
		"run recorded (.index).\n"
		"  -o, --out DIR     one file per finding in DIR (Fn.txt, new-SIGNATURE.txt)\n"
		"                    instead of standard output\n"
		"  -t, --together    every finding of the inputs in one report (DIR/F9-F10-F11.txt)\n"
		"      --generated-by TEXT\n"
		"                    the command the report says made it (build.sh passes its own)\n"
		"Variant: TAGFUZZ_BUGS, TAGFUZZ_TRACKER (one name), TAGFUZZ_PCP (upstream, split,\n"
		"  header), TAGFUZZ_WHAT_IF, and a text scenario's '# bugs:' line; known\n"
		"  findings are always reported (strict).\n"
		"Needs llvm-symbolizer in PATH for function names and file:line, and the\n"
		"  tree's docs/ (fidelity.md, findings.md), which it quotes.\n"
		"Exit status: 0 every input was read (reported, or said to be clean);\n"
		"  2 an input unreadable or refused (the others are still reported), a\n"
		"  usage error, or a report that could not be written.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "together", no_argument, NULL, 't' },
		{ "generated-by", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_dir = NULL, *generated_by = NULL;
	bool together = false;
	char cmdline[4096];
	struct tf_verdict v;
	int c;

	while ((c = getopt_long(argc, argv, "o:th", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_dir = optarg;
			break;
		case 't':
			together = true;
			break;
		case 'G':
			generated_by = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (argc - optind > MAX_INPUTS) {
		fprintf(stderr, "report: more than %d inputs: report them in parts\n", MAX_INPUTS);
		return 2;
	}
	if (env_setup())
		return 2;
	if (generated_by) {
		snprintf(cmdline, sizeof(cmdline), "%s", generated_by);
	} else {
		size_t n = (size_t)snprintf(cmdline, sizeof(cmdline), "out/report");

		for (int i = 1; i < argc && n < sizeof(cmdline); i++)
			n += (size_t)snprintf(cmdline + n, sizeof(cmdline) - n, " %s", argv[i]);
	}
	if (!tf_docs_load(tf_sym_root()))
		return 2;
	if (out_dir && mkdir(out_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "report: %s: %s\n", out_dir, strerror(errno));
		return 2;
	}
	if (!tf_sym_available())
		fprintf(stderr, "report: no symbolizer (llvm-symbolizer in PATH, in a sanitizer build): "
			"the reports will lack function names and file:line\n");

	/* pass 1: each input's finding */
	for (int i = optind; i < argc; i++) {
		struct input *in = &inputs[nr_inputs];

		in->path = argv[i];
		if (!load(in)) {
			nr_errors++;
			continue;
		}
		nr_inputs++;
		cur_bugs = in->bugs;
		run_recorded(in, &v);
		in->nr_ops = in->s->nr_ops;
		if (!v.nr) {
			printf("report: %s: clean: no finding in its %zu ops, nothing to report\n",
			       in->path, in->nr_ops);
			continue;
		}
		in->found = true;
		key_of(&v.f[0], in->key, sizeof(in->key));
		snprintf(in->sig, sizeof(in->sig), "%s", v.f[0].sig);
		in->op = v.f[0].op;
		for (c = 0; c < nr_groups; c++)
			if (!strcmp(groups[c].key, in->key))
				break;
		if (c == nr_groups) {
			snprintf(groups[c].key, sizeof(groups[c].key), "%s", in->key);
			groups[c].first = nr_inputs - 1;
			nr_groups++;
		}
		groups[c].members[groups[c].nr++] = nr_inputs - 1;
		if (in->nr_ops < inputs[groups[c].first].nr_ops)
			groups[c].first = nr_inputs - 1;
	}

	/* pass 2: one report per finding, or one for all */
	for (int gi = 0; gi < nr_groups; gi++) {
		char name[200], path[4096], *kept = NULL;
		FILE *f = stdout;
		int last = together ? nr_groups : gi + 1;

		if (together && gi) {
			break;
		}
		if (out_dir) {
			size_t n = 0;

			name[0] = '\0';
			for (int k = gi; k < last; k++) {
				char one[180];

				file_name(groups[k].key, one, sizeof(one));
				n += (size_t)snprintf(name + n, sizeof(name) - n, "%s%s", k > gi ? "-" : "", one);
			}
			snprintf(path, sizeof(path), "%s/%s.txt", out_dir, name);
			kept = hand_written(path);
			f = fopen(path, "w");
			if (!f) {
				fprintf(stderr, "report: %s: %s\n", path, strerror(errno));
				nr_errors++;
				continue;
			}
		} else if (gi) {
			printf("\n");
			for (int k = 0; k < WIDTH; k++)
				putchar('=');
			printf("\n\n");
		}
		out = f;
		for (int k = gi; k < last; k++) {
			if (compose(&groups[k], k == gi, cmdline, last - gi, &groups[gi], k - gi))
				nr_errors++;
		}
		if (out_dir) {
			if (kept) {
				fputs(kept, f);
				free(kept);
				kept = NULL;
				fprintf(stderr, "report: %s: kept its hand-written part\n", path);
			}
			if (fclose(f)) {
				fprintf(stderr, "report: %s: %s\n", path, strerror(errno));
				nr_errors++;
				continue;
			}
			for (int k = gi; k < last; k++)
				printf("report: wrote %s: %s, from %s%s\n", path, groups[k].key,
				       inputs[groups[k].first].path, groups[k].nr > 1 ? " (and more inputs)" : "");
		}
	}
	fflush(stdout);
	return nr_errors ? 2 : 0;
}
