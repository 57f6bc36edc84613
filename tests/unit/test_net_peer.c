/* The host test world: see test_net_peer.h. */
#include <string.h>
#include "tests/unit/test_net_peer.h"
#include "kernel/net/net_clock.h"
#include "kernel/net/net_loop.h"
#include "lwip/timeouts.h"

const uint8_t stack_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

struct world W;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

uint16_t inet_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t build_arp(uint8_t *f, uint16_t op, const uint8_t *smac, uint32_t sip,
		 const uint8_t *tmac, uint32_t tip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(f, op == 1 ? bcast : tmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, 0x0806);
	uint8_t *a = f + 14;
	put16(a, 1);          /* Ethernet */
	put16(a + 2, 0x0800); /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, smac, 6);
	put32(a + 14, sip);
	memcpy(a + 18, tmac, 6);
	put32(a + 24, tip);
	return 14 + 28;
}

size_t build_ipv4(uint8_t *f, const uint8_t *dmac, const uint8_t *smac, uint32_t src, uint32_t dst,
		  uint8_t proto, const void *payload, size_t len)
{
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, inet_csum(ip, 20, 0));
	memmove(ip + 20, payload, len);
	return 14 + 20 + len;
}

static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint32_t)len;
}

size_t build_tcp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const void *data, size_t len)
{
	uint8_t seg[20 + NET_MTU];
	memset(seg, 0, 20);
	put16(seg, sport);
	put16(seg + 2, dport);
	put32(seg + 4, seq);
	put32(seg + 8, ack);
	seg[12] = 5 << 4;
	seg[13] = flags;
	put16(seg + 14, win);
	if (len)
		memcpy(seg + 20, data, len);
	put16(seg + 16, inet_csum(seg, 20 + len, pseudo_sum(src, dst, 6, 20 + len)));
	const uint8_t *dmac = dst == PEER_IP ? peer_mac : stack_mac;
	const uint8_t *smac = dst == PEER_IP ? stack_mac : peer_mac;
	return build_ipv4(f, dmac, smac, src, dst, 6, seg, 20 + len);
}

size_t build_udp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 const void *data, size_t len)
{
	uint8_t d[8 + NET_MTU];
	put16(d, sport);
	put16(d + 2, dport);
	put16(d + 4, (uint16_t)(8 + len));
	put16(d + 6, 0);
	memcpy(d + 8, data, len);
	put16(d + 6, inet_csum(d, 8 + len, pseudo_sum(src, dst, 17, 8 + len)));
	return build_ipv4(f, stack_mac, peer_mac, src, dst, 17, d, 8 + len);
}

size_t build_icmp_echo(uint8_t *f, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
		       const void *data, size_t len)
{
	uint8_t d[8 + NET_MTU];
	d[0] = 8;
	d[1] = 0;
	put16(d + 2, 0);
	put16(d + 4, id);
	put16(d + 6, seq);
	memcpy(d + 8, data, len);
	put16(d + 2, inet_csum(d, 8 + len, 0));
	return build_ipv4(f, stack_mac, peer_mac, src, dst, 1, d, 8 + len);
}

void fix_checksums(uint8_t *f, size_t len)
{
	if (len < 14 + 20 || get16(f + 12) != 0x0800)
		return;
	uint8_t *ip = f + 14;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || 14 + ihl > len)
		return;
	put16(ip + 10, 0);
	put16(ip + 10, inet_csum(ip, ihl, 0));
	size_t tot = get16(ip + 2);
	if (tot < ihl || 14 + tot > len || (get16(ip + 6) & 0x3fff))  /* fragments: IP only */
		return;
	uint8_t *l4 = ip + ihl;
	size_t l4len = tot - ihl;
	uint32_t src = get32(ip + 12), dst = get32(ip + 16);
	if (ip[9] == 6 && l4len >= 20) {
		put16(l4 + 16, 0);
		put16(l4 + 16, inet_csum(l4, l4len, pseudo_sum(src, dst, 6, l4len)));
	} else if (ip[9] == 17 && l4len >= 8) {
		put16(l4 + 6, 0);
		put16(l4 + 6, inet_csum(l4, l4len, pseudo_sum(src, dst, 17, l4len)));
	} else if (ip[9] == 1 && l4len >= 4) {
		put16(l4 + 2, 0);
		put16(l4 + 2, inet_csum(l4, l4len, 0));
	}
}

/* --- fake NIC --------------------------------------------------------------- */

static int fake_tx(void *dev, const void *frame, size_t len)
{
	struct world *w = dev;
	w->tx_seen++;
	if (w->tx_refuse)
		return -1;
	if (w->txq_n == 64) {
		w->tx_lost++;
		return 0;
	}
	memcpy(w->txq[w->txq_n], frame, len);
	w->txq_len[w->txq_n++] = len;
	return 0;
}

static unsigned fake_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	struct world *w = dev;
	unsigned n = 0;
	for (; n < budget && n < w->rxq_n; n++)
		deliver(sink, w->rxq[n], w->rxq_len[n]);
	memmove(w->rxq, w->rxq[n], (w->rxq_n - n) * sizeof(w->rxq[0]));
	memmove(w->rxq_len, w->rxq_len + n, (w->rxq_n - n) * sizeof(w->rxq_len[0]));
	w->rxq_n -= n;
	return n;
}

static const struct nic_ops fake_ops = { .tx = fake_tx, .rx_poll = fake_rx_poll };

static uint64_t fake_clock(void *ctx) { return ((struct world *)ctx)->now_ms; }

