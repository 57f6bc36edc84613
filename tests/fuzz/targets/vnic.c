/*
 * Fuzz target "vnic": the VNIC rings (kernel/net/vnic_ring.c, over
 * lib/spsc_ring.c), a sandbox's VNIC (kernel/net/vnic.c) and the driver
 * sandbox's switch (kernel/net/vnic_switch.c) with two VNIC sandboxes, one
 * of them hostile. The input is a program: frames from the wire (uplink),
 * frames sent by the honest sandbox through its VNIC, raw 32-bit writes
 * anywhere in the hostile sandbox's shared region (both rings: it can write
 * the ring it produces and the one it only reads), the switch's poll, the
 * sandboxes' polls, the sleep checks, and the clock moving on (the switch
 * holds frames for a full ring, and stalls a port, by time).
 * Checked beyond the sanitizers: every frame delivered anywhere (local
 * stack, a sandbox, the wire) is 14..1514 bytes, and what reaches the honest
 * sandbox is addressed to it or to a group.
 */
#include <stdlib.h>
#include "kernel/net/net_clock.h"
#include "kernel/net/vnic.h"
#include "kernel/net/vnic_switch.h"
#include "tests/fuzz/fuzz_input.h"

#define REGION (32 * 1024)

static const uint8_t local_mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t sb_mac[2][6] = { { 0x52, 0x54, 0, 0, 0, 2 }, { 0x52, 0x54, 0, 0, 0, 3 } };

static _Alignas(4096) uint8_t to_sb[2][REGION], from_sb[2][REGION];
static struct vnic_switch sw;
static struct vnic vn;     /* sandbox 1, honest; sandbox 2 writes its region raw */
static struct nic vn_nic;
static uint8_t wire[NET_FRAME_MAX + 64];
static size_t wire_len;
static uint64_t now_ms;

static uint64_t fake_clock(void *ctx) { (void)ctx; return now_ms; }

static void check_len(size_t len)
{
	if (len < NET_ETH_HDR || len > NET_FRAME_MAX)
		abort();
}

static int up_tx(void *dev, const void *f, size_t len) { (void)dev; (void)f; check_len(len); return 0; }
static unsigned up_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	(void)dev;
	if (!budget || !wire_len)
		return 0;
	deliver(sink, wire, wire_len);
	wire_len = 0;
	return 1;
}
static const struct nic_ops uplink_ops = { .tx = up_tx, .rx_poll = up_rx_poll };

static void to_local(void *sink, const void *f, size_t len) { (void)sink; (void)f; check_len(len); }
static void to_honest(void *sink, const void *f, size_t len)
{
	(void)sink;
	check_len(len);
	const uint8_t *dst = f;
	if (!(dst[0] & 1) && memcmp(dst, sb_mac[0], 6))
		abort();
}
static void kick_sb(void *ctx, unsigned sandbox) { (void)ctx; (void)sandbox; }
static void kick_driver(void *ctx) { (void)ctx; }

static void setup(void)
{
	memset(to_sb, 0, sizeof to_sb);
	memset(from_sb, 0, sizeof from_sb);
	now_ms = 0;
	net_clock_set(fake_clock, NULL);
	struct nic up = { .ops = &uplink_ops, .dev = NULL };
	vnic_switch_init(&sw, &up, local_mac, kick_sb, NULL);
	for (unsigned i = 0; i < 2; i++)
		if (vnic_switch_add_port(&sw, sb_mac[i], i + 1, to_sb[i], REGION, from_sb[i], REGION) != (int)i)
			abort();
	if (vnic_open(&vn, from_sb[0], REGION, to_sb[0], REGION, kick_driver, NULL, &vn_nic))
		abort();
	memcpy(vn_nic.mac, sb_mac[0], 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();  /* fresh rings per input: an input replays alone as it ran */
	struct fuzz_input in = { data, size };
	static uint8_t f[NET_FRAME_MAX + 64];
	while (fuzz_more(&in)) {
		switch (fuzz_u8(&in) % 7) {
		case 0:
			wire_len = fuzz_bytes(&in, wire, fuzz_u16(&in) % sizeof wire);
			break;
		case 1: {  /* the honest sandbox sends, its own MAC as source */
			size_t n = fuzz_bytes(&in, f, fuzz_u16(&in) % sizeof f);
			if (n >= 12)
				memcpy(f + 6, sb_mac[0], 6);
			vnic_ops.tx(&vn, f, n);
			break;
		}
		case 2: {  /* the hostile sandbox writes anywhere in its region */
			uint8_t *mem = fuzz_u8(&in) & 1 ? to_sb[1] : from_sb[1];
			size_t off = (fuzz_u16(&in) % (REGION / 4)) * 4;
			uint32_t v = fuzz_u32(&in);
			memcpy(mem + off, &v, 4);
			break;
		}
		case 3:
			vnic_switch_nic_ops.rx_poll(&sw, fuzz_u8(&in) % 16, to_local, NULL);
			break;
		case 4:
			vnic_ops.rx_poll(&vn, fuzz_u8(&in) % 16, to_honest, NULL);
			break;
		case 5:
			now_ms += fuzz_u8(&in);
			break;
		default:
			vnic_switch_may_sleep(&sw);
			vnic_may_sleep(&vn);
			break;
		}
	}
	return 0;
}
