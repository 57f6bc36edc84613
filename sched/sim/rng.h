/* Deterministic pseudo-random numbers for the simulator (splitmix64): the
 * same --seed gives the same trace on every host. */
#ifndef SCHED_SIM_RNG_H
#define SCHED_SIM_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is irrelevant for workloads. */
static inline uint64_t rng_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(state) % (hi - lo + 1);
}

#endif
