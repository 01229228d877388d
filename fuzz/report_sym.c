// SPDX-License-Identifier: GPL-2.0
/*
 * Call chains in kernel terms for the report tool (report_sym.h says how).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_docs.h"
#include "report_sym.h"
#include "tagfuzz/harness.h"
#include "tagfuzz/sched.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define TF_HAVE_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TF_HAVE_SANITIZER 1
#endif

#ifdef TF_HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

static const void *main_top;

void tf_sym_set_top(const void *top)
{
	main_top = top;
}

/*
 * The frame records of this thread's stack, from the caller's frame up:
 * each is (saved frame pointer, return address) on x86-64 and arm64 alike
 * with -fno-omit-frame-pointer.  Bounded by the stack the code runs on, so
 * that a fiber's walk stops at its own bottom.
 */
__attribute__((noinline, no_sanitize("address")))
void tf_sym_capture(struct tf_stack *st)
{
	const void *lo, *hi;
	uintptr_t *fp = __builtin_frame_address(0);

	st->n = 0;
	if (!tf_sched_stack(&lo, &hi)) {
		lo = fp;
		hi = main_top;
		if (!hi)
			return;
	}
	while (st->n < TF_SYM_MAX_PCS) {
		uintptr_t next, ret;

		if ((uintptr_t)fp < (uintptr_t)lo || (uintptr_t)fp + 2 * sizeof(*fp) > (uintptr_t)hi ||
		    ((uintptr_t)fp & (sizeof(*fp) - 1)))
			break;
		next = fp[0];
		ret = fp[1];
		if (!ret)
			break;
		st->pc[st->n++] = ret;
		if (next <= (uintptr_t)fp)
			break;
		fp = (uintptr_t *)next;
	}
}

/* --- the symbolizer, cached by address ---------------------------------------- */

#define MAX_INLINE	12

struct raw_frame {
	const char *func, *file;	/* file: from the tree's root when under it */
	unsigned int line;
};

struct sym_entry {
	uintptr_t pc;
	int n;
	struct raw_frame f[MAX_INLINE];
};

#define CACHE_SIZE	8192
static struct sym_entry *cache;

const char *tf_sym_root(void)
{
	static char root[512];

	if (!root[0]) {
		/* the Makefile compiles $(ROOT)/fuzz/report_sym.c */
		const char *me = __FILE__, *tail = strstr(me, "fuzz/report_sym.c");

		snprintf(root, sizeof(root), "%.*s", tail ? (int)(tail - me) : 0, me);
	}
	return root;
}

/* "a/b/../c" as "a/c", in place. */
static void normalize(char *path)
{
	char *p;

	while ((p = strstr(path, "/../"))) {
		char *start = p;

		while (start > path && start[-1] != '/')
			start--;
		if (start == p)
			break;
		memmove(start, p + 4, strlen(p + 4) + 1);
	}
}

const char *tf_sym_relative(const char *path)
{
	static char buf[4][1024];
	static int next;
	const char *root = tf_sym_root();
	size_t n = strlen(root);
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s", path);
	normalize(b);
	if (n && !strncmp(b, root, n))
		return b + n;
	return b;
}

