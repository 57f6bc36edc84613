/* The monitor never expects an exception: report it and end the run. An
 * NMI is no exception: counted and passed on (nmi.h), the core goes on. */
#include "monitor/log.h"
#include "monitor/nmi.h"
#include "lib/trap.h"
#include "include/questv/hypercall.h"

#define VEC_NMI 2

struct trap_frame *trap(struct trap_frame *f)
{
	struct record r;
	if (f->vector == VEC_NMI) {
		nmi_taken();
		return f;
	}
	rec_begin(&r, "monitor_exception");
	rec_u64(&r, "vector", f->vector);
	rec_hex(&r, "error", f->error);
	rec_hex(&r, "rip", f->rip);
	rec_end(&r);
	monitor_end_run(STATUS_BOOT);
}
