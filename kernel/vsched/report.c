/* VCPU scheduling report (see report.h). */
#include "kernel/vsched/report.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "kernel/vsched/setup.h"
#include "kernel/vsched/trace.h"
#include "lib/record.h"

static uint64_t ppm(uint64_t part, uint64_t whole)
{
	return whole ? sched_muldiv(part, 1000000, whole, 0) : 0;
}

/* The budget interrupts' cost, when any came: "pmi_latency_*" in this
 * vCPU's instructions from the overflow to the handler, "pmi_over_*" in
 * LLC misses past the budget when the handler read the counter; with an
 * interrupting PMU, "pmi_armed" armings and "pmi_unclaimed" interrupts
 * that found no overflow. */
static void pmi_stats(struct record *r)
{
	const struct kpmc_pmi_stats *s = kpmc_pmi_stats();
	if (s->armed) {
		rec_u64(r, "pmi_armed", s->armed);
		rec_u64(r, "pmi_unclaimed", s->unclaimed);
	}
	if (!s->n)
		return;
	rec_u64(r, "pmi_over_mean", s->over_sum / s->n);
	rec_u64(r, "pmi_over_max", s->over_max);
	if (!s->latency_n)
		return;
	rec_u64(r, "pmi_latency_mean_insns", s->latency_sum / s->latency_n);
	rec_u64(r, "pmi_latency_max_insns", s->latency_max);
}

static void record_run(uint64_t elapsed)
{
	struct record r;
	unsigned i, j;

	for (i = 0; i < vs.ts.nvcpus; i++) {
		struct vcpu_stats st;
		uint64_t misses = 0;
		if (!vs.admitted[i])
			continue;
		vs.core.policy->stats(&vs.core, &vs.vcpus[i], &st);
		for (j = 0; j < vs.nthreads; j++)
			if (vs.threads[j].vcpu == i)
				misses += vs.threads[j].misses;
		rec_begin(&r, "vcpu");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "name", vs.ts.vcpu[i].name);
		rec_str(&r, "kind", vs.ts.vcpu[i].kind == VCPU_MAIN ? "main" :
				    vs.ts.vcpu[i].kind == VCPU_IO ? "io" : "be");
		if (vs.ts.vcpu[i].kind == VCPU_MAIN) {
			rec_u64(&r, "c_us", vs.ts.vcpu[i].c_us);
			rec_u64(&r, "t_us", vs.ts.vcpu[i].t_us);
		} else if (vs.ts.vcpu[i].kind == VCPU_IO) {
			rec_u64(&r, "u_ppm", vs.ts.vcpu[i].u_ppm);
		}
		rec_u64(&r, "used_cycles", st.used);
		rec_u64(&r, "util_ppm", ppm(st.used, elapsed));
		rec_u64(&r, "replenishments", st.replenishments);
		rec_u64(&r, "max_overrun_cycles", st.max_overrun);
		rec_u64(&r, "deadline_misses", misses);
		rec_u64(&r, "pmc_samples", st.pmc_samples);
		rec_u64(&r, "instructions", st.instructions);
		rec_u64(&r, "llc_refs", st.llc_refs);
		rec_u64(&r, "llc_misses", st.llc_misses);
		if (vs.est_error[i].samples) {
			rec_u64(&r, "est_samples", vs.est_error[i].samples);
			rec_u64(&r, "est_err_mean_lines", vs.est_error[i].sum / vs.est_error[i].samples);
			rec_u64(&r, "est_err_max_lines", vs.est_error[i].max);
		}
		rec_end(&r);
	}
	for (j = 0; j < vs.nthreads; j++) {
		struct thread *t = &vs.threads[j];
		static const char *const kind[] = { "periodic", "io-burst", "busy" };
		static const char *const work[] = { "spin", "reuse", "stream", "compute" };
		unsigned kept = t->jobs <= 1 ? 0 : t->jobs - 1 < THREAD_RESPONSES ? (unsigned)(t->jobs - 1)
										 : THREAD_RESPONSES;
		rec_begin(&r, "thread");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "name", t->spec->name);
		rec_str(&r, "vcpu", vs.ts.vcpu[t->vcpu].name);
		rec_str(&r, "kind", kind[t->spec->kind]);
		rec_u64(&r, "service_cycles", t->service);
		rec_u64(&r, "util_ppm", ppm(t->service, elapsed));
		rec_u64(&r, "jobs", t->jobs);
		rec_u64(&r, "deadline_misses", t->misses);
		rec_u64(&r, "max_response_us", sched_cycles_to_us(t->max_response, vs.cycles_per_us));
		rec_str(&r, "work", work[t->spec->work]);
		if (t->work.wl) {
			/* Work done, whichever VCPU ran when: under icount every
			 * VCPU retires instructions at the same rate, so only
			 * passes (and the bytes they cover) show progress. */
			rec_u64(&r, "work_passes", t->passes);
			rec_u64(&r, "work_bytes", t->passes * t->work.wp.bytes);
		}
		if (kept) {
			/* Percentiles over jobs 2..THREAD_RESPONSES+1; model_*:
			 * the core's cycle count (the vPMU's model with miss penalties,
			 * which icount's TSC lacks) over the same jobs, at the TSC rate. */
			uint64_t model_max = vstats_percentile(t->model_response, kept, 100);
			rec_u64(&r, "jobs_kept", kept);
			rec_u64(&r, "p99_response_us",
				sched_cycles_to_us(vstats_percentile(t->response, kept, 99), vs.cycles_per_us));
			rec_u64(&r, "model_max_response_us", sched_cycles_to_us(model_max, vs.cycles_per_us));
			rec_u64(&r, "model_p99_response_us",
				sched_cycles_to_us(vstats_percentile(t->model_response, kept, 99), vs.cycles_per_us));
			rec_u64(&r, "over_cost_jobs", t->over_cost);
		}
		rec_end(&r);
	}
	rec_begin(&r, "sched_run");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "policy", vsched_policy_name());
	rec_u64(&r, "elapsed_cycles", elapsed);
	rec_u64(&r, "decisions", vs.core.decisions);
	rec_u64(&r, "idle_ppm", ppm(vs.idle_cycles, elapsed));
	rec_u64(&r, "max_timer_late_us", sched_cycles_to_us(vs.max_timer_late, vs.cycles_per_us));
	rec_u64(&r, "pmi_decisions", vs.pmi_decisions);
	pmi_stats(&r);
	rec_u64(&r, "llc_lines", vs.core.llc_lines);
	rec_u64(&r, "be_slice_us", sched_cycles_to_us(vs.core.be_slice, vs.cycles_per_us));
	for (i = 0; vs.core.policy->stat; i++) {
		const char *name;
		uint64_t value;
		if (vs.core.policy->stat(&vs.core, i, &name, &value))
			break;
		rec_u64(&r, name, value);
	}
	rec_end(&r);
}

static void dump_trace(void)
{
	unsigned i, admitted_n = 0;
	uint64_t misses = 0, overrun = 0;
	for (i = 0; i < vs.ts.nvcpus; i++) {
		if (!vs.admitted[i])
			continue;
		admitted_n++;
		if (vs.vcpus[i].stats.max_overrun > overrun)
			overrun = vs.vcpus[i].stats.max_overrun;
	}
	for (i = 0; i < vs.nthreads; i++)
		misses += vs.threads[i].misses;
	vtrace_dump(vsched_policy_name(), admitted_n, vs.ts.nvcpus - admitted_n, misses, overrun,
		    vs.max_timer_late);
}

void vsched_report(uint64_t elapsed)
{
	record_run(elapsed);
	if (vtrace_on())
		dump_trace();
}
