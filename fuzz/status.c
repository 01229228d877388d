// SPDX-License-Identifier: GPL-2.0
/* A fuzzing process's running counts (status.h). */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "status.h"
#include "tagfuzz/strmatch.h"

#define MAX_IDS		32
#define FLUSH_EVERY_NS	1000000000L

static int state;		/* 0: not looked, 1: on, -1: off */
static const char *path;
static bool listed;
static unsigned long execs;
static struct {
	char id[8];
	unsigned long n;
	bool cause_written;
	char cause[256];
} ids[MAX_IDS];
static int nr_ids;
static struct timespec last;

/* A forked child (AFL++'s, libFuzzer's): what its parent counted is the parent's to report. */
static void forked(void)
{
	listed = false;
	execs = 0;
	for (int i = 0; i < nr_ids; i++) {
		ids[i].n = 0;
		ids[i].cause_written = false;
	}
	clock_gettime(CLOCK_MONOTONIC, &last);
}

static bool on(void)
{
	if (__builtin_expect(!state, 0)) {
		path = getenv("TAGFUZZ_STATUS_FILE");
		state = path && *path ? 1 : -1;
		if (state > 0) {
			atexit(tf_status_flush);
			pthread_atfork(NULL, NULL, forked);
			clock_gettime(CLOCK_MONOTONIC, &last);
		}
	}
	return state > 0;
}

/* Append @n bytes of @buf to the file in one write (O_APPEND: lines stay whole). */
static void append(const char *buf, size_t n)
{
	int fd;

	if (!n)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, n) < 0) {
		/* nothing to do: the counts are a progress report */
	}
	close(fd);
}

void tf_status_flush(void)
{
	char buf[4096];
	size_t n = 0;
	int w;

	if (!on())
		return;
#define PUT(...) do {							\
		w = snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__);	\
		if (w > 0 && (size_t)w < sizeof(buf) - n)		\
			n += (size_t)w;					\
	} while (0)
	if (!listed) {
		const char *id;

		/* Each finding once: several signatures can be one finding. */
		PUT("K");
		for (size_t i = 0; (id = tf_known_id(i)); i++) {
			size_t j;

			for (j = 0; j < i && !tf_str_eq(tf_known_id(j), id); j++)
				;
			if (j == i)
				PUT("\t%s", id);
		}
		PUT("\n");
		listed = true;
	}
	if (execs)
		PUT("x\t%d\t%lu\n", (int)getpid(), execs);
	for (int i = 0; i < nr_ids; i++) {
		if (ids[i].n)
			PUT("k\t%d\t%s\t%lu\n", (int)getpid(), ids[i].id, ids[i].n);
		if (!ids[i].cause_written) {
			PUT("c\t%s\t%s\n", ids[i].id, ids[i].cause);
			ids[i].cause_written = true;
		}
		ids[i].n = 0;
	}
#undef PUT
	execs = 0;
	append(buf, n);
	clock_gettime(CLOCK_MONOTONIC, &last);
}

static void maybe_flush(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if ((now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) >= FLUSH_EVERY_NS)
		tf_status_flush();
}

void tf_status_exec(void)
{
	if (!on())
		return;
	if (!(++execs & 63))
		maybe_flush();
}

void tf_status_known(const char *id, const char *cause)
{
	int i;

	if (!on())
		return;
	for (i = 0; i < nr_ids; i++)
		if (tf_str_eq(ids[i].id, id))
			break;
	if (i == nr_ids) {
		if (i == MAX_IDS)
			return;
		nr_ids++;
		snprintf(ids[i].id, sizeof(ids[i].id), "%s", id);
		snprintf(ids[i].cause, sizeof(ids[i].cause), "%s", cause);
		ids[i].cause_written = false;
	}
	ids[i].n++;
}
