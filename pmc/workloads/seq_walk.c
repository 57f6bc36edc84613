/* Sequential walk: read every 8-byte word of the buffer in order, PASSES
 * times. One miss per line when the buffer exceeds a cache: the streaming
 * case, where a hardware prefetcher would help and our model has none. */
#include "pmc/workloads/workload.h"

static void prepare(uint8_t *mem, const struct wl_params *p)
{
	uint64_t *w = (uint64_t *)mem;
	for (uint64_t i = 0; i < p->bytes / 8; i++)
		w[i] = i;
}

static WL_RUN uint64_t wl_seq_walk_run(uint8_t *mem, const struct wl_params *p)
{
	const volatile uint64_t *w = (const volatile uint64_t *)mem;
	uint64_t sum = 0, n = p->bytes / 8;
	for (uint32_t pass = 0; pass < p->passes; pass++)
		for (uint64_t i = 0; i < n; i++)
			sum += w[i];
	return sum;
}

const struct workload wl_seq_walk = {"seq_walk", prepare, wl_seq_walk_run};
