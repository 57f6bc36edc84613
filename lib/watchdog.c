/* Heartbeat watchdog (see watchdog.h). */
#include "lib/watchdog.h"

void watchdog_init(struct watchdog *w, uint64_t timeout_ms)
{
	*w = (struct watchdog){ .timeout_ms = timeout_ms };
}

bool watchdog_check(struct watchdog *w, uint64_t beat, uint64_t now_ms)
{
	if (beat != w->last_beat || !beat) {
		w->last_beat = beat;
		w->last_change_ms = now_ms;
		w->fired = false;
		return false;
	}
	if (w->fired || now_ms - w->last_change_ms < w->timeout_ms)
		return false;
	w->fired = true;
	w->hangs++;
	return true;
}
