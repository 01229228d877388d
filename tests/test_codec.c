// SPDX-License-Identifier: GPL-2.0
/* The scenario codec: totality, byte and text round trips, clear errors. */
#include <stdlib.h>

#include "codec.h"
#include "test.h"

static struct tf_scenario a, b;
static uint8_t buf[TF_HDR_BYTES + TF_OP_BYTES * TF_MAX_OPS], buf2[sizeof(buf)];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	return test_rand(&rng);
}

static bool scenarios_equal(const struct tf_scenario *x, const struct tf_scenario *y)
{
	if (memcmp(&x->m, &y->m, sizeof(x->m)) || x->nr_ops != y->nr_ops)
		return false;
	for (size_t i = 0; i < x->nr_ops; i++)
		if (memcmp(&x->ops[i], &y->ops[i], sizeof(x->ops[i])))
			return false;
	return true;
}

/* Every field of a decoded scenario is in its documented range. */
static bool scenario_in_range(const struct tf_scenario *s)
{
	const struct tf_machine *m = &s->m;
	unsigned int max_order = tf_machine_max_order(m);

	if (m->section_pages != 16 && m->section_pages != 32 && m->section_pages != 64 &&
	    m->section_pages != 128)
		return false;
	if (m->nr_sections < 1 || m->nr_sections > TF_MAX_SECTIONS || m->nr_cpus < 1 ||
	    m->nr_cpus > TF_MAX_CPUS || m->wmark > 7 || s->nr_ops > TF_MAX_OPS ||
	    m->hotplug_sections > TF_MAX_HOTPLUG_SECTIONS ||
	    tf_machine_sections(m) > TF_MAX_SECTIONS)
		return false;
	for (size_t i = 0; i < s->nr_ops; i++) {
		const struct tf_op *op = &s->ops[i];

		if (op->kind >= TF_NR_OPS || op->cpu >= m->nr_cpus || op->tag >= TF_NR_USER_TAGS ||
		    op->gfp >= TF_NR_GFP_CLASSES || op->alloc_kind >= TF_NR_ALLOC_KINDS)
			return false;
		if (op->kind == TF_OP_ALLOC && op->alloc_kind == TF_ALLOC_PAGES && op->n > max_order)
			return false;
		if (op->kind == TF_OP_ALLOC && op->alloc_kind == TF_ALLOC_EXACT &&
		    (op->n < 1 || (1u << max_order) < op->n))
			return false;
		if (op->kind == TF_OP_PEXT_ONLINE && op->n >= m->nr_sections)
			return false;
		if ((op->kind == TF_OP_MEM_ONLINE || op->kind == TF_OP_MEM_OFFLINE) &&
		    op->n >= tf_machine_sections(m))
			return false;
		if (op->kind == TF_OP_BURST && (op->n < 1 || op->n > TF_MAX_BURST ||
						op->order > max_order))
			return false;
		if (op->kind == TF_OP_START)
			return false;	/* folded into the next op */
		if (op->async && (op->kind == TF_OP_RUN || op->kind == TF_OP_PREEMPT ||
				  op->kind == TF_OP_PRESSURE || op->kind == TF_OP_FAIL_NEXT))
			return false;
		if (op->kind == TF_OP_RUN && (op->first >= TF_MAX_CPUS ||
					      (op->at2 && op->at2 <= op->at)))
			return false;
	}
	return true;
}

static bool test_decode_empty_input(void)
{
	tf_decode(NULL, 0, &a);
	ASSERT_EQ(a.nr_ops, 0);
	ASSERT_EQ(a.m.section_pages, 16);
	ASSERT_EQ(a.m.nr_sections, 1);
	ASSERT_EQ(a.m.nr_cpus, 1);
	ASSERT_TRUE(a.m.debug);
	ASSERT_TRUE(a.m.profiling);
	return true;
}

static bool test_decode_partial_op_reads_zeroes(void)
{
	uint8_t in[TF_HDR_BYTES + 1] = { [TF_HDR_BYTES] = TF_OP_BURST };

	tf_decode(in, sizeof(in), &a);
	ASSERT_EQ(a.nr_ops, 1);
	ASSERT_EQ(a.ops[0].kind, TF_OP_BURST);
	ASSERT_EQ(a.ops[0].n, 1);
	return true;
}

