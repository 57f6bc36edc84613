/* The PIT as a fine clock tick for the emulator. */
#ifndef QUESTV_PIT_TICK_H
#define QUESTV_PIT_TICK_H
/*
 * Run PIT channel 0 at about 8 kHz with its IRQ masked everywhere (the
 * legacy PIC is masked, the IOAPIC pin stays masked), so no core ever
 * takes it.
 *
 * Why: QEMU's TCG under -icount runs all vCPUs round-robin on one host
 * thread, each for a share of the virtual time up to the next timer
 * deadline of any device. With sandboxes arming one-shot LAPIC timers far
 * ahead, one vCPU could run for milliseconds while another core's timer is
 * overdue: timer interrupts milliseconds late, which hardware never shows.
 * A device deadline every 125 us bounds that lateness to about one round
 * of slices. On hardware the masked tick costs nothing.
 */
void pit_tick_start(void);
#endif
