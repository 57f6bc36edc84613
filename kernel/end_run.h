/* How a sandbox kernel's run ends. */
#ifndef QUESTV_END_RUN_H
#define QUESTV_END_RUN_H
#include "include/questv/hypercall.h"  /* RUN_OK, RUN_FAILED */

/* Record {"ev":"sandbox_done","sandbox":N,"status":S} and end this
 * kernel's run: through the monitor, or natively by debug-exit. */
__attribute__((noreturn)) void kernel_end_run(unsigned status);
#endif
