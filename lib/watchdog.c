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

void watchdog_judge_init(struct watchdog_judge *j, uint32_t need_off, uint32_t need_on,
			 uint64_t min_run)
{
	*j = (struct watchdog_judge){ .need_off = need_off, .need_on = need_on, .min_run = min_run };
}

bool watchdog_judge(struct watchdog_judge *j, uint32_t seq, uint64_t spot, bool if_on,
		    uint64_t now)
{
	uint64_t ran = now - j->answered_at;

	if (j->confirmed)
		j->found = 0;
	j->confirmed = false;
	if (!spot) {
		j->found = 0;
		return false;
	}
	if (spot != j->spot || !j->found) {
		/* A new spot: the watched side has moved since, so this one counts. */
		*j = (struct watchdog_judge){ .need_off = j->need_off, .need_on = j->need_on,
					      .min_run = j->min_run, .spot = spot,
					      .answered_at = j->answered_at, .first = seq,
					      .first_at = now, .min_gap = UINT64_MAX };
	} else if (ran < j->min_run) {
		return false;   /* waited behind the last answer: nothing new */
	} else if (ran < j->min_gap) {
		j->min_gap = ran;
	}
	j->last = seq;
	j->found++;
	j->if_on |= if_on;
	j->confirmed = j->found >= (j->if_on ? j->need_on : j->need_off);
	return j->confirmed;
}
