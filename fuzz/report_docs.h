/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the report tool (fuzz/report.c) takes from the project's docs, read
 * at run time so that a report says what the docs say and nothing else:
 *
 *  - docs/fidelity.md: each port function's fidelity marker (the tables'
 *    "follows" column: = same semantics, ~ simplified, ! differs) and,
 *    per port file, the upstream file, tree and commit it follows (the
 *    table "Upstream text each port file follows");
 *  - docs/findings.md: each finding's title ("## F16 — ...") and anchor.
 *
 * And the one table of the patch series the port models (seeds 000-004
 * in ../shared/seeds), with their lore links.
 */
#ifndef _TAGFUZZ_REPORT_DOCS_H
#define _TAGFUZZ_REPORT_DOCS_H

#include <stdbool.h>

/* Read the docs under @root (with a trailing slash); false with a line on stderr. */
bool tf_docs_load(const char *root);

struct tf_fidelity {
	char marker;		/* '=', '~', '!', 'r' (reconstructed), 'h' (harness), '?' (other) */
	const char *follows;	/* the "follows" cell, as written less markdown */
	const char *notes;	/* the third cell, or NULL */
	const char *section;	/* the heading of its table */
};
/* @func's row (seed 004's table first when @seed004), or NULL. */
const struct tf_fidelity *tf_docs_fidelity(const char *func, bool seed004);

struct tf_port_file {
	const char *port;	/* target/mm/page_alloc.c */
	const char *upstream;	/* mm/page_alloc.c */
	const char *follows;	/* the tree-and-commit cell, as written less markdown */
};
/* The row of @port_file, or NULL. */
const struct tf_port_file *tf_docs_port_file(const char *port_file);
/* The upstream file @port_file stands for (include/linux/llist.h for its shim), or NULL. */
const char *tf_docs_upstream_file(const char *port_file);

/* "a page left on a dead CPU's PCP list" for "F16", and its anchor in findings.md; NULL if none. */
const char *tf_docs_finding_title(const char *id, const char **anchor);

/*
 * Where the port defines function @name (target/mm, target/variants,
 * target/include/linux, in that order): its file and line, read from the
 * sources under the root tf_docs_load() was given.  False if nowhere.
 */
bool tf_docs_find_def(const char *name, const char **file, unsigned int *line);
/*
 * The shim header of target/include/linux that defines kernel API @api
 * (llist_add, spin_lock_irqsave, rcu_read_lock): its "#define api(" (the
 * shims' calls are macros that take the caller's place, tagfuzz/harness.h's
 * TF_HERE), else a function of that name in a shim header.  False if none.
 */
bool tf_docs_find_shim(const char *api, const char **file, unsigned int *line);

struct tf_seed {
	const char *id;		/* "004" */
	const char *subject;
	const char *from;	/* author, date */
	const char *link;	/* lore: the message, or a search by subject when the seed has no Message-ID */
	const char *msgid;	/* "<...>" or NULL */
};
const struct tf_seed *tf_seed(const char *id);

#endif /* _TAGFUZZ_REPORT_DOCS_H */
