/* Strided walk: read one word every STRIDE bytes, PASSES times. Strides of a
 * line or more miss on every access once the footprint exceeds a cache;
 * power-of-two strides concentrate on few sets and show associativity. */
#include "pmc/workloads/workload.h"

static void prepare(uint8_t *mem, const struct wl_params *p)
{
	for (uint64_t off = 0; off + 8 <= p->bytes; off += 8)
		*(uint64_t *)(mem + off) = off;
}

static WL_RUN uint64_t wl_stride_walk_run(uint8_t *mem, const struct wl_params *p)
{
	uint64_t sum = 0, stride = p->stride >= 8 ? p->stride : 8;
	for (uint32_t pass = 0; pass < p->passes; pass++)
		for (uint64_t off = 0; off + 8 <= p->bytes; off += stride)
			sum += *(const volatile uint64_t *)(mem + off);
	return sum;
}

const struct workload wl_stride_walk = {"stride_walk", prepare, wl_stride_walk_run};
