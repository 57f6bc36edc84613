/*
 * Fuzz target "e1000_ring": the e1000 descriptor-ring logic
 * (kernel/net/e1000/e1000_ring.c) against a hostile device, with every
 * delivered frame going on through the netif glue into lwIP (the driver
 * sandbox's whole receive path). The input is a program of device and
 * driver steps: the device receives a frame (bytes from the input) or marks
 * sends done; it scribbles over any descriptor field (status, errors,
 * length, address, also of descriptors the driver owns); the driver polls
 * with a budget, sends a frame of any length, resyncs to a (maybe bogus)
 * device head, audits.
 * Checked beyond the sanitizers: delivered frames lie at the start of an RX
 * buffer and are 14..1514 bytes; ring indices stay in range; TX pending
 * never exceeds count - 1; after an audit every address is the driver's.
 * lwIP's state persists from input to input (it is global), like a sandbox
 * that keeps running.
 */
#include <stdlib.h>
#include "kernel/net/e1000/e1000_ring.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/test_net_peer.h"

#define N     16u
#define BUFSZ 2048u

static _Alignas(128) struct e1000_rx_desc rxd[N];
static _Alignas(128) struct e1000_tx_desc txd[N];
static uint8_t dma[2 * N][BUFSZ];
static struct e1000_buf rxb[N], txb[N];
static struct e1000_rx_ring rx;
static struct e1000_tx_ring tx;
static uint32_t rdh, tdh;

static void deliver(void *sink, const void *frame, size_t len)
{
	const uint8_t *p = frame;
	if (p < dma[0] || p + len > dma[N] || (size_t)(p - dma[0]) % BUFSZ != 0)
		abort();
	if (len < NET_ETH_HDR || len > NET_FRAME_MAX)
		abort();
	net_if_input(sink, frame, len);
}

static void setup(void)
{
	world_init();
	for (unsigned i = 0; i < N; i++) {
		rxb[i] = (struct e1000_buf){ dma[i], (uint64_t)(uintptr_t)dma[i] };
		txb[i] = (struct e1000_buf){ dma[N + i], (uint64_t)(uintptr_t)dma[N + i] };
	}
}

/* A fresh pair of rings per input, so an input replays alone as it ran. */
static void reset_rings(void)
{
	memset(rxd, 0, sizeof rxd);
	memset(txd, 0, sizeof txd);
	rdh = tdh = 0;
	if (e1000_rx_init(&rx, rxd, N, rxb, BUFSZ) || e1000_tx_init(&tx, txd, N, txb, BUFSZ))
		abort();
}

static void device_receive(struct fuzz_input *in)
{
	uint16_t len = fuzz_u16(in) % (BUFSZ + 1);
	uint8_t status = fuzz_u8(in), errors = fuzz_u8(in);
	if (rdh == rx.tail)  /* head == tail: no descriptor for the device */
		return;
	struct e1000_rx_desc *d = &rxd[rdh];
	if (d->addr == rxb[rdh].pa)  /* where an IOMMU would let it write */
		fuzz_bytes(in, rxb[rdh].va, len);
	d->length = len;
	d->errors = errors & 1 ? errors : 0;
	d->status = (uint8_t)(status | E1000_RXD_STAT_DD);
	rdh = (rdh + 1) % N;
}

static void scribble(struct fuzz_input *in)
{
	unsigned i = fuzz_u8(in) % N;
	switch (fuzz_u8(in) % 6) {
	case 0: rxd[i].status = fuzz_u8(in); break;
	case 1: rxd[i].length = fuzz_u16(in); rxd[i].status |= E1000_RXD_STAT_DD; break;
	case 2: rxd[i].errors = fuzz_u8(in); break;
	case 3: rxd[i].addr = (uint64_t)fuzz_u32(in) << 32 | fuzz_u32(in); break;
	case 4: txd[i].status = fuzz_u8(in); break;
	default: txd[i].addr = fuzz_u32(in); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setup();
		ready = 1;
	}
	reset_rings();
	struct fuzz_input in = { data, size };
	static uint8_t frame[BUFSZ + 16];
	while (fuzz_more(&in)) {
		switch (fuzz_u8(&in) % 8) {
		case 0:
			device_receive(&in);
			break;
		case 1:  /* the device completes sends, maybe ones it never got */
			for (unsigned k = fuzz_u8(&in) % N; k && tdh != tx.tail; k--) {
				txd[tdh].status |= E1000_TXD_STAT_DD;
				tdh = (tdh + 1) % N;
			}
			break;
		case 2:
			scribble(&in);
			break;
		case 3:
			e1000_rx_poll(&rx, fuzz_u8(&in) % (N + 8), deliver, &W.nif);
			break;
		case 4:
			e1000_tx_send(&tx, frame, fuzz_u16(&in) % (sizeof frame + 1));
			break;
		case 5:  /* the watchdog, with the device's heads or a bogus one */
			e1000_rx_resync(&rx, fuzz_u8(&in) & 1 ? rdh : fuzz_u32(&in));
			e1000_tx_resync(&tx, fuzz_u8(&in) & 1 ? tdh : fuzz_u32(&in));
			break;
		case 6:
			e1000_rx_audit(&rx);
			e1000_tx_audit(&tx);
			for (unsigned i = 0; i < N; i++)
				if (rxd[i].addr != rxb[i].pa || txd[i].addr != txb[i].pa)
					abort();
			break;
		default:
			while (world_take(frame))
				;
			world_advance(fuzz_u8(&in));
			break;
		}
		if (rx.next >= N || rx.tail >= N || tx.tail >= N || tx.clean >= N ||
		    e1000_tx_pending(&tx) > N - 1)
			abort();
	}
	while (world_take(frame))
		;
	return 0;
}
