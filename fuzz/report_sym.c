// SPDX-License-Identifier: GPL-2.0
/*
 * Call chains in kernel terms for the report tool (report_sym.h says how).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_sym.h"
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

void tf_sym_chain(const struct tf_stack *st, struct tf_chain *c)
{
	struct tf_kframe raw[TF_SYM_MAX_FRAMES];
	bool started = false, past_machinery = false;
	int n = 0;

	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < st->n; i++) {
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
