/* TSC-based milliseconds for net_clock (see clock_tsc.h). */
#include "kernel/net/clock_tsc.h"
#include "lib/x86.h"

void net_tsc_clock_init(struct net_tsc_clock *c, uint64_t tsc_hz)
{
	c->tsc_per_ms = tsc_hz >= 1000 ? tsc_hz / 1000 : 1;
	c->base = rdtsc();
}

uint64_t net_tsc_clock_ms(void *ctx)
{
	const struct net_tsc_clock *c = ctx;
	return (rdtsc() - c->base) / c->tsc_per_ms;
}
