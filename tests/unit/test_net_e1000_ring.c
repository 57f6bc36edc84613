/* Host tests of the 82540EM descriptor-ring logic (kernel/net/e1000_ring.c)
 * against a fake device that follows the datasheet's ownership rules: it
 * fills RX descriptors from RDH up to RDT and sends TX descriptors from TDH
 * up to TDT, DMAing only inside its allowed window (what an IOMMU would
 * enforce; here it counts violations). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kernel/net/e1000/e1000_ring.h"

#define N     16u
#define BUFSZ 2048u

static _Alignas(128) struct e1000_rx_desc rxd[N];
static _Alignas(128) struct e1000_tx_desc txd[N];
static uint8_t dma[2 * N][BUFSZ];          /* the sandbox's DMA-able memory */
static struct e1000_buf rxb[N], txb[N];
static struct e1000_rx_ring rx;
static struct e1000_tx_ring tx;

/* The fake device. */
static struct {
	uint32_t rdh, rdt, tdh, tdt;
	uint64_t missed;        /* no RX descriptor free */
	uint64_t dma_blocked;   /* address outside the window */
	uint8_t sent[64][BUFSZ];
	size_t sent_len[64];
	unsigned nsent;
} dev;

static uint8_t *dma_ptr(uint64_t pa, size_t len)
{
	uint64_t lo = (uint64_t)(uintptr_t)dma, hi = lo + sizeof(dma);
	if (pa < lo || pa + len > hi) {
		dev.dma_blocked++;
		return NULL;
	}
	return (uint8_t *)(uintptr_t)pa;
}

/* A frame arrives from the wire. */
static void dev_receive(const void *frame, uint16_t len, uint8_t status, uint8_t errors)
{
	if (dev.rdh == dev.rdt) {
		dev.missed++;
		return;
	}
	struct e1000_rx_desc *d = &rxd[dev.rdh];
	uint8_t *p = dma_ptr(d->addr, len);
	if (p)
		memcpy(p, frame, len);
	d->length = len;
	d->errors = errors;
	d->status = status;
	dev.rdh = (dev.rdh + 1) % N;
}

static void dev_transmit(void)
{
	while (dev.tdh != dev.tdt) {
		struct e1000_tx_desc *d = &txd[dev.tdh];
		assert_true(d->cmd & E1000_TXD_CMD_EOP);
		uint8_t *p = dma_ptr(d->addr, d->length);
		if (p && dev.nsent < 64) {
			memcpy(dev.sent[dev.nsent], p, d->length);
			dev.sent_len[dev.nsent++] = d->length;
		}
		d->status |= E1000_TXD_STAT_DD;
		dev.tdh = (dev.tdh + 1) % N;
	}
}

struct got {
	uint8_t frames[64][BUFSZ];
	size_t len[64];
	unsigned n;
};
static struct got got;

static void deliver(void *sink, const void *frame, size_t len)
{
	struct got *g = sink;
	memcpy(g->frames[g->n % 64], frame, len);
	g->len[g->n++ % 64] = len;
}

static int setup(void **s)
{
	(void)s;
	memset(&dev, 0, sizeof(dev));
	memset(&got, 0, sizeof(got));
	for (unsigned i = 0; i < N; i++) {
		rxb[i] = (struct e1000_buf){ dma[i], (uint64_t)(uintptr_t)dma[i] };
		txb[i] = (struct e1000_buf){ dma[N + i], (uint64_t)(uintptr_t)dma[N + i] };
	}
	assert_int_equal(e1000_rx_init(&rx, rxd, N, rxb, BUFSZ), 0);
	assert_int_equal(e1000_tx_init(&tx, txd, N, txb, BUFSZ), 0);
	dev.rdt = rx.tail;
	return 0;
}

static void frame_of(uint8_t *f, uint16_t len, unsigned seed)
{
	for (unsigned i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i);
}

