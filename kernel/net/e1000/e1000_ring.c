/* 82540EM descriptor rings: see e1000_ring.h for the ownership rules and
 * what is checked. Descriptors are volatile: the device writes them behind
 * the compiler's back, and volatile accesses keep their program order (on
 * x86 DMA writes are seen in order, so DD is read first and the other
 * fields after it are the device's). */
#include <stddef.h>
#include "kernel/net/e1000/e1000_ring.h"
#include "lib/string.h"

static uint32_t ring_next(uint32_t i, uint32_t count) { return i + 1 == count ? 0 : i + 1; }

/* Slots from `from` up to (not including) `to`, going round the ring. */
static uint32_t ring_dist(uint32_t from, uint32_t to, uint32_t count)
{
	return to >= from ? to - from : to + count - from;
}

static bool geometry_ok(const void *desc_mem, uint32_t count, const struct e1000_buf *bufs,
			uint32_t buf_size)
{
	return desc_mem && bufs && (uintptr_t)desc_mem % E1000_RING_ALIGN == 0 &&
	       count >= E1000_RING_MULTIPLE && count <= E1000_RING_MAX &&
	       count % E1000_RING_MULTIPLE == 0 && buf_size >= NET_FRAME_MAX &&
	       buf_size <= 16384;
}

static void rx_arm(struct e1000_rx_ring *r, uint32_t i)
{
	volatile struct e1000_rx_desc *d = &r->desc[i];
	d->addr = r->bufs[i].pa;
	d->length = 0;
	d->csum = 0;
	d->errors = 0;
	d->special = 0;
	d->status = 0;
}

/* Both rings' set-up: the geometry checked, and every descriptor (RX and
 * TX alike are 16 bytes, the address first) holding its shadow buffer's
 * address with all else zero - an RX descriptor re-armed, a TX one idle. */
static int ring_setup(void *desc_mem, uint32_t count, const struct e1000_buf *bufs,
		      uint32_t buf_size)
{
	_Static_assert(sizeof(struct e1000_rx_desc) == 2 * sizeof(uint64_t) &&
		       sizeof(struct e1000_tx_desc) == 2 * sizeof(uint64_t), "two words a descriptor");
	volatile uint64_t *w = desc_mem;

	if (!geometry_ok(desc_mem, count, bufs, buf_size))
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		w[2 * i] = bufs[i].pa;
		w[2 * i + 1] = 0;
	}
	return 0;
}

int e1000_rx_init(struct e1000_rx_ring *r, void *desc_mem, uint32_t count,
		  const struct e1000_buf *bufs, uint32_t buf_size)
{
	if (ring_setup(desc_mem, count, bufs, buf_size))
		return -1;
	*r = (struct e1000_rx_ring){ .desc = desc_mem, .bufs = bufs, .count = count,
				     .buf_size = buf_size,
				     .tail = count - 1 };   /* the device gets all but one */
	return 0;
}

unsigned e1000_rx_poll(struct e1000_rx_ring *r, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	unsigned done = 0;
	while (done < budget) {
		uint32_t i = r->next;
		volatile struct e1000_rx_desc *d = &r->desc[i];
		uint8_t status = d->status;
		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* Each field once, after DD. */
		uint8_t errors = d->errors;
		uint16_t len = d->length;
		uint64_t addr = d->addr;

		if (addr != r->bufs[i].pa) {
			/* Not the buffer we gave: whatever it holds is not ours to
			 * read (the device, if it obeyed, wrote elsewhere). */
			r->st.addr_repaired++;
		} else if (r->discarding || !(status & E1000_RXD_STAT_EOP)) {
			/* LPE is off, so a frame never needs two buffers: a
			 * chain is bogus; drop it through its EOP. */
			r->st.multi_desc++;
			r->discarding = !(status & E1000_RXD_STAT_EOP);
		} else if (errors & E1000_RXD_ERR_FRAME) {
			r->st.errors++;
		} else if (len < NET_ETH_HDR || len > NET_FRAME_MAX) {  /* buf_size >= NET_FRAME_MAX */
			r->st.bad_len++;
		} else {
			deliver(sink, r->bufs[i].va, len);
			r->st.frames++;
			r->st.bytes += len;
		}
		rx_arm(r, i);
		r->tail = i;
		r->next = ring_next(i, r->count);
		done++;
	}
	return done;
}

