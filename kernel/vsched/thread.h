/* Kernel threads of a sandbox's task set, each bound to one VCPU. */
#ifndef QUESTV_THREAD_H
#define QUESTV_THREAD_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/trap.h"
#include "sched/taskset.h"
#include "kernel/vsched/cache_work.h"

#define MAX_THREADS 32
#define THREAD_STACK 8192
#define THREAD_RESPONSES 512  /* response times kept per thread, for percentiles */

struct thread {
	const struct ts_thread *spec;
	unsigned vcpu;              /* index into the task set's VCPUs */
	struct trap_frame *frame;   /* saved context while not running */
	bool ready;                 /* has work (busy, or a released job) */
	bool missed;                /* the current job already missed its deadline */
	uint64_t cost, period;      /* cycles (job cost; period or mean gap) */
	uint64_t release, deadline; /* current job */
	uint64_t next_release;      /* SCHED_NEVER for busy threads */
	uint64_t job_service;       /* cycles the current job has run */
	uint64_t service;           /* cycles run in total */
	uint64_t dispatched_at;     /* TSC when it last got the core */
	uint64_t jobs, misses, max_response;
	struct cache_work work;     /* what its body runs (work= in the task set) */
	uint64_t passes;            /* passes of it done: best effort's progress */
	uint64_t release_cycles;    /* core cycles (kpmc_cycles) at the job's release */
	uint64_t over_cost;         /* jobs that ran longer than their cost C */
	uint64_t response[THREAD_RESPONSES];       /* of the jobs after the first, in cycles */
	uint64_t model_response[THREAD_RESPONSES]; /* the same in core cycles */
};

/* Give t a stack and a first frame that enters body(t) with interrupts on. */
void thread_create(struct thread *t, unsigned index, void (*body)(struct thread *));
#endif
