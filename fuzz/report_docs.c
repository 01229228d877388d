// SPDX-License-Identifier: GPL-2.0
/*
 * The docs the report tool quotes (report_docs.h): docs/fidelity.md's
 * tables, docs/findings.md's headings, and the seeds' lore links.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "report_docs.h"

/*
 * The patch series the port models (../shared/seeds, docs/findings.md
 * "seed NNN").  Only seed 004 carries its Message-ID; the others are
 * list-archive copies without headers, so their link is a lore search by
 * subject.
 */
static const struct tf_seed seeds[] = {
	{ "000", "[PATCH v3] mm/alloc_tag: replace fixed-size early PFN array with dynamic linked list",
	  "Hao Ge, Apr 23 2026; review by Suren Baghdasaryan to Apr 29 2026",
	  "https://lore.kernel.org/all/?q=s%3A%22replace+fixed-size+early+PFN+array+with+dynamic+linked+list%22",
	  NULL },
	{ "001", "[PATCH] mm/alloc_tag: clear codetag for pages allocated before page_ext initialization",
	  "Hao Ge, Mar 19 2026; review by Suren Baghdasaryan",
	  "https://lore.kernel.org/all/?q=s%3A%22clear+codetag+for+pages+allocated+before+page_ext+initialization%22",
	  NULL },
	{ "002", "[PATCH v2 13/13] mm: remove __GFP_NO_CODETAG",
	  "Brendan Jackman, Jun 22 2026; review by Hao Ge and Suren Baghdasaryan to Jun 24 2026",
	  "https://lore.kernel.org/all/?q=s%3A%22mm%3A+remove+__GFP_NO_CODETAG%22",
	  NULL },
	{ "003", "[PATCH v3 5/5] alloc_tag: config to store page allocation tag refs in page flags",
	  "Suren Baghdasaryan, Oct 14 2024",
	  "https://lore.kernel.org/all/?q=s%3A%22config+to+store+page+allocation+tag+refs+in+page+flags%22",
	  NULL },
	{ "004", "[RFC PATCH 03/40] mm: page_alloc: split-path PCP free with local-trylock + remote-llist",
	  "Rik van Riel, May 20 2026",
	  "https://lore.kernel.org/all/20260520150018.2491267-4-riel@surriel.com/",
	  "<20260520150018.2491267-4-riel@surriel.com>" },
};

const struct tf_seed *tf_seed(const char *id)
{
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (!strcmp(seeds[i].id, id))
			return &seeds[i];
	return NULL;
}

#define MAX_FID		512
#define MAX_FILES	32
#define MAX_TITLES	64

static struct {
	char *name;
	struct tf_fidelity f;
} fid[MAX_FID];
static int nr_fid;
static struct tf_port_file files[MAX_FILES];
static int nr_files;
static struct {
	char id[8];
	char *title, *anchor;
} titles[MAX_TITLES];
static int nr_titles;

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	return d;
}

/* @s less markdown: backticks and ** dropped, \| read as |, [text](link) as text, trimmed. */
static char *plain(const char *s, size_t n)
{
	char *d = xstrndup(s, n), *w = d;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ']' && i + 1 < n && s[i + 1] == '(' && memchr(s, '[', i)) {
			const char *close = memchr(s + i, ')', n - i);

			if (close) {
				i = (size_t)(close - s);
				continue;
			}
		}
		if (s[i] == '[') {
			const char *close = memchr(s + i, ']', n - i);

			if (close && close + 1 < s + n && close[1] == '(')
				continue;	/* a link's text follows */
		}
		if (s[i] == '`' || (s[i] == '*' && i + 1 < n && s[i + 1] == '*')) {
			if (s[i] == '*')
				i++;
			continue;
		}
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|')
			continue;
		*w++ = s[i];
	}
	*w = '\0';
	while (w > d && isspace((unsigned char)w[-1]))
		*--w = '\0';
	w = d;
	while (isspace((unsigned char)*w))
		w++;
	memmove(d, w, strlen(w) + 1);
	return d;
}

/* The cells of a table row "| a | b | c |" (escaped \| stays in a cell). */
static int split_row(const char *line, const char *cell[8], size_t len[8])
{
	int n = 0;
	const char *p = line + 1, *start = p;

	for (; *p && *p != '\n'; p++) {
		if (*p == '|' && p[-1] != '\\') {
			if (n < 8) {
				cell[n] = start;
				len[n] = (size_t)(p - start);
				n++;
			}
			start = p + 1;
		}
	}
	return n;
}

static bool ident(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return n >= 2 && i == n - 2 && !strncmp(s + i, "()", 2);
	return true;
}

