/* Cores: start the APs, know their APIC IDs, hand each its work. */
#ifndef QUESTV_SMP_H
#define QUESTV_SMP_H
#include <stdint.h>
#include "monitor/config.h"

#define TRAMPOLINE_PA 0x8000ull

/*
 * Start every other core (INIT-SIPI-SIPI broadcast) and wait until the
 * expected number (ACPI's count; 0 = unknown: until they stop answering)
 * have. Cores get indices 0 (the BSP) .. n-1 in the order they answer.
 * Returns the number of cores; their APIC IDs go to m->apic_ids.
 */
unsigned smp_start(uint64_t tsc_hz, unsigned expected, struct machine *m);

/* Run fn(index) on core index (an AP); the BSP calls fn itself. */
void smp_dispatch(unsigned index, void (*fn)(unsigned index));

/* Busy-wait for us microseconds on the TSC. */
void tsc_delay_us(uint64_t tsc_hz, uint64_t us);
#endif