/* Random bytes: always in range, and deterministic. */
static bool test_decode_total_over_random_bytes(void)
{
	for (int iter = 0; iter < 2000; iter++) {
		size_t len = next_rand() % 600;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand();
		tf_decode(buf, len, &a);
		ASSERT_TRUE(scenario_in_range(&a));
		tf_decode(buf, len, &b);
		ASSERT_TRUE(scenarios_equal(&a, &b));
	}
	return true;
}

/* decode(encode(decode(x))) == decode(x), and encode is stable. */
static bool test_byte_round_trip(void)
{
	for (int iter = 0; iter < 2000; iter++) {
		size_t len = next_rand() % 600, n, n2;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand();
		tf_decode(buf, len, &a);
		size_t nr_async = 0;

		for (size_t i = 0; i < a.nr_ops; i++)
			nr_async += a.ops[i].async;
		n = tf_encode(&a, buf2, sizeof(buf2));
		/* A started op takes a START op in front of it. */
		ASSERT_EQ(n, TF_HDR_BYTES + (a.nr_ops + nr_async) * TF_OP_BYTES);
		tf_decode(buf2, n, &b);
		ASSERT_TRUE(scenarios_equal(&a, &b));
		n2 = tf_encode(&b, buf, sizeof(buf));
		ASSERT_EQ(n, n2);
		ASSERT_TRUE(!memcmp(buf, buf2, n));
	}
	return true;
}

/* print(decode(x)) parses back to decode(x). */
static bool test_text_round_trip(void)
{
	static char text[1 << 16];
	char err[256];

	for (int iter = 0; iter < 500; iter++) {
		size_t len = next_rand() % 400;
		FILE *f = fmemopen(text, sizeof(text), "w");

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand();
		tf_decode(buf, len, &a);
		ASSERT_TRUE(f != NULL);
		tf_print_scenario(f, &a);
		fclose(f);
		if (tf_parse_text(text, &b, err, sizeof(err))) {
			fprintf(stderr, "  %s\n%s", err, text);
			return false;
		}
		ASSERT_TRUE(scenarios_equal(&a, &b));
	}
	return true;
}

static bool test_truncation_is_reported(void)
{
	static uint8_t big[TF_HDR_BYTES + TF_OP_BYTES * (TF_MAX_OPS + 10)];

	tf_decode(big, sizeof(big), &a);
	ASSERT_TRUE(a.truncated);
	ASSERT_EQ(a.nr_ops, TF_MAX_OPS);
	tf_decode(big, TF_HDR_BYTES + TF_OP_BYTES * TF_MAX_OPS, &a);
	ASSERT_FALSE(a.truncated);
	return true;
}

static bool test_text_parses_every_op(void)
{
	const char *text =
		"# a comment line\n"
		"machine section_pages=64 sections=4 cpus=2 debug=1 profiling=1 wmark=3\n"
		"alloc cpu=1 order=2 gfp=atomic tag=3   # trailing comment\n"
		"alloc_exact pages=5 tag=none\n"
		"alloc_bulk nr=8 gfp=memalloc\n"
		"pext_online section=3\npext_init\n"
		"free idx=3\nsplit cpu=1 idx=2\nfree_exact idx=1\nmigrate idx=300\n"
		"pressure level=2\nfail_next n=3 skip=1\n"
		"cpu_up cpu=1 pages=4\ncpu_down cpu=1\nburst count=40 order=1 tag=2\n"
		"drain cpu=1\ndrain all\n"
		"start alloc cpu=1 order=0 tag=1\nstart free cpu=0 idx=0\npreempt at=700\n"
		"run first=1 at=3 at2=9\n";
	char err[256];

	ASSERT_EQ(tf_parse_text(text, &a, err, sizeof(err)), 0);
	ASSERT_EQ(a.m.section_pages, 64);
	ASSERT_EQ(a.m.nr_cpus, 2);
	ASSERT_EQ(a.m.wmark, 3);
	ASSERT_EQ(a.nr_ops, 20);
	ASSERT_TRUE(a.ops[16].async);
	ASSERT_EQ(a.ops[16].cpu, 1);
	ASSERT_TRUE(a.ops[17].async);
	ASSERT_EQ(a.ops[18].kind, TF_OP_PREEMPT);
	ASSERT_EQ(a.ops[18].n, 700);
	ASSERT_EQ(a.ops[19].first, 1);
	ASSERT_EQ(a.ops[19].at, 3);
	ASSERT_EQ(a.ops[19].at2, 9);
	ASSERT_EQ(a.ops[0].kind, TF_OP_ALLOC);
	ASSERT_EQ(a.ops[0].cpu, 1);
	ASSERT_EQ(a.ops[0].gfp, TF_GFP_ATOMIC);
	ASSERT_EQ(a.ops[1].alloc_kind, TF_ALLOC_EXACT);
	ASSERT_TRUE(a.ops[1].untagged);
	ASSERT_EQ(a.ops[2].n, 8);
	ASSERT_EQ(a.ops[8].n, 300);
	ASSERT_EQ(a.ops[10].skip, 1);
	ASSERT_EQ(a.ops[13].order, 1);
	ASSERT_TRUE(a.ops[15].all);
	/* And through bytes it stays the same scenario. */
	tf_decode(buf, tf_encode(&a, buf, sizeof(buf)), &b);
	ASSERT_TRUE(scenarios_equal(&a, &b));
	return true;
}

