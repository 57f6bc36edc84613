/*
 * Experiment "hcall": the cost of one hypercall round trip (guest ->
 * monitor -> guest). Args: calls=N (default 1000, at most 4096).
 * Records {"ev":"hcall","calls":N,"min":..,"median":..,"mean":..,"max":..,
 * "timer_overhead":..} in TSC cycles per call, and with a vPMU
 * "vpmu_cycles_mean": its cycle estimate per iteration of the timed loop
 * (the call and its rdtsc pair; the model charges instructions and cache
 * misses, not VMRUN/#VMEXIT themselves). Every call is one VM exit,
 * so the monitor counts N hypercall exits in this run's steady window.
 */
#include "kernel/hypercall.h"
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "lib/record.h"
#include "lib/x86.h"

#define HCALL_MAX 4096

static uint64_t samples[HCALL_MAX];

/* Shell sort: enough for a few thousand samples, no allocation, no recursion. */
static void sort(uint64_t *a, unsigned n)
{
	static const unsigned gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	unsigned g, i, j;
	for (g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
		unsigned gap = gaps[g];
		for (i = gap; i < n; i++) {
			uint64_t v = a[i];
			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

/* Cycles an empty timed region reads: the floor under every sample. */
static uint64_t timer_overhead(void)
{
	uint64_t best = ~0ull, t0, t1;
	unsigned i;
	for (i = 0; i < 16; i++) {
		t0 = rdtsc();
		t1 = rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

static bool exp_hcall_run(void)
{
	uint64_t n = arg_u64("calls", 1000), sum = 0, t0, c0 = 0;
	unsigned i, wrong = 0;
	int cycles;
	struct record r;

	if (!kinfo.virtualized) {
		experiment_error("hcall", "hcall needs the monitor (booted natively)");
		return false;
	}
	if (n == 0 || n > HCALL_MAX) {
		experiment_error("hcall", "calls must be 1..4096");
		return false;
	}
	/* The vPMU's cycle estimate of the same loop, when there is one. */
	if ((cycles = kpmc_open("UNHALTED_CORE_CYCLES")) >= 0)
		c0 = kpmc_read(cycles);
	for (i = 0; i < n; i++) {
		long ret;
		t0 = rdtsc();
		ret = hypercall3(HC_VERSION, 0, 0, 0);
		samples[i] = rdtsc() - t0;
		wrong += ret != HC_ABI_VERSION;
		sum += samples[i];
	}
	if (cycles >= 0)
		c0 = kpmc_read(cycles) - c0;
	sort(samples, (unsigned)n);
	rec_begin(&r, "hcall");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "calls", n);
	rec_u64(&r, "min", samples[0]);
	rec_u64(&r, "median", samples[n / 2]);
	rec_u64(&r, "mean", sum / n);
	rec_u64(&r, "max", samples[n - 1]);
	rec_u64(&r, "timer_overhead", timer_overhead());
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	rec_u64(&r, "wrong_results", wrong);
	if (cycles >= 0)
		rec_u64(&r, "vpmu_cycles_mean", c0 / n);
	rec_end(&r);
	return wrong == 0;
}

EXPERIMENT("hcall", exp_hcall_run);
