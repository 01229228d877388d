// SPDX-License-Identifier: GPL-2.0
/*
 * stress: the ThreadSanitizer mode.  The scenarios of the given
 * directories (text, bug switches left off) and random scenarios decoded
 * from a fixed-seed generator run over and over for the time given, each
 * started op on a real thread for its CPU (target/sim/sched_threads.c).
 * ThreadSanitizer reports any data race in the port and stops the run;
 * the reference model is not consulted (its expectations assume the
 * sequentially consistent schedules of the fiber scheduler), the kernel's
 * checks are counted and printed.  Exit: 0 clean, 1 a BUG, 2 usage.
 *
 * --probe NAME turns on one probe of tagfuzz/racy.h (a new plain access
 * next to a race fuzz/tsan.supp lets through, which must be reported);
 * --no-random runs the given scenarios only (tests/tsan_narrow.sh).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "tagfuzz/events.h"
#include "tagfuzz/racy.h"
#include "tagfuzz/sim.h"

#define MAX_FILES	1024
#define MAX_SITES	16

static struct tf_scenario *scenarios[MAX_FILES];
static struct tf_scenario random_scenario;
static int nr_scenarios;
static char *names[MAX_FILES];
static int nr_names;

static pthread_mutex_t sites_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char site[96];
	unsigned long count;
} sites[MAX_SITES];
static int nr_sites;
static unsigned long nr_checks, nr_bugs;

/* Kernel checks arrive from every CPU's thread at once. */
static void sink(const struct tf_event *ev)
{
	int i;

	if (ev->kind != TF_EV_CHECK)
		return;
	pthread_mutex_lock(&sites_lock);
	nr_checks++;
	if (ev->check == TF_CHECK_BUG || ev->check == TF_CHECK_DEADLOCK ||
	    ev->check == TF_CHECK_RECURSION)
		nr_bugs++;
	for (i = 0; i < nr_sites; i++)
		if (!strcmp(sites[i].site, ev->site))
			break;
	if (i == nr_sites && nr_sites < MAX_SITES)
		snprintf(sites[nr_sites++].site, sizeof(sites[0].site), "%s", ev->site);
	if (i < nr_sites)
		sites[i].count++;
	pthread_mutex_unlock(&sites_lock);
}

static void run(const struct tf_scenario *s)
{
	jmp_buf jb;

	tf_bug_jmp = &jb;
	if (setjmp(jb)) {
		tf_bug_jmp = NULL;
		return;		/* counted by the sink */
	}
	tf_sim_set_machine(&s->m);
	tf_machine_boot(&s->m);
	for (size_t i = 0; i < s->nr_ops; i++)
		tf_sim_exec(&s->ops[i]);
	tf_sim_teardown();
	tf_bug_jmp = NULL;
}

/*
 * This mode checks the current upstream port as the foundation runs it:
 * the stock early-PFN tracker with refs in page_ext, and PCP mode on both
 * free paths (seed 004's flag race is suppressed as F17).  Historical
 * tracker variants (several race by design) and the page-flag mode are
 * left out.
 */
static bool stock(const struct tf_machine *m)
{
	return !m->tracker && !m->pgflag_bits;
}

