/* The steady-state workload: no VM exits allowed while it runs. */
#ifndef QUESTV_STEADY_H
#define QUESTV_STEADY_H
#include <stdint.h>
/*
 * Spin for ms milliseconds of TSC time with the LAPIC timer at timer_hz
 * and an IPI to the next sandbox every ipi_every ticks; record
 * {"ev":"steady",...} with what was counted. Kernel arg progress_ms=N adds
 * {"ev":"progress","sandbox","t_us","rounds"} every N ms.
 */
void steady_run(uint64_t ms, uint64_t timer_hz, uint64_t ipi_every);
#endif
