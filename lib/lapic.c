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
#define PIT_LATCH     5966u        /* ~5 ms */
#define PIT_TRIES     6
#define PIT_CH2_DATA  0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61

/* One measurement over PIT_LATCH: TSC ticks and LAPIC timer counts. */
static void pit_measure(uint64_t *tsc, uint64_t *lapic)
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
	*tsc = t1 - t0;
	*lapic = 0xFFFFFFFFu - c1;
}

/* Under emulation on a loaded host the vCPU may not run when the PIT
 * count ends, and one measurement then comes out many times too long
 * (42 GHz seen for a 2.7 GHz TSC): the shortest of several is the one
 * least disturbed. */
void pit_calibrate(uint64_t *tsc_hz, uint64_t *lapic_hz)
{
	uint64_t best_tsc = UINT64_MAX, best_lapic = 0;

	for (unsigned i = 0; i < PIT_TRIES; i++) {
		uint64_t tsc, lapic;
		pit_measure(&tsc, &lapic);
		if (tsc < best_tsc) {
			best_tsc = tsc;
			best_lapic = lapic;
		}
	}
	*tsc_hz = best_tsc * PIT_HZ / PIT_LATCH;
	*lapic_hz = best_lapic * PIT_HZ / PIT_LATCH;
}