/*
 * burst: b2 bits 6-7 pick a size class (docs/scenarios.md).  Every count
 * and rounds value has a byte form, the layout without classes (bits 6-7
 * clear) still means what it did, the encoder takes the lightest class,
 * and random bytes make light bursts on average.
 */
static bool test_burst_size_classes(void)
{
	static const struct { unsigned int n, rounds, cls; } lightest[] = {
		{ 1, 1, 3 }, { 16, 1, 3 }, { 17, 1, 2 }, { 64, 2, 2 }, { 65, 1, 1 },
		{ 256, 4, 1 }, { 1, 5, 0 }, { 256, 16, 0 },
	};
	uint8_t op[TF_HDR_BYTES + TF_OP_BYTES] = { 0 }, *o = op + TF_HDR_BYTES;
	unsigned long total = 0;

	o[0] = TF_OP_BURST;
	tf_decode(op, sizeof(op), &a);	/* one machine, one burst op to vary */
	ASSERT_EQ(a.nr_ops, 1);
	for (unsigned int n = 1; n <= TF_MAX_BURST; n++) {
		for (unsigned int r = 1; r <= TF_MAX_BURST_ROUNDS; r++) {
			a.ops[0].n = n;
			a.ops[0].rounds = r;
			a.ops[0].order = n % 4;
			a.ops[0].tag = r % 16;
			a.ops[0].churn = n & 1;
			tf_decode(buf, tf_encode(&a, buf, sizeof(buf)), &b);
			ASSERT_TRUE(scenarios_equal(&a, &b));
		}
	}
	for (size_t i = 0; i < sizeof(lightest) / sizeof(lightest[0]); i++) {
		a.ops[0].n = lightest[i].n;
		a.ops[0].rounds = lightest[i].rounds;
		ASSERT_EQ(tf_encode(&a, buf, sizeof(buf)), TF_HDR_BYTES + TF_OP_BYTES);
		ASSERT_EQ(buf[TF_HDR_BYTES + 2] >> 6, lightest[i].cls);
	}
	for (unsigned int code = 0; code < 1u << 14; code++) {
		o[1] = (code & 0xf) << 4;
		o[2] = (code >> 4 & 3) << 6;
		o[3] = code >> 6;
		tf_decode(op, sizeof(op), &b);
		total += (unsigned long)b.ops[0].n * b.ops[0].rounds;
		if (o[2] >> 6)
			continue;
		/* Class 0 is the layout before classes: every value, as it was. */
		ASSERT_EQ(b.ops[0].n, 1 + o[3]);
		ASSERT_EQ(b.ops[0].rounds, 1 + (o[1] >> 4));
	}
	/* Allocations per random burst op: 367.6 on average (1092.3 without classes). */
	ASSERT_EQ(total * 10 / (1u << 14), 3676);
	return true;
}

