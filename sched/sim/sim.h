/* Discrete-event simulation of one core: the task set's threads on its
 * VCPUs, scheduled by the real sched/ core and a policy, printing one JSON
 * object per line per scheduling event.  Times are simulated TSC cycles at
 * SIM_CYCLES_PER_US (1 cycle = 1 ns, as under QEMU -icount shift=0) and are
 * printed in microseconds with three decimals, so they are exact. */
#ifndef SCHED_SIM_SIM_H
#define SCHED_SIM_SIM_H

#include <stdint.h>
#include <stdio.h>

#include "sched/policy.h"
#include "sched/taskset.h"

#define SIM_CYCLES_PER_US 1000u
/* Period an I/O VCPU inherits when no Main VCPU was admitted to cause I/O:
 * Quest's default I/O VCPU period (10 ms). */
#define SIM_IO_DEFAULT_PERIOD_US 10000u

struct sim_result {
	unsigned admitted, rejected;
	uint64_t deadline_misses;
	uint64_t max_overrun;  /* cycles */
};

/* Run `ts` under `policy` from 0 to until_us, writing JSON lines to out,
 * ending with the summary line, and fill *res. */
void sim_run(const struct taskset *ts, const struct sched_policy *policy,
	     uint64_t until_us, uint64_t seed, FILE *out, struct sim_result *res);

#endif
