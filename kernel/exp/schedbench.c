/*
 * Experiment "schedbench": cost of one scheduling decision plus its
 * accounting (sched/bench.c, the same code `make bench` runs on the host)
 * for 1, 8 and 64 VCPUs under the policy linked into this image. Args:
 * decisions=N (default 20000). Records {"ev":"schedbench","policy":..,
 * "periods":"quest"|"stress","vcpus":n,"decisions":..,"mean_cycles":..,
 * "max_cycles":..,"median_batch_cycles":..}: TSC cycles, i.e. instructions
 * under -icount (median_batch_cycles: sched/bench.h).
 */
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/vsched/setup.h"
#include "lib/record.h"
#include "lib/x86.h"
#include "sched/bench.h"

static uint64_t tsc(void) { return rdtsc(); }

static bool exp_schedbench_run(void)
{
	static const unsigned sizes[] = { 1, 8, 64 };
	static const struct { const char *name; uint64_t min_period_us; } ranges[] = {
		{ "quest", 10000 }, { "stress", 1000 },
	};
	unsigned g, k;
	uint64_t decisions = arg_u64("decisions", 20000);

	for (g = 0; g < sizeof ranges / sizeof ranges[0]; g++) {
		for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			struct sched_bench_result res;
			struct record r;
			if (sched_bench_run(sched_policy_at(0), sizes[k], (unsigned)decisions,
					    ranges[g].min_period_us, tsc, &res))
				return false;
			rec_begin(&r, "schedbench");
			rec_u64(&r, "sandbox", kinfo.sandbox);
			rec_str(&r, "policy", vsched_policy_name());
			rec_str(&r, "periods", ranges[g].name);
			rec_u64(&r, "vcpus", res.nvcpus);
			rec_u64(&r, "decisions", res.decisions);
			rec_u64(&r, "mean_cycles", res.cycles_mean);
			rec_u64(&r, "max_cycles", res.cycles_max);
			rec_u64(&r, "median_batch_cycles", res.cycles_batch_median);
			rec_end(&r);
		}
	}
	return true;
}

EXPERIMENT("schedbench", exp_schedbench_run);
