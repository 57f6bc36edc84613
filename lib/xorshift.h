/* Small deterministic pseudo-random sequences (Marsaglia's xorshift64 and
 * Vigna's xorshift64*), for workloads, fuzzers and lwIP's port choice,
 * which must repeat exactly from a seed. Inline, so a measured workload's
 * calls count as its own work. */
#ifndef QUESTV_XORSHIFT_H
#define QUESTV_XORSHIFT_H
#include <stdint.h>

/* The next value of the sequence whose state is *s (never 0). */
static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* xorshift64*: the next value of the sequence whose state is *s (never 0);
 * its high bits are the good ones. */
static inline uint64_t xorshift64star(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}
#endif
