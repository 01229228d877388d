// SPDX-License-Identifier: GPL-2.0
/* Kernel checks, printks and harness notes, turned into events. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tagfuzz/sim.h"

void (*tf_event_sink)(const struct tf_event *ev);
void (*tf_sched_trace_sink)(const struct tf_sched_line *l);
bool tf_trace_enabled;
tf_thread_local jmp_buf *tf_bug_jmp;

void tf_emit(struct tf_event *ev)
{
	if (!tf_event_sink)
		return;
	ev->cpu = tf_cur_cpu;
	tf_event_sink(ev);
}

/*
 * The per-page events come by the thousand in a burst: built field by
 * field, since ASan turns an aggregate initialiser into a checked
 * __asan_memset (a tenth of an allocation's cost).
 */
__attribute__((no_builtin("memset")))	/* or the zero stores merge into one */
void tf_emit_page(enum tf_event_kind kind, unsigned long pfn, unsigned long pfn2,
		  unsigned int order, int tag, unsigned int alloc_flags, unsigned int gfp)
{
	struct tf_event ev;

	ev.kind = kind;
	ev.pfn = pfn;
	ev.pfn2 = pfn2;
	ev.order = order;
	ev.tag = tag;
	ev.alloc_flags = alloc_flags;
	ev.gfp = gfp;
	ev.section = 0;
	ev.check = 0;
	ev.func = NULL;
	ev.site = NULL;
	ev.msg = NULL;
	tf_emit(&ev);
}

/* @src into @dst (truncated to fit), less trailing newlines (and colons). */
static void copy_trimmed(char *dst, size_t cap, const char *src, bool colons)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	while (n && (src[n - 1] == '\n' || (colons && src[n - 1] == ':')))
		n--;
	dst[n] = '\0';
}

/*
 * Every check that fires is emitted, formatted, each time.  Most WARN
 * formats have no conversions ("current->alloc_tag not set\n", which an
 * untagged caller meets on every allocation): those are copied, not run
 * through vsnprintf.
 */
static void emit_check(enum tf_check_kind kind, const char *func, const char *site,
		       const char *fmt, va_list ap)
{
	char msg[256], stable[128];
	struct tf_event ev = { .kind = TF_EV_CHECK, .check = kind, .func = func };
	size_t n;

	if (strchr(fmt, '%')) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
	} else {
		copy_trimmed(msg, sizeof(msg), fmt, false);
	}
	/* Signatures must not depend on a message's trailing newline. */
	copy_trimmed(stable, sizeof(stable), site, true);
	ev.site = stable;
	ev.msg = msg;
	tf_emit(&ev);
}

void tf_report_check(enum tf_check_kind kind, const char *func, const char *site,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_check(kind, func, site, fmt, ap);
	va_end(ap);
}

_Noreturn void tf_report_bug(enum tf_check_kind kind, const char *func,
			     const char *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_check(kind, func, site, fmt, ap);
	va_end(ap);
	if (tf_bug_jmp)
		longjmp(*tf_bug_jmp, 1);
	/* A BUG outside any harness call: nothing sane to return to. */
	fprintf(stderr, "tagfuzz: BUG outside the harness: %s\n", site);
	__builtin_trap();
}

void tf_report_printk(const char *level, const char *fmt, ...)
{
	struct tf_event ev = { .kind = TF_EV_PRINTK, .site = level };
	char msg[256];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	ev.msg = msg;
	tf_emit(&ev);
}

/* Out of line: its buffer costs every caller a stack frame under ASan. */
static __attribute__((noinline)) void emit_note(const char *fmt, va_list ap)
{
	struct tf_event ev = { .kind = TF_EV_NOTE };
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ev.msg = msg;
	tf_emit(&ev);
}

/* Narration, for traces only: untraced runs (fuzzing) pay a flag test. */
void tf_note(const char *fmt, ...)
{
	va_list ap;

	if (!tf_trace_enabled)
		return;
	va_start(ap, fmt);
	emit_note(fmt, ap);
	va_end(ap);
}

void tf_sched_note(const char *fmt, ...)
{
	struct tf_sched_line l = { .cpu = tf_cur_cpu };
	char msg[256];
	va_list ap;

	if (!tf_sched_trace_sink)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l.msg = msg;
	tf_sched_trace_sink(&l);
}
