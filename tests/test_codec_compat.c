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

/* The data sits next to this file: tests/data/codec-compat/NAME. */
static char *read_data(const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	char path[4096];
	size_t size;
	char *buf;

	snprintf(path, sizeof(path), "%.*sdata/codec-compat/%s",
		 slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__, name);
	buf = tf_read_file(path, &size);
	if (!buf)
		fprintf(stderr, "  cannot read %s\n", path);
	return buf;
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

/* Each record: `== NAME HEX CANON`, then the decoded text. */
static bool check_file(const char *file, int *records)
{
	char *data = read_data(file), *p, *next;
	char err[256];
	int nr = 0;
	bool ok = true;

	if (!data)
		return false;
	for (p = data; p && *p; p = next) {
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

const struct test_case tests_compat[] = {
	TEST(test_compat_corpus_inputs),
	TEST(test_compat_random_inputs),
};
const size_t nr_tests_compat = ARRAY_LEN(tests_compat);
