/* Host tests of the VNIC path: a sandbox's VNIC (kernel/net/vnic.c) and the
 * driver sandbox's switch (vnic_switch.c) over shared rings (vnic_ring.c,
 * lib/spsc_ring.c): forwarding by MAC, broadcast, anti-spoofing, bad
 * lengths, full rings (held in order, the uplink left unread when the hold
 * pool is full, a port stalled after VNIC_SWITCH_HOLD_MS unread), lazy
 * attach, kicks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kernel/net/net_clock.h"
#include "kernel/net/vnic.h"
#include "kernel/net/vnic_switch.h"

#define REGION (16 * 1024)   /* 8 slots of VNIC_SLOT_SIZE */
#define NSB 2

static const uint8_t local_mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t sb_mac[NSB][6] = { { 0x52, 0x54, 0, 0, 0, 2 }, { 0x52, 0x54, 0, 0, 0, 3 } };
static const uint8_t host_mac[6] = { 0x52, 0x55, 0x0a, 0, 2, 2 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static _Alignas(4096) uint8_t to_sb[NSB][REGION], from_sb[NSB][REGION];
static struct vnic_switch sw;
static struct vnic vn[NSB];
static struct nic vnic_nic[NSB];

/* Captures: what the uplink sent, what each stack received. */
#define CAP 128
struct cap { unsigned n; size_t len[CAP]; uint8_t f[CAP][NET_FRAME_MAX]; };
static struct cap uplink_out, local_in, sb_in[NSB];
static struct cap uplink_rxq;  /* frames "on the wire" for the uplink's rx_poll */
static unsigned kicks_to_sb[NSB], kicks_to_driver;

static void cap_add(struct cap *c, const void *f, size_t len)
{
	if (c->n < CAP) {
		memcpy(c->f[c->n], f, len);
		c->len[c->n] = len;
	}
	c->n++;
}

static int up_tx(void *dev, const void *f, size_t len) { (void)dev; cap_add(&uplink_out, f, len); return 0; }
static unsigned up_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	(void)dev;
	unsigned n = 0;
	for (; n < budget && n < uplink_rxq.n; n++)
		deliver(sink, uplink_rxq.f[n], uplink_rxq.len[n]);
	/* What the budget left stays on the wire, as in a NIC's ring. */
	memmove(uplink_rxq.f, uplink_rxq.f[n], (uplink_rxq.n - n) * sizeof uplink_rxq.f[0]);
	memmove(uplink_rxq.len, uplink_rxq.len + n, (uplink_rxq.n - n) * sizeof uplink_rxq.len[0]);
	uplink_rxq.n -= n;
	return n;
}
static const struct nic_ops uplink_ops = { .tx = up_tx, .rx_poll = up_rx_poll };

static uint64_t now_ms;
static uint64_t fake_clock(void *ctx) { (void)ctx; return now_ms; }

static void into_cap(void *sink, const void *f, size_t len) { cap_add(sink, f, len); }
static void kick_sb(void *ctx, unsigned sandbox) { (void)ctx; kicks_to_sb[sandbox - 1]++; }
static void kick_driver(void *ctx) { (void)ctx; kicks_to_driver++; }

static size_t frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

/* The driver sandbox's network context: its stack polls the switch. */
static unsigned driver_poll(void)
{
	return vnic_switch_nic_ops.rx_poll(&sw, 64, into_cap, &local_in);
}

static unsigned sandbox_poll(unsigned i)
{
	return vnic_ops.rx_poll(&vn[i], 64, into_cap, &sb_in[i]);
}

