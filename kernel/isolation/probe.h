/* The isolation probe: try to reach what this sandbox must not reach. */
#ifndef QUESTV_KPROBE_H
#define QUESTV_KPROBE_H
/*
 * With the monitor's turn-taking (HC_PROBE_BEGIN/END), read and write a
 * word of every other sandbox and of the monitor, read and write the other
 * UARTs, touch MSRs reserved to the monitor, and pass the monitor bad
 * hypercall arguments. Records {"ev":"isolation",...} per attempt.
 * Returns the number of attempts that were not blocked.
 */
unsigned probe_run(void);
#endif
