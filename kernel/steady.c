/* Steady-state workload (see steady.h). */
#include "kernel/steady.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/trap.h"
#include "lib/lapic.h"
#include "lib/record.h"

static uint32_t ipi_dest;
static uint64_t ipi_every_ticks, ipis_sent;
static uint64_t progress_every;  /* TSC cycles between progress records, 0 = none */

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

/* With progress_ms=N: a record every N ms of how far the work got, so a
 * run can show this sandbox never paused while another one failed. */
static void progress(uint64_t start, uint64_t *next, uint64_t rounds)
{
	struct record r;
	uint64_t now;
	if (!progress_every || (now = rdtsc()) < *next)
		return;
	*next = now + progress_every;
	rec_begin(&r, "progress");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "t_us", (now - start) / (kinfo.tsc_hz / 1000000 ? kinfo.tsc_hz / 1000000 : 1));
	rec_u64(&r, "rounds", rounds);
	rec_end(&r);
}

void steady_run(uint64_t ms, uint64_t timer_hz, uint64_t ipi_every)
{
	uint64_t start, end, work = kinfo.sandbox, rounds = 0, next_progress = 0;
	struct record r;

	if (kinfo.bi && kinfo.nsandboxes > 1) {
		ipi_dest = kinfo.bi->peer_apic[(kinfo.sandbox + 1) % kinfo.nsandboxes];
		ipi_every_ticks = ipi_every;
	}
	progress_every = kinfo.tsc_hz / 1000 * arg_u64("progress_ms", 0);
	timer_hook = on_tick;
	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(kinfo.lapic_hz / timer_hz));

	start = rdtsc();
	end = start + kinfo.tsc_hz / 1000 * ms;
	sti();
	while (rdtsc() < end) {
		work = spin_work(work);
		progress(start, &next_progress, ++rounds);
	}
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
