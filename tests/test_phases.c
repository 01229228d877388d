// SPDX-License-Identifier: GPL-2.0
/*
 * Boot phases (fuzz/phases.c): the decoder maps every input onto an
 * order the configuration allows, the text parser refuses the others,
 * and the runs themselves keep to it -- checked on the decoded ops and
 * on the events of each run.
 */
#include <stdint.h>

#include "codec.h"
#include "phases.h"
#include "run.h"
#include "test.h"

static struct tf_scenario sc;
static struct tf_verdict v;
static uint8_t in[TF_HDR_BYTES + 48 * TF_OP_BYTES];
static uint64_t rng = 0x5eed0fb007ULL;

static uint64_t next_rand(void)
{
	return test_rand(&rng);
}

/* Random ops on a page_ext-mode machine (no PCP, no page flags, no what-if). */
static size_t random_input(bool debug, bool early_page_ext)
{
	size_t len = TF_HDR_BYTES + (next_rand() % 48) * TF_OP_BYTES;

	for (size_t i = 0; i < len; i++)
		in[i] = (uint8_t)next_rand();
	in[0] &= ~(0x04 | 0x08 | 0x80);			/* debug, profiling on */
	if (!debug)
		in[0] |= 0x04 | (early_page_ext ? 0x80 : 0);
	in[1] = in[1] % 4 | (in[1] & 0xc0);		/* 1..4 sections, 0..3 hotplug ones */
	in[2] = 1 + in[2] % 7;				/* 2..8 CPUs */
	in[3] = 0;					/* the current tracker */
	in[4] = 0;
	in[5] = 0;
	/* Light bursts: count 1..16, one round. */
	for (size_t i = TF_HDR_BYTES; i + 3 < len; i += TF_OP_BYTES)
		if (in[i] % tf_mode_nr_codes(TF_MODE_BASE) == tf_op_code(TF_OP_BURST, TF_MODE_BASE))
			in[i + 2] |= 0xc0;
	return len;
}

/* What the events of one run showed. */
static struct {
	bool pext_done;		/* TF_EV_PEXT_INIT_DONE seen */
	bool in_pext;		/* between the first section and the end of page_ext_init() */
	long other_cpu_early;	/* events of a CPU but 0 before page_ext_init() returned */
	long other_cpu_in_pext;	/* ... while sections came online */
} seen;

static void watch_event(void *arg, const struct tf_event *ev, long op)
{
	if (ev->kind == TF_EV_PEXT_ONLINE)
		seen.in_pext = true;
	if (ev->kind == TF_EV_PEXT_INIT_DONE) {
		seen.pext_done = true;
		seen.in_pext = false;
	}
	if (ev->cpu == 0 || seen.pext_done)
		return;
	seen.other_cpu_early++;
	if (seen.in_pext)
		seen.other_cpu_in_pext++;
}

static void watch_check(void *arg, const struct tf_event *ev, const char *sig, const char *known)
{
}

static void watch_teardown(void *arg)
{
}

static const struct tf_run_watch watch = {
	.event = watch_event, .check = watch_check, .teardown = watch_teardown,
};

static void run_watched(void)
{
	struct tf_run_opts o = { .watch = &watch };

	memset(&seen, 0, sizeof(seen));
	tf_run(&sc, &o, &v);
}

/* Index of the op after which page_ext_init() has returned, or nr_ops. */
static size_t pext_done_at(const struct tf_scenario *s)
{
	for (size_t i = 0; i < s->nr_ops; i++)
		if (s->ops[i].kind == TF_OP_PEXT_INIT && !s->ops[i].async)
			return i;
	return s->nr_ops;
}

/*
 * Debug kernels (and early_page_ext=1): before page_ext_init() returns no
 * op is started, no CPU comes up or goes down, nothing migrates, and no
 * event comes from a CPU other than the boot CPU.
 */
