/*
 * What the trap handler (trap.c) counts, and the hooks it calls: interrupts
 * beyond the scheduler's and the fatal exceptions.
 */
#ifndef QUESTV_KERNEL_TRAP_H
#define QUESTV_KERNEL_TRAP_H
#include <stdint.h>
#include "include/questv/bootinfo.h"
#include "kernel/irq_counts.h"
#include "kernel/vectors.h"

/* Called on every timer tick, from the interrupt (may be 0). */
extern void (*volatile timer_hook)(void);

/* Called for the interrupt of assigned device i (bootinfo.device[i]), from
 * the interrupt; it must silence the device (a level-triggered line
 * otherwise fires again at once). */
extern void (*volatile device_irq_hook[BOOTINFO_MAX_DEVICES])(void);
#endif
