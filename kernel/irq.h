/* Interrupt vectors the kernel uses and what it counts. */
#ifndef QUESTV_IRQ_H
#define QUESTV_IRQ_H
#include <stdint.h>
#include "../include/questv/bootinfo.h"

#define VEC_NMI      0x02
#define VEC_TIMER    0x20
#define VEC_IPI      0x40
#define VEC_NET_KICK 0x41   /* a VNIC peer queued frames for us */
#define VEC_RESCUE   0x42   /* the rescue channel has a request or a reply */
#define VEC_PMI      0x43   /* a performance counter overflowed (kpmc.h) */
/* Assigned devices: BOOTINFO_DEV_VECTOR_BASE + their bootinfo index. */
#define VEC_DEVICE_FIRST BOOTINFO_DEV_VECTOR_BASE
#define VEC_DEVICE_LAST  (BOOTINFO_DEV_VECTOR_BASE + BOOTINFO_MAX_DEVICES - 1)
#define VEC_SPURIOUS 0xFF

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

/* Called on every timer tick, from the interrupt (may be 0). */
extern void (*volatile timer_hook)(void);

/* Called for the interrupt of assigned device i (bootinfo.device[i]), from
 * the interrupt; it must silence the device (a level-triggered line
 * otherwise fires again at once). */
extern void (*volatile device_irq_hook[BOOTINFO_MAX_DEVICES])(void);
#endif
