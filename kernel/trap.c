/*
 * Kernel trap handler: timer and IPI interrupts, probe fixups, and fatal
 * exceptions (recorded, then the run ends with a failure status; the
 * monitor sees a sandbox that ended badly, the other sandboxes go on).
 */
#include "kernel.h"
#include "irq.h"
#include "extable.h"
#include "vsched.h"
#include "../lib/lapic.h"
#include "../lib/record.h"
#include "../lib/trap.h"
#include "../include/questv/hypercall.h"

struct irq_counts irq_counts;
void (*volatile timer_hook)(void);

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
	case VEC_IPI:
		irq_counts.ipis_received++;
		lapic_write(LAPIC_EOI, 0);
		return f;
	case VEC_SPURIOUS:
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