static bool parse_error_is(const char *text, const char *want)
{
	char err[256] = "";

	if (!tf_parse_text(text, &a, err, sizeof(err))) {
		fprintf(stderr, "  parsed, expected an error: %s\n", text);
		return false;
	}
	if (!strstr(err, want)) {
		fprintf(stderr, "  error '%s' does not say '%s'\n", err, want);
		return false;
	}
	return true;
}

static bool test_text_errors_are_clear(void)
{
	ASSERT_TRUE(parse_error_is("frobnicate\n", "line 1: unknown op 'frobnicate'"));
	ASSERT_TRUE(parse_error_is("machine cpus=2\nalloc cpu=2\n", "line 2: cpu=2 is out of range [0, 1]"));
	ASSERT_TRUE(parse_error_is("machine section_pages=16\nalloc order=5\n", "order=5 is out of range [0, 4]"));
	ASSERT_TRUE(parse_error_is("alloc order=x\n", "order=x is not a number"));
	ASSERT_TRUE(parse_error_is("alloc colour=red\n", "unexpected 'colour'"));
	ASSERT_TRUE(parse_error_is("pext_init\nmachine cpus=2\n", "machine line must come first"));
	ASSERT_TRUE(parse_error_is("machine sections=65\n", "sections=65 is out of range"));
	ASSERT_TRUE(parse_error_is("machine section_pages=48\n", "must be 16, 32, 64 or 128"));
	ASSERT_TRUE(parse_error_is("machine sections=1 nodes=2\n",
				   "nodes=2 with sections=1: every node needs a section of its own"));
	ASSERT_TRUE(parse_error_is("machine sections=8 nodes=5\n", "nodes=5 is out of range"));
	ASSERT_TRUE(parse_error_is("machine sections=2\npext_online\n", "missing section="));
	ASSERT_TRUE(parse_error_is("alloc gfp=weird\n", "gfp=weird"));
	ASSERT_TRUE(parse_error_is("machine wibble=1\n", "unexpected 'wibble'"));
	ASSERT_TRUE(parse_error_is("fail_next n=0 skip=2\n", "skip= needs n= above 0"));
	ASSERT_TRUE(parse_error_is("start pressure level=1\n", "pressure cannot be started"));
	ASSERT_TRUE(parse_error_is("start\n", "start needs an op after it"));
	ASSERT_TRUE(parse_error_is("run at=5 at2=5\n", "at2=5 needs at= and must lie in"));
	return true;
}

static bool test_directives(void)
{
	char val[64];

	ASSERT_TRUE(tf_text_directive("# note\n  # expect: model:x [y]  \npext_init\n", "expect",
				      val, sizeof(val)));
	ASSERT_STREQ(val, "model:x [y]");
	ASSERT_FALSE(tf_text_directive("# expected: no\n", "expect", val, sizeof(val)));
	return true;
}

/*
 * The op codes are what saved inputs mean (fuzz/codec.c, the op table and
 * its compatibility rule): pinned here, per mode.  A new op appends a
 * code in each mode that has it; changing a line below breaks every
 * corpus saved before.
 */
