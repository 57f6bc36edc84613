/*
 * VCPU scheduling in a sandbox: the threads of the sandbox's task set (the
 * `vcpu` / `thread` lines of its system-config section) run on VCPUs under
 * the policy linked into this image (`make SCHED=...`). The LAPIC timer
 * runs one-shot, programmed to the next event only: a budget running out,
 * a replenishment, a job release or the end of the run.
 */
#ifndef QUESTV_VSCHED_H
#define QUESTV_VSCHED_H
#include <stdint.h>
#include "../lib/trap.h"

#define VEC_YIELD 0x81   /* int $0x81: the running thread's job is done */

/* The policy this image was built with. */
const char *vsched_policy_name(void);

/*
 * Parse the task set, admit its VCPUs (one {"ev":"admit",...} record each;
 * a refused VCPU's threads do not run) and create the threads. Returns the
 * number of threads that will run, or -1 if the task set is unusable.
 */
int vsched_init(const char *taskset);

/* Run the threads for ms of TSC time, then record per VCPU and thread. */
void vsched_run(uint64_t ms);

/* Timer interrupt (after EOI) and VEC_YIELD: returns the frame to resume;
 * f itself while no run is in progress. */
struct trap_frame *vsched_timer(struct trap_frame *f);
/* VEC_PMI (after EOI): the miss budget ran out: decide again now. */
struct trap_frame *vsched_pmi(struct trap_frame *f);
struct trap_frame *vsched_yield(struct trap_frame *f);
#endif
