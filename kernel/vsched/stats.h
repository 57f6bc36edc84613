/* Small statistics the guest scheduler reports: percentiles of response
 * times and the occupancy estimator's error against the vPMU's truth. */
#ifndef QUESTV_VSCHED_STATS_H
#define QUESTV_VSCHED_STATS_H
#include <stdint.h>

/* The p-th percentile (nearest rank, 0 < p <= 100) of the n values v
 * (sorted in place); 0 when n is 0. */
uint64_t vstats_percentile(uint64_t *v, unsigned n, unsigned p);

/* Absolute error of an estimate against the truth, sample after sample. */
struct vstats_error {
	uint64_t samples, sum, max;   /* lines */
};

void vstats_error_add(struct vstats_error *e, uint64_t estimate, uint64_t truth);
#endif
