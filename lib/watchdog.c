/* Heartbeat watchdog with paced probes (see watchdog.h). */
#include "lib/watchdog.h"

void watchdog_init(struct watchdog *w, uint64_t timeout, uint64_t gap)
{
	*w = (struct watchdog){ .timeout = timeout, .gap = gap };
}

static bool send(struct watchdog *w, uint64_t now)
{
	w->probes++;
	w->in_stall++;
	w->sent_at = now;
	return true;
}

bool watchdog_check(struct watchdog *w, uint64_t beat, uint32_t acked, uint64_t acked_at,
		    uint64_t now)
{
	if (beat != w->last_beat || !beat) {
		w->last_beat = beat;
		w->last_change = now;
		w->stalled = false;
		w->in_stall = 0;
		return false;
	}
	if (now - w->last_change < w->timeout)
		return false;
	if (!w->stalled) {
		w->stalled = true;
		w->stalls++;
	}
	if (acked != w->probes)   /* not answered: not running, or the probe was lost */
		return now - w->sent_at >= WATCHDOG_RESEND * w->timeout ? send(w, now) : false;
	if (w->in_stall && (acked_at > now || now - acked_at < w->gap))
		return false;
	return send(w, now);
}
