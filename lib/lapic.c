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
#define PIT_TRIES     8
#define PIT_CH2_DATA  0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61

/* One measurement over PIT_LATCH. Each port access takes the emulator's
 * lock, which a loaded host can hold for long: so the start (the count's
 * high byte written) and the end (the first poll that sees OUT2) are each
 * bracketed by two TSC reads, and so is the LAPIC timer's start and read.
 * Fills the midpoint estimates and returns the measurement's uncertainty
 * (the brackets' widths, in TSC ticks). */
static uint64_t pit_measure(uint64_t *tsc, uint64_t *lapic_tsc, uint32_t *lapic_count)
{
	uint64_t s0, s1, l0, l1, last0, p, e, c1;
	uint32_t cur;

	/* Channel 2, gate on, speaker off, mode 0: OUT2 rises at terminal count. */
	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xB0);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	outb(PIT_CH2_DATA, PIT_LATCH & 0xff);
	s0 = rdtsc();
	outb(PIT_CH2_DATA, PIT_LATCH >> 8);
	s1 = l0 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
	l1 = last0 = rdtsc();
	for (;;) {
		p = rdtsc();
		if (inb(PIT_GATE_PORT) & 0x20)
			break;
		last0 = p;
	}
	e = rdtsc();
	cur = lapic_read(LAPIC_TIMER_CUR);
	c1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	/* Started within [s0, s1], ended within [last0, e]. */
	*tsc = (last0 + e) / 2 - (s0 + s1) / 2;
	*lapic_tsc = (e + c1) / 2 - (l0 + l1) / 2;
	*lapic_count = 0xFFFFFFFFu - cur;
	return (s1 - s0) + (e - last0) + (l1 - l0) + (c1 - e);
}

/* Under emulation on a loaded host one measurement could come out many
 * times too long (42 GHz seen for a 2.7 GHz TSC): the one whose brackets
 * are narrowest is used. */
void pit_calibrate(uint64_t *tsc_hz, uint64_t *lapic_hz)
{
	uint64_t best = UINT64_MAX;

	for (unsigned i = 0; i < PIT_TRIES; i++) {
		uint64_t tsc, lapic_tsc, slack;
		uint32_t count;
		slack = pit_measure(&tsc, &lapic_tsc, &count);
		if (slack >= best || !tsc || !lapic_tsc)
			continue;
		best = slack;
		*tsc_hz = tsc * PIT_HZ / PIT_LATCH;
		*lapic_hz = (uint64_t)count * *tsc_hz / lapic_tsc;
	}
}
