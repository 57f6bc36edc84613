/* Kernel threads of a sandbox's task set, each bound to one VCPU. */
#ifndef QUESTV_THREAD_H
#define QUESTV_THREAD_H
#include <stdbool.h>
#include <stdint.h>
#include "../lib/trap.h"
#include "../sched/taskset.h"

#define MAX_THREADS 32
#define THREAD_STACK 8192

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
};

/* Give t a stack and a first frame that enters body(t) with interrupts on. */
void thread_create(struct thread *t, unsigned index, void (*body)(struct thread *));
#endif
