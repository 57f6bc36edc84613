/*
 * Fuzz target "netif": lwIP's input (Ethernet, ARP, IPv4 with reassembly,
 * ICMP, UDP, TCP) through our netif glue (kernel/net/netif_glue.c) with the
 * web server listening. The input is a program of frames: a raw frame
 * (bytes from the input, checksums optionally fixed so that it gets past
 * them), or a TCP segment on a live connection to the web server (flags and
 * payload from the input, sequence numbers right, which random bytes
 * would never hit), with the peer answering and time passing between them.
 * lwIP's state persists from input to input (it is global), like a sandbox
 * that keeps running; the live connection is re-opened when it ends.
 * Checked: ASan, UBSan and lwIP's own assertions (fatal in the host build).
 */
#include <stdlib.h>
#include "kernel/net/httpd.h"
#include "kernel/net/net_status.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/test_net_peer.h"

static struct tcp_peer live;
static uint16_t next_port = 50000;

static void setup(void)
{
	static struct net_status_src src = { .sandbox = 0 };
	world_init();
	src.nif = &W.nif;
	if (httpd_start(80, NULL, net_status_json, &src))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	struct fuzz_input in = { data, size };
	static uint8_t f[2048], payload[1460];
	while (fuzz_more(&in)) {
		if (!live.established || live.rst_seen || live.fin_seen) {
			peer_connect(&live, next_port, 80);
			next_port = (uint16_t)(next_port == 59999 ? 50000 : next_port + 1);
		}
		uint8_t op = fuzz_u8(&in);
		size_t n;
		if (op & 1) {  /* raw frame */
			n = fuzz_bytes(&in, f, fuzz_u16(&in) % 1600);
			if (op & 2)
				fix_checksums(f, n);
		} else {      /* a segment on the live connection */
			uint8_t flags = fuzz_u8(&in), seq_off = fuzz_u8(&in) % 4;
			size_t plen = fuzz_bytes(&in, payload, fuzz_u8(&in));
			n = build_tcp(f, PEER_IP, STACK_IP, live.port, 80, live.snd_nxt + seq_off,
				      live.rcv_nxt, flags, 65535, payload, plen);
			if (seq_off == 0 && !(flags & (TCP_SYN | TCP_RST)))
				live.snd_nxt += (uint32_t)plen + !!(flags & TCP_FIN);
		}
		W.peer = &live;
		world_inject(f, n);
		if (op & 4)
			world_pump();
		else
			while (world_take(f))
				;
		if (op & 8)
			world_advance((uint64_t)(op >> 4) * 250);
	}
	while (world_take(f))
		;
	return 0;
}
