/*
 * Fuzzer of the e1000 descriptor-ring logic (kernel/net/e1000_ring.c) with a
 * hostile device: besides receiving and sending correctly, it writes garbage
 * into descriptors at random (status, errors, length, address), including
 * descriptors the driver owns, and sets "done" bits on TX descriptors it was
 * never given; the driver side polls with random budgets, sends random
 * lengths and audits now and then. Every delivered frame goes on through
 * the netif glue into lwIP (the whole receive path of the driver sandbox).
 *
 *   fuzz_e1000_ring ROUNDS SEED    (make fuzz-net)
 *
 * Checked: delivered frames lie inside the buffer of the descriptor they
 * came from and are 14..1514 bytes; ring indices stay in range; TX pending
 * never exceeds count - 1; after an audit every address is the shadow's;
 * and ASan/UBSan see nothing.
 */
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xorshift.h"
#include "tests/unit/test_net_peer.h"
#include "kernel/net/e1000/e1000_ring.h"

#define N     64u
#define BUFSZ 2048u

static _Alignas(128) struct e1000_rx_desc rxd[N];
static _Alignas(128) struct e1000_tx_desc txd[N];
static uint8_t dma[2 * N][BUFSZ];
static struct e1000_buf rxb[N], txb[N];
static struct e1000_rx_ring rx;
static struct e1000_tx_ring tx;
static uint32_t rdh, tdh;
static uint64_t rounds_done, violations, delivered, garbage_writes;

static uint64_t rng;
static uint32_t rnd(void) { return (uint32_t)(xorshift64(&rng) >> 16); }
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static void report(void)
{
	fprintf(stderr, "fuzz_e1000_ring: crash in round %llu\n", (unsigned long long)rounds_done);
}

static void violation(const char *what)
{
	violations++;
	fprintf(stderr, "fuzz_e1000_ring: round %llu: %s\n", (unsigned long long)rounds_done, what);
}

static void deliver(void *sink, const void *frame, size_t len)
{
	const uint8_t *p = frame;
	if (p < dma[0] || p + len > dma[N] || (size_t)(p - dma[0]) % BUFSZ != 0)
		violation("frame outside the RX buffers");
	if (len < NET_ETH_HDR || len > NET_FRAME_MAX)
		violation("frame length out of range");
	delivered++;
	net_if_input(sink, frame, len);
}

/* The device, mostly well-behaved. */
static void device_receive(void)
{
	if (rdh == rx.tail)  /* head == tail: no descriptor for us */
		return;
	struct e1000_rx_desc *d = &rxd[rdh];
	uint8_t f[NET_FRAME_MAX];
	size_t n = below(3) ? build_icmp_echo(f, PEER_IP, STACK_IP, 1, (uint16_t)rnd(), f, below(200))
			    : build_arp(f, 1, peer_mac, PEER_IP, stack_mac, STACK_IP);
	if (d->addr == rxb[rdh].pa)  /* where an IOMMU would let it write */
		memcpy(rxb[rdh].va, f, n);
	d->length = (uint16_t)n;
	d->errors = 0;
	d->status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	rdh = (rdh + 1) % N;
}

static void device_transmit(void)
{
	while (tdh != tx.tail && below(4)) {
		txd[tdh].status |= E1000_TXD_STAT_DD;
		tdh = (tdh + 1) % N;
	}
}

/* The device (or a fault) scribbling over descriptors. */
static void garbage(void)
{
	garbage_writes++;
	unsigned i = below(N);
	switch (below(6)) {
	case 0: rxd[i].status = (uint8_t)rnd(); break;
	case 1: rxd[i].length = (uint16_t)rnd(); rxd[i].status |= E1000_RXD_STAT_DD; break;
	case 2: rxd[i].errors = (uint8_t)rnd(); break;
	case 3: rxd[i].addr = ((uint64_t)rnd() << 32) | rnd(); break;
	case 4: txd[i].status = (uint8_t)rnd(); break;
	default: txd[i].addr = rnd(); break;
	}
}

int main(int argc, char **argv)
{
	uint64_t rounds = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	rng = seed * 0x9e3779b97f4a7c15ull | 1;
	__sanitizer_set_death_callback(report);
	world_init();
	for (unsigned i = 0; i < N; i++) {
		rxb[i] = (struct e1000_buf){ dma[i], (uint64_t)(uintptr_t)dma[i] };
		txb[i] = (struct e1000_buf){ dma[N + i], (uint64_t)(uintptr_t)dma[N + i] };
	}
	if (e1000_rx_init(&rx, rxd, N, rxb, BUFSZ) || e1000_tx_init(&tx, txd, N, txb, BUFSZ)) {
		fprintf(stderr, "fuzz_e1000_ring: init failed\n");
		return 1;
	}
	uint8_t f[BUFSZ + 16];
	memset(f, 0xab, sizeof(f));
	for (rounds_done = 0; rounds_done < rounds; rounds_done++) {
		for (unsigned k = below(8); k; k--)
			device_receive();
		if (below(4) == 0)
			garbage();
		e1000_rx_poll(&rx, below(N + 8), deliver, &W.nif);
		/* The watchdog, with the device's heads (sometimes bogus). */
		e1000_rx_resync(&rx, below(16) ? rdh : rnd());
		if (rx.next >= N || rx.tail >= N)
			violation("RX index out of range");
		for (unsigned k = below(4); k; k--)
			e1000_tx_send(&tx, f, below(3) ? 60 + below(1455) : below(BUFSZ + 16));
		device_transmit();
		e1000_tx_resync(&tx, below(16) ? tdh : rnd());
		if (e1000_tx_pending(&tx) > N - 1 || tx.tail >= N || tx.clean >= N)
			violation("TX bookkeeping out of range");
		if (below(64) == 0) {
			e1000_rx_audit(&rx);
			e1000_tx_audit(&tx);
			for (unsigned i = 0; i < N; i++)
				if (rxd[i].addr != rxb[i].pa || txd[i].addr != txb[i].pa)
					violation("audit left a foreign address");
		}
		while (world_take(f))
			;
		if (rounds_done % 1024 == 0)
			world_advance(100);
	}
	printf("fuzz_e1000_ring: %llu rounds (seed %llu), %llu garbage writes; RX delivered %llu, "
	       "errors %llu, bad_len %llu, multi_desc %llu, addr_repaired %llu, resyncs %llu; "
	       "TX frames %llu, full %llu, bad_len %llu, addr_repaired %llu, resyncs %llu; violations %llu\n",
	       (unsigned long long)rounds, (unsigned long long)seed, (unsigned long long)garbage_writes,
	       (unsigned long long)delivered, (unsigned long long)rx.st.errors,
	       (unsigned long long)rx.st.bad_len, (unsigned long long)rx.st.multi_desc,
	       (unsigned long long)rx.st.addr_repaired, (unsigned long long)rx.st.resyncs,
	       (unsigned long long)tx.st.frames, (unsigned long long)tx.st.full,
	       (unsigned long long)tx.st.bad_len, (unsigned long long)tx.st.addr_repaired,
	       (unsigned long long)tx.st.resyncs, (unsigned long long)violations);
	return violations ? 1 : 0;
}
