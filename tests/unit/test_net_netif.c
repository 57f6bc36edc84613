/* Host tests of the netif glue and the NO_SYS loop (kernel/net/netif_glue.c,
 * net_loop.c) with lwIP on a fake NIC: ARP, ping, malformed lengths, a full
 * NIC, checksums, the receive budget and timers on the fake clock; the
 * transmit queue (no driver inside lwIP's output, a send unwound by a
 * fault). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/test_net_peer.h"
#include "kernel/net/net_loop.h"
#include "lwip/etharp.h"
#include "lwip/stats.h"

static uint8_t f[2048];

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int group_setup(void **s) { (void)s; world_init(); return 0; }

static void drain(void) { while (world_take(f)) ; }

static void arp_request_is_answered_and_learned(void **s)
{
	(void)s;
	drain();  /* the gratuitous ARP of netif_set_up */
	uint64_t rx = W.nif.st.rx_frames, tx = W.nif.st.tx_frames;
	size_t n = build_arp(f, 1, peer_mac, PEER_IP, (const uint8_t[6]){0}, STACK_IP);
	world_inject(f, n);
	n = world_take(f);
	assert_int_equal(n, 42);
	assert_int_equal(g16(f + 12), 0x0806);
	assert_int_equal(g16(f + 14 + 6), 2);                 /* reply */
	assert_memory_equal(f, peer_mac, 6);
	assert_memory_equal(f + 14 + 8, stack_mac, 6);
	assert_int_equal(W.nif.st.rx_frames, rx + 1);
	assert_int_equal(W.nif.st.tx_frames, tx + 1);
}

static void ping_is_answered(void **s)
{
	(void)s;
	drain();
	size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 7, 1, "ping", 4);
	world_inject(f, n);
	n = world_take(f);  /* the peer's MAC is known from its ARP request */
	assert_int_equal(n, 14 + 20 + 8 + 4);
	assert_int_equal(f[14 + 9], 1);   /* ICMP */
	assert_int_equal(f[14 + 20], 0);  /* echo reply */
	assert_memory_equal(f + 14 + 28, "ping", 4);
	assert_int_equal(inet_csum(f + 14, 20, 0), 0);      /* valid IP checksum */
	assert_int_equal(inet_csum(f + 34, 12, 0), 0);      /* valid ICMP checksum */
}

static void bad_checksum_gets_no_answer(void **s)
{
	(void)s;
	drain();
	uint32_t chk = lwip_stats.ip.chkerr;
	size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 7, 2, "ping", 4);
	f[14 + 10] ^= 0x55;
	world_inject(f, n);
	assert_int_equal(world_take(f), 0);
	assert_int_equal(lwip_stats.ip.chkerr, chk + 1);
}

static void udp_to_closed_port_gets_port_unreachable(void **s)
{
	(void)s;
	drain();
	size_t n = build_udp(f, PEER_IP, STACK_IP, 5000, 9, "x", 1);
	world_inject(f, n);
	n = world_take(f);
	assert_true(n > 14 + 20 + 8);
	assert_int_equal(f[14 + 9], 1);
	assert_int_equal(f[34], 3);  /* destination unreachable */
	assert_int_equal(f[35], 3);  /* port unreachable */
}

static void runts_and_giants_are_counted_not_delivered(void **s)
{
	(void)s;
	drain();
	uint64_t rx = W.nif.st.rx_frames;
	memset(f, 0xff, sizeof(f));
	world_inject(f, 0);
	world_inject(f, 13);
	world_inject(f, NET_FRAME_MAX + 1);
	world_inject(f, 2000);
	assert_int_equal(W.nif.st.rx_runt, 2);
	assert_int_equal(W.nif.st.rx_oversize, 2);
	assert_int_equal(W.nif.st.rx_frames, rx);
	/* The two edges are taken: a bare header, a full-size frame. */
	world_inject(f, 14);
	world_inject(f, NET_FRAME_MAX);
	assert_int_equal(W.nif.st.rx_frames, rx + 2);
}

static void full_nic_drops_and_counts(void **s)
{
	(void)s;
	drain();
	W.tx_refuse = true;
	size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 7, 3, "ping", 4);
	world_inject(f, n);
	W.tx_refuse = false;
	assert_int_equal(W.nif.st.tx_dropped, 1);
	assert_int_equal(world_take(f), 0);
}

