/* What the vPMU plugin writes to out=FILE, one JSON object per line: each
 * vCPU's totals at exit and, with interval=N, each vCPU's counts of every
 * N-instruction interval as it ends (like perf stat -I). */
#ifndef PMC_VPMU_REPORT_H
#define PMC_VPMU_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_model.h"

/* Where one vCPU's current interval began. */
struct vpmu_interval {
	uint64_t start[VPMU_EV_COUNT];	/* totals when it began */
	uint64_t next;			/* instruction total that ends it; UINT64_MAX: never */
	uint64_t index;			/* 0 for the first interval */
};

struct vpmu_report {
	FILE *f;			/* out=FILE, open for the whole run; NULL: no output */
	uint64_t every;			/* interval=N; 0: no interval lines */
	struct vpmu_interval iv[VPMU_MAX_VCPUS];
};

/* Open CFG's out file (if any). Returns NULL, or ERR holding a message
 * with the path and the reason. */
const char *vpmu_report_open(struct vpmu_report *r, const struct vpmu_config *cfg, char *err, size_t errlen);

/* vCPU VCPU's instruction total reached R->iv[VCPU].next at a block start
 * (everything before this block counted, nothing of it): write the ended
 * interval's line and start the next. The caller compares, so the per-block
 * cost without an interval end is one load and one compare. Needs R's file
 * (interval=N comes with out=FILE). */
void vpmu_report_interval(struct vpmu_report *r, struct vpmu_model *m, uint32_t vcpu);

/* At exit: each vCPU's last, partial interval (if it counted anything),
 * then each vCPU's totals line; closes the file. Interval lines of a vCPU
 * sum to its totals line. */
void vpmu_report_close(struct vpmu_report *r, struct vpmu_model *m);

#endif
