/* See checksum.h. */
#include "monitor/checksum.h"

uint64_t mem_checksum_more(uint64_t h, const void *start, uint64_t len, uint64_t mask)
{
	const volatile uint64_t *w = start;
	uint64_t i;
	for (i = 0; i < len / 8; i++)
		h = (h ^ (w[i] & mask)) * 0x100000001b3ull;
	return h;
}

uint64_t mem_checksum(const void *start, uint64_t len)
{
	return mem_checksum_more(CHECKSUM_SEED, start, len, ~0ull);
}