static void loop_respects_the_budget(void **s)
{
	(void)s;
	drain();
	for (int i = 0; i < 3; i++) {
		W.rxq_len[i] = build_icmp_echo(W.rxq[i], PEER_IP, STACK_IP, 8, (uint16_t)i, "p", 1);
	}
	W.rxq_n = 3;
	assert_int_equal(net_loop_poll(&W.nif, 2), 2);
	assert_int_equal(W.rxq_n, 1);
	assert_int_equal(net_loop_poll(&W.nif, 2), 1);
	assert_int_equal(net_loop_poll(&W.nif, 2), 0);
	assert_int_equal(W.txq_n, 3);  /* three echo replies */
}

static void arp_entries_expire_on_the_clock(void **s)
{
	(void)s;
	drain();
	/* ARP_MAXAGE is 300 s: after that the stack must ask again. */
	world_advance(301 * 1000);
	drain();
	uint64_t replies = W.arp_replies;
	size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 9, 1, "p", 1);
	world_inject(f, n);
	world_pump();  /* the peer answers the who-has; the queued reply follows */
	assert_int_equal(W.arp_replies, replies + 1);
}

static void ask_peer(void)
{
	ip4_addr_t a;
	ip4_addr_set_u32(&a, PP_HTONL(PEER_IP));
	etharp_request(&W.nif.netif, &a);
}

static void output_waits_in_the_queue_until_flushed(void **s)
{
	(void)s;
	drain();
	uint64_t seen = W.tx_seen;
	ask_peer();
	ask_peer();
	/* lwIP's output called no driver: the NIC saw nothing yet. */
	assert_int_equal(W.tx_seen, seen);
	assert_int_equal(net_if_tx_queued(&W.nif), 2);
	net_if_flush(&W.nif);
	assert_int_equal(W.tx_seen, seen + 2);
	assert_int_equal(net_if_tx_queued(&W.nif), 0);
	assert_int_equal(world_take(f), 42);
	assert_int_equal(g16(f + 14 + 6), 1);                 /* who-has */
	/* The loop flushes what its timers queued. */
	ask_peer();
	net_loop_poll(&W.nif, 1);
	assert_int_equal(W.tx_seen, seen + 3);
}

static void full_queue_drops_and_counts(void **s)
{
	(void)s;
	drain();
	uint64_t full = W.nif.st.tx_queue_full, seen = W.tx_seen;
	for (int i = 0; i < NET_TXQ_LEN + 3; i++)
		ask_peer();
	assert_int_equal(W.nif.st.tx_queue_full, full + 3);
	net_if_flush(&W.nif);
	assert_int_equal(W.tx_seen, seen + NET_TXQ_LEN);
	drain();
}

/* A driver whose second send faults and is unwound, as the containment
 * does (kernel/contain.h): a longjmp out of the flush. */
static jmp_buf unwind;
static unsigned sends;
static int faulty_tx(void *dev, const void *frame, size_t len)
{
	(void)dev; (void)frame; (void)len;
	if (++sends == 2)
		longjmp(unwind, 1);
	return 0;
}

static void send_unwound_mid_flush_loses_only_its_frame(void **s)
{
	static const struct nic_ops faulty = { .tx = faulty_tx };
	const struct nic_ops *ops = W.nif.nic.ops;
	(void)s;
	drain();
	for (int i = 0; i < 4; i++)
		ask_peer();
	W.nif.nic.ops = &faulty;
	sends = 0;
	if (!setjmp(unwind))
		net_if_flush(&W.nif);
	/* Frame 1 sent, frame 2 lost with the fault, 3 and 4 still queued. */
	assert_int_equal(sends, 2);
	assert_int_equal(net_if_tx_queued(&W.nif), 2);
	W.nif.nic.ops = ops;   /* the standby driver takes over */
	uint64_t seen = W.tx_seen;
	net_if_flush(&W.nif);
	assert_int_equal(W.tx_seen, seen + 2);
	/* lwIP is unharmed: it still answers. */
	drain();
	size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 7, 9, "ping", 4);
	world_inject(f, n);
	assert_int_equal(world_take(f), 14 + 20 + 8 + 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_request_is_answered_and_learned),
		cmocka_unit_test(ping_is_answered),
		cmocka_unit_test(bad_checksum_gets_no_answer),
		cmocka_unit_test(udp_to_closed_port_gets_port_unreachable),
		cmocka_unit_test(runts_and_giants_are_counted_not_delivered),
		cmocka_unit_test(full_nic_drops_and_counts),
		cmocka_unit_test(loop_respects_the_budget),
		cmocka_unit_test(arp_entries_expire_on_the_clock),
		cmocka_unit_test(output_waits_in_the_queue_until_flushed),
		cmocka_unit_test(full_queue_drops_and_counts),
		cmocka_unit_test(send_unwound_mid_flush_loses_only_its_frame),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
