/*
 * vPMU experiments: the validation workloads (pmc/workloads/) run in this
 * sandbox, each one a measured region delimited through the vPMU control
 * page, so the plugin's counts cover exactly run() (as cachegrind's cover
 * exactly wl_<name>_run on the host).
 *
 * "vpmu-validate": every workload (or wl=NAME,NAME...) over wl_bytes (default 2 MiB)
 * for wl_passes (default 2) passes, stride wl_stride (default 64; 256 for
 * stride_walk). One record per workload:
 *   {"ev":"vpmu_region","workload":..,"bytes":..,"passes":..,"stride":..,
 *    "checksum":..,"instructions":..,"l1d_accesses":..,"l1d_misses":..,
 *    "llc_references":..,"llc_misses":..,"llc_fills":..,
 *    "llc_cross_evictions":..,"dtlb_misses":..,"counted":true,
 *    "tsc_begin":..,"tsc_end":..,"tsc_hz":..}
 *
 * "vpmu-xcore": the cross-core interference pair. role=reuse (the victim)
 * walks wl_bytes (half the LLC) wl_passes times after one warm-up pass;
 * role=stream (the aggressor) walks wl_bytes (twice the LLC) wl_passes
 * times. Same record, with "role". Run the victim alone and beside a
 * streamer on another core: its LLC misses rise, and the streamer's
 * llc_cross_evictions count the victim's lines it evicted. A shared region
 * named "xcore" in both sandboxes makes the pair overlap exactly: the
 * victim starts its region once the streamer streams, and the streamer
 * repeats its passes until the victim's region is over.
 *
 * Without a vPMU the kernel says so ({"ev":"pmc","backend":"none",...},
 * kpmc.c); vpmu-validate then still runs its workloads, recording
 * "counted":false and no counts (plain-TCG timing for make bench-vpmu),
 * and fails; vpmu-xcore fails at once. tsc_hz converts tsc_* to seconds.
 */
#ifndef QUESTV_EXP_VPMU_H
#define QUESTV_EXP_VPMU_H
#include <stdbool.h>
bool exp_vpmu_validate_run(void);
bool exp_vpmu_xcore_run(void);
#endif
