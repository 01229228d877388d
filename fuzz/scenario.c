// SPDX-License-Identifier: GPL-2.0
/*
 * scenario: convert between the text form and the byte form.
 *
 *   scenario encode IN.txt OUT     text -> bytes (a fuzzer input)
 *   scenario decode IN             bytes -> text, on stdout, as replay runs them
 *                                  (the current tracker; TAGFUZZ_TRACKER=header
 *                                  keeps header byte 3's; TAGFUZZ_WHAT_IF's
 *                                  mode, named on the machine line)
 *   scenario check IN.txt...       parse only; report errors
 *   scenario dict IN.txt           named text ops -> a fuzzer dictionary, on stdout
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "expect.h"
#include "phases.h"
#include "tagfuzz/variants.h"

static struct tf_scenario scenario;

/* The text check, the directives and the ops, as replay reads them (fuzz/expect.h). */
static int parse_file(const char *path, struct tf_expect *e)
{
	char err[256];
	size_t size;
	char *text = tf_read_file(path, &size);

	if (!text) {
		fprintf(stderr, "scenario: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (tf_text_check(text, size, err, sizeof(err)) ||
	    tf_expect_parse(text, e, err, sizeof(err)) ||
	    tf_parse_text(text, &scenario, err, sizeof(err))) {
		fprintf(stderr, "scenario: %s: %s\n", path, err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/*
 * The byte form has no bug switches, and the fuzz targets and replay run
 * the current tracker on bytes whatever header byte 3 says: say what an
 * encoded scenario will not do the way its text did.
 */
static void encode_warnings(const char *in, const struct tf_expect *e)
{
	if (e->has_bugs)
		fprintf(stderr, "scenario: %s: warning: '# bugs: %s' is not in the byte form; replay "
			"it with TAGFUZZ_BUGS=%s\n", in, e->bugs, e->bugs);
	if (scenario.m.tracker != TF_TRACKER_CURRENT)
		fprintf(stderr, "scenario: %s: warning: tracker=%s is kept in header byte 3, but the "
			"fuzz targets and replay run the current tracker on bytes unless "
			"TAGFUZZ_TRACKER=header\n", in, tf_tracker_table[scenario.m.tracker].name);
}

static int encode(const char *in, const char *out)
{
	/* A started op takes two ops' bytes. */
	static uint8_t buf[TF_HDR_BYTES + 2 * TF_OP_BYTES * TF_MAX_OPS];
	struct tf_expect e;
	size_t n;
	FILE *f;

	if (parse_file(in, &e))
		return 1;
	encode_warnings(in, &e);
	n = tf_encode(&scenario, buf, sizeof(buf));
	if (n > sizeof(buf)) {
		fprintf(stderr, "scenario: %s: encodes to %zu bytes, more than %zu\n", in, n,
			sizeof(buf));
		return 1;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "scenario: %s: %s\n", out, strerror(errno));
		return 1;
	}
	return 0;
}

static int decode(const char *in)
{
	const char *trk = getenv("TAGFUZZ_TRACKER"), *wi = getenv("TAGFUZZ_WHAT_IF");
	int what_if = 0;
	size_t size;
	char *buf;

	/* A what-if run decodes the bytes in its mode (replay --what-if, the fuzz targets). */
	if (wi && *wi && (what_if = tf_what_if_by_name(wi)) < 0) {
		fprintf(stderr, "scenario: TAGFUZZ_WHAT_IF=%s: no such mode\n", wi);
		return 2;
	}
	buf = tf_read_file(in, &size);
	if (!buf) {
		fprintf(stderr, "scenario: %s: %s\n", in, strerror(errno));
		return 1;
	}
	tf_decode_what_if((const uint8_t *)buf, size, what_if, &scenario);
	free(buf);
	/* As replay and the fuzz targets run it (fuzz/replay.c run_one). */
	if (scenario.m.tracker != TF_TRACKER_CURRENT && (!trk || strcmp(trk, "header"))) {
		printf("# header byte 3 names tracker=%s; byte inputs run the current tracker "
		       "unless TAGFUZZ_TRACKER=header\n", tf_tracker_table[scenario.m.tracker].name);
		scenario.m.tracker = TF_TRACKER_CURRENT;
	}
	tf_print_scenario(stdout, &scenario);
	return 0;
}

static int dict(const char *in)
{
	char err[256];
	size_t size;
	char *text = tf_read_file(in, &size);

	if (!text) {
		fprintf(stderr, "scenario: %s: %s\n", in, strerror(errno));
		return 1;
	}
	if (tf_write_dict(text, stdout, err, sizeof(err))) {
		fprintf(stderr, "scenario: %s: %s\n", in, err);
		free(text);
		return 1;
	}
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc == 4 && !strcmp(argv[1], "encode"))
		return encode(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "decode"))
		return decode(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "dict"))
		return dict(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "check")) {
		struct tf_expect e;

		for (int i = 2; i < argc; i++)
			if (parse_file(argv[i], &e))
				rc = 1;
		return rc;
	}
	fprintf(stderr,
		"usage: scenario encode IN.txt OUT   text scenario -> fuzzer input bytes\n"
		"       scenario decode IN           fuzzer input -> text, on stdout (as replay runs it;\n"
		"                                    TAGFUZZ_TRACKER, TAGFUZZ_WHAT_IF as for replay)\n"
		"       scenario check IN.txt...     parse text scenarios, report errors\n"
		"       scenario dict IN.txt         named text ops (NAME: OP) -> fuzzer dictionary\n");
	return 2;
}
