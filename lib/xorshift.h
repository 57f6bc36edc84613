/* A small deterministic pseudo-random sequence (Marsaglia's xorshift64),
 * for workloads and fuzzers that must repeat exactly from a seed. */
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
#endif