static void make_stock(struct tf_machine *m)
{
	m->tracker = 0;
	m->pgflag_bits = 0;
	m->pgflags_variant = 0;
	m->kernel_tags = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int first = nr_names;

	if (!d) {
		fprintf(stderr, "stress: %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	while ((de = readdir(d)) && nr_names < MAX_FILES) {
		size_t n = strlen(de->d_name);
		char path[4096];

		if (n < 5 || strcmp(de->d_name + n - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		names[nr_names++] = strdup(path);
	}
	closedir(d);
	qsort(names + first, nr_names - first, sizeof(names[0]), cmp_str);
}

static void parse_all(void)
{
	if (nr_names == MAX_FILES)
		fprintf(stderr, "stress: more than %d scenario files; the first %d are used\n",
			MAX_FILES, MAX_FILES);
	for (int i = 0; i < nr_names; i++) {
		char err[256], bugs[64];
		size_t size;
		char *text = tf_read_file(names[i], &size);

		if (!text) {
			fprintf(stderr, "stress: %s: %s\n", names[i], strerror(errno));
			exit(2);
		}
		/* Bug switches belong to the fuzz targets, not to this mode. */
		if (tf_text_directive(text, "bugs", bugs, sizeof(bugs))) {
			free(text);
			continue;
		}
		scenarios[nr_scenarios] = malloc(sizeof(struct tf_scenario));
		if (!scenarios[nr_scenarios]) {
			fprintf(stderr, "stress: out of memory\n");
			exit(2);
		}
		if (tf_parse_text(text, scenarios[nr_scenarios], err, sizeof(err))) {
			fprintf(stderr, "stress: %s: %s\n", names[i], err);
			exit(2);
		}
		free(text);
		/* The stock configuration only: see stock() below. */
		if (!stock(&scenarios[nr_scenarios]->m)) {
			free(scenarios[nr_scenarios]);
			continue;
		}
		nr_scenarios++;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const probe_names[NR_TF_PROBES] = {
#define P(name)	[TF_PROBE_##name] = #name
	P(none), P(clear_get_ref), P(clear_update_ref), P(wmark_nr_free), P(zone_set_wmarks),
	P(page_type_offline), P(commit_high_min), P(drain_pcp_count), P(page_ext_zero),
	P(set_inaccurate), P(pcp_flags_set_dead), P(pcp_flags_clear_dead),
#undef P
};

static int usage(void)
{
	fprintf(stderr, "usage: stress [--probe NAME] [--no-random] SECONDS [DIR...]\nprobes:");
	for (int i = 1; i < NR_TF_PROBES; i++)
		fprintf(stderr, " %s", probe_names[i]);
	fprintf(stderr, "\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long runs = 0, rng = 0x2545f4914f6cdd1dul;
	bool random_too = true;
	double secs, t0;
	uint8_t bytes[256];
	int a = 1;

	for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
		if (!strcmp(argv[a], "--no-random")) {
			random_too = false;
		} else if (!strcmp(argv[a], "--probe") && a + 1 < argc) {
			for (tf_racy_probe = NR_TF_PROBES - 1; tf_racy_probe > 0; tf_racy_probe--)
				if (!strcmp(probe_names[tf_racy_probe], argv[a + 1]))
					break;
			if (!tf_racy_probe)
				return usage();
			a++;
		} else {
			return usage();
		}
	}
	if (a >= argc || (secs = atof(argv[a])) <= 0)
		return usage();
	for (int i = a + 1; i < argc; i++)
		load_dir(argv[i]);
	parse_all();
	tf_event_sink = sink;
	tf_trace_enabled = false;

	t0 = now();
	do {
		for (int i = 0; i < nr_scenarios; i++, runs++)
			run(scenarios[i]);
		/* And as many random ones, so each pass sees new interleavings. */
		for (int i = 0; random_too && i < nr_scenarios + 1; i++, runs++) {
			for (size_t k = 0; k < sizeof(bytes); k++) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				bytes[k] = (uint8_t)rng;
			}
			tf_decode(bytes, sizeof(bytes), &random_scenario);
			make_stock(&random_scenario.m);
			run(&random_scenario);
		}
	} while (now() - t0 < secs);

	printf("stress: %lu runs of %d scenarios and random ones in %.0f s; "
	       "%lu kernel checks, %lu BUGs\n", runs, nr_scenarios, now() - t0, nr_checks, nr_bugs);
	for (int i = 0; i < nr_sites; i++)
		printf("  %6lu x %s\n", sites[i].count, sites[i].site);
	printf("stress: no data race reported by ThreadSanitizer%s\n",
	       nr_bugs ? ", but a BUG fired" : "");
	return nr_bugs ? 1 : 0;
}
