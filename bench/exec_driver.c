// SPDX-License-Identifier: GPL-2.0
/*
 * Speed driver: runs a fuzz target's LLVMFuzzerTestOneInput on each
 * input file, over and over for a time budget per file, and prints
 * executions per second.  Linked against the same instrumented library
 * as the fuzz target (ASan+UBSan+coverage), so the figures are what the
 * fuzzer pays per execution, less the engine's own work.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double budget, sum_per_exec = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SECONDS_PER_FILE FILE...\n", argv[0]);
		return 2;
	}
	budget = atof(argv[1]);
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 2; i < argc; i++) {
		static uint8_t buf[1 << 16];
		FILE *f = fopen(argv[i], "rb");
		size_t size;
		unsigned long n = 0;
		double t0, t;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		size = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		t0 = now();
		do {
			for (int k = 0; k < 16; k++, n++)
				LLVMFuzzerTestOneInput(buf, size);
			t = now() - t0;
		} while (t < budget);
		printf("%-60s %8zu bytes %10.0f exec/s\n", argv[i], size, n / t);
		sum_per_exec += t / n;
	}
	/* Each file run equally often: files / sum of time per execution. */
	printf("%-60s %8s       %10.0f exec/s (each file equally often)\n",
	       "all", "", (argc - 2) / sum_per_exec);
	return 0;
}
