/*
 * The VNIC switch of the driver sandbox: it owns the physical NIC (the
 * uplink, any struct nic: the e1000 driver) and forwards frames by
 * destination MAC between the uplink, its own network stack (local) and one
 * port per VNIC sandbox (two VNIC rings each, vnic_ring.h).
 *
 * Forwarding (src: where the frame came from; never back to src):
 *  - broadcast / multicast (I/G bit set): to everyone else;
 *  - unicast to local's or a port's MAC: there;
 *  - other unicast: to the uplink; from the uplink itself: dropped
 *    (counted unknown_dst: the NIC accepts only our MACs, or all in
 *    promiscuous mode).
 * Checks: a frame from a port must carry that port's MAC as source (a
 * sandbox cannot speak for another: counted spoofed); a frame from the
 * uplink claiming one of our MACs as source is dropped likewise; lengths
 * outside 14..NET_FRAME_MAX are dropped (bad_len).
 * Full port ring (backpressure, bounded): a frame for a port whose ring is
 * full, or that already holds frames, is copied into the switch's hold pool
 * (vnic_hold.h, VNIC_HOLD_FRAMES shared by all ports) and given to the port,
 * in order, as soon as its ring has room: every poll first retries the held
 * frames. The uplink is polled for at most as many frames as the pool has
 * free buffers, so when the pool is full the switch stops reading the NIC:
 * frames wait in the e1000 receive ring and then in QEMU's queue instead of
 * being lost (QEMU's user network resends a lost segment only after
 * seconds). The bound: a port that holds frames and whose ring has taken
 * none of them for VNIC_SWITCH_HOLD_MS is *stalled*: its held frames are
 * dropped and counted (drop_full, hold_expired), and until its ring takes a
 * frame again, frames for it are dropped at once (drop_full), as if no hold
 * existed. So a dead or stuck sandbox delays the others' frames by at most
 * VNIC_SWITCH_HOLD_MS, once, and then costs them nothing, while a slow one
 * keeps its frames. VNIC_SWITCH_HOLD_MS is far below the seconds a lost
 * frame costs and above the pauses of a VCPU the host leaves unscheduled.
 * A frame meeting a full pool is dropped too (drop_full: a broadcast from
 * the uplink, which needs a buffer per full port, or a frame from the
 * stack or a port, which are not throttled).
 * Held frames are retried at the next poll: the driver sandbox does not
 * sleep while a port holding frames has room (vnic_switch_may_sleep), and
 * its 1 kHz tick bounds how late a retry is when it does.
 * After a poll or a local send the switch kicks (IPIs) each port it gave
 * frames to, if that sandbox may be asleep (spsc wake-up protocol).
 *
 * The driver sandbox's own netif runs on the switch: net_if_add() with
 * struct nic { .ops = &vnic_switch_nic_ops, .dev = &switch, .mac = local MAC }.
 * Its rx_poll polls the uplink and every port, so net_loop_poll() drives
 * the whole switch from the one network context.
 */
#ifndef QUESTV_NET_VNIC_SWITCH_H
#define QUESTV_NET_VNIC_SWITCH_H
#include <stdbool.h>
#include "kernel/net/nic.h"
#include "kernel/net/vnic_hold.h"
#include "kernel/net/vnic_ring.h"

#define VNIC_SWITCH_MAX_PORTS 8  /* at most 8 sandboxes */
#define VNIC_SWITCH_HOLD_MS   200 /* a port holding frames that long unread is stalled */

struct vnic_port_stats {
	uint64_t in_frames;       /* taken from the sandbox */
	uint64_t out_frames;      /* given to the sandbox */
	uint64_t drop_full;       /* its ring stayed full: dropped (hold_expired included) */
	uint64_t held;            /* waited in the hold pool (then given or expired) */
	uint64_t hold_expired;    /* dropped after waiting VNIC_SWITCH_HOLD_MS */
	uint64_t spoofed;         /* source MAC not its own */
	uint64_t bad_len;
	uint64_t kicks;
};

struct vnic_port {
	uint8_t mac[6];
	unsigned sandbox;         /* passed to kick() */
	struct vnic_ring to_sandbox, from_sandbox;
	bool kick_pending;
	bool stalled;             /* held frames expired; until its ring takes one again */
	uint64_t took_ms;         /* when its ring last took a held frame */
	struct vnic_hold_queue held;
	struct vnic_port_stats st;
};

struct vnic_switch_stats {
	uint64_t uplink_in, uplink_out, uplink_drop;   /* drop: NIC refused (full) */
	uint64_t uplink_spoofed, uplink_bad_len;
	uint64_t local_in, local_out;
	uint64_t local_drop;                           /* for local outside its rx_poll */
	uint64_t unknown_dst;                          /* unicast from the uplink to no one */
	uint64_t uplink_paused;                        /* polls that left the NIC unread: pool full */
};

struct vnic_switch {
	struct nic uplink;
	uint8_t local_mac[6];
	nic_deliver_fn local_deliver;  /* the local stack's input, from rx_poll */
	void *local_sink;
	void (*kick)(void *ctx, unsigned sandbox);
	void *kick_ctx;
	struct vnic_port ports[VNIC_SWITCH_MAX_PORTS];
	unsigned nports;
	struct vnic_hold hold;
	struct vnic_switch_stats st;
};

void vnic_switch_init(struct vnic_switch *sw, const struct nic *uplink, const uint8_t local_mac[6],
		      void (*kick)(void *ctx, unsigned sandbox), void *kick_ctx);

/* A VNIC sandbox's port: to_mem is the ring the switch produces (formatted
 * now), from_mem the one the sandbox produces. Returns the port index, or
 * -1: too many ports, a MAC already in use (or multicast), or to_mem unusable. */
int vnic_switch_add_port(struct vnic_switch *sw, const uint8_t mac[6], unsigned sandbox,
			 void *to_mem, size_t to_bytes, void *from_mem, size_t from_bytes);

/* Forwarding entry points (what rx_poll and tx use; public for the tests
 * and the fuzzer). */
void vnic_switch_from_uplink(void *sw, const void *frame, size_t len);
void vnic_switch_from_port(struct vnic_switch *sw, unsigned port, const void *frame, size_t len);

/* Before the driver sandbox sleeps: arms every port's ring for a kick
 * (spsc wake-up protocol). false = a port has frames waiting, or room for
 * frames held for it: poll again. The NIC's own frames wake it by interrupt. */
bool vnic_switch_may_sleep(struct vnic_switch *sw);

extern const struct nic_ops vnic_switch_nic_ops;

#endif
