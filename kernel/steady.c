/* Steady-state workload (see steady.h). */
#include "steady.h"
#include "kernel.h"
#include "irq.h"
#include "../lib/lapic.h"
#include "../lib/record.h"

static uint32_t ipi_dest;
static uint64_t ipi_every_ticks, ipis_sent;

static void on_tick(void)
{
	if (ipi_every_ticks && irq_counts.timer_ticks % ipi_every_ticks == 0) {
		lapic_send(ipi_dest, VEC_IPI);
		ipis_sent++;
	}
}

/* A little arithmetic so the core is busy, as a real workload would be. */
static uint64_t spin_work(uint64_t x)
{
	unsigned i;
	for (i = 0; i < 64; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return x;
}

void steady_run(uint64_t ms, uint64_t timer_hz, uint64_t ipi_every)
{
	uint64_t start, end, work = kinfo.sandbox;
	struct record r;

	if (kinfo.bi && kinfo.nsandboxes > 1) {
		ipi_dest = kinfo.bi->peer_apic[(kinfo.sandbox + 1) % kinfo.nsandboxes];
		ipi_every_ticks = ipi_every;
	}
	timer_hook = on_tick;
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(kinfo.lapic_hz / timer_hz));

	start = rdtsc();
	end = start + kinfo.tsc_hz / 1000 * ms;
	sti();
	while (rdtsc() < end)
		work = spin_work(work);
	cli();
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
	timer_hook = 0;

	rec_begin(&r, "steady");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "ms", ms);
	rec_u64(&r, "cycles", rdtsc() - start);
	rec_u64(&r, "timer_hz", timer_hz);
	rec_u64(&r, "timer_ticks", irq_counts.timer_ticks);
	rec_u64(&r, "ipis_sent", ipis_sent);
	rec_u64(&r, "ipis_received", irq_counts.ipis_received);
	rec_hex(&r, "work", work);
	rec_end(&r);
}
