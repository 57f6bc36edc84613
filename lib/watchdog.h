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

/*
 * The watched side's judgement, one probe at a time: it confirms a hang
 * when `need_off` probes in a row find it in the same suspect spot (a
 * stretch of its own code), interrupts off at each, or `need_on` when
 * they were on at any. A probe counts only if the watched side ran at
 * least `min_run` of its own clock since it answered the last one: a
 * probe taken at once after that answer (it was sent while the answer was
 * still being given, and waited behind it) found the watched side where
 * the last one left it, and says nothing new. Measured: such probes,
 * 1-7 us after the answer, each finding the return from an interrupt
 * handler, made every watchdog false alarm of a loaded host's campaign.
 * They are answered with the count unchanged.
 */
struct watchdog_judge {
	uint32_t need_off, need_on;
	uint64_t min_run;
	uint64_t spot;            /* where the finds in a row were (0: none) */
	uint32_t found;           /* their number: what the answer says */
	bool if_on;               /* one of them with interrupts on */
	bool confirmed;           /* the last probe confirmed: start again */
	uint64_t answered_at;     /* when the last answer was given */
	/* For the record: the finds' first and last probe numbers, when the
	 * first was taken, the least run before a counted one. */
	uint32_t first, last;
	uint64_t first_at, min_gap;
};

void watchdog_judge_init(struct watchdog_judge *j, uint32_t need_off, uint32_t need_on,
			 uint64_t min_run);

/* Probe number seq taken at now (the watched side's clock), finding it at
 * spot (0: no suspect spot - not in its own code, or in an interrupt
 * handler), interrupts on or not. true when it confirms a hang; j->found
 * is the answer's count either way. */
bool watchdog_judge(struct watchdog_judge *j, uint32_t seq, uint64_t spot, bool if_on,
		    uint64_t now);

/* The answer was given at now: the next probe's run counts from here. */
static inline void watchdog_answered(struct watchdog_judge *j, uint64_t now)
{
	j->answered_at = now;
}
#endif
