/*
 * The sandbox clock for the network stack: the TSC, whose rate the kernel
 * learned at boot (kinfo.tsc_hz). Under -icount shift=0 the TSC counts
 * instructions, so network timers run on virtual time like everything else.
 * Install with net_clock_set(net_tsc_clock_ms, &clk).
 */
#ifndef QUESTV_NET_CLOCK_TSC_H
#define QUESTV_NET_CLOCK_TSC_H
#include <stdint.h>

struct net_tsc_clock {
	uint64_t tsc_per_ms;  /* tsc_hz / 1000, at least 1 */
	uint64_t base;        /* TSC at time 0 */
};

/* Start the clock at 0 now. tsc_hz: the calibrated TSC rate. */
void net_tsc_clock_init(struct net_tsc_clock *c, uint64_t tsc_hz);
uint64_t net_tsc_clock_ms(void *ctx);

#endif
