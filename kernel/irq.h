/* Interrupt vectors the kernel uses and what it counts. */
#ifndef QUESTV_IRQ_H
#define QUESTV_IRQ_H
#include <stdint.h>

#define VEC_TIMER    0x20
#define VEC_IPI      0x40
#define VEC_SPURIOUS 0xFF

struct irq_counts {
	volatile uint64_t timer_ticks;
	volatile uint64_t ipis_received;
};
extern struct irq_counts irq_counts;

/* Called on every timer tick, from the interrupt (may be 0). */
extern void (*volatile timer_hook)(void);
#endif
