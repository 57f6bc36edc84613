/* Held frames of the VNIC switch: see vnic_hold.h. */
#include "kernel/net/vnic_hold.h"
#include "lib/string.h"

_Static_assert(VNIC_HOLD_FRAMES <= 256, "buffer indices are bytes");

void vnic_hold_init(struct vnic_hold *h)
{
	for (unsigned i = 0; i < VNIC_HOLD_FRAMES; i++)
		h->free[i] = (uint8_t)i;
	h->nfree = VNIC_HOLD_FRAMES;
}

bool vnic_hold_put(struct vnic_hold *h, struct vnic_hold_queue *q, const void *frame, size_t len,
		   uint64_t now_ms)
{
	if (!h->nfree)
		return false;
	uint8_t b = h->free[--h->nfree];
	memcpy(h->frame[b], frame, len);
	h->len[b] = (uint16_t)len;
	h->since_ms[b] = now_ms;
	q->buf[(q->head + q->count++) % VNIC_HOLD_FRAMES] = b;
	return true;
}

const void *vnic_hold_peek(const struct vnic_hold *h, const struct vnic_hold_queue *q, size_t *len,
			   uint64_t *since_ms)
{
	if (!q->count)
		return NULL;
	uint8_t b = q->buf[q->head];
	*len = h->len[b];
	*since_ms = h->since_ms[b];
	return h->frame[b];
}

void vnic_hold_pop(struct vnic_hold *h, struct vnic_hold_queue *q)
{
	h->free[h->nfree++] = q->buf[q->head];
	q->head = (q->head + 1) % VNIC_HOLD_FRAMES;
	q->count--;
}
