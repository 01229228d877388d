/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the port was when something happened, in kernel terms: the
 * report tool (fuzz/report.c) captures the return addresses of the code
 * that reached a scheduling point, emitted an event or fired a check, and
 * turns them into the chain of the port's functions, innermost first, each
 * with its kernel name and port file:line.
 *
 * How: a frame-pointer walk bounded by the stack the code runs on (the
 * scheduler's fiber, or the main stack up to the report tool's frame),
 * symbolized with the sanitizer runtime's symbolizer (llvm-symbolizer from
 * PATH, inlined frames included), then filtered: harness frames
 * (target/sim, target/include/tagfuzz, fuzz/, reference/) are left out,
 * the chain ends at the scenario's caller (target/sim/callers.c), and the
 * port's own names for seed 004's paths and the glue's renames become the
 * kernel's (the table in report_sym.c, the one place that knows them).
 *
 * A scheduling point or an access also carries its place (tagfuzz/
 * harness.h's struct tf_loc, made where the shim's macro expands): the
 * kernel API the port called (llist_add, spin_lock, rcu_read_lock) and the
 * port function, file and line that called it.  The shims are macros
 * around inline code, so no frame of theirs tells the API: a chain with a
 * place (tf_sym_chain_at()) takes its innermost frames from it, the API
 * (its header found by tf_docs_find_shim()) and then its caller; the
 * callers above those, and the call chains of WARNs and events, which
 * have no place, stay symbolized.
 *
 * Only the report tool captures anything: the fuzz targets and replay
 * never install its hooks.
 */
#ifndef _TAGFUZZ_REPORT_SYM_H
#define _TAGFUZZ_REPORT_SYM_H

#include <stdbool.h>
#include <stdint.h>

#define TF_SYM_MAX_PCS		32
#define TF_SYM_MAX_FRAMES	24

struct tf_stack {
	unsigned int n;
	uintptr_t pc[TF_SYM_MAX_PCS];
};

/* The main stack's end for captures outside a fiber: the report tool's frame. */
void tf_sym_set_top(const void *top);
/* The return addresses of the code that called the caller of this function. */
void tf_sym_capture(struct tf_stack *st);

struct tf_kframe {
	const char *func;	/* the kernel's name: page_alloc_cpu_dead */
	const char *port_func;	/* the port's, when it differs (pcp_split_cpu_dead), else NULL */
	const char *file;	/* port file, from the tree's root: target/mm/pcp_split.c */
	unsigned int line;
	bool seed004;		/* seed 004's code (target/mm/pcp_split.c) */
};

struct tf_chain {
	int n;
	struct tf_kframe f[TF_SYM_MAX_FRAMES];
	/* the function of the first harness frame in the way (callers.c: the op), or NULL */
	const char *caller;
	/*
	 * the first frame past the report's and the event path's own (fuzz/,
	 * reference/, target/sim/report.c): for a note, the function that
	 * emitted it (a port function, a tracepoint stub such as
	 * trace_mm_page_pcpu_drain, or the harness's narration)
	 */
	const char *first;
	bool first_kernel;	/* that frame is the port's */
};

/* The port's frames of @st, innermost first (see above). */
void tf_sym_chain(const struct tf_stack *st, struct tf_chain *c);
struct tf_loc;
/*
 * The same for a capture made at scheduling point or access @site (its
 * stable name, "READ_ONCE(head->first)") with place @loc (NULL: none, as
 * tf_sym_chain()): the API @loc names as the innermost frame, unless
 * @site already writes it out (READ_ONCE, xchg, cmpxchg), then the port
 * function at @loc's file:line, then the symbolized callers of that
 * function.  @st may be NULL or empty (no symbolizer): the chain is then
 * those two frames.
 */
void tf_sym_chain_at(const struct tf_stack *st, const struct tf_loc *loc, const char *site,
		     struct tf_chain *c);

/*
 * The kernel function and port file:line of a scheduling point's capture:
 * the innermost frame of its chain that is not a shim of
 * target/include/linux (llist_add() and spin_lock() name where they are
 * used), in @where; the shim's frame, if any, in @shim (for a chain with
 * a place, the API the place names).
 * False when nothing could be symbolized.
 */
bool tf_sym_point(const struct tf_chain *c, const struct tf_kframe **where,
		  const struct tf_kframe **shim);

/* Whether symbolization works here (llvm-symbolizer found, sanitizer build). */
bool tf_sym_available(void);

/* @path from the tree's root when it is under it (else @path). */
const char *tf_sym_relative(const char *path);
/* The tree's root, with a trailing slash (from this file's own path). */
const char *tf_sym_root(void);

#endif /* _TAGFUZZ_REPORT_SYM_H */