static bool test_phases_early_boot_is_the_boot_cpu_alone(void)
{
	long runs_with_early_ops = 0, runs_with_smp = 0;

	for (int iter = 0; iter < 300; iter++) {
		size_t len = random_input(iter % 3 != 0, true), done;

		tf_decode(in, len, &sc);
		ASSERT_TRUE(sc.m.early_page_ext);
		done = pext_done_at(&sc);
		for (size_t i = 0; i < done; i++) {
			const struct tf_op *op = &sc.ops[i];

			ASSERT_FALSE(op->async);
			ASSERT_TRUE(op->kind != TF_OP_CPU_UP && op->kind != TF_OP_CPU_DOWN &&
				    op->kind != TF_OP_MIGRATE);
		}
		runs_with_early_ops += done > 2;
		run_watched();
		if (seen.other_cpu_early) {
			fprintf(stderr, "  CPU other than 0 ran before page_ext_init() returned:\n");
			tf_print_scenario(stderr, &sc);
			return false;
		}
		ASSERT_TRUE(seen.pext_done || v.ended_by_bug || tf_verdict_first_new(&v, false));
		runs_with_smp += sc.nr_ops > done + 1;
	}
	/* The check is not empty: both phases occur. */
	ASSERT_TRUE(runs_with_early_ops > 30);
	ASSERT_TRUE(runs_with_smp > 30);
	return true;
}

/*
 * Deferred page_ext (non-debug, early_page_ext=0): page_ext_init() runs
 * after smp_init(), and other CPUs do run while sections come online.
 */
static bool test_phases_deferred_page_ext_runs_with_cpus(void)
{
	long runs = 0;

	for (int iter = 0; iter < 400; iter++) {
		size_t len = random_input(false, false);

		/* smp_init() first: two CPUs come up, then a section. */
		if (len < TF_HDR_BYTES + 3 * TF_OP_BYTES)
			len = TF_HDR_BYTES + 3 * TF_OP_BYTES;
		memcpy(in + TF_HDR_BYTES, (const uint8_t[]){ TF_OP_CPU_UP, 1, 0, 1,
							     TF_OP_CPU_UP, 2, 0, 1,
							     TF_OP_PEXT_ONLINE, 0, 0, 0 },
		       3 * TF_OP_BYTES);
		tf_decode(in, len, &sc);
		ASSERT_FALSE(sc.m.early_page_ext);
		run_watched();
		runs += seen.other_cpu_in_pext > 0;
	}
	ASSERT_TRUE(runs > 100);
	return true;
}

