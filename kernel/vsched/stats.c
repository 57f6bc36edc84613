/* Response-time percentiles and estimator error (see stats.h). */
#include "kernel/vsched/stats.h"

/* Insertion sort: a few hundred values, once at the end of a run. */
uint64_t vstats_percentile(uint64_t *v, unsigned n, unsigned p)
{
	unsigned i, j, rank;
	if (!n)
		return 0;
	for (i = 1; i < n; i++) {
		uint64_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	rank = (n * p + 99) / 100;   /* ceil(n p / 100), nearest rank */
	return v[rank ? rank - 1 : 0];
}

void vstats_error_add(struct vstats_error *e, uint64_t estimate, uint64_t truth)
{
	uint64_t d = estimate > truth ? estimate - truth : truth - estimate;
	e->samples++;
	e->sum += d;
	if (d > e->max)
		e->max = d;
}
