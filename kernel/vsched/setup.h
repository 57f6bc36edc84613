/*
 * VCPU scheduling in a sandbox, setup: the threads of the sandbox's task
 * set (the `vcpu` / `thread` / `policy` lines of its system-config section)
 * are parsed, their VCPUs admitted under the policy linked into this image
 * (`make SCHED=...`) and the threads created. The state below is what the
 * dispatcher (dispatch.h) runs and the report (report.h) records.
 */
#ifndef QUESTV_VSCHED_SETUP_H
#define QUESTV_VSCHED_SETUP_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/vsched/stats.h"
#include "kernel/vsched/thread.h"
#include "sched/core.h"
#include "sched/taskset.h"

struct vsched {
	struct taskset ts;
	struct vcpu vcpus[TS_MAX_VCPUS];
	bool admitted[TS_MAX_VCPUS];
	struct sched_core core;
	struct thread threads[MAX_THREADS];   /* of admitted VCPUs only */
	unsigned nthreads;
	struct thread idle;
	uint32_t cycles_per_us;
	uint64_t io_period;                   /* what I/O VCPUs inherit */
	/* Kept by the dispatcher, for the report. */
	uint64_t idle_cycles;
	uint64_t max_timer_late;              /* how late timer interrupts arrive */
	uint64_t pmi_decisions;               /* decisions a miss-budget overflow forced */
	struct vstats_error est_error[TS_MAX_VCPUS];  /* per VCPU, in lines */
};

extern struct vsched vs;

/* The policy this image was built with. */
const char *vsched_policy_name(void);

/*
 * Parse the task set, admit its VCPUs (one {"ev":"admit",...} record each;
 * a refused VCPU's threads do not run) and create the threads. Returns the
 * number of threads that will run, or -1 if the task set is unusable.
 */
int vsched_init(const char *taskset);
#endif
