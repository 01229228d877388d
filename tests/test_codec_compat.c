// SPDX-License-Identifier: GPL-2.0
/*
 * Saved inputs keep their meaning: byte strings recorded with the decoder
 * as it was before the op table (tests/data/codec-compat/, gen.py there
 * says how) must decode to the same text, and the text must encode to the
 * same canonical bytes.  corpus.compat holds every encoded seed of
 * out/corpus/ and every text scenario of tests/scenarios and
 * corpus/regressions encoded; random.compat holds random byte strings
 * from a fixed seed, a quarter each in base, PCP and page-flag mode and
 * with any header.
 */
#include <stdlib.h>

#include "codec.h"
#include "test.h"

static struct tf_scenario s, t;
static uint8_t in[TF_HDR_BYTES + 2 * TF_OP_BYTES * 1024], canon[sizeof(in)], out[sizeof(in)];
static char text[1 << 18], want[sizeof(text)];

/* A file at @dir/@name relative to tests/ (this file's directory). */
static char *read_beside(const char *dir, const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	char path[4096];
	size_t size;
	char *buf;

	snprintf(path, sizeof(path), "%.*s%s/%s",
		 slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__, dir, name);
	buf = tf_read_file(path, &size);
	if (!buf)
		fprintf(stderr, "  cannot read %s\n", path);
	return buf;
}

/* The data sits next to this file: tests/data/codec-compat/NAME. */
static char *read_data(const char *name)
{
	return read_beside("data/codec-compat", name);
}