static int setup(void **s)
{
	(void)s;
	memset(to_sb, 0, sizeof(to_sb));
	memset(from_sb, 0, sizeof(from_sb));
	memset(&uplink_out, 0, sizeof(uplink_out));
	memset(&local_in, 0, sizeof(local_in));
	memset(sb_in, 0, sizeof(sb_in));
	memset(&uplink_rxq, 0, sizeof(uplink_rxq));
	memset(kicks_to_sb, 0, sizeof(kicks_to_sb));
	kicks_to_driver = 0;
	now_ms = 1000;
	net_clock_set(fake_clock, NULL);
	struct nic up = { .ops = &uplink_ops, .dev = NULL };
	vnic_switch_init(&sw, &up, local_mac, kick_sb, NULL);
	for (unsigned i = 0; i < NSB; i++) {
		assert_int_equal(vnic_switch_add_port(&sw, sb_mac[i], i + 1, to_sb[i], REGION, from_sb[i], REGION), (int)i);
		assert_int_equal(vnic_open(&vn[i], from_sb[i], REGION, to_sb[i], REGION, kick_driver, NULL,
					   &vnic_nic[i]), 0);
		memcpy(vnic_nic[i].mac, sb_mac[i], 6);
	}
	return 0;
}

static void ports_are_checked(void **s)
{
	(void)s;
	static _Alignas(64) uint8_t r1[REGION], r2[REGION];
	assert_int_equal(vnic_switch_add_port(&sw, sb_mac[0], 9, r1, REGION, r2, REGION), -1);   /* taken */
	assert_int_equal(vnic_switch_add_port(&sw, local_mac, 9, r1, REGION, r2, REGION), -1);
	assert_int_equal(vnic_switch_add_port(&sw, bcast, 9, r1, REGION, r2, REGION), -1);       /* group */
	const uint8_t m[6] = { 0x52, 0x54, 0, 0, 0, 9 };
	assert_int_equal(vnic_switch_add_port(&sw, m, 9, r1, 100, r2, REGION), -1);              /* too small */
	assert_int_equal(vnic_ring_slots(REGION), 8);
	assert_int_equal(vnic_ring_slots(VNIC_SLOT_SIZE), 0);
}

static void unicast_goes_where_the_mac_says(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX];
	/* Sandbox 1 -> the host (unknown MAC): out of the uplink. */
	assert_int_equal(vnic_ops.tx(&vn[0], f, frame(f, host_mac, sb_mac[0], 100)), 0);
	/* Sandbox 1 -> sandbox 2: straight across, not on the wire. */
	assert_int_equal(vnic_ops.tx(&vn[0], f, frame(f, sb_mac[1], sb_mac[0], 200)), 0);
	/* Sandbox 2 -> the driver sandbox's own stack. */
	assert_int_equal(vnic_ops.tx(&vn[1], f, frame(f, local_mac, sb_mac[1], 300)), 0);
	/* The wire -> sandbox 2, and -> the local stack. */
	cap_add(&uplink_rxq, f, frame(f, sb_mac[1], host_mac, 400));
	cap_add(&uplink_rxq, f, frame(f, local_mac, host_mac, 500));
	/* Local stack -> sandbox 1. */
	assert_int_equal(vnic_switch_nic_ops.tx(&sw, f, frame(f, sb_mac[0], local_mac, 600)), 0);

	assert_int_equal(driver_poll(), 2 + 1 + 2);  /* uplink 2, sandbox 1: 2, sandbox 2: 1 */
	sandbox_poll(0);
	sandbox_poll(1);
	assert_int_equal(uplink_out.n, 1);
	assert_int_equal(uplink_out.len[0], 100);
	assert_int_equal(local_in.n, 2);
	assert_int_equal(local_in.len[0], 500);  /* the uplink is polled first */
	assert_int_equal(local_in.len[1], 300);
	assert_int_equal(sb_in[0].n, 1);
	assert_int_equal(sb_in[0].len[0], 600);
	assert_int_equal(sb_in[1].n, 2);
	assert_int_equal(sb_in[1].len[0], 400);
	assert_int_equal(sb_in[1].len[1], 200);
	frame(f, sb_mac[1], sb_mac[0], 200);
	assert_memory_equal(sb_in[1].f[1], f, 200);
	/* From the wire to nobody of ours: dropped, not reflected. */
	cap_add(&uplink_rxq, f, frame(f, (const uint8_t[6]){ 2, 0, 0, 0, 0, 7 }, host_mac, 60));
	driver_poll();
	assert_int_equal(sw.st.unknown_dst, 1);
	assert_int_equal(uplink_out.n, 1);
}

