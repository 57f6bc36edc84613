/* Time for the scheduler core: TSC cycles as uint64_t, plus exact integer
 * conversions.  No floating point: the same code runs in the sandbox kernel
 * (built -mgeneral-regs-only) and on the host. */
#ifndef SCHED_CYCLES_H
#define SCHED_CYCLES_H

#include <stdint.h>

#define SCHED_NEVER UINT64_MAX /* "no such event" time */

/* Microseconds to cycles for a core running cycles_per_us cycles per
 * microsecond.  Saturates at SCHED_NEVER instead of wrapping. */
uint64_t sched_us_to_cycles(uint64_t us, uint32_t cycles_per_us);

/* Cycles to whole microseconds, rounded down.  cycles_per_us must be > 0. */
uint64_t sched_cycles_to_us(uint64_t cycles, uint32_t cycles_per_us);

/* a*b/c computed exactly with a 128-bit intermediate, rounded up when
 * round_up is non-zero, else down.  c must be > 0.  Saturates at UINT64_MAX.
 * Avoids compiler 128-bit division helpers, which freestanding kernels lack. */
uint64_t sched_muldiv(uint64_t a, uint64_t b, uint64_t c, int round_up);

#endif
