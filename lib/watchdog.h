/*
 * A heartbeat watchdog: one side bumps a counter in shared memory while it
 * is alive; the other samples it and declares a hang when the counter has
 * not moved for timeout_ms of its own clock. Portable (host-tested): the
 * caller supplies the samples and the time.
 *
 * A beat of 0 means "not armed" (the watched side has not started, or has
 * stopped on purpose): never a hang. After a hang is reported once, it is
 * not reported again until the counter moves (the watched side recovered).
 */
#ifndef QUESTV_WATCHDOG_H
#define QUESTV_WATCHDOG_H
#include <stdbool.h>
#include <stdint.h>

struct watchdog {
	uint64_t timeout_ms;
	uint64_t last_beat;       /* counter at the last change */
	uint64_t last_change_ms;  /* our time when it last changed */
	bool fired;               /* reported; wait for the next beat */
	uint64_t hangs;           /* reported so far */
};

void watchdog_init(struct watchdog *w, uint64_t timeout_ms);

/* Feed one sample (beat, now_ms); true exactly when a hang begins. */
bool watchdog_check(struct watchdog *w, uint64_t beat, uint64_t now_ms);
#endif
