/* vpmu backend extras beyond the portable PMC API (pmc.h): the calls only a
 * virtual PMU has. All take a struct pmc set up by pmc_init_vpmu(). */
#ifndef PMC_VPMU_H
#define PMC_VPMU_H

#include <stdint.h>
#include "pmc/pmc.h"
#include "include/questv/vpmu.h"

/* Tell the plugin how this vCPU's DTLB misses walk (enum vpmu_paging:
 * natively, or a 2-D walk through nested tables with 4 KiB or 2 MiB
 * leaves). The monitor or kernel calls it once it knows. */
void pmc_vpmu_set_paging(struct pmc *p, enum vpmu_paging mode);

/* The vPMU's overflow interrupt reaches this vCPU (the monitor routed its
 * ivshmem-doorbell MSI-X entry here): let pmc_arm_overflow() arm counters
 * from now on. Without this call it answers PMC_ENOTSUP. */
void pmc_vpmu_enable_overflow(struct pmc *p);

/* In the handler of handle H's overflow interrupt: this vCPU's
 * instructions since the plugin raised it (it does at the start of the
 * first block after the one in which the counter wrapped). */
uint64_t pmc_vpmu_overflow_latency(const struct pmc *p, int h);

/* Zero every open counter of this vCPU in the plugin and wait until the
 * plugin has done so (it acts at the next translated block). */
void pmc_vpmu_reset(struct pmc *p);

/* Mark the start / end of a measured region; after the end the plugin
 * stores the region's per-counter counts, read with pmc_vpmu_region(). */
void pmc_vpmu_region_begin(struct pmc *p);
void pmc_vpmu_region_end(struct pmc *p);

/* Count of handle H inside the last completed measured region (0 if none). */
uint64_t pmc_vpmu_region(const struct pmc *p, int h);

/* Ground truth: LLC lines vCPU VCPU filled that are still cached. */
uint64_t pmc_vpmu_llc_occupancy(const struct pmc *p, uint32_t vcpu);

/* Tag this vCPU's LLC fills from now on with TAG (< VPMU_LLC_TAGS), and the
 * ground truth per tag: lines this vCPU filled under TAG still cached. */
void pmc_vpmu_set_llc_tag(struct pmc *p, uint32_t tag);
uint64_t pmc_vpmu_llc_occupancy_tag(const struct pmc *p, uint32_t tag);

/* The LLC's size in lines (the plugin's geometry) and the lines filled into
 * it by every vCPU so far (live, monotonic). */
uint64_t pmc_vpmu_llc_lines(const struct pmc *p);
uint64_t pmc_vpmu_llc_fills_global(const struct pmc *p);

#endif
