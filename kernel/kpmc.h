/*
 * This kernel's performance counters: the backend the build chose
 * (make PMC=vpmu|intel|amd|none) brought up once at boot, and the sample
 * the scheduler takes at every switch. Without a usable PMU everything here
 * says so (a "pmc" record with backend "none" and why) and samples nothing:
 * never silent zeros.
 */
#ifndef QUESTV_KPMC_H
#define QUESTV_KPMC_H
#include <stdbool.h>
#include <stdint.h>
#include "../pmc/pmc.h"
#include "../sched/vcpu.h"

/*
 * Bring the PMU up and record one "pmc" record: {"backend":"vpmu","vcpu":N,
 * "paging":"nested"|"native"} or {"backend":"none","why":...}. The vPMU is
 * found in the boot information under the monitor (which maps its BAR2 and
 * marks this vCPU's control page as the only writable one); natively the
 * kernel owns PCI and scans it itself. Under the monitor it also tells the
 * vPMU that this vCPU runs under nested paging. A sandbox with a task set
 * (VCPUs to schedule) opens the events kpmc_sample() reads.
 */
void kpmc_init(void);

/* The PMU, or 0 when there is none. */
struct pmc *kpmc(void);

/* Open event NAME for a measurement of its own: a handle, or -1 when there
 * is no PMU (already said at boot) or it cannot count NAME (a
 * "pmc_event_error" record says why). */
int kpmc_open(const char *name);

/* Count of handle H since kpmc_open() (H must be a handle it returned). */
uint64_t kpmc_read(int h);

/*
 * Counts since the previous call (instructions, LLC references and misses)
 * into *s, stamped with now. False, leaving *s alone, when there is no PMU.
 * Call at every scheduling point, before the switch: the counts belong to
 * whatever ran since the previous call (since boot, for the first). The
 * events are open when this sandbox has a task set (kpmc_init); without
 * one every delta is 0.
 */
bool kpmc_sample(uint64_t now, struct sched_pmc_sample *s);
#endif
