/* sched-bench [-n DECISIONS] [POLICY...]: decision cost on the host for 1, 8
 * and 64 VCPUs over DECISIONS decisions (default 200000), one line per
 * policy, size and period range, TSC cycles (see bench.h).
 * "quest" periods are 10-100 ms (Quest's defaults: T = 100 ms Main, 10 ms
 * I/O); "stress" periods are 1-10 ms, where a replenishment falls due at
 * almost every decision (the due one is found in a tournament tree, sched/repl_tree.h).
 * median_batch: the median of 101 batch means, the figure a loaded machine
 * leaves readable (bench.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "sched/bench.h"

static uint64_t tsc(void) { return __rdtsc(); }

int main(int argc, char **argv)
{
	static const unsigned sizes[] = { 1, 8, 64 };
	static const struct { const char *name; uint64_t min_period_us; } ranges[] = {
		{ "quest", 10000 }, { "stress", 1000 },
	};
	unsigned decisions = 200000;
	int status = 0, a = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		char *end;
		unsigned long n = strtoul(argv[2], &end, 10);
		if (*end || n == 0 || n > 100000000) {
			fprintf(stderr, "sched-bench: -n wants a number of decisions in 1..100000000\n");
			return 2;
		}
		decisions = (unsigned)n;
		a = 3;
	}

	printf("%-6s %-7s %6s %10s %12s %12s %14s\n", "policy", "periods", "vcpus", "decisions",
	       "mean_cycles", "max_cycles", "median_batch");
	for (; a < argc; a++) {
		const struct sched_policy *p = sched_policy_lookup(argv[a]);
		if (!p) {
			fprintf(stderr, "sched-bench: no policy '%s'\n", argv[a]);
			return 2;
		}
		for (unsigned g = 0; g < sizeof ranges / sizeof ranges[0]; g++)
		for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			struct sched_bench_result r;
			if (sched_bench_run(p, sizes[k], decisions, ranges[g].min_period_us, tsc, &r)) {
				fprintf(stderr, "sched-bench: %s with %u VCPUs failed\n", argv[a], sizes[k]);
				status = 1;
				continue;
			}
			printf("%-6s %-7s %6u %10llu %12llu %12llu %14llu\n", p->name, ranges[g].name,
			       r.nvcpus, (unsigned long long)r.decisions, (unsigned long long)r.cycles_mean,
			       (unsigned long long)r.cycles_max, (unsigned long long)r.cycles_batch_median);
		}
	}
	return status;
}