static void broadcast_reaches_everyone_else(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX];
	cap_add(&uplink_rxq, f, frame(f, bcast, host_mac, 60));   /* ARP from the host */
	vnic_ops.tx(&vn[0], f, frame(f, bcast, sb_mac[0], 61));   /* ARP from sandbox 1 */
	vnic_switch_nic_ops.tx(&sw, f, frame(f, bcast, local_mac, 62));
	driver_poll();
	sandbox_poll(0);
	sandbox_poll(1);
	/* uplink: from sandbox 1 and local; local: from uplink and sandbox 1
	 * (not its own); sandbox 1: uplink, local; sandbox 2: all three. */
	assert_int_equal(uplink_out.n, 2);
	assert_int_equal(local_in.n, 2);
	assert_int_equal(sb_in[0].n, 2);
	assert_int_equal(sb_in[1].n, 3);
	for (unsigned i = 0; i < sb_in[0].n; i++)
		assert_int_not_equal(sb_in[0].len[i], 61);  /* never back to its sender */
}

static void spoofing_and_bad_lengths_are_dropped(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX + 8];
	/* Sandbox 1 pretends to be sandbox 2 or the driver sandbox. */
	vnic_ops.tx(&vn[0], f, frame(f, host_mac, sb_mac[1], 60));
	vnic_ops.tx(&vn[0], f, frame(f, bcast, local_mac, 60));
	/* The wire claims to be sandbox 2. */
	cap_add(&uplink_rxq, f, frame(f, local_mac, sb_mac[1], 60));
	/* Lengths a VNIC would refuse, written straight into the ring by a
	 * sandbox that does not use our VNIC code. */
	assert_true(spsc_ring_push(&vn[0].tx.r, f, 5));
	assert_true(spsc_ring_push(&vn[0].tx.r, f, NET_FRAME_MAX + 1));
	cap_add(&uplink_rxq, f, 10);
	driver_poll();
	assert_int_equal(sw.ports[0].st.spoofed, 2);
	assert_int_equal(sw.ports[0].st.bad_len, 2);
	assert_int_equal(sw.st.uplink_spoofed, 1);
	assert_int_equal(sw.st.uplink_bad_len, 1);
	assert_int_equal(uplink_out.n + local_in.n + sb_in[1].n, 0);
	/* Our VNIC itself refuses an oversized frame. */
	assert_int_equal(vnic_ops.tx(&vn[0], f, NET_FRAME_MAX + 1), -1);
	assert_int_equal(vn[0].st.tx_dropped, 1);
}

/* n frames from the wire to sandbox sb, lengths first_len, first_len + 1, ... */
static void flood(unsigned sb, unsigned n, size_t first_len)
{
	uint8_t f[NET_FRAME_MAX];
	for (unsigned i = 0; i < n; i++)
		cap_add(&uplink_rxq, f, frame(f, sb_mac[sb], host_mac, first_len + i));
}

static void full_port_ring_holds_frames_in_order(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX];
	/* Sandbox 2 does not poll; the wire floods it; sandbox 1 gets one. */
	flood(1, 20, 100);
	cap_add(&uplink_rxq, f, frame(f, sb_mac[0], host_mac, 60));
	assert_int_equal(driver_poll(), 21);
	assert_int_equal(sw.ports[1].st.out_frames, 8);
	assert_int_equal(sw.ports[1].st.held, 12);
	assert_int_equal(sw.ports[1].st.drop_full, 0);
	/* The full port does not hold up the other. */
	assert_int_equal(sandbox_poll(0), 1);
	/* Nothing to do until it reads: the driver may sleep; once it has
	 * read, the held frames are work. */
	assert_true(vnic_switch_may_sleep(&sw));
	/* The stack's frame for it goes behind what it holds. */
	vnic_switch_nic_ops.tx(&sw, f, frame(f, sb_mac[1], local_mac, 600));
	/* It catches up, a ring at a time: everything, in order. */
	for (unsigned round = 0; round < 4; round++) {
		sandbox_poll(1);
		assert_true(vnic_switch_may_sleep(&sw) == (sw.ports[1].held.count == 0));
		driver_poll();
	}
	assert_int_equal(sb_in[1].n, 21);
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(sb_in[1].len[i], 100 + i);
	assert_int_equal(sb_in[1].len[20], 600);
	assert_int_equal(sw.ports[1].st.out_frames, 21);
	assert_int_equal(sw.ports[1].st.drop_full, 0);
	assert_int_equal(vnic_hold_free(&sw.hold), VNIC_HOLD_FRAMES);
	/* On the way in, nothing holds: the VNIC's ring to the switch full drops. */
	for (unsigned i = 0; i < 10; i++)
		vnic_ops.tx(&vn[0], f, frame(f, host_mac, sb_mac[0], 60));
	assert_int_equal(vn[0].st.tx_frames, 8);
	assert_int_equal(vn[0].st.tx_dropped, 2);
}

