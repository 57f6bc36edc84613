/* Cost of scheduling decisions, measured the same way on the host and in
 * the sandbox kernel (only the clock differs). */
#ifndef SCHED_BENCH_H
#define SCHED_BENCH_H

#include <stdint.h>

#include "sched/core.h"

#define SCHED_BENCH_MAX_VCPUS 64

struct sched_bench_result {
	unsigned nvcpus;
	uint64_t decisions;
	uint64_t cycles_mean;   /* per decision: wake or block + charge + pick */
	uint64_t cycles_max;
	/* The median over SCHED_BENCH_BATCHES equal batches of their mean: what
	 * a decision costs when nothing else ran, on a machine whose load
	 * preempts the benchmark now and then (a preempted batch is an outlier,
	 * a preempted mean is not). */
	uint64_t cycles_batch_median;
};

#define SCHED_BENCH_BATCHES 101

/*
 * Admit n Main VCPUs (1% of the core each, periods from min_period_us up
 * to ~10x that) under policy p and make
 * `decisions` scheduling decisions, each after a wake or block of a
 * pseudo-random VCPU, while simulated time advances 50 us per decision so
 * budgets run out and replenishments fall due. clock() is the cycle
 * counter the cost is read from (rdtsc). Returns 0, or -1 if n is out of
 * range or admission refused a VCPU.
 */
int sched_bench_run(const struct sched_policy *p, unsigned n, unsigned decisions,
		    uint64_t min_period_us, uint64_t (*clock)(void),
		    struct sched_bench_result *out);

#endif
