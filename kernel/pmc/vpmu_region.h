/*
 * The validation workloads (pmc/workloads/) as measured regions: each run
 * is delimited through the vPMU control page, so the plugin's counts cover
 * exactly run() (as cachegrind's cover exactly wl_<name>_run on the host).
 * One record per region:
 *   {"ev":"vpmu_region","role":..,"workload":..,"bytes":..,"passes":..,
 *    "stride":..,"checksum":..,"counted":..,"instructions":..,
 *    "l1d_accesses":..,"l1d_misses":..,"llc_references":..,"llc_misses":..,
 *    "llc_fills":..,"llc_cross_evictions":..,"dtlb_misses":..,
 *    "tsc_begin":..,"tsc_end":..,"tsc_hz":..}
 * (no counts when "counted" is false). tsc_hz converts tsc_* to seconds.
 */
#ifndef QUESTV_KERNEL_PMC_VPMU_REGION_H
#define QUESTV_KERNEL_PMC_VPMU_REGION_H
#include <stdint.h>
#include "pmc/pmc.h"
#include "pmc/workloads/workload.h"

/* Buffers start on a 2 MiB boundary, as the host driver's do. */
#define VPMU_REGION_ALIGN (2ull << 20)

/* The vPMU with the region's events open, or 0 after an experiment_error
 * record for experiment exp (the workloads can still run, uncounted). */
struct pmc *vpmu_region_open(const char *exp);

/* A physically contiguous, VPMU_REGION_ALIGN-aligned buffer of bytes; 0
 * when RAM is short. */
uint8_t *vpmu_region_buffer(uint64_t bytes);

/* Workload parameters from the args wl_bytes, wl_passes, wl_stride
 * (default 64; 256 for stride_walk) and wl_seed. */
struct wl_params vpmu_region_params(const struct workload *w, uint64_t bytes_dflt, uint32_t passes_dflt);

/*
 * Run w over mem as one region (p 0: uncounted) and record it with role.
 * With a shared region "xcore" a "reuse" victim waits for the "stream"
 * aggressor to stream, and the streamer repeats its passes until the
 * victim's region is over, so the pair overlaps exactly.
 */
void vpmu_region_measure(struct pmc *p, const char *role, const struct workload *w, uint8_t *mem,
			 const struct wl_params *wp);
#endif
