// SPDX-License-Identifier: GPL-2.0
/*
 * A text scenario's directives (fuzz/expect.h): one reading for replay,
 * the scenario tool and the tests, so that a directive one of them obeys
 * is never ignored by another, and a misspelt one is refused by all.
 */
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "oracle.h"
#include "run.h"

static const char *const directives[] = {
	"expect", "expect-known", "expect-looks-like", "bugs", "points", "also-looks-like",
};
#define NR_DIRECTIVES	(sizeof(directives) / sizeof(directives[0]))

int tf_text_check(const char *text, size_t size, char *err, size_t len)
{
	for (size_t i = 0; i < size; i++) {
		unsigned char c = text[i];

		if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
			snprintf(err, len, "byte %zu is %s (0x%02x): a byte input, not a text scenario "
				 "(rename it without .txt, or try scenario decode)", i,
				 c ? "a control byte" : "NUL", c);
			return -1;
		}
	}
	return 0;
}

/* Levenshtein distance of @a[0..la) and @b, capped: both are short words. */
static size_t distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), row[32], i, j;

	if (la >= 31 || lb >= 31)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static bool valid_name(const char *name, size_t n)
{
	size_t i, k;

	if (n > 5 && !strncmp(name, "diff:", 5))
		return true;	/* fuzz/diff.c: diff:VARIANT/what */
	if (n > 6 && !strncmp(name, "check:", 6)) {
		for (k = 0; k < tf_nr_check_kinds; k++) {
			size_t kl = strlen(tf_check_kind_name[k]);

			if (n > 7 + kl && !strncmp(name + 6, tf_check_kind_name[k], kl) &&
			    name[6 + kl] == ':')
				return true;
		}
		return false;
	}
	for (i = 0; i < TF_NR_SIGS; i++)
		if (strlen(tf_sigs[i].name) == n && !strncmp(tf_sigs[i].name, name, n))
			return true;
	return false;
}

bool tf_sig_valid(const char *sig)
{
	size_t n = strlen(sig), sl = strlen(TF_WHAT_IF_SUFFIX);
	const char *open;

	if (n >= sl && !strcmp(sig + n - sl, TF_WHAT_IF_SUFFIX))
		n -= sl;
	/* One optional " [class]": a word without spaces, at the end. */
	if (n > 3 && sig[n - 1] == ']') {
		for (open = sig + n - 2; open > sig && *open != '['; open--)
			if (*open == ' ')
				return false;
		if (open <= sig + 1 || open[-1] != ' ' || open + 1 == sig + n - 1)
			return false;
		n = open - 1 - sig;
	}
	return n && valid_name(sig, n);
}