static const struct sym_entry *symbolize(uintptr_t pc)
{
	struct sym_entry *e;
	size_t h;

	if (!cache) {
		cache = calloc(CACHE_SIZE, sizeof(*cache));
		if (!cache) {
			fprintf(stderr, "report: out of memory\n");
			exit(2);
		}
	}
	h = (pc >> 2) % CACHE_SIZE;
	for (size_t i = 0; i < CACHE_SIZE; i++, h = (h + 1) % CACHE_SIZE) {
		e = &cache[h];
		if (e->pc == pc)
			return e;
		if (!e->pc)
			break;
	}
	e->pc = pc;
	e->n = 0;
#ifdef TF_HAVE_SANITIZER
	{
		static char buf[8192];
		char *p;

		buf[0] = buf[1] = '\0';
		__sanitizer_symbolize_pc((void *)pc, "%f|%s|%l", buf, sizeof(buf));
		/* one frame per inlined function, innermost first, each NUL-terminated */
		for (p = buf; *p && e->n < MAX_INLINE; p += strlen(p) + 1) {
			char *bar1 = strchr(p, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
			struct raw_frame *r = &e->f[e->n];

			if (!bar2)
				continue;
			*bar1 = *bar2 = '\0';
			r->func = strdup(p);
			r->file = strdup(tf_sym_relative(bar1 + 1));
			r->line = (unsigned int)strtoul(bar2 + 1, NULL, 10);
			if (!r->func || !r->file) {
				fprintf(stderr, "report: out of memory\n");
				exit(2);
			}
			e->n++;
		}
	}
#endif
	return e;
}

static bool known_name(const char *s)
{
	return s && *s && strcmp(s, "??") && strcmp(s, "<null>");
}

bool tf_sym_available(void)
{
	static int ok = -1;

	if (ok < 0) {
		const struct sym_entry *e = symbolize((uintptr_t)tf_sym_available + 1);

		ok = e->n > 0 && known_name(e->f[0].func) && strstr(e->f[0].file, "report_sym.c");
	}
	return ok;
}

/* --- kernel names --------------------------------------------------------------- */

/*
 * The port's names that are not the kernel's: seed 004's functions, which
 * the upstream function of the same role hands over to on the split path
 * (target/mm/pcp_split.c; page_alloc.c's `if (tf_pcp_split)`), and the
 * glue's renames.  kernel NULL: a hunk of its caller (the seed adds the
 * lines to the caller; the port keeps them in a function of their own).
 */
static const struct {
	const char *port, *kernel;
} aliases[] = {
	{ "pcp_split_free_frozen_pages", "__free_frozen_pages" },
	{ "pcp_split_free_unref_folios", "free_unref_folios" },
	{ "pcp_split_cpu_dead", "page_alloc_cpu_dead" },
	{ "pcp_split_cpu_online", "page_alloc_cpu_online" },
	{ "pcp_split_rmqueue", "__rmqueue_pcplist" },
	{ "pcp_split_drain_absorb", NULL },	/* drain_pages_zone()'s absorb */
	{ "pcp_split_bulk_prepare", NULL },	/* free_pcppages_bulk()'s absorb and merge */
	{ "current_alloc_tag_add_early_pfn", "alloc_tag_add_early_pfn" },	/* glue_alloc_tag.c */
};

enum frame_class { FC_KERNEL, FC_CALLER, FC_HARNESS, FC_OTHER };

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static enum frame_class classify(const struct raw_frame *r)
{
	const char *f = r->file;

	if (!known_name(r->func))
		return FC_OTHER;
	if (starts(f, "target/sim/callers.c"))
		return FC_CALLER;
	if (starts(r->func, "tf_") || starts(r->func, "__tf_"))
		return FC_HARNESS;
	if (starts(f, "target/variants/bugs.c") || starts(f, "target/variants/trackers.c"))
		return FC_HARNESS;
	if (starts(f, "target/mm/") || starts(f, "target/lib/") || starts(f, "target/variants/") ||
	    starts(f, "target/include/linux/") || starts(f, "target/include/trace/"))
		return FC_KERNEL;
	if (starts(f, "target/") || starts(f, "fuzz/") || starts(f, "reference/"))
		return FC_HARNESS;
	return FC_OTHER;
}

/* The harness's own machinery: what captured the stack or emitted the event. */
static bool machinery(const struct raw_frame *r)
{
	const char *f = r->file;

	return starts(f, "fuzz/") || starts(f, "reference/") || starts(f, "target/sim/report.c");
}

/* A string that lives as long as the process (the few port file names of the locs). */
static const char *intern(const char *s)
{
	static const char *seen[256];
	static int nr_seen;
	char *d;

	for (int i = 0; i < nr_seen; i++)
		if (!strcmp(seen[i], s))
			return seen[i];
	d = strdup(s);
	if (!d) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	if (nr_seen < (int)(sizeof(seen) / sizeof(seen[0])))
		seen[nr_seen++] = d;
	return d;
}

/*
 * Whether @api is a frame of its own in front of its caller: a kernel
 * function's name (llist_add, spin_lock, rcu_read_lock), not a site name
 * spelled out ("read page tag ref"), and not the macro the site's own
 * name already writes out (READ_ONCE for "READ_ONCE(head->first)", xchg,
 * this_cpu_add).
 */
static bool api_frame(const char *api, const char *site)
{
	size_t n;

	if (!api || !*api)
		return false;
	for (const char *p = api; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	n = strlen(api);
	return !site || strncmp(site, api, n) || site[n] != '(';
}

/*
 * The innermost frames from @loc: the shim API it names (its header, from
 * the definition of that name in target/include/linux), then the function
 * that called it at the loc's file:line; the symbolized frames of @raw
 * past that function's own are its callers.  That function can be a shim
 * header's own (mm.h's put_page_testzero() calls atomic_add_return()):
 * tf_sym_point() then names the port function that called it.
 */
static void place(const struct tf_loc *loc, const char *site, struct tf_kframe *raw, int *n)
{
	struct tf_kframe out[TF_SYM_MAX_FRAMES];
	const char *file, *shim_file;
	unsigned int shim_line;
	int k = 0, from, j;

	if (!loc || !loc->func || !*loc->func || !loc->file)
		return;
	file = intern(tf_sym_relative(loc->file));
	for (j = 0; j < *n; j++)
		if (!strcmp(raw[j].func, loc->func) && !strcmp(raw[j].file, file))
			break;
	/* not symbolized as such: all of @raw is the caller's (a repeat of its name goes below) */
	from = j < *n ? j + 1 : 0;
	if (api_frame(loc->api, site)) {
		if (!tf_docs_find_shim(loc->api, &shim_file, &shim_line)) {
			shim_file = "target/include/";	/* a shim of no known header */
			shim_line = 0;
		}
		out[k++] = (struct tf_kframe){ .func = loc->api, .file = shim_file,
					       .line = shim_line };
	}
	out[k++] = (struct tf_kframe){
		.func = loc->func, .file = file, .line = loc->line,
		.seed004 = starts(file, "target/mm/pcp_split.c"),
	};
	for (; from < *n && k < TF_SYM_MAX_FRAMES; from++)
		out[k++] = raw[from];
	memcpy(raw, out, (size_t)k * sizeof(*out));
	*n = k;
}

void tf_sym_chain(const struct tf_stack *st, struct tf_chain *c)
{
	tf_sym_chain_at(st, NULL, NULL, c);
}

void tf_sym_chain_at(const struct tf_stack *st, const struct tf_loc *loc, const char *site,
		     struct tf_chain *c)
{
	struct tf_kframe raw[TF_SYM_MAX_FRAMES];
	bool started = false, past_machinery = false;
	int n = 0;

	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; st && i < st->n; i++) {
		const struct sym_entry *e = symbolize(st->pc[i]);

		for (int k = 0; k < e->n; k++) {
			const struct raw_frame *r = &e->f[k];
			enum frame_class fc = classify(r);

			if (!past_machinery && !machinery(r)) {
				past_machinery = true;
				c->first = r->func;
				c->first_kernel = fc == FC_KERNEL;
			}
			if (fc == FC_CALLER) {
				c->caller = r->func;
				goto done;
			}
			if (fc == FC_OTHER && started)
				goto done;
			if (fc != FC_KERNEL)
				continue;
			started = true;
			if (n == TF_SYM_MAX_FRAMES)
				goto done;
			raw[n++] = (struct tf_kframe){
				.func = r->func, .file = r->file, .line = r->line,
				.seed004 = starts(r->file, "target/mm/pcp_split.c"),
			};
		}
	}
done:
	place(loc, site, raw, &n);
	/* Kernel names; a frame of the same name as the one above it is that one's own code. */
	for (int i = 0; i < n; i++) {
		struct tf_kframe f = raw[i];
		bool hunk = false;

		for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++) {
			if (strcmp(f.func, aliases[a].port))
				continue;
			f.port_func = f.func;
			if (aliases[a].kernel)
				f.func = aliases[a].kernel;
			else
				hunk = true;
			break;
		}
		if (hunk && i + 1 < n) {
			/* the caller's name, this frame's place */
			f.func = raw[i + 1].func;
			raw[i + 1] = f;
			continue;
		}
		if (c->n && !strcmp(c->f[c->n - 1].func, f.func))
			continue;	/* page_alloc_cpu_dead -> pcp_split_cpu_dead: keep the inner */
		c->f[c->n++] = f;
	}
}

bool tf_sym_point(const struct tf_chain *c, const struct tf_kframe **where,
		  const struct tf_kframe **shim)
{
	*where = *shim = NULL;
	for (int i = 0; i < c->n; i++) {
		if (starts(c->f[i].file, "target/include/"))
			continue;
		*where = &c->f[i];
		if (i > 0)
			*shim = &c->f[i - 1];
		return true;
	}
	if (c->n) {
		*where = &c->f[0];
		return true;
	}
	return false;
}
