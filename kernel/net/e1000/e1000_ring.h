/*
 * Descriptor-ring logic of the Intel 82540EM (QEMU's -device e1000), apart
 * from registers, PCI and interrupts, so that it runs on the host against a
 * fake device (tests/unit/test_net_e1000_ring.c, tests/fuzz/).
 *
 * Legacy descriptors only (16 bytes; 8254x Software Developer's Manual
 * 3.2.3 and 3.3.3). The device owns the descriptors from its head (RDH/TDH)
 * up to but not including the tail (RDT/TDT) that software writes:
 *  - RX: software keeps one descriptor back (tail = the last one it
 *    cleaned), so head == tail always means "device has none", never "all".
 *  - TX: software fills from tail and advances it; the device sets DD in a
 *    descriptor's status when done (RS asks it to).
 *
 * Defensive (faults of issue 8 corrupt the rings; a device model may be
 * buggy): each descriptor field is read once; a length of 0, larger than
 * the buffer or than a frame, receive errors and frames that span several
 * descriptors are dropped and counted; the buffer address in a descriptor is
 * never trusted: each re-arm writes it from the driver's private shadow
 * (struct e1000_buf), and e1000_*_audit finds and repairs descriptors whose
 * address was changed (a would-be wild DMA: without an IOMMU, repairing the
 * ring is all the driver can do).
 *
 * The driver needs: RCTL.BSIZE = buf_size, RCTL.SECRC = 1 (the device strips
 * the FCS, so lengths are frame lengths), RCTL.LPE = 0 (no long packets: one
 * frame, one descriptor), TCTL.PSP = 1 (pad short frames). It writes RDT =
 * rx.tail after e1000_rx_poll and TDT = tx.tail after e1000_tx_send.
 */
#ifndef QUESTV_NET_E1000_RING_H
#define QUESTV_NET_E1000_RING_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/nic.h"

struct e1000_rx_desc {
	uint64_t addr;       /* buffer, physical */
	uint16_t length;     /* bytes the device wrote */
	uint16_t csum;       /* packet checksum (unused: no offload) */
	uint8_t status;      /* E1000_RXD_STAT_* */
	uint8_t errors;      /* E1000_RXD_ERR_* */
	uint16_t special;    /* VLAN tag (unused) */
};

struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;         /* checksum offset (unused) */
	uint8_t cmd;         /* E1000_TXD_CMD_* */
	uint8_t status;      /* E1000_TXD_STAT_* */
	uint8_t css;         /* checksum start (unused) */
	uint16_t special;
};

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "legacy RX descriptor is 16 bytes");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "legacy TX descriptor is 16 bytes");

#define E1000_RXD_STAT_DD    0x01  /* descriptor done */
#define E1000_RXD_STAT_EOP   0x02  /* end of packet */
#define E1000_RXD_ERR_CE     0x01  /* CRC or alignment error */
#define E1000_RXD_ERR_SE     0x02  /* symbol error */
#define E1000_RXD_ERR_SEQ    0x04  /* sequence error */
#define E1000_RXD_ERR_CXE    0x10  /* carrier extension error */
#define E1000_RXD_ERR_RXE    0x80  /* RX data error */
/* Frame errors (IPE/TCPE are checksum-offload verdicts: offload is off). */
#define E1000_RXD_ERR_FRAME  (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | \
			      E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

#define E1000_TXD_CMD_EOP    0x01  /* end of packet */
#define E1000_TXD_CMD_IFCS   0x02  /* insert FCS */
#define E1000_TXD_CMD_RS     0x08  /* report status (set DD) */
#define E1000_TXD_STAT_DD    0x01

/* Descriptor counts: RDLEN/TDLEN are multiples of 128 bytes. */
#define E1000_RING_ALIGN     128u
#define E1000_RING_MULTIPLE  8u
#define E1000_RING_MAX       4096u  /* our bound, far below the device's */

/* One DMA buffer as the CPU (va) and the device (pa) see it. */
struct e1000_buf {
	void *va;
	uint64_t pa;
};

struct e1000_rx_stats {
	uint64_t frames, bytes;   /* delivered */
	uint64_t errors;          /* device reported a frame error */
	uint64_t bad_len;         /* 0, < Ethernet header, > buffer or > NET_FRAME_MAX */
	uint64_t multi_desc;      /* descriptors of frames spanning several (dropped) */
	uint64_t addr_repaired;   /* descriptors whose address was not ours */
	uint64_t resyncs;         /* ring out of step with the device: re-armed */
};

