// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel names for traces and reports (tagfuzz/names.h).  Each table takes
 * its values from the port's own definitions.
 */
#include <stdio.h>
#include <string.h>

#include "../mm/internal.h"
#include "tagfuzz/events.h"
#include "tagfuzz/names.h"

struct flag_name {
	unsigned int mask;
	const char *name;
};

#define FLAG(f)	{ (f), #f }

/*
 * gfp masks: the composite masks the port's callers use, in the order
 * include/trace/events/mmflags.h gives them (a mask is printed when all
 * its bits are set, and its bits are taken off), then every bit.
 */
static const struct flag_name gfp_names[] = {
	FLAG(GFP_KERNEL),
	FLAG(GFP_ATOMIC),
	FLAG(GFP_NOWAIT),
	FLAG(__GFP_RECLAIM),
	FLAG(__GFP_MOVABLE),
	FLAG(__GFP_RECLAIMABLE),
	FLAG(__GFP_HIGH),
	FLAG(__GFP_IO),
	FLAG(__GFP_FS),
	FLAG(__GFP_ZERO),
	FLAG(__GFP_DIRECT_RECLAIM),
	FLAG(__GFP_KSWAPD_RECLAIM),
	FLAG(__GFP_WRITE),
	FLAG(__GFP_NOWARN),
	FLAG(__GFP_RETRY_MAYFAIL),
	FLAG(__GFP_NOFAIL),
	FLAG(__GFP_NORETRY),
	FLAG(__GFP_MEMALLOC),
	FLAG(__GFP_COMP),
	FLAG(__GFP_NOMEMALLOC),
	FLAG(__GFP_HARDWALL),
	FLAG(__GFP_HIGHMEM),
	FLAG(__GFP_NO_OBJ_EXT),
};

/* alloc_flags (mm/internal.h): the watermark index, then the bits. */
static const struct flag_name alloc_wmark_names[] = {
	FLAG(ALLOC_WMARK_MIN),
	FLAG(ALLOC_WMARK_LOW),
	FLAG(ALLOC_WMARK_HIGH),
};

static const struct flag_name alloc_flag_names[] = {
	FLAG(ALLOC_NO_WATERMARKS),
	FLAG(ALLOC_OOM),
	FLAG(ALLOC_NON_BLOCK),
	FLAG(ALLOC_MIN_RESERVE),
	FLAG(ALLOC_CPUSET),
	FLAG(ALLOC_CMA),
	FLAG(ALLOC_NOFRAGMENT),
	FLAG(ALLOC_HIGHATOMIC),
	FLAG(ALLOC_NOLOCK),
	FLAG(ALLOC_KSWAPD),
	FLAG(ALLOC_NO_CODETAG),	/* alloc_tag.c's name for __ALLOC_ALLOC_TAG */
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Append @s to @buf (at *@n), with a '|' before all but the first. */
static void put(char *buf, size_t len, size_t *n, const char *s)
{
	int w;

	if (*n >= len)
		return;
	w = snprintf(buf + *n, len - *n, "%s%s", *n ? "|" : "", s);
	if (w > 0)
		*n += (size_t)w;
}

/* Every entry of @t whose bits are all in *@left, taken off it. */
static void put_flags(const struct flag_name *t, size_t nr, unsigned int *left,
		      char *buf, size_t len, size_t *n)
{
	for (size_t i = 0; i < nr; i++) {
		if (t[i].mask && (*left & t[i].mask) == t[i].mask) {
			put(buf, len, n, t[i].name);
			*left &= ~t[i].mask;
		}
	}
}

static void put_rest(unsigned int left, char *buf, size_t len, size_t *n)
{
	char hex[16];

	if (left) {
		snprintf(hex, sizeof(hex), "%#x", left);
		put(buf, len, n, hex);
	}
}

const char *tf_format_gfp(unsigned int gfp, char *buf, size_t len)
{
	unsigned int left = gfp;
	size_t n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	put_flags(gfp_names, ARRAY_LEN(gfp_names), &left, buf, len, &n);
	put_rest(left, buf, len, &n);
	if (!n)
		snprintf(buf, len, "0");
	return buf;
}

const char *tf_format_alloc_flags(unsigned int flags, char *buf, size_t len)
{
	unsigned int left = flags & ~ALLOC_WMARK_MASK, wmark = flags & ALLOC_WMARK_MASK;
	size_t n = 0;
	char other[24];

	if (!len)
		return buf;
	buf[0] = '\0';
	if (wmark < ARRAY_LEN(alloc_wmark_names)) {
		put(buf, len, &n, alloc_wmark_names[wmark].name);
	} else {
		snprintf(other, sizeof(other), "ALLOC_WMARK_%u", wmark);
		put(buf, len, &n, other);
	}
	put_flags(alloc_flag_names, ARRAY_LEN(alloc_flag_names), &left, buf, len, &n);
	put_rest(left, buf, len, &n);
	return buf;
}

const char *tf_port_path(const char *file, char *buf, size_t len)
{
	char tmp[512];
	const char *part[64];
	size_t plen[64], nr = 0, n = 0, from = 0;
	const char *p = file, *cut = NULL;

	if (!len)
		return buf;
	if (!file) {
		snprintf(buf, len, "?");
		return buf;
	}
	/* Split on '/', dropping "." and resolving "..". */
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (nr)
				nr--;
		} else if (l && !(l == 1 && p[0] == '.') && nr < ARRAY_LEN(part)) {
			part[nr] = p;
			plen[nr++] = l;
		}
		p += l;
		if (*p == '/')
			p++;
	}
	/* After the last "target" part; else the last two parts. */
	for (size_t i = 0; i + 1 < nr; i++)
		if (plen[i] == 6 && !memcmp(part[i], "target", 6))
			cut = part[i], from = i + 1;
	if (!cut)
		from = nr > 2 ? nr - 2 : 0;
	tmp[0] = '\0';
	for (size_t i = from; i < nr && n < sizeof(tmp); i++) {
		int w = snprintf(tmp + n, sizeof(tmp) - n, "%s%.*s", n ? "/" : "",
				 (int)plen[i], part[i]);

		if (w > 0)
			n += (size_t)w;
	}
	snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *tf_format_loc(const struct tf_loc *loc, char *buf, size_t len)
{
	char path[256];

	if (!loc) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%s() %s:%u", loc->func, tf_port_path(loc->file, path, sizeof(path)),
		 loc->line);
	return buf;
}

const char *tf_format_tag(int id, char *buf, size_t len)
{
	struct tf_tag_info info;
	char path[256];

	if (id == TF_TAG_NONE) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	info = tf_tag_info(id);
	if (!strcmp(info.filename, "scenario"))
		snprintf(buf, len, "%s (scenario tag=%u)", info.function, info.lineno);
	else if (!strcmp(info.filename, "kernel") || !strcmp(info.filename, "module"))
		snprintf(buf, len, "%s tag %u", info.filename, info.lineno);
	else if (!strcmp(info.filename, "?"))
		snprintf(buf, len, "tag %d", id);
	else
		snprintf(buf, len, "%s (%s:%u)", info.function,
			 tf_port_path(info.filename, path, sizeof(path)), info.lineno);
	return buf;
}