/* The decoder's mappings, op by op. */
static bool test_phases_decoder_maps_impossible_orders(void)
{
	/* alloc; pext_online 0; free: the free waits for page_ext_init(). */
	const uint8_t f1[] = { 0, 0, 1, 0, 0, 0, 0, 0,
			       TF_OP_ALLOC, 0, 1, 0,
			       TF_OP_PEXT_ONLINE, 0, 0, 0,
			       TF_OP_FREE, 0, 0, 0 };
	/* cpu_up first; start alloc on it. */
	const uint8_t up[] = { 0, 0, 1, 0, 0, 0, 0, 0,
			       TF_OP_CPU_UP, 1, 0, 0,
			       TF_OP_START, 0, 0, 0,
			       TF_OP_ALLOC, 1, 1, 0,
			       TF_OP_RUN, 0, 0, 0 };
	uint8_t what_if[sizeof(f1)];

	tf_decode(f1, sizeof(f1), &sc);
	ASSERT_EQ(sc.nr_ops, 4);
	ASSERT_EQ(sc.ops[2].kind, TF_OP_PEXT_INIT);
	ASSERT_EQ(sc.ops[3].kind, TF_OP_FREE);
	run_watched();
	ASSERT_EQ(v.nr, 0);

	/* The same bytes in the what-if mode keep their order: F1. */
	memcpy(what_if, f1, sizeof(f1));
	what_if[5] |= 0x40;
	tf_decode(what_if, sizeof(what_if), &sc);
	ASSERT_EQ(sc.m.what_if, TF_WHAT_IF_SMP_EARLY_BOOT);
	ASSERT_EQ(sc.nr_ops, 3);
	ASSERT_EQ(sc.ops[2].kind, TF_OP_FREE);
	tf_decode_what_if(f1, sizeof(f1), TF_WHAT_IF_SMP_EARLY_BOOT, &sc);
	ASSERT_EQ(sc.nr_ops, 3);

	tf_decode(up, sizeof(up), &sc);
	ASSERT_EQ(sc.nr_ops, 4);
	ASSERT_EQ(sc.ops[0].kind, TF_OP_PEXT_INIT);
	ASSERT_EQ(sc.ops[1].kind, TF_OP_CPU_UP);
	ASSERT_TRUE(sc.ops[2].async);	/* at runtime a start stays a start */

	/* Before page_ext_init() a start runs at once. */
	{
		const uint8_t early_start[] = { 0, 0, 1, 0, 0, 0, 0, 0,
						TF_OP_START, 0, 0, 0,
						TF_OP_ALLOC, 0, 1, 0 };

		tf_decode(early_start, sizeof(early_start), &sc);
		ASSERT_EQ(sc.nr_ops, 1);
		ASSERT_FALSE(sc.ops[0].async);
	}

	/* Deferred page_ext: cpu_up before page_ext_init() is smp_init(). */
	{
		const uint8_t deferred[] = { 0x04, 0, 1, 0, 0, 0, 0, 0,
					     TF_OP_CPU_UP, 1, 0, 0,
					     TF_OP_PEXT_ONLINE, 0, 0, 0,
					     TF_OP_CPU_DOWN, 1, 0, 0 };

		tf_decode(deferred, sizeof(deferred), &sc);
		ASSERT_FALSE(sc.m.early_page_ext);
		ASSERT_EQ(sc.nr_ops, 4);
		ASSERT_EQ(sc.ops[0].kind, TF_OP_CPU_UP);
		ASSERT_EQ(sc.ops[1].kind, TF_OP_PEXT_ONLINE);
		ASSERT_EQ(sc.ops[2].kind, TF_OP_PEXT_INIT);	/* no hotplug inside it */
		ASSERT_EQ(sc.ops[3].kind, TF_OP_CPU_DOWN);
	}
	return true;
}

/* A text that asks for an impossible order: an error naming the line and the rule. */
static bool test_phases_text_errors_name_the_rule(void)
{
	char err[256];

	ASSERT_EQ(tf_parse_text("machine cpus=2\nalloc order=0\ncpu_up cpu=1\n", &sc, err,
				sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "line 3: cpu_up before page_ext_init: a debug kernel") == err);
	ASSERT_TRUE(strstr(err, "(what_if=smp-early-boot allows it)") != NULL);
	ASSERT_EQ(tf_parse_text("machine cpus=2 what_if=smp-early-boot\ncpu_up cpu=1\n", &sc,
				err, sizeof(err)), 0);
	ASSERT_EQ(tf_parse_text_what_if("machine cpus=2\ncpu_up cpu=1\n",
					TF_WHAT_IF_SMP_EARLY_BOOT, &sc, err, sizeof(err)), 0);

	ASSERT_EQ(tf_parse_text("machine cpus=2\nstart alloc order=0\n", &sc, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "line 2: start alloc before page_ext_init") == err);

	ASSERT_EQ(tf_parse_text("machine sections=2\nalloc\npext_online section=0\nfree idx=0\n",
				&sc, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "line 4: free inside page_ext_init") == err);

	ASSERT_EQ(tf_parse_text("machine cpus=2 debug=0\npext_online section=0\ncpu_up cpu=1\n",
				&sc, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "line 3: cpu_up during page_ext_init") == err);
	ASSERT_EQ(tf_parse_text("machine cpus=2 debug=0\ncpu_up cpu=1\nstart alloc cpu=1\n"
				"pext_online section=0\nrun\n", &sc, err, sizeof(err)), 0);

	ASSERT_EQ(tf_parse_text("machine debug=1 early_page_ext=0\n", &sc, err, sizeof(err)), -1);
	ASSERT_TRUE(strstr(err, "early_page_ext=0 with debug=1") != NULL);
	ASSERT_EQ(tf_parse_text("machine what_if=sometimes\n", &sc, err, sizeof(err)), -1);
	return true;
}

