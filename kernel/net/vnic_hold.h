/*
 * Frames the VNIC switch holds for ports whose ring is full (the switch's
 * backpressure, vnic_switch.h): a pool of frame buffers in the driver
 * sandbox's private memory, shared by all ports, and one FIFO of held frames
 * per port, so frames to one port keep their order and a port's frames
 * leave in the order they came.
 *
 * Each held frame carries the time it was held (ms), for the switch's bound
 * on how long a port may hold frames. The pool is small and fixed: a full
 * pool is the switch's signal to stop reading the uplink.
 */
#ifndef QUESTV_NET_VNIC_HOLD_H
#define QUESTV_NET_VNIC_HOLD_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/nic.h"

#define VNIC_HOLD_FRAMES 64u   /* the pool; the uplink's poll budget when it is empty */

struct vnic_hold_queue {       /* one port's held frames, oldest first */
	uint8_t buf[VNIC_HOLD_FRAMES];   /* indices into the pool */
	unsigned head, count;
};

struct vnic_hold {
	uint8_t frame[VNIC_HOLD_FRAMES][NET_FRAME_MAX];
	uint16_t len[VNIC_HOLD_FRAMES];
	uint64_t since_ms[VNIC_HOLD_FRAMES];
	uint8_t free[VNIC_HOLD_FRAMES];  /* a stack of free buffers */
	unsigned nfree;
};

void vnic_hold_init(struct vnic_hold *h);
static inline unsigned vnic_hold_free(const struct vnic_hold *h) { return h->nfree; }

/* Copy a frame (len <= NET_FRAME_MAX) to the tail of q. false: the pool is full. */
bool vnic_hold_put(struct vnic_hold *h, struct vnic_hold_queue *q, const void *frame, size_t len,
		   uint64_t now_ms);
/* q's oldest frame (its length and hold time in *len, *since_ms), or NULL. */
const void *vnic_hold_peek(const struct vnic_hold *h, const struct vnic_hold_queue *q, size_t *len,
			   uint64_t *since_ms);
/* Give q's oldest frame's buffer back to the pool (q not empty). */
void vnic_hold_pop(struct vnic_hold *h, struct vnic_hold_queue *q);

#endif