struct e1000_rx_ring {
	volatile struct e1000_rx_desc *desc;
	const struct e1000_buf *bufs;  /* shadow: one per descriptor, private memory */
	uint32_t count, buf_size;
	uint32_t next;                 /* next descriptor to look at */
	uint32_t tail;                 /* RDT: the last descriptor cleaned */
	bool discarding;               /* inside a multi-descriptor frame */
	struct e1000_rx_stats st;
};

struct e1000_tx_stats {
	uint64_t frames, bytes;   /* queued */
	uint64_t full;            /* dropped: no free descriptor */
	uint64_t bad_len;         /* dropped: 0 or larger than a buffer */
	uint64_t addr_repaired;
	uint64_t resyncs;         /* reclaimed by the device's head, DD lost */
};

struct e1000_tx_ring {
	volatile struct e1000_tx_desc *desc;
	const struct e1000_buf *bufs;
	uint32_t count, buf_size;
	uint32_t clean;                /* oldest descriptor not yet reclaimed */
	uint32_t tail;                 /* TDT: next descriptor to fill */
	struct e1000_tx_stats st;
};

/*
 * Set up the rings in desc_mem (count descriptors, E1000_RING_ALIGN-aligned;
 * count a multiple of 8, 8..E1000_RING_MAX) with one buffer of buf_size
 * bytes per descriptor (RX: 2048, 4096, ...; at least NET_FRAME_MAX; TX: at
 * least NET_FRAME_MAX). bufs stays in use (it is the shadow). -1 on a bad
 * geometry. After init the driver programs base, length, head = 0 and tail.
 */
int e1000_rx_init(struct e1000_rx_ring *r, void *desc_mem, uint32_t count,
		  const struct e1000_buf *bufs, uint32_t buf_size);
int e1000_tx_init(struct e1000_tx_ring *r, void *desc_mem, uint32_t count,
		  const struct e1000_buf *bufs, uint32_t buf_size);

/* Deliver up to budget received frames in order and re-arm their
 * descriptors; returns the number of descriptors consumed (delivered or
 * dropped): when > 0, write RDT = r->tail. */
unsigned e1000_rx_poll(struct e1000_rx_ring *r, unsigned budget, nic_deliver_fn deliver, void *sink);

/* Copy one frame into the next free descriptor's buffer; 0, or -1 if
 * dropped (full, bad length; counted). On 0, write TDT = r->tail. */
int e1000_tx_send(struct e1000_tx_ring *r, const void *frame, size_t len);

/* Descriptors queued but not yet reported done by the device (a watchdog
 * sees a hung transmitter as this staying > 0). Reclaims the done ones. */
uint32_t e1000_tx_pending(struct e1000_tx_ring *r);

/*
 * Watchdog checks with the device's head register (RDH/TDH), for a ring
 * knocked out of step (a DD bit set or cleared by corruption): without
 * them such a ring stalls for good - RX waits at a descriptor the device
 * will never reach, TX at one whose DD was wiped. Call them when a ring
 * seems idle (each timer tick is cheap enough: one MMIO read each).
 * Read the head first: the device writes a descriptor before it moves its
 * head, so what the head says is done is visible in the descriptors.
 *  - RX: the device has filled next..head-1; if head != next but next has
 *    no DD, the ring is out of step: re-arm everything, continue at head
 *    (frames in flight are lost), tail = head - 1. Returns true then; write
 *    RDT = r->tail.
 *  - TX: the device has sent clean..head-1; reclaim those even without DD.
 *    Returns true if that reclaimed anything DD did not.
 * A head >= count (a bogus register value) changes nothing.
 */
bool e1000_rx_resync(struct e1000_rx_ring *r, uint32_t hw_head);
bool e1000_tx_resync(struct e1000_tx_ring *r, uint32_t hw_head);

/* Rewrite every descriptor address that differs from the shadow; returns
 * how many did (also added to st.addr_repaired). */
uint32_t e1000_rx_audit(struct e1000_rx_ring *r);
uint32_t e1000_tx_audit(struct e1000_tx_ring *r);

#endif
