/*
 * A heartbeat watchdog that confirms before it accuses: one side bumps a
 * counter in shared memory while it is alive; the other samples it, and
 * once the counter has not moved for `timeout` of its clock (a stall) it
 * probes the watched side (the caller sends the probe: an NMI, which even
 * code spinning with interrupts off takes). The watched side answers each
 * probe with its number and the time it answered (same clock), and decides
 * itself whether it hangs (kernel/contain.h: the same driver code found by
 * several probes). Portable (host-tested): the caller supplies the samples
 * and the time.
 *
 * Probes are paced so that each one tests progress: the next is sent only
 * after the previous was answered and `gap` has passed since the answer.
 * A watched side that does not run (its vCPU not scheduled by the host)
 * answers nothing and so is probed no further - a stall alone never makes
 * a hang. An unanswered probe is sent again after 10 timeouts (one that
 * arrived while the watched side could not answer it).
 *
 * A beat of 0 means "not armed" (the watched side has not started, or has
 * stopped on purpose): never a stall.
 */
#ifndef QUESTV_WATCHDOG_H
#define QUESTV_WATCHDOG_H
#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_RESEND 10        /* timeouts before an unanswered probe goes again */

struct watchdog {
	uint64_t timeout, gap;    /* the caller's clock unit */
	uint64_t last_beat;       /* counter at the last change */
	uint64_t last_change;     /* our time when it last changed */
	uint64_t sent_at;         /* our time of the last probe */
	bool stalled;             /* the beat is older than timeout */
	uint32_t in_stall;        /* probes sent in this stall */
	uint32_t probes;          /* probes sent so far: the last one's number */
	uint64_t stalls;          /* stalls so far */
};

void watchdog_init(struct watchdog *w, uint64_t timeout, uint64_t gap);

/* Feed one sample: beat; acked, the number of the last probe answered, and
 * acked_at, when; now. true when a probe is due: send probe number
 * w->probes now (counted already). */
bool watchdog_check(struct watchdog *w, uint64_t beat, uint32_t acked, uint64_t acked_at,
		    uint64_t now);
#endif