static void add_fidelity(const char *c0, size_t n0, const char *c1, size_t n1,
			 const char *c2, size_t n2, const char *section)
{
	char *follows = plain(c1, n1), *notes = c2 ? plain(c2, n2) : NULL, marker;
	const char *p = follows;

	marker = *p == '=' ? '=' : *p == '~' ? '~' : *p == '!' ? '!' :
		 (*p == 'r' && (!p[1] || p[1] == ' ')) ? 'r' :
		 !strncmp(p, "harness", 7) ? 'h' : '?';
	for (const char *q = c0; q < c0 + n0; q++) {
		const char *end;

		if (*q != '`')
			continue;
		end = memchr(q + 1, '`', (size_t)(c0 + n0 - q - 1));
		if (!end)
			break;
		if (ident(q + 1, (size_t)(end - q - 1)) && nr_fid < MAX_FID) {
			size_t n = (size_t)(end - q - 1);

			if (n > 2 && !strncmp(end - 2, "()", 2))
				n -= 2;
			fid[nr_fid].name = xstrndup(q + 1, n);
			fid[nr_fid].f = (struct tf_fidelity){ marker, follows, notes, section };
			nr_fid++;
		}
		q = end;
	}
}

static void add_port_file(const char *c0, size_t n0, const char *c1, size_t n1,
			  const char *c2, size_t n2)
{
	const char *a = memchr(c0, '`', n0), *b, *u, *v;

	if (!a || nr_files == MAX_FILES)
		return;
	b = memchr(a + 1, '`', (size_t)(c0 + n0 - a - 1));
	u = memchr(c1, '`', n1);
	v = u ? memchr(u + 1, '`', (size_t)(c1 + n1 - u - 1)) : NULL;
	if (!b)
		return;
	files[nr_files].port = xstrndup(a + 1, (size_t)(b - a - 1));
	files[nr_files].upstream = v ? xstrndup(u + 1, (size_t)(v - u - 1)) : plain(c1, n1);
	files[nr_files].follows = plain(c2, n2);
	nr_files++;
}

static char *slurp(const char *root, const char *name)
{
	char path[1024];
	size_t size;
	char *text;

	snprintf(path, sizeof(path), "%s%s", root, name);
	text = tf_read_file(path, &size);
	if (!text)
		fprintf(stderr, "report: %s: cannot read it (the report quotes it)\n", path);
	return text;
}

/* GitHub's heading anchor: lower case, spaces to '-', punctuation but - and _ dropped. */
static char *anchor_of(const char *title)
{
	char *a = malloc(strlen(title) + 1), *w = a;

	if (!a) {
		fprintf(stderr, "report: out of memory\n");
		exit(2);
	}
	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		if (isalnum(*p) || *p == '_' || *p == '-')
			*w++ = (char)tolower(*p);
		else if (*p == ' ')
			*w++ = '-';
		else if (*p >= 0x80 && (p[0] & 0xc0) != 0x80)
			;	/* a non-ASCII character (the em dash): dropped */
	}
	*w = '\0';
	return a;
}

static const char *docs_root;

bool tf_docs_load(const char *root)
{
	char *fidelity = slurp(root, "docs/fidelity.md"), *findings, *line, *next;
	const char *section = "", *cell[8];
	size_t len[8];
	bool files_table = false, fid_table = false, in_table = false;

	if (!fidelity)
		return false;
	docs_root = root;
	findings = slurp(root, "docs/findings.md");
	if (!findings)
		return false;
	for (line = fidelity; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "## ", 3)) {
			section = plain(line + 3, strlen(line + 3));
			files_table = strstr(section, "Upstream text each port file follows") != NULL;
			continue;
		}
		if (line[0] != '|') {
			in_table = false;
			continue;
		}
		if (!strncmp(line, "| ---", 5))
			continue;
		int n = split_row(line, cell, len);

		if (!in_table) {
			/* the header row: a fidelity table's second column is "follows" */
			char *second = n >= 2 ? plain(cell[1], len[1]) : NULL;

			in_table = true;
			fid_table = second && !strcmp(second, "follows");
			free(second);
			continue;
		}
		if (n < 2)
			continue;
		if (files_table && n >= 3)
			add_port_file(cell[0], len[0], cell[1], len[1], cell[2], len[2]);
		else if (fid_table)
			add_fidelity(cell[0], len[0], cell[1], len[1], n >= 3 ? cell[2] : NULL,
				     n >= 3 ? len[2] : 0, section);
	}
	for (line = findings; line && *line; line = next) {
		const char *dash;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "## F", 4) || nr_titles == MAX_TITLES)
			continue;
		dash = strstr(line, " — ");
		if (!dash || dash - line - 3 >= (long)sizeof(titles[0].id))
			continue;
		snprintf(titles[nr_titles].id, sizeof(titles[0].id), "%.*s", (int)(dash - line - 3),
			 line + 3);
		titles[nr_titles].title = plain(dash + strlen(" — "), strlen(dash + strlen(" — ")));
		titles[nr_titles].anchor = anchor_of(plain(line + 3, strlen(line + 3)));
		nr_titles++;
	}
	return true;
}

const struct tf_fidelity *tf_docs_fidelity(const char *func, bool seed004)
{
	const struct tf_fidelity *any = NULL;

	for (int i = 0; i < nr_fid; i++) {
		bool pcp = strstr(fid[i].f.section, "pcp_split.c") != NULL;

		if (strcmp(fid[i].name, func))
			continue;
		if (pcp == seed004)
			return &fid[i].f;
		if (!any && !pcp)
			any = &fid[i].f;
	}
	/* seed 004's code is never judged by the row of upstream's function of that name */
	return seed004 ? NULL : any;
}

