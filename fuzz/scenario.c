// SPDX-License-Identifier: GPL-2.0
/*
 * scenario: convert between the text form and the byte form.
 *
 *   scenario encode IN.txt OUT     text -> bytes (a fuzzer input)
 *   scenario decode IN             bytes -> text, on stdout
 *   scenario check IN.txt...       parse only; report errors
 *   scenario dict IN.txt           named text ops -> a fuzzer dictionary, on stdout
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static struct tf_scenario scenario;

static int parse_file(const char *path)
{
	char err[256];
	size_t size;
	char *text = tf_read_file(path, &size);

	if (!text) {
		fprintf(stderr, "scenario: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (strlen(text) != size) {
		fprintf(stderr, "scenario: %s: has a NUL byte; is it a byte file? (try decode)\n",
			path);
		free(text);
		return -1;
	}
	if (tf_parse_text(text, &scenario, err, sizeof(err))) {
		fprintf(stderr, "scenario: %s: %s\n", path, err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static int encode(const char *in, const char *out)
{
	/* A started op takes two ops' bytes. */
	static uint8_t buf[TF_HDR_BYTES + 2 * TF_OP_BYTES * TF_MAX_OPS];
	size_t n;
	FILE *f;

	if (parse_file(in))
		return 1;
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
	size_t size;
	char *buf = tf_read_file(in, &size);

	if (!buf) {
		fprintf(stderr, "scenario: %s: %s\n", in, strerror(errno));
		return 1;
	}
	tf_decode((const uint8_t *)buf, size, &scenario);
	free(buf);
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
		for (int i = 2; i < argc; i++)
			if (parse_file(argv[i]))
				rc = 1;
		return rc;
	}
	fprintf(stderr,
		"usage: scenario encode IN.txt OUT   text scenario -> fuzzer input bytes\n"
		"       scenario decode IN           fuzzer input -> text, on stdout\n"
		"       scenario check IN.txt...     parse text scenarios, report errors\n"
		"       scenario dict IN.txt         named text ops (NAME: OP) -> fuzzer dictionary\n");
	return 2;
}
