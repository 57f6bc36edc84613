/* A sandbox's virtual NIC over two shared rings: see vnic.h. */
#include "kernel/net/vnic.h"

static int vnic_tx(void *dev, const void *frame, size_t len)
{
	struct vnic *v = dev;
	if (!v->tx.ready || len > NET_FRAME_MAX || !spsc_ring_push(&v->tx.r, frame, (uint32_t)len)) {
		v->st.tx_dropped++;
		return -1;
	}
	v->st.tx_frames++;
	if (spsc_ring_producer_should_notify(&v->tx.r)) {
		v->st.kicks++;
		v->kick(v->kick_ctx);
	}
	return 0;
}

static unsigned vnic_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	struct vnic *v = dev;
	uint64_t bad = v->st.rx_bad_len;
	unsigned n = vnic_ring_poll(&v->rx, budget, deliver, sink, &v->st.rx_bad_len);
	v->st.rx_frames += n - (v->st.rx_bad_len - bad);
	return n;
}

const struct nic_ops vnic_ops = { .tx = vnic_tx, .rx_poll = vnic_rx_poll };

int vnic_open(struct vnic *v, void *tx_mem, size_t tx_bytes, void *rx_mem, size_t rx_bytes,
	      void (*kick)(void *ctx), void *kick_ctx, struct nic *nic)
{
	*v = (struct vnic){ .kick = kick, .kick_ctx = kick_ctx };
	vnic_ring_open_consumer(&v->rx, rx_mem, rx_bytes);
	nic->ops = &vnic_ops;
	nic->dev = v;
	return vnic_ring_open_producer(&v->tx, tx_mem, tx_bytes);
}

bool vnic_may_sleep(struct vnic *v)
{
	/* Not formatted yet: nothing can be waiting, and no kick will come
	 * (the switch sees no armed consumer); the next tick polls again. */
	return !vnic_ring_consumer_ready(&v->rx) || !spsc_ring_consumer_arm(&v->rx.r);
}