static void full_pool_leaves_the_wire_unread_until_the_port_stalls(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX];
	/* A ring (8) and the pool (64) of frames for sandbox 2, which never
	 * polls; then one for sandbox 1 and one for the local stack. */
	flood(1, 8 + VNIC_HOLD_FRAMES, 100);
	cap_add(&uplink_rxq, f, frame(f, sb_mac[0], host_mac, 61));
	cap_add(&uplink_rxq, f, frame(f, local_mac, host_mac, 62));
	driver_poll();
	driver_poll();
	assert_int_equal(vnic_hold_free(&sw.hold), 0);
	assert_int_equal(uplink_rxq.n, 2);
	/* Pool full: the wire is not read; its frames wait there. */
	now_ms += VNIC_SWITCH_HOLD_MS - 1;
	assert_int_equal(driver_poll(), 0);
	assert_int_equal(uplink_rxq.n, 2);
	assert_int_equal(sw.st.uplink_paused, 1);
	assert_int_equal(sw.ports[1].st.drop_full, 0);
	/* VNIC_SWITCH_HOLD_MS unread: stalled, its held frames dropped, the
	 * wire read again. */
	now_ms += 1;
	assert_int_equal(driver_poll(), 2);
	assert_int_equal(sw.ports[1].st.hold_expired, VNIC_HOLD_FRAMES);
	assert_int_equal(sw.ports[1].st.drop_full, VNIC_HOLD_FRAMES);
	assert_int_equal(sandbox_poll(0), 1);
	assert_int_equal(local_in.n, 1);
	/* Stalled: its frames are dropped at once, nothing held. */
	flood(1, 3, 300);
	driver_poll();
	assert_int_equal(sw.ports[1].st.drop_full, VNIC_HOLD_FRAMES + 3);
	assert_int_equal(vnic_hold_free(&sw.hold), VNIC_HOLD_FRAMES);
	/* It reads its ring again: the first 8, and then it is held for again. */
	assert_int_equal(sandbox_poll(1), 8);
	assert_int_equal(sb_in[1].len[7], 107);
	flood(1, 9, 400);
	driver_poll();
	assert_int_equal(sw.ports[1].st.out_frames, 16);
	assert_int_equal(sw.ports[1].st.held, VNIC_HOLD_FRAMES + 1);
	assert_int_equal(sw.ports[1].st.drop_full, VNIC_HOLD_FRAMES + 3);
}

static void a_slow_port_keeps_its_frames(void **s)
{
	(void)s;
	flood(1, 8 + 4, 100);
	driver_poll();
	/* It takes a frame now and then, each time before the bound. */
	for (unsigned i = 0; i < 4; i++) {
		now_ms += VNIC_SWITCH_HOLD_MS - 1;
		assert_int_equal(vnic_ops.rx_poll(&vn[1], 1, into_cap, &sb_in[1]), 1);
		driver_poll();
	}
	assert_int_equal(sw.ports[1].st.drop_full, 0);
	assert_int_equal(sw.ports[1].st.out_frames, 12);
	/* Then nothing for the bound while it holds one: stalled. */
	flood(1, 1, 200);
	driver_poll();
	now_ms += VNIC_SWITCH_HOLD_MS;
	driver_poll();
	assert_int_equal(sw.ports[1].st.hold_expired, 1);
	assert_true(sw.ports[1].stalled);
}