static bool test_op_codes_are_pinned(void)
{
	static const struct { enum tf_op_kind kind; int code[TF_NR_MODES]; } pinned[] = {
		{ TF_OP_ALLOC, { 0, 0, 0 } },		{ TF_OP_FREE, { 1, 1, 1 } },
		{ TF_OP_SPLIT, { 2, 2, 2 } },		{ TF_OP_FREE_EXACT, { 3, 3, 3 } },
		{ TF_OP_PEXT_ONLINE, { 4, 4, 4 } },	{ TF_OP_PEXT_INIT, { 5, 5, 5 } },
		{ TF_OP_PRESSURE, { 6, 6, 6 } },	{ TF_OP_FAIL_NEXT, { 7, 7, 7 } },
		{ TF_OP_CPU_UP, { 8, 8, 8 } },		{ TF_OP_CPU_DOWN, { 9, 9, 9 } },
		{ TF_OP_BURST, { 10, 10, 10 } },	{ TF_OP_DRAIN, { 11, 11, 11 } },
		{ TF_OP_MIGRATE, { 12, 12, 12 } },	{ TF_OP_START, { 13, 13, 13 } },
		{ TF_OP_RUN, { 14, 14, 14 } },		{ TF_OP_PREEMPT, { 15, 15, 15 } },
		{ TF_OP_TAGALLOC, { -1, 16, -1 } },	{ TF_OP_MOD_LOAD, { -1, 17, -1 } },
		{ TF_OP_MOD_UNLOAD, { -1, 18, -1 } },	{ TF_OP_PGFLAG, { -1, 19, -1 } },
		{ TF_OP_PROF_SHUTDOWN, { -1, 20, -1 } }, { TF_OP_PROF_SYSCTL, { -1, 21, -1 } },
		{ TF_OP_ISOLATE, { -1, -1, 16 } },	{ TF_OP_FREE_BATCH, { -1, -1, 17 } },
		{ TF_OP_FREE_NOLOCK, { -1, -1, 18 } },
		{ TF_OP_MEM_ONLINE, { 20, 26, 23 } },	{ TF_OP_MEM_OFFLINE, { 21, 27, 24 } },
		{ TF_OP_GET_PAGE, { 16, 22, 19 } },	{ TF_OP_PUT_PAGE, { 17, 23, 20 } },
		{ TF_OP_POISON, { 18, 24, 21 } },	{ TF_OP_UNPOISON, { 19, 25, 22 } },
	};
	for (size_t i = 0; i < ARRAY_LEN(pinned); i++)
		for (int mode = 0; mode < TF_NR_MODES; mode++)
			ASSERT_EQ(tf_op_code(pinned[i].kind, mode), pinned[i].code[mode]);
	/* Each mode's codes are 0..n-1, each once, and every op has a mode. */
	for (int mode = 0; mode < TF_NR_MODES; mode++) {
		int n = tf_mode_nr_codes(mode), seen[64] = { 0 };

		for (int k = 0; k < TF_NR_OPS; k++) {
			int c = tf_op_code(k, mode);

			if (c < 0)
				continue;
			ASSERT_TRUE(c < n);
			ASSERT_EQ(seen[c]++, 0);
		}
		for (int c = 0; c < n; c++)
			ASSERT_EQ(seen[c], 1);
	}
	ASSERT_EQ(tf_mode_nr_codes(TF_MODE_BASE), 22);
	ASSERT_EQ(tf_mode_nr_codes(TF_MODE_PGFLAGS), 28);
	ASSERT_EQ(tf_mode_nr_codes(TF_MODE_PCP), 25);
	for (int k = 0; k < TF_NR_OPS; k++) {
		bool any = false;

		for (int mode = 0; mode < TF_NR_MODES; mode++)
			any |= tf_op_code(k, mode) >= 0;
		ASSERT_TRUE(any);
	}
	/*
	 * Which ops `start` can put in flight.  An op may become startable
	 * (the codec's compatibility rule; test_codec_compat leaves out the
	 * saved byte strings with a start before it), never the other way.
	 */
	for (int k = 0; k < TF_NR_OPS; k++) {
		bool want = !(k == TF_OP_PRESSURE || k == TF_OP_FAIL_NEXT || k == TF_OP_START ||
			      k == TF_OP_RUN || k == TF_OP_PREEMPT || k == TF_OP_PROF_SHUTDOWN ||
			      k == TF_OP_PROF_SYSCTL || k == TF_OP_ISOLATE ||
			      k == TF_OP_POISON || k == TF_OP_UNPOISON);

		if (tf_op_kind_can_start(k) != want) {
			fprintf(stderr, "  op kind %d: can_start %d, pinned %d\n", k,
				tf_op_kind_can_start(k), want);
			return false;
		}
	}
	return true;
}

