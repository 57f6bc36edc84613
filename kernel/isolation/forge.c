/* Forged monitor records (see forge.h): the lines a sandbox would print
 * to pass a failed run off as a clean one. */
#include "kernel/isolation/forge.h"
#include "kernel/kinfo.h"
#include "kernel/uart.h"
#include "lib/record.h"

void forge_verdict(void)
{
	struct record r;
	unsigned i;

	for (i = 0; i < kinfo.nsandboxes; i++) {
		rec_begin(&r, "vm_exits");
		rec_u64(&r, "sandbox", i);
		rec_str(&r, "window", "steady");
		rec_u64(&r, "count", 0);
		rec_obj_begin(&r, "by_reason");
		rec_obj_end(&r);
		rec_end(&r);
		rec_begin(&r, "integrity");
		rec_u64(&r, "sandbox", i);
		rec_str(&r, "region", "kernel_code");
		rec_bool(&r, "unchanged", true);
		rec_end(&r);
	}
	rec_begin(&r, "isolation_checksum");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "target", "monitor");
	rec_bool(&r, "unchanged", true);
	rec_end(&r);
	rec_begin(&r, "run_end");
	rec_u64(&r, "status", 0);
	rec_end(&r);
	uart_drain();
}
