/* Scheduling-decision cost benchmark (see bench.h). */
#include "sched/bench.h"
#include "lib/xorshift.h"

#define SIM_CYCLES_PER_US 1000u

static struct vcpu vcpus[SCHED_BENCH_MAX_VCPUS];
static struct vcpu *slots[SCHED_BENCH_MAX_VCPUS];
static struct sched_core core;
static uint64_t batch_mean[SCHED_BENCH_BATCHES];

/* The median of the first n batch means (insertion sort: n is small). */
static uint64_t median(unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && batch_mean[j - 1] > batch_mean[j]; j--) {
			uint64_t t = batch_mean[j];
			batch_mean[j] = batch_mean[j - 1];
			batch_mean[j - 1] = t;
		}
	return batch_mean[n / 2];
}

int sched_bench_run(const struct sched_policy *p, unsigned n, unsigned decisions,
		    uint64_t min_period_us, uint64_t (*clock)(void),
		    struct sched_bench_result *out)
{
	uint64_t now = 0, seed = 0x9E3779B97F4A7C15ull, total = 0, worst = 0, timer_at, batch = 0;
	unsigned i, per_batch, batches = 0;

	if (n == 0 || n > SCHED_BENCH_MAX_VCPUS || decisions == 0 || min_period_us < 100)
		return -1;
	per_batch = decisions < SCHED_BENCH_BATCHES ? 1 : decisions / SCHED_BENCH_BATCHES;
	sched_core_init(&core, p, slots, n, 0);
	for (i = 0; i < n; i++) {
		struct sched_verdict why;
		uint64_t t = (min_period_us + min_period_us * 14 * i / 100) * SIM_CYCLES_PER_US;
		if (vcpu_init_main(&vcpus[i], "bench", t / 100, t) ||
		    sched_core_admit(&core, &vcpus[i], &why))
			return -1;
		sched_core_wake(&core, &vcpus[i], now, 0);
	}
	for (i = 0; i < decisions; i++) {
		struct vcpu *v = &vcpus[xorshift64(&seed) % n];
		uint64_t t0, spent;
		now += 50 * SIM_CYCLES_PER_US;
		t0 = clock();
		if (v->ready)
			sched_core_block(&core, v, now);
		else
			sched_core_wake(&core, v, now, 0);
		sched_core_schedule(&core, now, &timer_at);
		spent = clock() - t0;
		total += spent;
		batch += spent;
		if (spent > worst)
			worst = spent;
		if ((i + 1) % per_batch == 0 && batches < SCHED_BENCH_BATCHES) {
			batch_mean[batches++] = batch / per_batch;
			batch = 0;
		}
	}
	out->nvcpus = n;
	out->decisions = decisions;
	out->cycles_mean = total / decisions;
	out->cycles_max = worst;
	out->cycles_batch_median = median(batches);
	return 0;
}
