/* MAC switching between the uplink, the local stack and VNIC ports: see
 * vnic_switch.h for the rules. */
#include "kernel/net/vnic_switch.h"
#include "kernel/net/net_clock.h"
#include "lib/string.h"

#define SRC_UPLINK (-1)
#define SRC_LOCAL  (-2)

static bool is_group(const uint8_t *mac) { return mac[0] & 1; }
static bool mac_eq(const uint8_t *a, const uint8_t *b) { return memcmp(a, b, 6) == 0; }

void vnic_switch_init(struct vnic_switch *sw, const struct nic *uplink, const uint8_t local_mac[6],
		      void (*kick)(void *ctx, unsigned sandbox), void *kick_ctx)
{
	memset(sw, 0, sizeof(*sw));
	sw->uplink = *uplink;
	memcpy(sw->local_mac, local_mac, 6);
	sw->kick = kick;
	sw->kick_ctx = kick_ctx;
	vnic_hold_init(&sw->hold);
}

/* Is mac the local stack's or a port's? */
static bool ours(const struct vnic_switch *sw, const uint8_t *mac)
{
	if (mac_eq(mac, sw->local_mac))
		return true;
	for (unsigned i = 0; i < sw->nports; i++)
		if (mac_eq(mac, sw->ports[i].mac))
			return true;
	return false;
}

int vnic_switch_add_port(struct vnic_switch *sw, const uint8_t mac[6], unsigned sandbox,
			 void *to_mem, size_t to_bytes, void *from_mem, size_t from_bytes)
{
	if (sw->nports == VNIC_SWITCH_MAX_PORTS || is_group(mac) || ours(sw, mac))
		return -1;
	struct vnic_port *p = &sw->ports[sw->nports];
	memset(p, 0, sizeof(*p));
	memcpy(p->mac, mac, 6);
	p->sandbox = sandbox;
	if (vnic_ring_open_producer(&p->to_sandbox, to_mem, to_bytes) < 0)
		return -1;
	vnic_ring_open_consumer(&p->from_sandbox, from_mem, from_bytes);
	return (int)sw->nports++;
}

static void given(struct vnic_port *p)
{
	p->st.out_frames++;
	p->kick_pending = true;
	p->stalled = false;
}

/* Into the port's ring, behind what it holds; held if the ring is full
 * (the policy: vnic_switch.h). */
static void to_port(struct vnic_switch *sw, struct vnic_port *p, const void *frame, size_t len)
{
	if (!p->held.count && spsc_ring_push(&p->to_sandbox.r, frame, (uint32_t)len)) {
		given(p);
		return;
	}
	if (p->stalled || !vnic_hold_put(&sw->hold, &p->held, frame, len, net_clock_ms())) {
		p->st.drop_full++;
		return;
	}
	p->st.held++;
}

/* Give every port what it holds, while its ring has room; a port whose
 * ring took nothing for VNIC_SWITCH_HOLD_MS (since its oldest frame was
 * held, or since it last took one) is stalled. Returns frames given. */
static unsigned give_held(struct vnic_switch *sw)
{
	uint64_t now = net_clock_ms(), since;
	unsigned n = 0;
	size_t len;
	const void *f;

	for (unsigned i = 0; i < sw->nports; i++) {
		struct vnic_port *p = &sw->ports[i];
		while ((f = vnic_hold_peek(&sw->hold, &p->held, &len, &since))) {
			if (spsc_ring_push(&p->to_sandbox.r, f, (uint32_t)len)) {
				vnic_hold_pop(&sw->hold, &p->held);
				given(p);
				p->took_ms = now;
				n++;
				continue;
			}
			if (now - (since > p->took_ms ? since : p->took_ms) < VNIC_SWITCH_HOLD_MS)
				break;
			p->stalled = true;
			p->st.drop_full += p->held.count;
			p->st.hold_expired += p->held.count;
			while (p->held.count)
				vnic_hold_pop(&sw->hold, &p->held);
		}
	}
	return n;
}

static void to_uplink(struct vnic_switch *sw, const void *frame, size_t len)
{
	if (sw->uplink.ops->tx(sw->uplink.dev, frame, len) != 0) {
		sw->st.uplink_drop++;
		return;
	}
	sw->st.uplink_out++;
}

static void to_local(struct vnic_switch *sw, const void *frame, size_t len)
{
	/* The local stack takes frames only inside its rx_poll (its input
	 * runs in the network context); frames forwarded outside one (a
	 * direct call of the entry points) are counted and dropped. */
	if (!sw->local_deliver) {
		sw->st.local_drop++;
		return;
	}
	sw->st.local_out++;
	sw->local_deliver(sw->local_sink, frame, len);
}