static int hex_to_bytes(const char *hex, size_t len, uint8_t *b, size_t cap)
{
	if (len == 1 && hex[0] == '-')
		return 0;
	if (len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		char two[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		char *end;

		b[i] = (uint8_t)strtoul(two, &end, 16);
		if (*end)
			return -1;
	}
	return (int)(len / 2);
}

static bool print_to(const struct tf_scenario *sc, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	if (!f)
		return false;
	tf_print_scenario(f, sc);
	fclose(f);
	return true;
}

/* Where two texts part, for the failure message. */
static void show_difference(const char *name, const char *want, const char *got)
{
	size_t i = 0, start = 0, line = 1;

	while (want[i] && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	fprintf(stderr, "  %s: decoded text differs at line %zu\n  want: %.*s\n  got:  %.*s\n",
		name, line, (int)strcspn(want + start, "\n"), want + start,
		(int)strcspn(got + start, "\n"), got + start);
}

/*
 * Kind bytes at or past a mode's number of codes are reduced modulo it, so
 * their meaning moves when the mode gains an op (docs/scenarios.md, "The
 * op table and compatibility"); everything else keeps it.  A file that
 * says `# codes: BASE PGFLAGS PCP` was recorded with those counts: once a
 * mode has more, its records with such bytes are left out.
 */
static bool kind_bytes_canonical(const uint8_t *b, size_t n, const int *codes)
{
	enum tf_op_mode mode;

	tf_decode(b, n < TF_HDR_BYTES ? n : TF_HDR_BYTES, &s);
	mode = tf_machine_mode(&s.m);
	if (codes[mode] == tf_mode_nr_codes(mode))
		return true;
	for (size_t i = TF_HDR_BYTES; i < n; i += TF_OP_BYTES)
		if (b[i] >= codes[mode])
			return false;
	return true;
}

/*
 * Header byte 2 bits 3-4 give the NUMA nodes since issue 16; the decoder
 * ignored them before (CPUs are bits 0-2, b mod 8) and the encoder never
 * wrote them.  A record with them set keeps everything it had and gains
 * the nodes: ` nodes=N` after `cpus=` in its machine line (N at most the
 * sections) and the bits in its canonical byte 2.  Returns how many nodes
 * the record now has (1: nothing to adjust).
 */
static unsigned int adjust_for_nodes(const uint8_t *b, size_t n, char *want, size_t cap,
				     uint8_t *canon, size_t nc)
{
	unsigned int nodes, sections;
	char *cpus, *end, ins[16];

	if (n < 3 || !(b[2] & 0x18))
		return 1;
	sections = 1 + b[1] % TF_MAX_SECTIONS;
	nodes = 1 + ((b[2] >> 3) & 3);
	if (nodes > sections)
		nodes = sections;
	if (nodes == 1)
		return 1;
	cpus = strstr(want, " cpus=");
	if (!cpus || nc < 3)
		return 0;
	end = cpus + strcspn(cpus + 1, " \n") + 1;
	snprintf(ins, sizeof(ins), " nodes=%u", nodes);
	if (strlen(want) + strlen(ins) >= cap)
		return 0;
	memmove(end + strlen(ins), end, strlen(end) + 1);
	memcpy(end, ins, strlen(ins));
	canon[2] |= (nodes - 1) << 3;
	return nodes;
}

/*
 * Header byte 1 bits 6-7 were reduced away by the sections field (b mod
 * 64) until memory hotplug gave them hotplug_sections; the encoder never
 * wrote them.  A file without `# hotplug: 1` was recorded before: its
 * records that set them are left out, as kind bytes past a mode's codes.
 */
static bool header_canonical(const uint8_t *b, size_t n, bool hotplug)
{
	return hotplug || n < 2 || !(b[1] & 0xc0);
}

/*
 * Ops that became startable after the data was recorded (the codec's
 * compatibility rule): a `start` before one was dropped then and starts
 * it now.  The encoder never wrote such a start (the parser refuses
 * `start OP` for an op that cannot be started), so only recorded random
 * byte strings have one; those records are left out.
 */
static const enum tf_op_kind became_startable[] = {
	TF_OP_MOD_LOAD, TF_OP_MOD_UNLOAD,	/* issue 16 */
};

static bool starts_as_recorded(const uint8_t *b, size_t n)
{
	enum tf_op_mode mode;
	bool start = false;

	tf_decode(b, n < TF_HDR_BYTES ? n : TF_HDR_BYTES, &s);
	mode = tf_machine_mode(&s.m);
	for (size_t i = TF_HDR_BYTES; i < n; i += TF_OP_BYTES) {
		int code = b[i] % tf_mode_nr_codes(mode);

		for (size_t k = 0; start && k < sizeof(became_startable) / sizeof(became_startable[0]); k++)
			if (code == tf_op_code(became_startable[k], mode))
				return false;
		start = code == tf_op_code(TF_OP_START, mode);
	}
	return true;
}

/* Each record: `== NAME HEX CANON`, then the decoded text. */
static bool check_file(const char *file, int *records)
{
	char *data = read_data(file), *p, *next;
	int nr = 0, skipped = 0, skipped_hdr = 0, skipped_start = 0, with_nodes = 0;
	int codes[TF_NR_MODES], hotplug = 0;
	char err[256];
	bool ok = true;

	if (!data)
		return false;
	for (int mode = 0; mode < TF_NR_MODES; mode++)
		codes[mode] = tf_mode_nr_codes(mode);
	for (p = data; *p == '#'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (sscanf(p, "# codes: %d %d %d", &codes[0], &codes[1], &codes[2]) < 1)
			sscanf(p, "# hotplug: %d", &hotplug);
	for (; p && *p; p = next) {
		char name[256], *eol = strchr(p, '\n'), *hex, *canon_hex, *body, *end;
		int n, nc;
		size_t len;

		if (strncmp(p, "== ", 3) || !eol) {
			fprintf(stderr, "  %s: bad record at '%.40s'\n", file, p);
			free(data);
			return false;
		}
		*eol = '\0';
		hex = strchr(p + 3, ' ');
		canon_hex = hex ? strchr(hex + 1, ' ') : NULL;
		if (!canon_hex) {
			fprintf(stderr, "  %s: bad record line '%s'\n", file, p);
			free(data);
			return false;
		}
		snprintf(name, sizeof(name), "%s:%.*s", file, (int)(hex - p - 3), p + 3);
		n = hex_to_bytes(hex + 1, canon_hex - hex - 1, in, sizeof(in));
		nc = hex_to_bytes(canon_hex + 1, strlen(canon_hex + 1), canon, sizeof(canon));
		body = eol + 1;
		end = strstr(body, "\n== ");
		next = end ? end + 1 : NULL;
		len = end ? (size_t)(end + 1 - body) : strlen(body);
		if (n < 0 || nc < 0 || len >= sizeof(want)) {
			fprintf(stderr, "  %s: bad hex or a text too long\n", name);
			free(data);
			return false;
		}
		memcpy(want, body, len);
		want[len] = '\0';
		nr++;
		if (!kind_bytes_canonical(in, n, codes)) {
			skipped++;
			continue;
		}
		if (!starts_as_recorded(in, n)) {
			skipped_start++;
			continue;
		}
		if (!header_canonical(in, n, hotplug)) {
			skipped_hdr++;
			continue;
		}
		switch (adjust_for_nodes(in, n, want, sizeof(want), canon, nc)) {
		case 0:
			fprintf(stderr, "  %s: header byte 2 names nodes, the text no machine line\n",
				name);
			ok = false;
			continue;
		case 1:
			break;
		default:
			with_nodes++;
		}

		tf_decode(in, n, &s);
		if (!print_to(&s, text, sizeof(text))) {
			free(data);
			return false;
		}
		if (strcmp(text, want)) {
			show_difference(name, want, text);
			ok = false;
			continue;
		}
		if (tf_encode(&s, out, sizeof(out)) != (size_t)nc || memcmp(out, canon, nc)) {
			fprintf(stderr, "  %s: encodes to other bytes than before\n", name);
			ok = false;
		}
		if (tf_parse_text(want, &t, err, sizeof(err))) {
			fprintf(stderr, "  %s: the text no longer parses: %s\n", name, err);
			ok = false;
		} else if (tf_encode(&t, out, sizeof(out)) != (size_t)nc || memcmp(out, canon, nc)) {
			fprintf(stderr, "  %s: the text encodes to other bytes than before\n", name);
			ok = false;
		}
	}
	free(data);
	if (skipped)
		fprintf(stderr, "  %s: %d of %d records have kind bytes past a mode's codes as "
			"recorded (# codes:); not checked\n", file, skipped, nr);
	if (with_nodes)
		fprintf(stderr, "  %s: %d of %d records have header byte 2 bits 3-4 set: checked "
			"with the nodes they give now\n", file, with_nodes, nr);
	if (skipped_hdr)
		fprintf(stderr, "  %s: %d of %d records set header byte 1 bits 6-7 (hotplug_sections, "
			"never written before it; # hotplug:); not checked\n", file, skipped_hdr, nr);
	if (skipped_start)
		fprintf(stderr, "  %s: %d of %d records start an op that could not be started "
			"when recorded; not checked\n", file, skipped_start, nr);
	*records = nr;
	return ok;
}

static bool test_compat_corpus_inputs(void)
{
	int nr = 0;

	ASSERT_TRUE(check_file("corpus.compat", &nr));
	ASSERT_TRUE(nr >= 100);
	return true;
}

static bool test_compat_random_inputs(void)
{
	int nr = 0;

	ASSERT_TRUE(check_file("random.compat", &nr));
	ASSERT_EQ(nr, 360);
	return true;
}

/* fuzz/NAME next to tests/: the dictionaries and their text sources. */
static char *read_fuzz(const char *name)
{
	return read_beside("../fuzz", name);
}

/* The text of entry @name in a dictionary source, or NULL. */
static const char *source_entry(const char *src, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = src; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, n) && p[n] == ':') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + n + 1, "\n"), p + n + 1);
			return buf;
		}
	}
	return NULL;
}

