/*
 * Host-side test world for the network stack (unit tests and fuzzers):
 * one lwIP stack (our port, host build) on a fake NIC, a fake clock, and a
 * scripted peer on the "wire" that answers ARP and speaks enough TCP
 * (handshake, data, ACKs, FIN, RST) to talk to the web server.
 *
 * Frames the stack sends are queued by the fake NIC; world_pump() hands
 * them to the peer, whose answers go straight into net_if_input(), until
 * the wire is quiet. Everything runs in one thread, in lwIP's NO_SYS
 * context, as in the kernel.
 */
#ifndef QUESTV_TEST_NET_PEER_H
#define QUESTV_TEST_NET_PEER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/net/netif_glue.h"

#define STACK_IP   0x0a00020fu   /* 10.0.2.15 */
#define PEER_IP    0x0a000202u   /* 10.0.2.2 */
#define NET_MASK   0xffffff00u
extern const uint8_t stack_mac[6], peer_mac[6];

/* --- frame builders (host byte order in, wire format out) ---------------- */
uint16_t inet_csum(const void *data, size_t len, uint32_t sum);
size_t build_arp(uint8_t *f, uint16_t op, const uint8_t *smac, uint32_t sip,
		 const uint8_t *tmac, uint32_t tip);
/* Ethernet + IPv4 header (no options) + payload; returns the frame length. */
size_t build_ipv4(uint8_t *f, const uint8_t *dmac, const uint8_t *smac, uint32_t src, uint32_t dst,
		  uint8_t proto, const void *payload, size_t len);
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
size_t build_tcp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const void *data, size_t len);
size_t build_udp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 const void *data, size_t len);
size_t build_icmp_echo(uint8_t *f, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
		       const void *data, size_t len);
/* Recompute the IPv4, TCP, UDP and ICMP checksums of a (possibly mutated)
 * frame where its headers allow; bounds-checked against len. */
void fix_checksums(uint8_t *f, size_t len);

/* --- the world ------------------------------------------------------------ */
struct tcp_peer {
	uint16_t port;               /* the peer's (client) port */
	uint16_t server_port;
	uint32_t snd_nxt, rcv_nxt;
	bool established, fin_seen, rst_seen;
	uint8_t rx[16384];           /* bytes the stack sent us, in order */
	size_t rx_len;
};

struct world {
	struct net_if nif;
	struct nic nic;
	uint64_t now_ms;
	/* Frames the stack sent, not yet given to the peer. */
	uint8_t txq[64][NET_FRAME_MAX];
	size_t txq_len[64];
	unsigned txq_n;
	uint64_t tx_seen, tx_lost;   /* lost: txq overflowed */
	/* Frames for the NIC's rx_poll (net_loop tests). */
	uint8_t rxq[16][NET_FRAME_MAX];
	size_t rxq_len[16];
	unsigned rxq_n;
	bool tx_refuse;              /* simulate a full NIC */
	struct tcp_peer *peer;       /* the connection world_pump serves, or NULL */
	uint64_t arp_replies;
};

extern struct world W;

/* Once per process (lwIP's state is global): stack up on the fake NIC. */
void world_init(void);
/* Let ms milliseconds pass, run the timers that fall due and send what
 * they queued (as net_loop_poll does). */
void world_advance(uint64_t ms);
/* Deliver the stack's queued frames to the peer until the wire is quiet.
 * Frames the peer does not understand are counted and dropped. */
void world_pump(void);
/* Take the oldest frame the stack sent (before world_pump would hand it to
 * the peer); its length, 0 if none. */
size_t world_take(uint8_t *f);
/* Inject one frame into the stack, as if received. */
void world_inject(const void *frame, size_t len);

/* The scripted TCP peer: connect (SYN, handshake via world_pump), send
 * data, close (FIN) or reset. */
void peer_connect(struct tcp_peer *p, uint16_t port, uint16_t server_port);
void peer_send(struct tcp_peer *p, const void *data, size_t len);
void peer_fin(struct tcp_peer *p);
void peer_rst(struct tcp_peer *p);

/* Convenience: one whole HTTP exchange; the response in p->rx. */
void http_get(struct tcp_peer *p, uint16_t port, const char *request);

#endif