static void geometry(void **s)
{
	(void)s;
	struct e1000_rx_ring r;
	assert_int_equal(e1000_rx_init(&r, rxd, 12, rxb, BUFSZ), -1);          /* not 8k */
	assert_int_equal(e1000_rx_init(&r, rxd, 0, rxb, BUFSZ), -1);
	assert_int_equal(e1000_rx_init(&r, (uint8_t *)rxd + 16, 8, rxb, BUFSZ), -1);  /* alignment */
	assert_int_equal(e1000_rx_init(&r, rxd, 8, rxb, 1024), -1);            /* < a frame */
	assert_int_equal(e1000_rx_init(&r, rxd, 8, NULL, BUFSZ), -1);
	assert_int_equal(e1000_rx_init(&r, rxd, 8, rxb, BUFSZ), 0);
	assert_int_equal(r.tail, 7);  /* all but one to the device */
	assert_int_equal(rxd[3].addr, rxb[3].pa);
	assert_int_equal(rxd[3].status, 0);
	assert_int_equal(e1000_tx_init(&tx, (uint8_t *)txd + 16, 8, txb, BUFSZ), -1);
	assert_int_equal(e1000_tx_init(&tx, txd, 8, txb, 1024), -1);
}

/* A (re)start begins from the shadow whatever the rings held: every
 * descriptor its own buffer's address and nothing else, both rings. */
static void init_rebuilds_rings_from_the_shadow(void **s)
{
	(void)s;
	memset(rxd, 0xa5, sizeof(rxd));
	memset(txd, 0x5a, sizeof(txd));
	memset(&rx, 0xff, sizeof(rx));
	memset(&tx, 0xff, sizeof(tx));
	assert_int_equal(e1000_rx_init(&rx, rxd, N, rxb, BUFSZ), 0);
	assert_int_equal(e1000_tx_init(&tx, txd, N, txb, BUFSZ), 0);
	static const uint8_t zero[8];
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(rxd[i].addr, rxb[i].pa);
		assert_int_equal(txd[i].addr, txb[i].pa);
		assert_memory_equal((const uint8_t *)&rxd[i] + 8, zero, 8);
		assert_memory_equal((const uint8_t *)&txd[i] + 8, zero, 8);
	}
	assert_int_equal(rx.next, 0);
	assert_int_equal(rx.tail, N - 1);
	assert_int_equal(rx.st.frames + rx.st.resyncs + rx.discarding, 0);
	assert_int_equal(tx.clean, 0);
	assert_int_equal(tx.tail, 0);
	assert_int_equal(tx.st.frames + tx.st.full, 0);
	assert_int_equal(e1000_tx_pending(&tx), 0);
}

static void rx_delivers_in_order_and_rearms(void **s)
{
	(void)s;
	uint8_t f[BUFSZ];
	/* Three laps around the ring, a few frames per poll. */
	unsigned sent = 0;
	for (unsigned round = 0; round < 12; round++) {
		for (unsigned k = 0; k < 4; k++, sent++) {
			frame_of(f, (uint16_t)(60 + sent), sent);
			dev_receive(f, (uint16_t)(60 + sent), E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
		}
		unsigned before = got.n;
		assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 4);
		dev.rdt = rx.tail;
		for (unsigned k = before; k < got.n; k++) {
			frame_of(f, (uint16_t)(60 + k), k);
			assert_int_equal(got.len[k % 64], 60 + k);
			assert_memory_equal(got.frames[k % 64], f, 60 + k);
		}
	}
	assert_int_equal(dev.missed, 0);
	assert_int_equal(rx.st.frames, 48);
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 0);  /* nothing more */
}

static void rx_ring_full_means_device_misses_not_overwrites(void **s)
{
	(void)s;
	uint8_t f[64] = {0};
	for (unsigned i = 0; i < N + 5; i++)
		dev_receive(f, 64, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
	assert_int_equal(dev.missed, 6);  /* N - 1 descriptors were the device's */
	assert_int_equal(e1000_rx_poll(&rx, 4, deliver, &got), 4);  /* budget */
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), N - 1 - 4);
	assert_int_equal(got.n, N - 1);
}

