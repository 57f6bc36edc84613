/* Scheduling-decision cost benchmark (see bench.h). */
#include "sched/bench.h"
#include "lib/xorshift.h"

#define SIM_CYCLES_PER_US 1000u

static struct vcpu vcpus[SCHED_BENCH_MAX_VCPUS];
static struct vcpu *slots[SCHED_BENCH_MAX_VCPUS];
static struct sched_core core;

int sched_bench_run(const struct sched_policy *p, unsigned n, unsigned decisions,
		    uint64_t min_period_us, uint64_t (*clock)(void),
		    struct sched_bench_result *out)
{
	uint64_t now = 0, seed = 0x9E3779B97F4A7C15ull, total = 0, worst = 0, timer_at;
	unsigned i;

	if (n == 0 || n > SCHED_BENCH_MAX_VCPUS || decisions == 0 || min_period_us < 100)
		return -1;
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
		if (spent > worst)
			worst = spent;
	}
	out->nvcpus = n;
	out->decisions = decisions;
	out->cycles_mean = total / decisions;
	out->cycles_max = worst;
	return 0;
}
