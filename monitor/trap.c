/* The monitor never expects an exception: report it and end the run. */
#include "monitor/log.h"
#include "lib/trap.h"
#include "include/questv/hypercall.h"

struct trap_frame *trap(struct trap_frame *f)
{
	struct record r;
	rec_begin(&r, "monitor_exception");
	rec_u64(&r, "vector", f->vector);
	rec_hex(&r, "error", f->error);
	rec_hex(&r, "rip", f->rip);
	rec_end(&r);
	monitor_end_run(STATUS_BOOT);
}