/*
 * Memory hotplug: after boot only (the what-if mode too), and never in
 * flight beside CPU hotplug (mem_hotplug_begin() takes cpus_read_lock()):
 * the text refuses, the decoder runs the start at once.
 */
static bool test_phases_memory_hotplug_rules(void)
{
	static const char *const machines[] = {
		"machine sections=2 hotplug_sections=1 cpus=2\n",
		"machine sections=2 hotplug_sections=1 cpus=2 debug=0\n",
		"machine sections=2 hotplug_sections=1 cpus=2 what_if=smp-early-boot\n",
	};
	char err[256], text[512];

	for (size_t i = 0; i < ARRAY_LEN(machines); i++) {
		snprintf(text, sizeof(text), "%smem_online section=2\n", machines[i]);
		ASSERT_EQ(tf_parse_text(text, &sc, err, sizeof(err)), -1);
		ASSERT_TRUE(strstr(err, "line 2: mem_online before page_ext_init") == err);
		ASSERT_TRUE(strstr(err, "allows it") == NULL);
		snprintf(text, sizeof(text), "%spext_init\nstart cpu_up cpu=1\n"
			 "start mem_offline section=1\n", machines[i]);
		ASSERT_EQ(tf_parse_text(text, &sc, err, sizeof(err)), -1);
		ASSERT_TRUE(strstr(err, "line 4: start mem_offline beside CPU hotplug") == err);
		snprintf(text, sizeof(text), "%spext_init\nstart mem_online section=2\n"
			 "start cpu_up cpu=1\n", machines[i]);
		ASSERT_EQ(tf_parse_text(text, &sc, err, sizeof(err)), -1);
		ASSERT_TRUE(strstr(err, "line 4: start cpu_up beside CPU hotplug") == err);
		snprintf(text, sizeof(text), "%spext_init\nstart mem_online section=2\nrun\n"
			 "start cpu_up cpu=1\nstart alloc cpu=0\nrun\n", machines[i]);
		ASSERT_EQ(tf_parse_text(text, &sc, err, sizeof(err)), 0);
	}

	/* Bytes: a pext_init goes in before; a start beside CPU hotplug runs at once. */
	memset(in, 0, sizeof(in));
	in[1] = 1 | 0x40;			/* 2 sections and a hotplug one */
	in[2] = 1;				/* 2 CPUs */
	in[8] = tf_op_code(TF_OP_MEM_ONLINE, TF_MODE_BASE);
	in[11] = 2;
	in[12] = tf_op_code(TF_OP_START, TF_MODE_BASE);
	in[16] = tf_op_code(TF_OP_CPU_UP, TF_MODE_BASE);
	in[17] = 1;
	in[20] = tf_op_code(TF_OP_START, TF_MODE_BASE);
	in[24] = tf_op_code(TF_OP_MEM_OFFLINE, TF_MODE_BASE);
	in[27] = 1;
	tf_decode(in, 28, &sc);
	ASSERT_EQ(sc.m.hotplug_sections, 1);
	ASSERT_EQ(sc.nr_ops, 4);
	ASSERT_EQ(sc.ops[0].kind, TF_OP_PEXT_INIT);
	ASSERT_EQ(sc.ops[1].kind, TF_OP_MEM_ONLINE);
	ASSERT_EQ(sc.ops[1].n, 2);
	ASSERT_EQ(sc.ops[2].kind, TF_OP_CPU_UP);
	ASSERT_TRUE(sc.ops[2].async);
	ASSERT_EQ(sc.ops[3].kind, TF_OP_MEM_OFFLINE);
	ASSERT_TRUE(!sc.ops[3].async);
	return true;
}

