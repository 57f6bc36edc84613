/* Local APIC helpers and PIT-based clock calibration. */
#include "lib/lapic.h"

void lapic_send(uint32_t apic_id, uint32_t icr_lo)
{
	while (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING)
		cpu_relax();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
}

void lapic_send_from_nmi(uint32_t apic_id, uint32_t icr_lo)
{
	uint32_t hi = lapic_read(LAPIC_ICR_HI);
	lapic_send(apic_id, icr_lo);
	lapic_write(LAPIC_ICR_HI, hi);
}

#define PIT_HZ        1193182ull
#define PIT_LATCH     11932u       /* ~10 ms */
#define PIT_CH2_DATA  0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61

void pit_calibrate(uint64_t *tsc_hz, uint64_t *lapic_hz)
{
	uint64_t t0, t1;
	uint32_t c1;

	/* Channel 2, gate on, speaker off, mode 0: OUT2 rises at terminal count. */
	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xB0);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	outb(PIT_CH2_DATA, PIT_LATCH & 0xff);
	outb(PIT_CH2_DATA, PIT_LATCH >> 8);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
	t0 = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20))
		;
	t1 = rdtsc();
	c1 = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);

	*tsc_hz = (t1 - t0) * PIT_HZ / PIT_LATCH;
	*lapic_hz = (uint64_t)(0xFFFFFFFFu - c1) * PIT_HZ / PIT_LATCH;
}