static void kicks_only_when_the_other_side_sleeps(void **s)
{
	(void)s;
	uint8_t f[NET_FRAME_MAX];
	cap_add(&uplink_rxq, f, frame(f, sb_mac[0], host_mac, 60));
	driver_poll();
	assert_int_equal(kicks_to_sb[0], 0);          /* sandbox 1 is awake */
	assert_false(vnic_may_sleep(&vn[0]));         /* work is waiting */
	sandbox_poll(0);
	assert_true(vnic_may_sleep(&vn[0]));          /* now it sleeps */
	cap_add(&uplink_rxq, f, frame(f, sb_mac[0], host_mac, 60));
	cap_add(&uplink_rxq, f, frame(f, sb_mac[0], host_mac, 61));
	driver_poll();
	assert_int_equal(kicks_to_sb[0], 1);          /* one IPI for the batch */
	assert_int_equal(kicks_to_sb[1], 0);
	assert_int_equal(sw.ports[0].st.kicks, 1);
	/* The driver sandbox asleep on its side of sandbox 1's ring. */
	assert_false(spsc_ring_consumer_arm(&sw.ports[0].from_sandbox.r));
	vnic_ops.tx(&vn[0], f, frame(f, host_mac, sb_mac[0], 60));
	vnic_ops.tx(&vn[0], f, frame(f, host_mac, sb_mac[0], 60));
	assert_int_equal(kicks_to_driver, 1);
	assert_int_equal(vn[0].st.kicks, 1);
}

static void consumer_attaches_whenever_the_producer_is_ready(void **s)
{
	(void)s;
	static _Alignas(64) uint8_t a[REGION], b[REGION];
	struct vnic v;
	struct nic n;
	const uint8_t m[6] = { 0x52, 0x54, 0, 0, 0, 4 };
	/* The sandbox comes up first: its rx ring is not formatted yet. */
	assert_int_equal(vnic_open(&v, a, REGION, b, REGION, kick_driver, NULL, &n), 0);
	assert_true(vnic_may_sleep(&v));
	assert_int_equal(vnic_ops.rx_poll(&v, 8, into_cap, &sb_in[0]), 0);
	struct vnic_switch sw2;
	struct nic up = { .ops = &uplink_ops };
	vnic_switch_init(&sw2, &up, local_mac, kick_sb, NULL);
	assert_int_equal(vnic_switch_add_port(&sw2, m, 1, b, REGION, a, REGION), 0);
	uint8_t f[NET_FRAME_MAX];
	vnic_switch_from_uplink(&sw2, f, frame(f, m, host_mac, 77));
	assert_int_equal(vnic_ops.rx_poll(&v, 8, into_cap, &sb_in[0]), 1);
	assert_int_equal(sb_in[0].len[0], 77);
	/* Outside a poll, frames for the local stack are counted, not lost silently. */
	vnic_switch_from_uplink(&sw2, f, frame(f, local_mac, host_mac, 60));
	assert_int_equal(sw2.st.local_drop, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(ports_are_checked, setup),
		cmocka_unit_test_setup(unicast_goes_where_the_mac_says, setup),
		cmocka_unit_test_setup(broadcast_reaches_everyone_else, setup),
		cmocka_unit_test_setup(spoofing_and_bad_lengths_are_dropped, setup),
		cmocka_unit_test_setup(full_port_ring_holds_frames_in_order, setup),
		cmocka_unit_test_setup(full_pool_leaves_the_wire_unread_until_the_port_stalls, setup),
		cmocka_unit_test_setup(a_slow_port_keeps_its_frames, setup),
		cmocka_unit_test_setup(kicks_only_when_the_other_side_sleeps, setup),
		cmocka_unit_test_setup(consumer_attaches_whenever_the_producer_is_ready, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