/* Every op's text form parses back to it, one line alone (tf_parse_op_line). */
static bool test_every_op_formats_and_parses(void)
{
	static const char *const machines[] = {
		"machine section_pages=64 sections=4 cpus=4",
		"machine section_pages=64 sections=4 cpus=4 pgflag_bits=12 kernel_tags=5000",
		"machine section_pages=64 sections=4 cpus=4 pcp=split",
	};
	char err[256], line[256], again[256];
	struct tf_machine m;
	struct tf_op op, back;

	for (int mode = 0; mode < TF_NR_MODES; mode++) {
		int seen[TF_NR_OPS] = { 0 };

		ASSERT_EQ(tf_parse_machine_line(machines[mode], &m, err, sizeof(err)), 0);
		ASSERT_EQ(tf_machine_mode(&m), mode);
		for (int iter = 0; iter < 20000; iter++) {
			uint8_t b[TF_OP_BYTES];

			for (int i = 0; i < TF_OP_BYTES; i++)
				b[i] = (uint8_t)next_rand();
			tf_decode_op(&m, b, &op);
			seen[op.kind]++;
			if (op.kind == TF_OP_START)
				continue;
			tf_format_op(&op, line, sizeof(line));
			if (tf_parse_op_line(&m, line, &back, err, sizeof(err))) {
				fprintf(stderr, "  %s: %s\n", line, err);
				return false;
			}
			tf_format_op(&back, again, sizeof(again));
			ASSERT_STREQ(again, line);
			ASSERT_TRUE(!memcmp(&op, &back, sizeof(op)));
		}
		for (int k = 0; k < TF_NR_OPS; k++)
			ASSERT_EQ(!!seen[k], tf_op_code(k, mode) >= 0);
	}
	return true;
}

/*
 * Header byte 2 bits 3-4 are the nodes, clamped to the sections; the
 * sections spread over the nodes in contiguous ranges, node order = pfn
 * order; CPUs sit on node cpu % nodes.
 */
static bool test_numa_nodes(void)
{
	uint8_t hdr[TF_HDR_BYTES] = { 0, 4, 0x18 | 5 };
	struct tf_machine m = { .nr_sections = 5, .nr_nodes = 2 };
	char err[256];

	tf_decode(hdr, sizeof(hdr), &a);
	ASSERT_EQ(a.m.nr_cpus, 6);
	ASSERT_EQ(a.m.nr_nodes, 4);
	hdr[1] = 2;			/* 3 sections: 3 nodes at most */
	tf_decode(hdr, sizeof(hdr), &a);
	ASSERT_EQ(a.m.nr_nodes, 3);
	ASSERT_EQ(tf_encode(&a, buf, sizeof(buf)), TF_HDR_BYTES);
	ASSERT_EQ(buf[2], 0x10 | 5);	/* what the clamp gave */
	hdr[2] = 5;			/* no nodes bits: one node, as before */
	tf_decode(hdr, sizeof(hdr), &a);
	ASSERT_EQ(a.m.nr_nodes, 1);

	ASSERT_EQ(tf_machine_section_nid(&m, 0), 0);
	ASSERT_EQ(tf_machine_section_nid(&m, 1), 0);
	ASSERT_EQ(tf_machine_section_nid(&m, 2), 1);
	ASSERT_EQ(tf_machine_section_nid(&m, 4), 1);
	ASSERT_EQ(tf_machine_section_nid(&m, 9), 1);	/* past the boot memory: the last node */
	ASSERT_EQ(tf_machine_cpu_nid(&m, 3), 1);
	m.nr_nodes = 0;					/* reads as one node */
	ASSERT_EQ(tf_machine_section_nid(&m, 4), 0);

	ASSERT_EQ(tf_parse_text("machine sections=4 cpus=2 nodes=4\n", &b, err, sizeof(err)), 0);
	ASSERT_EQ(b.m.nr_nodes, 4);
	ASSERT_EQ(tf_encode(&b, buf, sizeof(buf)), TF_HDR_BYTES);
	ASSERT_EQ(buf[2], 0x18 | 1);
	return true;
}

const struct test_case tests_codec[] = {
	TEST(test_numa_nodes),
	TEST(test_decode_empty_input),
	TEST(test_decode_partial_op_reads_zeroes),
	TEST(test_decode_total_over_random_bytes),
	TEST(test_byte_round_trip),
	TEST(test_text_round_trip),
	TEST(test_truncation_is_reported),
	TEST(test_text_parses_every_op),
	TEST(test_burst_size_classes),
	TEST(test_text_errors_are_clear),
	TEST(test_directives),
	TEST(test_op_codes_are_pinned),
	TEST(test_every_op_formats_and_parses),
};
const size_t nr_tests_codec = ARRAY_LEN(tests_codec);
