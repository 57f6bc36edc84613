/* Random pointer chase: one node per 64-byte line, linked into a single
 * random cycle (Sattolo's shuffle), followed PASSES times around. Each load
 * depends on the previous one and the order defeats locality: the latency
 * case. Links are offsets, not pointers, so the layout is the same at any
 * base address. */
#include "lib/xorshift.h"
#include "pmc/workloads/workload.h"

#define NODE 64u

static void prepare(uint8_t *mem, const struct wl_params *p)
{
	uint64_t n = p->bytes / NODE, state = p->seed | 1;
	uint32_t *next = (uint32_t *)mem;	/* scratch: the permutation, in place */
	for (uint64_t i = 0; i < n; i++)
		next[i * (NODE / 4)] = (uint32_t)i;
	/* Sattolo: swapping each i with a j < i yields one cycle through all. */
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = xorshift64star(&state) % i;
		uint32_t t = next[i * (NODE / 4)];
		next[i * (NODE / 4)] = next[j * (NODE / 4)];
		next[j * (NODE / 4)] = t;
	}
}

static WL_RUN uint64_t wl_pointer_chase_run(uint8_t *mem, const struct wl_params *p)
{
	const volatile uint32_t *next = (const volatile uint32_t *)mem;
	uint64_t steps = (p->bytes / NODE) * p->passes;
	uint32_t at = 0;
	for (uint64_t s = 0; s < steps; s++)
		at = next[(uint64_t)at * (NODE / 4)];
	return at;
}

const struct workload wl_pointer_chase = {"pointer_chase", prepare, wl_pointer_chase_run};
