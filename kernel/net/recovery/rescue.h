/*
 * The rescue channel between the driver sandbox and its rescuer: a shared
 * region named "rescue" (at least 16K: the area follows the boot marks'
 * page, kernel/shared.h) with exactly those two members (the config says
 * who rescues by listing it), and IPIs (VEC_RESCUE) both ways; no monitor.
 *
 *  - heartbeat: the driver sandbox bumps it as its network loop turns; the
 *    rescuer watches it (lib/watchdog.h) and, when it stalls, probes the
 *    driver's core with NMIs (numbered in probe, each sent once the last
 *    was answered and a gap passed): a driver spinning in its own code is
 *    found by its answers and unwound (kernel/contain.h).
 *  - clean image: at boot the driver sandbox publishes its driver's state
 *    as set up (struct e1000_dev, rings not started); the rescuer keeps a
 *    private copy, out of the faulty sandbox's reach. In remote recovery
 *    the driver sandbox asks for it (request, IPI), the rescuer writes it
 *    back into the region and answers (reply, IPI): the "IPI round trip".
 */
#ifndef QUESTV_NET_RESCUE_H
#define QUESTV_NET_RESCUE_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/e1000/e1000_dev.h"
#include "kernel/contain.h"
#include "lib/watchdog.h"

#define RESCUE_IMAGE_MAX 8192
/* From a probe's answer to the next probe: the answer found the driver in
 * its own code (armed), or not. The rescuer waits the first spinning. */
#define RESCUE_SUSPECT_GAP_US 200
#define RESCUE_PROBE_GAP_US   1000
/* The driver counts a probe only after running this long since its last
 * answer (lib/watchdog.h: watchdog_judge); a hang spins the whole gap. */
#define RESCUE_MIN_RUN_US     (RESCUE_SUSPECT_GAP_US / 4)
/* A stall this long, unresolved, is reported once (a watchdog_stall
 * record: how the probes were answered), so a driver stuck beyond the
 * watchdog's reach is explained in the log rather than silent. */
#define RESCUE_LONG_STALL_MS  1000

struct rescue_area {
	volatile uint64_t heartbeat;      /* driver: 0 = not watched */
	struct contain_probe probe;       /* rescuer: seq; driver: the answer */
	volatile uint32_t request, reply; /* sequence numbers */
	volatile uint32_t image_len;      /* driver: boot image published */
	volatile uint32_t driver_done;    /* driver: stopped serving; the rescuer stops too */
	uint8_t image[RESCUE_IMAGE_MAX];
};

struct rescue {
	struct rescue_area *area;
	unsigned peer;                    /* the other member */
	bool driver;                      /* which end this is */
	/* Rescuer only. */
	struct watchdog wd;
	uint64_t long_stall_reported;     /* the stall (wd.stalls) last reported */
	uint64_t tsc_per_us;
	uint32_t served;
	uint32_t image_len;
	uint8_t clean[RESCUE_IMAGE_MAX];
};

/* Open this sandbox's end of region "rescue", if it has one: 0, or -1
 * when there is none (or it is too small or not between two).
 * hang_timeout_ms: the rescuer's heartbeat age that starts probing. */
int rescue_open(struct rescue *r, bool driver, uint64_t hang_timeout_ms);

/* Driver: publish the clean image of d (before it starts). */
void rescue_publish(struct rescue *r, const struct e1000_dev *d);
/* Driver: the loop turned. */
static inline void rescue_beat(struct rescue *r) { r->area->heartbeat++; }

/* Driver: ask for the clean image and wait for it (at most timeout_ms of
 * TSC, tsc_per_ms); copy it into *d if it is sane. true on success. */
bool rescue_fetch(struct rescue *r, struct e1000_dev *d, uint64_t tsc_per_ms, uint64_t timeout_ms);

/* Driver: it stops serving (the rescuer follows: rescue_driver_done). */
static inline void rescue_finish(struct rescue *r) { r->area->driver_done = 1; }
/* Rescuer: has the driver sandbox stopped serving? */
static inline bool rescue_driver_done(const struct rescue *r) { return r->area->driver_done; }

/* Rescuer: keep the boot image, serve requests, watch the heartbeat and
 * probe a stalled driver (waiting here for a probe due within
 * RESCUE_SUSPECT_GAP_US). Returns true when it just sent a probe. */
bool rescue_poll(struct rescue *r);
#endif
