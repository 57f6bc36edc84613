/*
 * Experiment "hcall": the cost of one hypercall round trip (guest ->
 * monitor -> guest). Args: calls=N (default 1000, at most 4096).
 * Records {"ev":"hcall","calls":N,"min":..,"median":..,"mean":..,"max":..,
 * "timer_overhead":..} in TSC cycles per call, and with a vPMU
 * "vpmu_cycles_mean": its cycle estimate per iteration of the timed loop
 * (the call and its rdtsc pair; the model charges instructions and cache
 * misses, not VMRUN/#VMEXIT themselves). Every call is one VM exit,
 * so the monitor counts N hypercall exits in this run's steady window.
 */
#ifndef QUESTV_EXP_HCALL_H
#define QUESTV_EXP_HCALL_H
#include <stdbool.h>
bool exp_hcall_run(void);
#endif