/* Forward one checked frame from src (a port index, SRC_UPLINK or SRC_LOCAL). */
static void forward(struct vnic_switch *sw, int src, const uint8_t *frame, size_t len)
{
	const uint8_t *dst = frame;
	if (is_group(dst)) {
		if (src != SRC_UPLINK)
			to_uplink(sw, frame, len);
		if (src != SRC_LOCAL)
			to_local(sw, frame, len);
		for (unsigned i = 0; i < sw->nports; i++)
			if ((int)i != src)
				to_port(sw, &sw->ports[i], frame, len);
		return;
	}
	if (mac_eq(dst, sw->local_mac)) {
		if (src != SRC_LOCAL)
			to_local(sw, frame, len);
		return;
	}
	for (unsigned i = 0; i < sw->nports; i++) {
		if (mac_eq(dst, sw->ports[i].mac)) {
			if ((int)i != src)
				to_port(sw, &sw->ports[i], frame, len);
			return;
		}
	}
	if (src != SRC_UPLINK)
		to_uplink(sw, frame, len);
	else
		sw->st.unknown_dst++;
}

static bool len_ok(size_t len) { return len >= NET_ETH_HDR && len <= NET_FRAME_MAX; }

void vnic_switch_from_uplink(void *swp, const void *frame, size_t len)
{
	struct vnic_switch *sw = swp;
	if (!len_ok(len)) {
		sw->st.uplink_bad_len++;
		return;
	}
	if (ours(sw, (const uint8_t *)frame + 6)) {
		sw->st.uplink_spoofed++;
		return;
	}
	sw->st.uplink_in++;
	forward(sw, SRC_UPLINK, frame, len);
}

void vnic_switch_from_port(struct vnic_switch *sw, unsigned port, const void *frame, size_t len)
{
	struct vnic_port *p = &sw->ports[port];
	if (!len_ok(len)) {
		p->st.bad_len++;
		return;
	}
	if (!mac_eq((const uint8_t *)frame + 6, p->mac)) {
		p->st.spoofed++;
		return;
	}
	p->st.in_frames++;
	forward(sw, (int)port, frame, len);
}

static void flush_kicks(struct vnic_switch *sw)
{
	for (unsigned i = 0; i < sw->nports; i++) {
		struct vnic_port *p = &sw->ports[i];
		if (!p->kick_pending)
			continue;
		p->kick_pending = false;
		if (spsc_ring_producer_should_notify(&p->to_sandbox.r)) {
			p->st.kicks++;
			sw->kick(sw->kick_ctx, p->sandbox);
		}
	}
}

/* The local stack sends. */
static int switch_tx(void *dev, const void *frame, size_t len)
{
	struct vnic_switch *sw = dev;
	if (!len_ok(len))
		return -1;
	sw->st.local_in++;
	forward(sw, SRC_LOCAL, frame, len);
	flush_kicks(sw);
	return 0;
}

/* Per port, frames from a sandbox's ring are checked by vnic_ring_poll
 * (length) and then by from_port (source); a deliver callback per port. */
struct port_sink {
	struct vnic_switch *sw;
	unsigned port;
};

static void from_port_cb(void *sink, const void *frame, size_t len)
{
	struct port_sink *ps = sink;
	vnic_switch_from_port(ps->sw, ps->port, frame, len);
}

/* The local stack polls: held frames first (they are older), then the
 * uplink, at most as many frames as the hold pool could take (so a full
 * pool leaves them in the NIC), then every port, each up to budget frames
 * (so one busy sandbox cannot starve the others). */
static unsigned switch_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	struct vnic_switch *sw = dev;
	sw->local_deliver = deliver;
	sw->local_sink = sink;
	unsigned n = give_held(sw);
	unsigned room = vnic_hold_free(&sw->hold);
	if (room)
		n += sw->uplink.ops->rx_poll(sw->uplink.dev, budget < room ? budget : room,
					     vnic_switch_from_uplink, sw);
	else
		sw->st.uplink_paused++;
	for (unsigned i = 0; i < sw->nports; i++) {
		struct port_sink ps = { sw, i };
		n += vnic_ring_poll(&sw->ports[i].from_sandbox, budget, from_port_cb, &ps,
				    &sw->ports[i].st.bad_len);
	}
	sw->local_deliver = NULL;
	flush_kicks(sw);
	return n;
}

const struct nic_ops vnic_switch_nic_ops = { .tx = switch_tx, .rx_poll = switch_rx_poll };

bool vnic_switch_may_sleep(struct vnic_switch *sw)
{
	for (unsigned i = 0; i < sw->nports; i++) {
		struct vnic_port *p = &sw->ports[i];
		struct vnic_ring *from = &p->from_sandbox;
		/* Not attached yet: the sandbox has not formatted its ring, so
		 * nothing waits there; a later poll attaches. */
		if (vnic_ring_consumer_ready(from) && spsc_ring_consumer_arm(&from->r))
			return false;
		/* Held frames its ring has room for again: no need to wait
		 * for the tick. */
		if (p->held.count && spsc_ring_count(&p->to_sandbox.r) < p->to_sandbox.slots)
			return false;
	}
	return true;
}
