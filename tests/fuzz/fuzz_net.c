/*
 * Fuzzer of the receive path: random and mutated Ethernet frames through
 * our netif glue (net_if_input) into lwIP (Ethernet, ARP, IPv4 with
 * reassembly, ICMP, UDP, TCP) with the web server listening, on the host,
 * under ASan and UBSan (net.mk builds it so). Any memory error, undefined
 * behaviour or lwIP assertion aborts the run with the offending frame
 * printed; a clean run ends with a summary and a leak check of lwIP's
 * packet-buffer pool.
 *
 *   fuzz_net FRAMES SEED      (make fuzz-net: 100000 frames, seed 1)
 *
 * Frames come from a seed corpus that reaches deep (valid ARP, ping, UDP,
 * TCP to the web server, IP fragments, IP and TCP options, and segments in
 * sequence on live connections) and are then mutated: random bytes, bit
 * flips, truncation, extension past 1514, header fields set to bogus values
 * (lengths, header lengths, fragment offsets, TCP data offset and flags, ARP
 * sizes); half of the mutated frames get their checksums fixed so that they
 * get past the checksum checks into the protocol code.
 */
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xorshift.h"
#include "tests/unit/test_net_peer.h"
#include "kernel/net/httpd.h"
#include "kernel/net/net_rand.h"
#include "kernel/net/net_status.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

static uint64_t rng;
static uint32_t rnd(void) { return (uint32_t)(xorshift64(&rng) >> 16); }
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static uint8_t cur[2048];
static size_t cur_len;
static uint64_t cur_index;