/* `# also-looks-like: Fn SIG; ...`: each item a finding's id and a signature. */
static int check_also(const char *also, int line, char *err, size_t len)
{
	char list[512], *item, *save = NULL;
	int at;

	snprintf(list, sizeof(list), "%s", also);
	for (item = strtok_r(list, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		size_t n;

		while (*item == ' ')
			item++;
		for (n = strlen(item); n && item[n - 1] == ' '; n--)
			item[n - 1] = '\0';
		at = 0;
		if (item[0] != 'F' || sscanf(item, "%*s %n", &at) || !at || !tf_sig_valid(item + at)) {
			snprintf(err, len, "line %d: '# also-looks-like:' item '%s' is not 'Fn SIG' "
				 "with a signature the tools report", line, item);
			return -1;
		}
	}
	return 0;
}

static int set(char *dst, size_t cap, const char *val, size_t n, int line, const char *key,
	       bool *has, char *err, size_t len)
{
	if (*has) {
		snprintf(err, len, "line %d: a second '# %s:' directive", line, key);
		return -1;
	}
	if (n >= cap) {
		snprintf(err, len, "line %d: '# %s:' is longer than %zu characters", line, key,
			 cap - 1);
		return -1;
	}
	memcpy(dst, val, n);
	dst[n] = '\0';
	*has = true;
	return 0;
}

static int check_sig(const char *sig, int line, const char *key, bool clean_ok, char *err,
		     size_t len)
{
	if ((clean_ok && !strcmp(sig, "clean")) || tf_sig_valid(sig))
		return 0;
	snprintf(err, len, "line %d: '# %s: %s' is not a signature the tools report (a name from "
		 "reference/oracle.c tf_sigs or check:KIND:SITE, with an optional [class])%s",
		 line, key, sig, clean_ok ? ", nor clean" : "");
	return -1;
}

int tf_expect_parse(const char *text, struct tf_expect *e, char *err, size_t len)
{
	const char *p = text;
	int line = 0;

	memset(e, 0, sizeof(*e));
	strcpy(e->expect, "clean");
	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p, *w, *v, *nl = strchr(p, '\n');
		size_t wn, vn, k;
		int rc = 0;

		line++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '#')
			continue;
		for (q++; *q == ' '; q++)
			;
		/* `# word:`, a lowercase word (letters and dashes) and a colon */
		for (w = q; (*q >= 'a' && *q <= 'z') || *q == '-'; q++)
			;
		wn = q - w;
		if (!wn || *q != ':')
			continue;
		for (v = q + 1; *v == ' ' || *v == '\t'; v++)
			;
		vn = nl ? (size_t)(nl - v) : strlen(v);
		while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\r' || v[vn - 1] == '\t'))
			vn--;
		for (k = 0; k < NR_DIRECTIVES; k++)
			if (strlen(directives[k]) == wn && !strncmp(directives[k], w, wn))
				break;
		if (k == NR_DIRECTIVES) {
			bool near = wn >= 6 && !strncmp(w, "expect", 6);

			for (k = 0; !near && k < NR_DIRECTIVES; k++)
				near = distance(w, wn, directives[k]) <= 2;
			if (!near)
				continue;	/* prose */
			snprintf(err, len, "line %d: unknown directive '# %.*s:' (the directives are "
				 "expect, expect-known, expect-looks-like, bugs, points, also-looks-like)", line,
				 (int)wn, w);
			return -1;
		}
		switch (k) {
		case 0:
			rc = set(e->expect, sizeof(e->expect), v, vn, line, "expect", &e->has_expect,
				 err, len);
			if (!rc)
				rc = check_sig(e->expect, line, "expect", true, err, len);
			break;
		case 1:
			rc = set(e->known, sizeof(e->known), v, vn, line, "expect-known", &e->has_known,
				 err, len);
			if (!rc)
				rc = check_sig(e->known, line, "expect-known", false, err, len);
			break;
		case 2:
			rc = set(e->looks, sizeof(e->looks), v, vn, line, "expect-looks-like",
				 &e->has_looks, err, len);
			break;
		case 3:
			rc = set(e->bugs, sizeof(e->bugs), v, vn, line, "bugs", &e->has_bugs, err, len);
			break;
		case 4:
			rc = set(e->points, sizeof(e->points), v, vn, line, "points", &e->has_points,
				 err, len);
			break;
		case 5:
			rc = set(e->also, sizeof(e->also), v, vn, line, "also-looks-like",
				 &e->has_also, err, len);
			if (!rc)
				rc = check_also(e->also, line, err, len);
			break;
		}
		if (rc)
			return -1;
	}
	if (e->has_known && e->has_expect) {
		snprintf(err, len, "'# expect:' and '# expect-known:' together: say one");
		return -1;
	}
	if (e->has_looks && (!e->has_expect || !strcmp(e->expect, "clean"))) {
		snprintf(err, len, "'# expect-looks-like:' needs '# expect: SIG' (the finding it names)");
		return -1;
	}
	if (e->has_also && (!e->has_expect || !strcmp(e->expect, "clean"))) {
		snprintf(err, len, "'# also-looks-like:' needs '# expect: SIG' (the first finding)");
		return -1;
	}
	return 0;
}

static const char *first_sig(const struct tf_verdict *v, bool strict)
{
	const struct tf_finding *f = tf_verdict_first_new(v, strict);

	return f ? f->sig : "clean";
}

bool tf_expect_judge(const struct tf_expect *e, const struct tf_verdict *v, bool strict,
		     char *msg, size_t len)
{
	const struct tf_finding *f;
	char want[64];

	if (e->has_known) {
		if (strict) {
			if (!strcmp(first_sig(v, true), e->known))
				return true;
			snprintf(msg, len, "strict: expected %s, got %s", e->known, first_sig(v, true));
			return false;
		}
		if (tf_verdict_first_new(v, false) || !v->nr || strcmp(v->f[0].sig, e->known)) {
			snprintf(msg, len, "expected only the known finding %s, got %s%s", e->known,
				 v->nr ? v->f[0].sig : "clean",
				 tf_verdict_first_new(v, false) ? " (new)" : "");
			return false;
		}
		if (strncmp(v->f[0].cause, "known: ", 7)) {
			snprintf(msg, len, "the known finding %s names no cause", e->known);
			return false;
		}
		return true;
	}
	if (!strcmp(e->expect, "clean")) {
		if (!v->nr)
			return true;
		snprintf(msg, len, "expected clean, got %s%s", v->f[0].sig,
			 v->f[0].known && !strict ? " (known)" : "");
		return false;
	}
	if (strcmp(first_sig(v, strict), e->expect)) {
		snprintf(msg, len, "expected %s, got %s", e->expect, first_sig(v, strict));
		return false;
	}
	if (!e->has_looks)
		return true;
	f = tf_verdict_first_new(v, strict);
	snprintf(want, sizeof(want), "looks like %s, but ", e->looks);
	if (!strncmp(f->cause, want, strlen(want)))
		return true;
	snprintf(msg, len, "expected \"%s...\", got \"%s\"", want, f->cause);
	return false;
}