/* Rewrite every descriptor address of a ring (RX and TX descriptors alike
 * start with it) that differs from the shadow; returns how many did. */
static uint32_t audit_addrs(volatile uint64_t *first_addr, const struct e1000_buf *bufs,
			    uint32_t count)
{
	_Static_assert(offsetof(struct e1000_rx_desc, addr) == 0 &&
		       offsetof(struct e1000_tx_desc, addr) == 0, "addr leads both descriptors");
	const uint32_t stride = sizeof(struct e1000_rx_desc) / sizeof(uint64_t);
	uint32_t n = 0;
	for (uint32_t i = 0; i < count; i++) {
		volatile uint64_t *addr = first_addr + i * stride;
		if (*addr != bufs[i].pa) {
			*addr = bufs[i].pa;
			n++;
		}
	}
	return n;
}

uint32_t e1000_rx_audit(struct e1000_rx_ring *r)
{
	uint32_t n = audit_addrs(&r->desc[0].addr, r->bufs, r->count);
	r->st.addr_repaired += n;
	return n;
}

bool e1000_rx_resync(struct e1000_rx_ring *r, uint32_t hw_head)
{
	if (hw_head >= r->count || hw_head == r->next || (r->desc[r->next].status & E1000_RXD_STAT_DD))
		return false;
	for (uint32_t i = 0; i < r->count; i++)
		rx_arm(r, i);
	r->next = hw_head;
	r->tail = hw_head ? hw_head - 1 : r->count - 1;
	r->discarding = false;
	r->st.resyncs++;
	return true;
}

int e1000_tx_init(struct e1000_tx_ring *r, void *desc_mem, uint32_t count,
		  const struct e1000_buf *bufs, uint32_t buf_size)
{
	if (ring_setup(desc_mem, count, bufs, buf_size))
		return -1;
	*r = (struct e1000_tx_ring){ .desc = desc_mem, .bufs = bufs, .count = count,
				     .buf_size = buf_size };
	return 0;
}

/* Reclaim what the device finished; only descriptors we queued (clean up
 * to tail), so a DD set by corruption elsewhere changes nothing. */
static void tx_reclaim(struct e1000_tx_ring *r)
{
	while (r->clean != r->tail && (r->desc[r->clean].status & E1000_TXD_STAT_DD))
		r->clean = ring_next(r->clean, r->count);
}

int e1000_tx_send(struct e1000_tx_ring *r, const void *frame, size_t len)
{
	if (len == 0 || len > r->buf_size) {
		r->st.bad_len++;
		return -1;
	}
	tx_reclaim(r);
	uint32_t i = r->tail, next = ring_next(i, r->count);
	if (next == r->clean) {  /* one kept free: tail == clean means empty */
		r->st.full++;
		return -1;
	}
	memcpy(r->bufs[i].va, frame, len);
	volatile struct e1000_tx_desc *d = &r->desc[i];
	d->addr = r->bufs[i].pa;  /* never the address a fault may have left */
	d->length = (uint16_t)len;
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	r->tail = next;
	r->st.frames++;
	r->st.bytes += len;
	return 0;
}

uint32_t e1000_tx_pending(struct e1000_tx_ring *r)
{
	tx_reclaim(r);
	return ring_dist(r->clean, r->tail, r->count);
}

bool e1000_tx_resync(struct e1000_tx_ring *r, uint32_t hw_head)
{
	tx_reclaim(r);
	/* Only a head between clean and tail (what we queued) is believable. */
	uint32_t queued = ring_dist(r->clean, r->tail, r->count);
	uint32_t sent = ring_dist(r->clean, hw_head, r->count);
	if (hw_head >= r->count || sent == 0 || sent > queued)
		return false;
	r->clean = hw_head;
	r->st.resyncs++;
	return true;
}

uint32_t e1000_tx_audit(struct e1000_tx_ring *r)
{
	uint32_t n = audit_addrs(&r->desc[0].addr, r->bufs, r->count);
	r->st.addr_repaired += n;
	return n;
}
