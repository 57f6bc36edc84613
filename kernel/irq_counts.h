/* What the trap handler (trap.c) counts, for whoever reports it (the steady
 * window, the end of a run): apart from trap.c so reporting needs no trap
 * code. */
#ifndef QUESTV_KERNEL_IRQ_COUNTS_H
#define QUESTV_KERNEL_IRQ_COUNTS_H
#include <stdint.h>

struct irq_counts {
	volatile uint64_t timer_ticks;
	volatile uint64_t ipis_received;
	volatile uint64_t net_kicks;
	volatile uint64_t device_irqs;
	volatile uint64_t stray_irqs;   /* a device vector nobody handles */
	volatile uint64_t rescue_ipis;
	volatile uint64_t nmis;         /* NMIs that unwound nothing */
};
extern struct irq_counts irq_counts;
#endif
