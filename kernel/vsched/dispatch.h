/*
 * VCPU scheduling in a sandbox, dispatch: the glue from kernel events
 * (timer, PMI, a thread's yield) to the policy's calls, and the context
 * switch. The LAPIC timer runs one-shot, programmed to the next event only:
 * a budget running out, a replenishment, a job release or the end of the
 * run.
 */
#ifndef QUESTV_VSCHED_DISPATCH_H
#define QUESTV_VSCHED_DISPATCH_H
#include <stdint.h>
#include "lib/trap.h"

/* Run the threads vsched_init() created for ms of TSC time, then record
 * per VCPU and thread (report.h). */
void vsched_run(uint64_t ms);

/* Timer interrupt (after EOI) and VEC_YIELD: returns the frame to resume;
 * f itself while no run is in progress. */
struct trap_frame *vsched_timer(struct trap_frame *f);
/* VEC_PMI (after EOI): the miss budget ran out: decide again now. */
struct trap_frame *vsched_pmi(struct trap_frame *f);
struct trap_frame *vsched_yield(struct trap_frame *f);
#endif
