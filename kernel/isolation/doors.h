/* The isolation probe's doors beyond memory: interrupts, MSRs, ports,
 * virtualization and cache instructions, platform MMIO. */
#ifndef QUESTV_PROBE_DOORS_H
#define QUESTV_PROBE_DOORS_H
/*
 * Run during this sandbox's probe turn (the others wait in the monitor).
 * Every attempt is an isolation record, target "kind:detail": result
 * "blocked" (the monitor refused it), "harmless" (it went through by
 * design: an IPI at the peer, which must go on unharmed: the system tests
 * check its ticks, checksums and steady window), "not_tried" with why
 * (an attempt this platform cannot survive), or "allowed" (a leak).
 * Returns the number of leaks.
 */
unsigned probe_doors(void);
#endif
