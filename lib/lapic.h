/* Local APIC (xAPIC, MMIO) registers and helpers, shared by monitor and kernel. */
#ifndef QUESTV_LAPIC_H
#define QUESTV_LAPIC_H

#include <stdint.h>
#include "lib/x86.h"

#define LAPIC_BASE      0xFEE00000ull
#define LAPIC_ID        0x020
#define LAPIC_EOI       0x0B0
#define LAPIC_SVR       0x0F0
#define LAPIC_ISR(n)    (0x100 + 0x10 * (n))   /* in-service bits, vectors 32n..32n+31 */
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_PERF  0x340
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0

#define LAPIC_SVR_ENABLE   (1u << 8)
#define LAPIC_LVT_MASKED   (1u << 16)
#define LAPIC_LVT_PERIODIC (1u << 17)
#define LAPIC_DIV_1        0xB
#define LAPIC_ICR_PENDING  (1u << 12)

static inline uint32_t lapic_read(uint32_t reg) { return mmio_read32(LAPIC_BASE + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { mmio_write32(LAPIC_BASE + reg, v); }

/* Send an IPI (ICR low word, e.g. a fixed vector) to the core with apic_id. */
void lapic_send(uint32_t apic_id, uint32_t icr_lo);
/* The same from an NMI handler: the interrupted code may have written
 * ICR_HI and not yet ICR_LO, so its destination is put back after. */
void lapic_send_from_nmi(uint32_t apic_id, uint32_t icr_lo);

/*
 * Measure the TSC and the LAPIC timer clock (divide by 1) against the PIT:
 * the most certain of 8 measurements of about 5 ms (lapic.c). Needs the
 * PIT ports, so only the monitor or a natively booted kernel may call it.
 */
void pit_calibrate(uint64_t *tsc_hz, uint64_t *lapic_hz);

#endif
