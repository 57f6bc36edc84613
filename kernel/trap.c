/*
 * Kernel trap handler: timer and IPI interrupts, probe fixups, and fatal
 * exceptions (recorded, then the run ends with a failure status; the
 * monitor sees a sandbox that ended badly, the other sandboxes go on).
 */
#include "kernel/end_run.h"
#include "kernel/kinfo.h"
#include "kernel/trap.h"
#include "kernel/contain.h"
#include "kernel/extable.h"
#include "kernel/vsched/dispatch.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/trap.h"
#include "include/questv/hypercall.h"

void (*volatile timer_hook)(void);
void (*volatile device_irq_hook[BOOTINFO_MAX_DEVICES])(void);

struct trap_frame *trap(struct trap_frame *f)
{
	struct record r;
	uint64_t fixup;

	switch (f->vector) {
	case VEC_TIMER:
		irq_counts.timer_ticks++;
		if (timer_hook)
			timer_hook();
		lapic_write(LAPIC_EOI, 0);
		return vsched_timer(f);
	case VEC_YIELD:
		return vsched_yield(f);
	case VEC_PMI:
		lapic_write(LAPIC_EOI, 0);
		return vsched_pmi(f);
	case VEC_IPI:
		irq_counts.ipis_received++;
		lapic_write(LAPIC_EOI, 0);
		return f;
	case VEC_NET_KICK:
		irq_counts.net_kicks++;
		lapic_write(LAPIC_EOI, 0);
		return f;
	case VEC_RESCUE:
		irq_counts.rescue_ipis++;
		lapic_write(LAPIC_EOI, 0);
		return f;
	case VEC_SPURIOUS:
		return f;
	}
	if (f->vector >= VEC_DEVICE_FIRST && f->vector <= VEC_DEVICE_LAST) {
		void (*hook)(void) = device_irq_hook[f->vector - VEC_DEVICE_FIRST];
		if (hook) {
			irq_counts.device_irqs++;
			hook();
		} else {
			irq_counts.stray_irqs++;
		}
		lapic_write(LAPIC_EOI, 0);
		return f;
	}
	/* A vector nobody here uses, or an exception's vector sent as an IPI
	 * (lib/isr.S): a peer's stray interrupt, counted and dismissed. */
	if ((f->vector >= 32 && f->vector != VEC_SPURIOUS) || f->error == ISR_FOREIGN) {
		irq_counts.stray_irqs++;
		lapic_write(LAPIC_EOI, 0);
		return f;
	}
	if (f->vector < 32 && contain_trap(f))
		return f;
	if (f->vector == VEC_NMI) {
		irq_counts.nmis++;   /* a watchdog's NMI that found nothing to unwind */
		return f;
	}
	if (f->vector < 32 && (fixup = extable_fixup(f->rip))) {
		f->rip = fixup;
		return f;
	}
	rec_begin(&r, "exception");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "vector", f->vector);
	rec_hex(&r, "error", f->error);
	rec_hex(&r, "rip", f->rip);
	rec_end(&r);
	kernel_end_run(RUN_FAILED);
}