/* NAME is op_OPNAME or op_OPNAME_..., OPNAME the op's text name (hdr_ for headers). */
static bool name_says(const char *name, const char *prefix, const char *op)
{
	size_t p = strlen(prefix), n = strlen(op);

	return !strncmp(name, prefix, p) && !strncmp(name + p, op, n) &&
	       (!name[p + n] || name[p + n] == '_');
}

static bool check_dict_text(const char *target, const char *src, char *dict)
{
	char *gen = NULL, err[256], text[256], want[256], got[256];
	struct tf_machine m;
	size_t gen_len = 0;
	int entries = 0;
	bool same;
	FILE *f;

	/* The checked-in dictionary is what its source generates. */
	f = open_memstream(&gen, &gen_len);
	ASSERT_TRUE(f != NULL);
	if (tf_write_dict(src, f, err, sizeof(err))) {
		fprintf(stderr, "  %s.dict.txt: %s\n", target, err);
		fclose(f);
		free(gen);
		return false;
	}
	fclose(f);
	same = !strcmp(gen, dict);
	free(gen);
	if (!same) {
		fprintf(stderr, "  fuzz/%s.dict is not what `scenario dict fuzz/%s.dict.txt` writes\n",
			target, target);
		return false;
	}
	/* The mode's machine: the source's machine line. */
	for (const char *p = src; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, "machine", 7)) {
			snprintf(text, sizeof(text), "%.*s", (int)strcspn(p, "\n"), p);
			break;
		}
	}
	ASSERT_EQ(tf_parse_machine_line(text, &m, err, sizeof(err)), 0);

	/* Every entry decodes to the op its source text and its name say. */
	for (char *p = dict; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char name[64], *q = strchr(p, '=');
		uint8_t b[16];
		size_t n = 0;
		struct tf_op op, back;

		if (*p == '#' || *p == '\n' || !q)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(q - p), p);
		ASSERT_TRUE(q[1] == '"');
		for (q += 2; *q == '\\' && q[1] == 'x' && n < sizeof(b); q += 4)
			b[n++] = (uint8_t)strtoul((char[3]){ q[2], q[3], 0 }, NULL, 16);
		ASSERT_TRUE(*q == '"');
		if (!source_entry(src, name, text, sizeof(text))) {
			fprintf(stderr, "  %s: %s has no source line\n", target, name);
			return false;
		}
		entries++;
		if (strstr(text, "machine")) {
			struct tf_machine hm;

			ASSERT_EQ(n, TF_HDR_BYTES);
			ASSERT_EQ(tf_parse_machine_line(text, &hm, err, sizeof(err)), 0);
			tf_decode(b, n, &s);
			tf_format_machine(&hm, want, sizeof(want));
			tf_format_machine(&s.m, got, sizeof(got));
			ASSERT_STREQ(got, want);
			ASSERT_TRUE(!strncmp(name, "hdr_", 4));
			continue;
		}
		if (!strcmp(text + strspn(text, " "), "start")) {
			ASSERT_EQ(n, TF_OP_BYTES);
			tf_decode_op(&m, b, &back);
			ASSERT_EQ(back.kind, TF_OP_START);
			ASSERT_TRUE(name_says(name, "op_", "start"));
			continue;
		}
		if (tf_parse_op_line(&m, text, &op, err, sizeof(err))) {
			fprintf(stderr, "  %s: %s: %s\n", target, name, err);
			return false;
		}
		ASSERT_EQ(n, (op.async ? 2 : 1) * TF_OP_BYTES);
		if (op.async) {
			tf_decode_op(&m, b, &back);
			ASSERT_EQ(back.kind, TF_OP_START);
		}
		tf_decode_op(&m, b + n - TF_OP_BYTES, &back);
		back.async = op.async;
		ASSERT_EQ(back.kind, op.kind);
		tf_format_op(&op, want, sizeof(want));
		tf_format_op(&back, got, sizeof(got));
		ASSERT_STREQ(got, want);
		if (!name_says(name, op.async ? "op_start_" : "op_", tf_op_name(&op))) {
			fprintf(stderr, "  %s: %s does not name its op (%s)\n", target, name, want);
			return false;
		}
	}
	ASSERT_TRUE(entries >= 20);
	return true;
}

static bool check_dict(const char *target)
{
	char file[64], *src, *dict;
	bool ok;

	snprintf(file, sizeof(file), "%s.dict.txt", target);
	src = read_fuzz(file);
	snprintf(file, sizeof(file), "%s.dict", target);
	dict = read_fuzz(file);
	ok = src && dict && check_dict_text(target, src, dict);
	free(src);
	free(dict);
	return ok;
}

static bool test_dicts_decode_to_their_ops(void)
{
	ASSERT_TRUE(check_dict("fuzz_boot"));
	ASSERT_TRUE(check_dict("fuzz_pcp"));
	ASSERT_TRUE(check_dict("fuzz_pgflags"));
	return true;
}

const struct test_case tests_compat[] = {
	TEST(test_compat_corpus_inputs),
	TEST(test_compat_random_inputs),
	TEST(test_dicts_decode_to_their_ops),
};
const size_t nr_tests_compat = ARRAY_LEN(tests_compat);
