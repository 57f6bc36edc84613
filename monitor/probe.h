/*
 * Isolation probe coordination. Sandboxes probe one at a time while all
 * the others wait inside the monitor, so their memory cannot change: a
 * checksum of each other sandbox (and of the monitor's code) taken before
 * and after a probe must match.
 */
#ifndef QUESTV_PROBE_H
#define QUESTV_PROBE_H
#include "monitor/sandbox.h"

/* HC_PROBE_BEGIN: wait for sb's turn, take the "before" checksums. */
long probe_begin(struct sandbox *sb);
/* HC_PROBE_END: compare checksums, pass the turn on, wait for the rest. */
long probe_end(struct sandbox *sb);
#endif
