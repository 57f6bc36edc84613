/*
 * Isolation probe coordination. Sandboxes probe one at a time while all
 * the others wait inside the monitor, so their memory cannot change: a
 * checksum of each other sandbox (and of the monitor's state, checksum.h:
 * monitor_checksum) taken before and after a probe must match.
 *
 * Nobody holds the others forever: a sandbox that has not asked for its
 * turn PROBE_ARRIVE_MS after the first did, or holds the turn for
 * PROBE_TURN_MS without an exit (both in TSC time, the monitor's checksums
 * not counted), is reported (probe_timeout) and stopped; the others go on.
 * Without an exit, not in all: every probe exits, and on a loaded host a
 * turn that makes progress can take longer than the deadline in all (its
 * vCPU waits for a host CPU), which stopped healthy sandboxes.
 */
#ifndef QUESTV_PROBE_H
#define QUESTV_PROBE_H
#include "monitor/sandbox.h"

#define PROBE_ARRIVE_MS 3000
#define PROBE_TURN_MS   3000

/* Set the deadlines' TSC rate (before any sandbox runs). */
void probe_deadlines(uint64_t tsc_hz);

/* HC_PROBE_BEGIN: wait for sb's turn, take the "before" checksums. */
long probe_begin(struct sandbox *sb);
/* HC_PROBE_END: compare checksums, pass the turn on, wait for the rest. */
long probe_end(struct sandbox *sb);
#endif