const struct tf_port_file *tf_docs_port_file(const char *port_file)
{
	for (int i = 0; i < nr_files; i++)
		if (!strcmp(files[i].port, port_file))
			return &files[i];
	return NULL;
}

const char *tf_docs_upstream_file(const char *port_file)
{
	const struct tf_port_file *pf = tf_docs_port_file(port_file);
	char buf[256];

	if (pf)
		return pf->upstream;
	if (!strncmp(port_file, "target/include/", 15)) {
		snprintf(buf, sizeof(buf), "include/%s", port_file + 15);
		return xstrndup(buf, strlen(buf));
	}
	if (!strncmp(port_file, "target/lib/", 11) || !strncmp(port_file, "target/mm/", 10)) {
		snprintf(buf, sizeof(buf), "%s", port_file + 7);
		return xstrndup(buf, strlen(buf));
	}
	return NULL;
}

const char *tf_docs_finding_title(const char *id, const char **anchor)
{
	for (int i = 0; i < nr_titles; i++)
		if (!strcmp(titles[i].id, id)) {
			if (anchor)
				*anchor = titles[i].anchor;
			return titles[i].title;
		}
	return NULL;
}

/* The port's sources, read once: name and text. */
#define MAX_SOURCES	128
static struct {
	char *rel, *text;
} sources[MAX_SOURCES];
static int nr_sources = -1;

static int cmp_rel(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_sources(void)
{
	static const char *const dirs[] = { "target/mm", "target/variants", "target/include/linux" };

	nr_sources = 0;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char path[1024], *names[MAX_SOURCES];
		int n = 0;
		struct dirent *de;
		DIR *dir;

		snprintf(path, sizeof(path), "%s%s", docs_root ? docs_root : "", dirs[d]);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((de = readdir(dir)) && n < MAX_SOURCES) {
			size_t len = strlen(de->d_name);

			if (len > 2 && (!strcmp(de->d_name + len - 2, ".c") ||
					!strcmp(de->d_name + len - 2, ".h")))
				names[n++] = xstrndup(de->d_name, len);
		}
		closedir(dir);
		qsort(names, n, sizeof(names[0]), cmp_rel);
		for (int i = 0; i < n && nr_sources < MAX_SOURCES; i++) {
			size_t size;

			snprintf(path, sizeof(path), "%s%s/%s", docs_root ? docs_root : "", dirs[d], names[i]);
			sources[nr_sources].text = tf_read_file(path, &size);
			if (!sources[nr_sources].text)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]);
			sources[nr_sources].rel = xstrndup(path, strlen(path));
			nr_sources++;
		}
	}
}

bool tf_docs_find_def(const char *name, const char **file, unsigned int *line)
{
	size_t n = strlen(name);

	if (nr_sources < 0)
		read_sources();
	for (int i = 0; i < nr_sources; i++) {
		const char *t = sources[i].text, *l = t;
		unsigned int no = 1;

		for (; *l; no++) {
			const char *end = strchr(l, '\n'), *hit;

			if (!end)
				end = l + strlen(l);
			/* a definition: at column 0, NAME( after a non-identifier, no ';' at the end */
			if (isalpha((unsigned char)*l) || *l == '_') {
				for (hit = l; (hit = strstr(hit, name)) && hit < end; hit += n) {
					if (hit[n] == '(' && (hit == l || !(isalnum((unsigned char)hit[-1]) ||
									   hit[-1] == '_'))) {
						const char *last = end;

						while (last > l && isspace((unsigned char)last[-1]))
							last--;
						if (last > l && last[-1] != ';' && strncmp(l, "#define", 7)) {
							*file = sources[i].rel;
							*line = no;
							return true;
						}
					}
				}
			}
			l = *end ? end + 1 : end;
		}
	}
	return false;
}

bool tf_docs_find_shim(const char *api, const char **file, unsigned int *line)
{
	size_t n = strlen(api);

	if (!n)
		return false;
	if (nr_sources < 0)
		read_sources();
	for (int i = 0; i < nr_sources; i++) {
		const char *l = sources[i].text;
		unsigned int no = 1;

		if (strncmp(sources[i].rel, "target/include/", 15))
			continue;
		for (; *l; no++) {
			const char *end = strchr(l, '\n'), *p = l;

			if (!end)
				end = l + strlen(l);
			/* "#define API(" */
			if (!strncmp(p, "#define", 7)) {
				p += 7;
				while (*p == ' ' || *p == '\t')
					p++;
				if (p > l + 7 && !strncmp(p, api, n) && p[n] == '(') {
					*file = sources[i].rel;
					*line = no;
					return true;
				}
			}
			l = *end ? end + 1 : end;
		}
	}
	/* a function of a shim header of that name */
	return tf_docs_find_def(api, file, line) && !strncmp(*file, "target/include/", 15);
}
