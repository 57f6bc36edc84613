/* One direction of a VNIC link: see vnic_ring.h. */
#include "kernel/net/vnic_ring.h"

_Static_assert(VNIC_SLOT_SIZE >= NET_FRAME_MAX + SPSC_SLOT_HDR, "a slot holds a frame");
_Static_assert(VNIC_SLOT_SIZE % SPSC_CACHE_LINE == 0, "slots on cache lines");

uint32_t vnic_ring_slots(size_t bytes)
{
	if (bytes < spsc_ring_bytes(VNIC_SLOT_SIZE, 2))
		return 0;
	size_t fit = (bytes - sizeof(struct spsc_ring_shared)) / VNIC_SLOT_SIZE;
	uint32_t slots = 2;
	while ((size_t)slots * 2 <= fit && slots < (1u << 30))
		slots *= 2;
	return slots;
}

int vnic_ring_open_producer(struct vnic_ring *vr, void *mem, size_t bytes)
{
	vr->mem = mem;
	vr->bytes = bytes;
	vr->slots = vnic_ring_slots(bytes);
	vr->ready = vr->slots && spsc_ring_init(&vr->r, mem, bytes, VNIC_SLOT_SIZE, vr->slots) == 0;
	return vr->ready ? 0 : -1;
}

void vnic_ring_open_consumer(struct vnic_ring *vr, void *mem, size_t bytes)
{
	vr->mem = mem;
	vr->bytes = bytes;
	vr->slots = vnic_ring_slots(bytes);
	vr->ready = false;
}

bool vnic_ring_consumer_ready(struct vnic_ring *vr)
{
	if (!vr->ready && vr->slots &&
	    spsc_ring_attach_consumer(&vr->r, vr->mem, vr->bytes, VNIC_SLOT_SIZE, vr->slots) == 0)
		vr->ready = true;
	return vr->ready;
}

unsigned vnic_ring_poll(struct vnic_ring *vr, unsigned budget, nic_deliver_fn deliver, void *sink,
			uint64_t *bad_len)
{
	if (!vnic_ring_consumer_ready(vr))
		return 0;  /* not formatted yet */
	unsigned n = 0;
	uint32_t len;
	const void *frame;
	while (n < budget && (frame = spsc_ring_peek(&vr->r, &len))) {
		if (len < NET_ETH_HDR || len > NET_FRAME_MAX)
			(*bad_len)++;
		else
			deliver(sink, frame, len);
		spsc_ring_release(&vr->r);
		n++;
	}
	return n;
}