/* The decoded text says where each phase begins, and parses back. */
static bool test_phases_printed_text_names_phases(void)
{
	static char text[4096];
	struct tf_scenario back;
	char err[256];
	FILE *f;

	ASSERT_EQ(tf_parse_text("machine sections=2 cpus=2\nalloc\npext_online section=0\n"
				"alloc\npext_init\ncpu_up cpu=1\n", &sc, err, sizeof(err)), 0);
	f = fmemopen(text, sizeof(text), "w");
	ASSERT_TRUE(f != NULL);
	tf_print_scenario(f, &sc);
	fclose(f);
	ASSERT_TRUE(strstr(text, "# phase early: start_kernel() on the boot CPU alone") != NULL);
	ASSERT_TRUE(strstr(text, "# phase page_ext_init: mm_core_init() walks the sections") != NULL);
	ASSERT_TRUE(strstr(text, "pext_init\n# phase runtime:") != NULL);
	ASSERT_EQ(tf_parse_text(text, &back, err, sizeof(err)), 0);
	ASSERT_EQ(back.nr_ops, sc.nr_ops);
	return true;
}

/* What-if findings say so, and what-if-only known findings are known only there. */
static bool test_phases_what_if_findings_are_labelled(void)
{
	const char *f1 = "check:WARN:alloc_tag was not set [early-before-clear]";
	uint8_t hdr[TF_HDR_BYTES] = { [5] = 0x40 };

	ASSERT_TRUE(tf_known_reason(f1, true) != NULL);
	ASSERT_TRUE(tf_known_reason(f1, false) == NULL);
	/* A finding real kernels have is known in both. */
	ASSERT_TRUE(tf_known_reason("model:tracker-tag-drift", false) != NULL);
	ASSERT_TRUE(tf_known_reason("model:tracker-tag-drift", true) != NULL);

	/* Default fuzzing passes over inputs that name a what-if mode. */
	ASSERT_FALSE(tf_fuzz_decode(hdr, sizeof(hdr), TF_WHAT_IF_NONE, &sc));
	ASSERT_TRUE(tf_fuzz_decode(hdr, sizeof(hdr), TF_WHAT_IF_SMP_EARLY_BOOT, &sc));
	hdr[5] = 0;
	ASSERT_TRUE(tf_fuzz_decode(hdr, sizeof(hdr), TF_WHAT_IF_NONE, &sc));
	ASSERT_EQ(sc.m.what_if, TF_WHAT_IF_NONE);
	ASSERT_TRUE(tf_fuzz_decode(hdr, sizeof(hdr), TF_WHAT_IF_SMP_EARLY_BOOT, &sc));
	ASSERT_EQ(sc.m.what_if, TF_WHAT_IF_SMP_EARLY_BOOT);
	return true;
}

/* A scenario built by hand against the order is a harness finding, not a run. */
static bool test_phases_runner_refuses_impossible_order(void)
{
	struct tf_run_opts o = { 0 };

	memset(&sc, 0, sizeof(sc));
	sc.m = (struct tf_machine){ .section_pages = 64, .nr_sections = 2, .nr_cpus = 2,
				    .debug = true, .profiling = true, .early_page_ext = true };
	sc.ops[0] = (struct tf_op){ .kind = TF_OP_CPU_UP, .cpu = 1 };
	sc.nr_ops = 1;
	tf_run(&sc, &o, &v);
	ASSERT_TRUE(v.nr >= 1);
	ASSERT_STREQ(v.f[0].sig, "harness:boot-order");
	ASSERT_EQ(v.f[0].op, 0);
	sc.m.what_if = TF_WHAT_IF_SMP_EARLY_BOOT;
	tf_run(&sc, &o, &v);
	ASSERT_EQ(v.nr, 0);
	return true;
}

const struct test_case tests_phases[] = {
	TEST(test_phases_early_boot_is_the_boot_cpu_alone),
	TEST(test_phases_deferred_page_ext_runs_with_cpus),
	TEST(test_phases_decoder_maps_impossible_orders),
	TEST(test_phases_text_errors_name_the_rule),
	TEST(test_phases_printed_text_names_phases),
	TEST(test_phases_what_if_findings_are_labelled),
	TEST(test_phases_runner_refuses_impossible_order),
	TEST(test_phases_memory_hotplug_rules),
};
const size_t nr_tests_phases = ARRAY_LEN(tests_phases);
