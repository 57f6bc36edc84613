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
#include "pmc/pmc.h"
#include "sched/vcpu.h"

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

/* Raise VEC_PMI after MISSES more LLC misses (memguard's budget on
 * hardware: sched/policy.h miss_budget). False when the PMU cannot (the
 * vPMU has no interrupt; no PMU): the scheduler's timer check stands. */
bool kpmc_arm_miss_budget(uint64_t misses);
/* In the PMI handler: did the LLC-miss budget run out (acknowledged)? */
bool kpmc_overflowed(void);

/* What the budget's interrupts cost, over every one taken so far: how
 * many; instructions from the overflow to the handler (the vPMU's, where
 * the backend can tell: else latency_n stays 0); LLC misses past the
 * budget by the time the handler read the counter. Also how many armings
 * the PMU took and how many interrupts found no overflow pending, so a run
 * without budget interrupts tells whether arming, delivery or the
 * acknowledgement failed. */
struct kpmc_pmi_stats {
	uint64_t n, latency_n, latency_sum, latency_max, over_sum, over_max;
	uint64_t armed, unclaimed;
};
const struct kpmc_pmi_stats *kpmc_pmi_stats(void);

/* Open event NAME for a measurement of its own: a handle, or -1 when there
 * is no PMU (already said at boot) or it cannot count NAME (a
 * "pmc_event_error" record says why). */
int kpmc_open(const char *name);

/* Count of handle H since kpmc_open() (H must be a handle it returned). */
uint64_t kpmc_read(int h);

/*
 * Counts since the previous call (instructions, LLC references and misses)
 * into *s, stamped with now, with the LLC fills of all cores so far (the
 * vPMU's global figure; 0 = unknown on hardware without an uncore PMU).
 * False, leaving *s alone, when there is no PMU. Call at every scheduling
 * point, before the switch: the counts belong to whatever ran since the
 * previous call (since boot, for the first). The events are open once
 * kpmc_open_sched_events() ran; before, every delta is 0.
 */
bool kpmc_sample(uint64_t now, struct sched_pmc_sample *s);

/* Open the events kpmc_sample() and kpmc_cycles() read (once; later calls
 * do nothing). kpmc_init() does it for a sandbox with a task set; a
 * workload that schedules a task set of its own calls it before its
 * measured schedule (opening retranslates code under the vPMU). */
void kpmc_open_sched_events(void);

/* Core cycles of this CPU so far: the vPMU's modelled cycles (instructions
 * plus modelled miss penalties), real cycles on hardware; 0 without a PMU. */
uint64_t kpmc_cycles(void);

/* LLC size in lines: the vPMU's geometry, or CPUID's deterministic cache
 * parameters (leaf 4, AMD 0x8000001D) for the largest cache; 0 if unknown. */
uint64_t kpmc_llc_lines(void);

/* Ground truth for the occupancy estimate (vPMU only): tag this CPU's LLC
 * fills from now on with TAG (< VPMU_LLC_TAGS), and read how many lines
 * filled under TAG are still cached (false without a vPMU). */
void kpmc_set_llc_tag(uint32_t tag);
bool kpmc_llc_truth(uint32_t tag, uint64_t *lines);
#endif