void world_init(void)
{
	memset(&W, 0, sizeof(W));
	W.nic.ops = &fake_ops;
	W.nic.dev = &W;
	memcpy(W.nic.mac, stack_mac, 6);
	W.now_ms = 1000;
	net_clock_set(fake_clock, &W);
	net_stack_init();
	net_if_add(&W.nif, &W.nic, STACK_IP, NET_MASK, PEER_IP);
	net_if_flush(&W.nif);   /* the gratuitous ARP, as the loop's first pass sends it */
}

void world_advance(uint64_t ms)
{
	/* In steps of the TCP fast timer, as a polling loop would see time. */
	for (uint64_t t = 0; t < ms; t += 50) {
		W.now_ms += ms - t < 50 ? ms - t : 50;
		sys_check_timeouts();
		net_if_flush(&W.nif);
	}
}

void world_inject(const void *frame, size_t len)
{
	net_if_input(&W.nif, frame, len);
}

static void peer_segment(struct tcp_peer *p, uint8_t flags, const void *data, size_t len)
{
	uint8_t f[NET_FRAME_MAX];
	size_t n = build_tcp(f, PEER_IP, STACK_IP, p->port, p->server_port, p->snd_nxt, p->rcv_nxt,
			     flags, 65535, data, len);
	p->snd_nxt += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	world_inject(f, n);
}

/* The peer's side of one frame the stack sent. */
static void peer_receive(const uint8_t *f, size_t len)
{
	if (len >= 42 && get16(f + 12) == 0x0806) {
		const uint8_t *a = f + 14;
		if (get16(a + 6) == 1 && get32(a + 24) == PEER_IP) {  /* who-has us */
			uint8_t r[64];
			size_t n = build_arp(r, 2, peer_mac, PEER_IP, a + 8, get32(a + 14));
			W.arp_replies++;
			world_inject(r, n);
		}
		return;
	}
	struct tcp_peer *p = W.peer;
	if (!p || len < 54 || get16(f + 12) != 0x0800 || f[14 + 9] != 6)
		return;
	const uint8_t *ip = f + 14;
	size_t ihl = (size_t)(ip[0] & 15) * 4, tot = get16(ip + 2);
	const uint8_t *t = ip + ihl;
	if (get16(t + 2) != p->port)
		return;
	size_t doff = (size_t)(t[12] >> 4) * 4;
	size_t dlen = tot - ihl - doff;
	uint8_t flags = t[13];
	uint32_t seq = get32(t + 4);
	if (flags & TCP_RST) {
		p->rst_seen = true;
		p->established = false;
		return;
	}
	if ((flags & TCP_SYN) && (flags & TCP_ACK)) {
		p->rcv_nxt = seq + 1;
		p->established = true;
		peer_segment(p, TCP_ACK, NULL, 0);
		return;
	}
	if (seq != p->rcv_nxt)  /* out of order or a retransmission: re-ACK */
		dlen = 0;
	else if (dlen && p->rx_len + dlen <= sizeof(p->rx)) {
		memcpy(p->rx + p->rx_len, t + doff, dlen);
		p->rx_len += dlen;
		p->rcv_nxt += (uint32_t)dlen;
	}
	if ((flags & TCP_FIN) && seq + dlen == p->rcv_nxt && !p->fin_seen) {
		p->fin_seen = true;
		p->rcv_nxt++;
	}
	if (dlen || (flags & TCP_FIN))
		peer_segment(p, TCP_ACK, NULL, 0);
}

size_t world_take(uint8_t *f)
{
	if (!W.txq_n)
		return 0;
	size_t len = W.txq_len[0];
	memcpy(f, W.txq[0], len);
	W.txq_n--;
	memmove(W.txq, W.txq[1], W.txq_n * sizeof(W.txq[0]));
	memmove(W.txq_len, W.txq_len + 1, W.txq_n * sizeof(W.txq_len[0]));
	return len;
}

void world_pump(void)
{
	/* Bounded: a stack and peer that ping-pong forever are a test failure,
	 * not a hang. */
	static uint8_t f[NET_FRAME_MAX];
	size_t len;
	for (int rounds = 0; rounds < 1000 && (len = world_take(f)); rounds++)
		peer_receive(f, len);
}

void peer_connect(struct tcp_peer *p, uint16_t port, uint16_t server_port)
{
	memset(p, 0, sizeof(*p));
	p->port = port;
	p->server_port = server_port;
	p->snd_nxt = 1000u * port;
	W.peer = p;
	peer_segment(p, TCP_SYN, NULL, 0);
	world_pump();
}

void peer_send(struct tcp_peer *p, const void *data, size_t len)
{
	W.peer = p;
	peer_segment(p, TCP_PSH | TCP_ACK, data, len);
	world_pump();
}

void peer_fin(struct tcp_peer *p)
{
	W.peer = p;
	peer_segment(p, TCP_FIN | TCP_ACK, NULL, 0);
	world_pump();
}

void peer_rst(struct tcp_peer *p)
{
	W.peer = p;
	peer_segment(p, TCP_RST | TCP_ACK, NULL, 0);
	world_pump();
}

void http_get(struct tcp_peer *p, uint16_t port, const char *request)
{
	peer_connect(p, port, 80);
	if (!p->established)
		return;
	peer_send(p, request, strlen(request));
	world_advance(300);  /* delayed ACKs and the like */
	world_pump();
	if (p->fin_seen)
		peer_fin(p);
}