static void rx_drops_bad_descriptors_and_counts(void **s)
{
	(void)s;
	uint8_t f[BUFSZ];
	frame_of(f, 100, 1);
	const uint8_t ok = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	dev_receive(f, 100, ok, E1000_RXD_ERR_CE);          /* CRC error */
	dev_receive(f, 0, ok, 0);                           /* empty */
	dev_receive(f, 13, ok, 0);                          /* shorter than a header */
	dev_receive(f, NET_FRAME_MAX + 1, ok, 0);           /* longer than a frame */
	dev_receive(f, 100, E1000_RXD_STAT_DD, 0);          /* chain start (no EOP) */
	dev_receive(f, 100, E1000_RXD_STAT_DD, 0);          /* chain middle */
	dev_receive(f, 100, ok, 0);                         /* chain end */
	dev_receive(f, 100, ok, E1000_RXD_ERR_FRAME ^ 0xff); /* only offload verdicts: fine */
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 8);
	assert_int_equal(rx.st.errors, 1);
	assert_int_equal(rx.st.bad_len, 3);
	assert_int_equal(rx.st.multi_desc, 3);
	assert_int_equal(rx.st.frames, 1);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.len[0], 100);
}

static void rx_corrupted_address_is_not_read_and_repaired(void **s)
{
	(void)s;
	uint8_t f[100];
	frame_of(f, 100, 3);
	rxd[0].addr = 0xdead0000;  /* a fault changed it before the device used it */
	dev_receive(f, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
	assert_int_equal(dev.dma_blocked, 1);  /* an IOMMU would have stopped it */
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 1);
	assert_int_equal(got.n, 0);
	assert_int_equal(rx.st.addr_repaired, 1);
	assert_int_equal(rxd[0].addr, rxb[0].pa);  /* re-armed from the shadow */
	/* The audit finds corruption in descriptors the device still owns. */
	rxd[5].addr ^= 0x1000;
	rxd[9].addr = 0;
	assert_int_equal(e1000_rx_audit(&rx), 2);
	assert_int_equal(e1000_rx_audit(&rx), 0);
	assert_int_equal(rxd[9].addr, rxb[9].pa);
}

