/*
 * A heartbeat watchdog that confirms before it accuses: one side bumps a
 * counter in shared memory while it is alive; the other samples it, and
 * once the counter has not moved for `timeout` of its clock (a stall) it
 * probes the watched side (the caller sends the probe: an NMI, which even
 * code spinning with interrupts off takes). The watched side answers each
 * probe (its number, when, and how many probes in a row found it in the
 * same suspect spot, 0 for none) and decides itself whether it hangs
 * (kernel/contain.h). Portable (host-tested): the caller supplies the
 * samples and the time.
 *
 * Probes are paced so that each one tests progress: the next is due only
 * once the previous was answered, `gap_suspect` after an answer that found
 * a suspect spot, `gap` after one that did not (counted from when this
 * side first saw the answer: the two sides' clocks need not agree). A watched side that does
 * not run (its vCPU not scheduled by the host) answers nothing and so is
 * probed no further - a stall alone never makes a hang. An unanswered
 * probe is sent again after WATCHDOG_RESEND timeouts (one that arrived
 * while the watched side could not answer it).
 *
 * A beat of 0 means "not armed" (the watched side has not started, or has
 * stopped on purpose): never a stall.
 */
#ifndef QUESTV_WATCHDOG_H
#define QUESTV_WATCHDOG_H
#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_RESEND 10        /* timeouts before an unanswered probe goes again */
#define WATCHDOG_IDLE   UINT64_MAX

struct watchdog {
	uint64_t timeout, gap, gap_suspect;   /* the caller's clock unit */
	uint64_t last_beat;       /* counter at the last change */
	uint64_t last_change;     /* our time when it last changed */
	uint64_t sent_at;         /* our time of the last probe */
	uint64_t answer_seen_at;  /* our time we first saw its answer */
	bool answer_seen;
	bool stalled;             /* the beat is older than timeout */
	uint32_t in_stall;        /* probes sent in this stall */
	uint32_t probes;          /* probes sent so far: the last one's number */
	uint64_t stalls;          /* stalls so far */
};

/* The watched side's last answer. */
struct watchdog_answer {
	uint32_t probe;           /* its number (0: none yet) */
	uint32_t found;           /* probes in a row that found the suspect spot */
};

void watchdog_init(struct watchdog *w, uint64_t timeout, uint64_t gap, uint64_t gap_suspect);

/* Feed one sample (beat, the last answer, now): how long until a probe is
 * due - 0: send one now, then call watchdog_sent - or WATCHDOG_IDLE when
 * the beat is moving or the last probe is unanswered. */
uint64_t watchdog_due(struct watchdog *w, uint64_t beat, const struct watchdog_answer *a,
		      uint64_t now);

/* A probe (number w->probes after the call) was sent at now. */
void watchdog_sent(struct watchdog *w, uint64_t now);
#endif
