/*
 * The time source of the network stack: lwIP's sys_now() (milliseconds,
 * wrapping at 2^32, which lwIP's timer code expects) reads whatever clock
 * was installed here. The kernel installs the sandbox's TSC clock
 * (clock_tsc.h); host tests and the fuzzer install a fake one they advance
 * by hand, so timers (TCP retransmission, ARP expiry, reassembly timeouts)
 * fire exactly when a test says.
 */
#ifndef QUESTV_NET_CLOCK_H
#define QUESTV_NET_CLOCK_H
#include <stdint.h>

/* now_ms(ctx): milliseconds since any fixed origin, monotonic. Until a
 * clock is installed, time stands still at 0 (no timer ever fires). */
void net_clock_set(uint64_t (*now_ms)(void *ctx), void *ctx);

/* The installed clock, in full 64 bits (sys_now is its low 32). */
uint64_t net_clock_ms(void);

#endif
