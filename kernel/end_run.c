/* The end of a run (see end_run.h). */
#include "kernel/end_run.h"
#include "kernel/hypercall.h"
#include "kernel/kinfo.h"
#include "kernel/irq_counts.h"
#include "kernel/uart.h"
#include "lib/record.h"
#include "lib/x86.h"

#define DEBUG_EXIT_PORT 0xF4

void kernel_end_run(unsigned status)
{
	struct record r;
	cli();
	rec_begin(&r, "interrupts");    /* what peers sent: counted, dismissed */
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "nmis", irq_counts.nmis);
	rec_u64(&r, "stray", irq_counts.stray_irqs);
	rec_end(&r);
	rec_begin(&r, "sandbox_done");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "status", status);
	rec_end(&r);
	uart_drain();
	if (kinfo.virtualized)
		hypercall3(HC_END_RUN, status, 0, 0);
	outl(DEBUG_EXIT_PORT, status);
	for (;;)
		hlt();
}
