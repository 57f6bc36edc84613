/*
 * The guest's schedule trace (kernel arg "trace"): runs, replenishments and
 * deadline misses are kept in memory while the scheduler runs (printing
 * from inside it would perturb the schedule), then printed as
 * trace_run / trace_replenish / trace_miss / trace_summary records in the
 * host simulator's format, times in microseconds since the run started.
 * Runs also carry the instructions and LLC misses the vPMU counted in them
 * (0 without a sample), and trace_idle records the spans the core idled:
 * under QEMU -icount the instructions per microsecond show how the
 * emulator shared virtual time among the vCPUs.
 * sched/sim/guest_trace.py turns them into a trace for check_trace.py.
 */
#ifndef QUESTV_VSCHED_TRACE_H
#define QUESTV_VSCHED_TRACE_H
#include <stdbool.h>
#include <stdint.h>
#include "sched/vcpu.h"

/* Start recording; times are reported relative to start_tsc. */
void vtrace_start(uint64_t start_tsc, uint32_t cycles_per_us);
bool vtrace_on(void);
/* s: the PMC sample that closed the run, or 0. */
void vtrace_run(const char *vcpu, const char *thread, uint64_t from, uint64_t to, uint64_t act,
		const struct sched_pmc_sample *s);
void vtrace_idle(uint64_t from, uint64_t to, const struct sched_pmc_sample *s);
void vtrace_miss(const char *vcpu, const char *thread, uint64_t release, uint64_t deadline,
		 uint64_t at);
/* For struct sched_trace: called by the scheduler core on every replenishment. */
void vtrace_replenish(void *ctx, const struct sched_event *ev);
/* Print everything recorded, then the summary (with the latest a timer
 * interrupt arrived after it was due: the lateness a checker must allow). */
void vtrace_dump(const char *policy, unsigned admitted, unsigned rejected, uint64_t misses,
		 uint64_t max_overrun, uint64_t max_timer_late);
#endif
