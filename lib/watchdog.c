/* Heartbeat watchdog with paced probes (see watchdog.h). */
#include "lib/watchdog.h"

void watchdog_init(struct watchdog *w, uint64_t timeout, uint64_t gap, uint64_t gap_suspect)
{
	*w = (struct watchdog){ .timeout = timeout, .gap = gap, .gap_suspect = gap_suspect };
}

/* Time from now until `at`, 0 if passed. */
static uint64_t until(uint64_t at, uint64_t now)
{
	return at > now ? at - now : 0;
}

uint64_t watchdog_due(struct watchdog *w, uint64_t beat, const struct watchdog_answer *a,
		      uint64_t now)
{
	if (beat != w->last_beat || !beat) {
		w->last_beat = beat;
		w->last_change = now;
		w->stalled = false;
		w->in_stall = 0;
		return WATCHDOG_IDLE;
	}
	if (now - w->last_change < w->timeout)
		return WATCHDOG_IDLE;
	if (!w->stalled) {
		w->stalled = true;
		w->stalls++;
	}
	if (a->probe != w->probes)   /* not answered: not running, or the probe was lost */
		return now - w->sent_at >= WATCHDOG_RESEND * w->timeout ? 0 : WATCHDOG_IDLE;
	if (!w->in_stall)
		return 0;
	if (!w->answer_seen) {
		w->answer_seen = true;
		w->answer_seen_at = now;
	}
	return until(w->answer_seen_at + (a->found ? w->gap_suspect : w->gap), now);
}

void watchdog_sent(struct watchdog *w, uint64_t now)
{
	w->answer_seen = false;
	w->probes++;
	w->in_stall++;
	w->sent_at = now;
}
