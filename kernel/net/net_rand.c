/*
 * LWIP_RAND() for lwIP (arch/cc.h): TCP picks its first ephemeral local
 * port with it. Not cryptographic: xorshift64*, seeded per sandbox (the
 * kernel seeds it from the TSC and its sandbox number) so that sandboxes
 * and runs do not pick the same ports; the host seeds it for replay.
 */
#include "kernel/net/net_rand.h"
#include "lib/xorshift.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

void net_rand_seed(uint64_t seed)
{
	state = seed ? seed : 0x9e3779b97f4a7c15ull;  /* xorshift must not be 0 */
}

uint32_t net_rand(void)
{
	return (uint32_t)(xorshift64star(&state) >> 32);
}