static void tx_sends_reclaims_and_reports_full(void **s)
{
	(void)s;
	uint8_t f[BUFSZ];
	/* Without the device running, N - 1 fit. */
	for (unsigned i = 0; i < N - 1; i++) {
		frame_of(f, (uint16_t)(60 + i), i);
		assert_int_equal(e1000_tx_send(&tx, f, 60 + i), 0);
	}
	assert_int_equal(e1000_tx_send(&tx, f, 60), -1);
	assert_int_equal(tx.st.full, 1);
	assert_int_equal(e1000_tx_pending(&tx), N - 1);
	dev.tdt = tx.tail;
	dev_transmit();
	assert_int_equal(dev.nsent, N - 1);
	for (unsigned i = 0; i < N - 1; i++) {
		frame_of(f, (uint16_t)(60 + i), i);
		assert_int_equal(dev.sent_len[i], 60 + i);
		assert_memory_equal(dev.sent[i], f, 60 + i);
	}
	assert_int_equal(e1000_tx_pending(&tx), 0);
	/* Laps around the ring with the device keeping up. */
	for (unsigned i = 0; i < 5 * N; i++) {
		assert_int_equal(e1000_tx_send(&tx, f, 200), 0);
		dev.tdt = tx.tail;
		if (i % 3 == 0)
			dev_transmit();
	}
	assert_int_equal(txd[tx.tail ? tx.tail - 1 : N - 1].cmd,
			 E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
}

static void tx_refuses_bad_lengths_and_ignores_stray_done_bits(void **s)
{
	(void)s;
	uint8_t f[BUFSZ + 1] = {0};
	assert_int_equal(e1000_tx_send(&tx, f, 0), -1);
	assert_int_equal(e1000_tx_send(&tx, f, BUFSZ + 1), -1);
	assert_int_equal(tx.st.bad_len, 2);
	assert_int_equal(e1000_tx_send(&tx, f, 60), 0);
	/* DD set by corruption on descriptors we never queued: no effect. */
	for (unsigned i = 1; i < N; i++)
		txd[i].status = 0xff;
	assert_int_equal(e1000_tx_pending(&tx), 1);
	/* A queued descriptor whose address a fault changed: the audit repairs
	 * it before the device would read someone else's memory. */
	txd[0].addr = 0x1234;
	assert_int_equal(e1000_tx_audit(&tx), 1);
	dev.tdt = tx.tail;
	dev_transmit();
	assert_int_equal(dev.dma_blocked, 0);
	assert_int_equal(dev.nsent, 1);
}

/* Found by the fuzzer: a DD bit set by corruption at the descriptor the
 * device is about to use makes the driver step past the device; the tail
 * then equals the device's head, so the device has no descriptor left and
 * stops, while the driver waits one further on: RX is dead for good. */
static void rx_out_of_step_ring_is_resynchronised(void **s)
{
	(void)s;
	uint8_t f[100];
	frame_of(f, 100, 5);
	rxd[0].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;  /* stray DD */
	rxd[0].length = 0;
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 1);  /* dropped: bad length */
	dev.rdt = rx.tail;
	assert_int_equal(rx.next, 1);
	assert_int_equal(dev.rdt, dev.rdh);  /* the device has nothing */
	dev_receive(f, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
	assert_int_equal(dev.missed, 1);
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 0);
	assert_false(e1000_rx_resync(&rx, N + 3));   /* bogus head: ignored */
	assert_false(e1000_rx_resync(&rx, rx.next)); /* consistent: left alone */
	assert_true(e1000_rx_resync(&rx, dev.rdh));  /* head != next, no DD at next */
	assert_int_equal(rx.next, dev.rdh);
	assert_int_equal(rx.st.resyncs, 1);
	dev.rdt = rx.tail;
	for (unsigned i = 0; i < 5; i++)
		dev_receive(f, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);
	assert_int_equal(e1000_rx_poll(&rx, 64, deliver, &got), 5);
	assert_int_equal(got.n, 5);
	assert_memory_equal(got.frames[4], f, 100);
	assert_false(e1000_rx_resync(&rx, dev.rdh)); /* in step again */
}

static void tx_lost_done_bit_is_reclaimed_by_head(void **s)
{
	(void)s;
	uint8_t f[60] = {0};
	for (unsigned i = 0; i < N - 1; i++)
		assert_int_equal(e1000_tx_send(&tx, f, sizeof(f)), 0);
	dev.tdt = tx.tail;
	dev_transmit();
	txd[0].status = 0;  /* corruption wiped the first DD */
	assert_int_equal(e1000_tx_send(&tx, f, sizeof(f)), -1);  /* stuck: looks full */
	assert_false(e1000_tx_resync(&tx, N + 1));                /* bogus head */
	assert_false(e1000_tx_resync(&tx, (tx.tail + 1) % N));    /* beyond what we queued */
	assert_true(e1000_tx_resync(&tx, dev.tdh));
	assert_int_equal(e1000_tx_pending(&tx), 0);
	assert_int_equal(e1000_tx_send(&tx, f, sizeof(f)), 0);
	assert_false(e1000_tx_resync(&tx, dev.tdh));  /* nothing sent since: no change */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(geometry, setup),
		cmocka_unit_test_setup(init_rebuilds_rings_from_the_shadow, setup),
		cmocka_unit_test_setup(rx_delivers_in_order_and_rearms, setup),
		cmocka_unit_test_setup(rx_ring_full_means_device_misses_not_overwrites, setup),
		cmocka_unit_test_setup(rx_drops_bad_descriptors_and_counts, setup),
		cmocka_unit_test_setup(rx_corrupted_address_is_not_read_and_repaired, setup),
		cmocka_unit_test_setup(tx_sends_reclaims_and_reports_full, setup),
		cmocka_unit_test_setup(tx_refuses_bad_lengths_and_ignores_stray_done_bits, setup),
		cmocka_unit_test_setup(rx_out_of_step_ring_is_resynchronised, setup),
		cmocka_unit_test_setup(tx_lost_done_bit_is_reclaimed_by_head, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
