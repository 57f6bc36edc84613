/* The guest-programmable side of the vPMU: turns a vCPU's control page
 * (event selection, enable mask, reset and measured-region requests; see
 * include/questv/vpmu.h) and the model's running totals into the counter values the
 * guest reads. Polled once per translated block, on the vCPU's own thread. */
#ifndef PMC_VPMU_CONTROL_H
#define PMC_VPMU_CONTROL_H

#include <stdint.h>
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_model.h"

/* Plugin-private state of one vCPU's counter slots. */
struct vpmu_slots {
	struct vpmu_control seen;	/* control page as last acted on */
	uint64_t base[VPMU_NCOUNTERS];	/* total when the running segment began */
	uint64_t acc[VPMU_NCOUNTERS];	/* counted in earlier enabled segments */
	uint64_t region_start[VPMU_NCOUNTERS];
	/* The enabled slots as the last full poll left them (see poll). */
	uint32_t n_running;
	uint8_t running[VPMU_NCOUNTERS];
	const uint64_t *source[VPMU_NCOUNTERS];
	uint64_t offset[VPMU_NCOUNTERS];
	/* Slots armed for an overflow interrupt, and their presets. */
	uint32_t armed;
	uint64_t preset[VPMU_NCOUNTERS];
};

/* Act on vCPU VCPU's control page (as it is now) and publish its slot
 * values, region results and reset and arm acknowledgements in its counter
 * page. Returns the armed slots that wrapped (a bit each; now disarmed):
 * the caller raises the vCPU's interrupt.
 * S must start zeroed, matching a zeroed control page. Cheap when the page
 * is as it was at the last poll: nothing with no slot enabled, else the
 * enabled slots' values only. */
uint32_t vpmu_control_poll(struct vpmu_slots *s, struct vpmu_model *m, uint32_t vcpu);

#endif
