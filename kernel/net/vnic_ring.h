/*
 * One direction of a VNIC link: an SPSC ring (lib/spsc_ring.h) of Ethernet
 * frames in a shared region, the same code at both ends (the VNIC in a
 * sandbox, its port on the driver sandbox's switch).
 *
 * The producer formats its ring (spsc_ring_init) when it opens; the consumer
 * attaches lazily, at its first poll after the format, so the two sandboxes
 * need no boot-order handshake. A re-format (recovery) is seen by the
 * consumer as a corrupt ring until it re-opens. The shared region must read
 * as zeros (no magic) before the producer formats it.
 *
 * Slots: VNIC_SLOT_SIZE holds a whole frame plus the slot header; the slot
 * count is what the region's size allows (a power of two).
 */
#ifndef QUESTV_NET_VNIC_RING_H
#define QUESTV_NET_VNIC_RING_H
#include <stdbool.h>
#include "lib/spsc_ring.h"
#include "kernel/net/nic.h"

#define VNIC_SLOT_SIZE 1536u  /* >= NET_FRAME_MAX + SPSC_SLOT_HDR, a multiple of 64 */

struct vnic_ring {
	struct spsc_ring r;
	void *mem;
	size_t bytes;
	uint32_t slots;
	bool ready;        /* formatted (producer) or attached (consumer) */
};

/* Slots that fit in bytes (the largest power of two), 0 if fewer than 2. */
uint32_t vnic_ring_slots(size_t bytes);

/* Producer end: format the region now. -1 if it is too small or misaligned. */
int vnic_ring_open_producer(struct vnic_ring *vr, void *mem, size_t bytes);
/* Consumer end: remember the region; attach when the producer has formatted it. */
void vnic_ring_open_consumer(struct vnic_ring *vr, void *mem, size_t bytes);

/* Consumer: attached yet? (attaches if the producer has formatted.) */
bool vnic_ring_consumer_ready(struct vnic_ring *vr);

/* Consumer: hand up to budget frames to deliver (in place, from shared
 * memory, lengths checked: 14..NET_FRAME_MAX, others dropped and counted in
 * bad_len); returns how many slots were consumed. */
unsigned vnic_ring_poll(struct vnic_ring *vr, unsigned budget, nic_deliver_fn deliver, void *sink,
			uint64_t *bad_len);

#endif