/* On a crash: the frame that caused it, to turn into a regression test. */
static void dump_frame(void)
{
	fprintf(stderr, "fuzz_net: crash on frame %llu (%zu bytes):", (unsigned long long)cur_index, cur_len);
	for (size_t i = 0; i < cur_len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", cur[i]);
	fprintf(stderr, "\n");
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* A live connection whose sequence numbers the corpus uses. */
static struct tcp_peer live;

static size_t seed_frame(uint8_t *f)
{
	static const char *const reqs[] = { "GET / HTTP/1.0\r\n\r\n", "GET /status HTTP/1.0\r\n\r\n",
		"POST /x HTTP/1.0\r\n\r\n", "GET /", "\r\n\r\n" };
	uint8_t payload[1480];
	size_t plen = below(64);
	for (size_t i = 0; i < plen; i++)
		payload[i] = (uint8_t)rnd();
	uint16_t sport = (uint16_t)(1024 + below(64));
	switch (below(12)) {
	case 0:
		return build_arp(f, (uint16_t)(1 + below(2)), peer_mac, PEER_IP, stack_mac, STACK_IP);
	case 1:
		return build_icmp_echo(f, PEER_IP, STACK_IP, (uint16_t)rnd(), (uint16_t)rnd(), payload, plen);
	case 2:
		return build_udp(f, PEER_IP, STACK_IP, sport, (uint16_t)below(100), payload, plen);
	case 3:  /* SYN to the web server */
		return build_tcp(f, PEER_IP, STACK_IP, sport, 80, rnd(), 0, TCP_SYN, 8192, NULL, 0);
	case 4:
	case 5: {  /* in sequence on the live connection */
		const char *r = reqs[below(5)];
		uint8_t flags = (uint8_t)(TCP_ACK | (below(4) ? TCP_PSH : below(2) ? TCP_FIN : TCP_RST));
		return build_tcp(f, PEER_IP, STACK_IP, live.port, 80, live.snd_nxt + below(3),
				 live.rcv_nxt, flags, 65535, r, strlen(r));
	}
	case 6: {  /* an IP fragment (more fragments / offset) */
		size_t n = build_icmp_echo(f, PEER_IP, STACK_IP, 1, 1, payload, plen + 16);
		put16(f + 14 + 6, (uint16_t)((below(2) << 13) | below(200)));
		put16(f + 14 + 4, (uint16_t)below(4));  /* few IDs: fragments meet */
		return n;
	}
	case 7: {  /* IPv4 options: grow the header */
		size_t n = build_udp(f, PEER_IP, STACK_IP, sport, 7, payload, plen);
		memmove(f + 34 + 8, f + 34, n - 34);
		memset(f + 34, 1, 8);  /* NOPs */
		f[14] = 0x47;
		put16(f + 16, (uint16_t)(n - 14 + 8));
		return n + 8;
	}
	case 8: {  /* TCP options: MSS, WS, SACK-permitted, timestamps, garbage */
		uint8_t opt[40] = { 2, 4, 5, 0xb4, 3, 3, 7, 4, 2, 8, 10 };
		for (size_t i = 11; i < 40; i++)
			opt[i] = below(3) ? 1 : (uint8_t)rnd();
		size_t n = build_tcp(f, PEER_IP, STACK_IP, sport, 80, rnd(), rnd(), TCP_SYN, 512, opt, 40);
		f[14 + 20 + 12] = (uint8_t)((5 + below(11)) << 4);  /* options inside the data */
		return n;
	}
	case 9:  /* a valid frame for someone else, or broadcast */
		return build_ipv4(f, below(2) ? (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
					     : (const uint8_t[6]){ 2, 0, 0, 0, 0, 9 },
				  peer_mac, PEER_IP, below(2) ? 0xffffffffu : 0x0a0002ffu, 17, payload, plen);
	case 10: {  /* ARP with bogus sizes or for another address */
		size_t n = build_arp(f, (uint16_t)below(4), peer_mac, rnd(), peer_mac, below(2) ? STACK_IP : rnd());
		f[14 + 4] = (uint8_t)(below(2) ? 6 : rnd());
		f[14 + 5] = (uint8_t)(below(2) ? 4 : rnd());
		return n;
	}
	default: {
		size_t n = below(1600);
		for (size_t i = 0; i < n; i++)
			f[i] = (uint8_t)rnd();
		return n;
	}
	}
}

static uint64_t by_kind[6];

static size_t mutate(uint8_t *f, size_t n)
{
	unsigned kind = below(6);
	by_kind[kind]++;
	switch (kind) {
	case 0:  /* as generated */
		break;
	case 1:  /* byte and bit damage */
		for (unsigned k = 1 + below(8); k && n; k--) {
			size_t at = below((uint32_t)n);
			f[at] = below(2) ? (uint8_t)rnd() : (uint8_t)(f[at] ^ (1u << below(8)));
		}
		break;
	case 2:  /* truncated */
		n = below((uint32_t)n + 1);
		break;
	case 3:  /* extended, maybe past 1514 */
		for (size_t m = n + below(200); n < m && n < 1600; n++)
			f[n] = (uint8_t)rnd();
		break;
	case 4:  /* header fields set to bogus values */
		if (n >= 14 + 20) {
			uint8_t *ip = f + 14;
			switch (below(6)) {
			case 0: put16(ip + 2, (uint16_t)rnd()); break;                       /* total length */
			case 1: ip[0] = (uint8_t)(0x40 | below(16)); break;                  /* IHL */
			case 2: put16(ip + 6, (uint16_t)rnd()); break;                       /* flags/offset */
			case 3: ip[9] = (uint8_t)rnd(); break;                               /* protocol */
			case 4: if (n >= 14 + 20 + 14) f[14 + 20 + 12] = (uint8_t)rnd(); break; /* TCP doff */
			default: if (n >= 14 + 20 + 14) f[14 + 20 + 13] = (uint8_t)rnd(); break; /* TCP flags */
			}
		}
		break;
	default:  /* the ethertype */
		if (n >= 14)
			put16(f + 12, below(2) ? 0x0806 : (uint16_t)rnd());
		break;
	}
	if (kind && below(2))
		fix_checksums(f, n);
	return n;
}

int main(int argc, char **argv)
{
	uint64_t frames = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	rng = seed * 0x9e3779b97f4a7c15ull | 1;
	net_rand_seed(seed);
	__sanitizer_set_death_callback(dump_frame);

	world_init();
	struct net_status_src src = { .sandbox = 0, .nif = &W.nif };
	if (httpd_start(80, NULL, net_status_json, &src) != 0) {
		fprintf(stderr, "fuzz_net: httpd_start failed\n");
		return 1;
	}
	peer_connect(&live, 50000, 80);

	for (cur_index = 0; cur_index < frames; cur_index++) {
		cur_len = mutate(cur, seed_frame(cur));
		world_inject(cur, cur_len);
		if (cur_index % 64 == 63) {
			world_pump();
			world_advance(below(3000));
		} else {
			/* Keep the wire bounded without answering everything. */
			while (W.txq_n > 32)
				world_take(cur);
		}
		if (cur_index % 4096 == 4095 || !live.established || live.rst_seen)
			peer_connect(&live, (uint16_t)(50000 + below(10000)), 80);
		if (cur_index % 20000 == 19999)
			fprintf(stderr, "fuzz_net: %llu frames\n", (unsigned long long)cur_index + 1);
	}

	/* Quiesce: every connection times out or closes, reassembly and ARP
	 * queues expire; then no packet buffer may still be in use. */
	cur_len = 0;
	httpd_stop();
	world_pump();
	for (int i = 0; i < 40; i++) {
		world_advance(30 * 1000);
		world_pump();
	}
	uint32_t pool_used = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	uint32_t pcb_used = lwip_stats.memp[MEMP_TCP_PCB]->used;
	const struct net_if_stats *st = &W.nif.st;
	printf("fuzz_net: %llu frames (seed %llu): as-built %llu, damaged %llu, truncated %llu, "
	       "extended %llu, bad-fields %llu, bad-ethertype %llu\n",
	       (unsigned long long)frames, (unsigned long long)seed,
	       (unsigned long long)by_kind[0], (unsigned long long)by_kind[1], (unsigned long long)by_kind[2],
	       (unsigned long long)by_kind[3], (unsigned long long)by_kind[4], (unsigned long long)by_kind[5]);
	printf("fuzz_net: netif rx %llu, runt %llu, oversize %llu, nomem %llu; tx %llu; "
	       "lwIP drops ip %u (chkerr %u) tcp %u (chkerr %u) udp %u icmp %u arp %u; "
	       "http requests %llu; pbuf pool in use at end %u, TCP PCBs %u\n",
	       (unsigned long long)st->rx_frames, (unsigned long long)st->rx_runt,
	       (unsigned long long)st->rx_oversize, (unsigned long long)st->rx_nomem,
	       (unsigned long long)st->tx_frames,
	       (unsigned)lwip_stats.ip.drop, (unsigned)lwip_stats.ip.chkerr, (unsigned)lwip_stats.tcp.drop,
	       (unsigned)lwip_stats.tcp.chkerr, (unsigned)lwip_stats.udp.drop, (unsigned)lwip_stats.icmp.drop,
	       (unsigned)lwip_stats.etharp.drop, (unsigned long long)httpd_get_stats()->requests,
	       (unsigned)pool_used, (unsigned)pcb_used);
	if (pool_used) {
		printf("fuzz_net: FAIL: %u pool pbufs leaked\n", (unsigned)pool_used);
		return 1;
	}
	printf("fuzz_net: no crash, no assertion, no leak\n");
	return 0;
}
