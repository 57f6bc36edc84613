/* NIC driver fault injection (see nic_fault.h). */
#include "kernel/net/recovery/nic_fault.h"
#include "kernel/contain.h"
#include "kernel/kinfo.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/xorshift.h"

#define CORRUPT_DESCS 8
#define E1000_TDT     0x3818      /* transmit descriptor tail register (82540EM) */
#define E1000_RDH     0x2810      /* receive descriptor head: the device fills it next */
#define E1000_MTA0    0x5200      /* multicast table, first word */
#define E1000_MDIC    0x0020      /* PHY register access */
#define MDIC_PHY_WRITE (1u << 26 | 1u << 21)   /* op write, PHY address 1 */
#define MDIC_PHY_READ  (2u << 26 | 1u << 21)
#define MDIC_READY    (1u << 28)
#define MDIC_SPINS    100000
#define BMCR_LOOPBACK (1u << 14)  /* PHY control register 0: transmit comes back */
#define WINDOW_FRAME_LEN 60
#define WINDOW_VECTOR 0x91u       /* word i: fixed delivery, edge, vector 0x91 + i,
				     vectors no sandbox uses, one per word so
				     the target counts each one that arrives */
/* The frame's destination, 91:00:00:00:92:00, is a multicast address whose
 * hash (RCTL.MO 0: bits 47:36) is 9: accepted once MTA[0] bit 9 is set.
 * (Writing RCTL instead would stop QEMU's e1000 receiving for a second.) */
#define WINDOW_MTA_BIT (1u << 9)
#define WINDOW_SPINS  16          /* register reads waiting for the looped frame */
#define HANDOVER_LEN  64
#define HANG_SPINS    128         /* ~1 us of guest time between two pauses */

static const char *const names[NIC_FAULT_KINDS] = {
	"wild-write", "descriptor-corruption", "hang", "bad-dma", "dma-handover",
	"tx-wild-write", "tx-hang", "dma-irq",
};
/* Short spellings, for kernel args (128 bytes in all). */
static const char *const aliases[NIC_FAULT_KINDS] = { "wild", "desc", "hang", "dma", "dmah",
						      "txwild", "txhang", "dmai" };

struct nic_fault_shot nic_fault_last;

static struct {
	enum nic_fault_kind kind;
	uint64_t bad_dma_target, wild_target, irq_target, rng;
	unsigned tries;
	uint64_t first_tsc;
} pending;

const char *nic_fault_name(enum nic_fault_kind k)
{
	return k < NIC_FAULT_KINDS ? names[k] : "none";
}

int nic_fault_parse(const char *name, unsigned len)
{
	for (unsigned k = 0; k < NIC_FAULT_KINDS; k++)
		if ((strlen(names[k]) == len && !strncmp(name, names[k], len)) ||
		    (strlen(aliases[k]) == len && !strncmp(name, aliases[k], len)))
			return (int)k;
	return -1;
}

static void corrupt(struct e1000_dev *d)
{
	volatile struct e1000_rx_desc *next = &d->rx.desc[d->rx.next];
	/* The one the driver reads next: "done", with a length no frame has. */
	next->length = (uint16_t)(0x8000 | xorshift64(&pending.rng));
	next->status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	for (unsigned i = 0; i < CORRUPT_DESCS; i++) {
		uint64_t g = xorshift64(&pending.rng);
		volatile struct e1000_rx_desc *rx = &d->rx.desc[g % d->rx.count];
		volatile struct e1000_tx_desc *tx = &d->tx.desc[(g >> 16) % d->tx.count];
		rx->length = (uint16_t)(g >> 32);
		rx->errors = (uint8_t)(g >> 48);
		tx->status = (uint8_t)(g >> 56);
	}
}

/* The descriptors the driver hands over next: RX at its tail, TX at its. */
static void point_outside(struct e1000_dev *d)
{
	d->rx.desc[d->rx.tail].addr = pending.bad_dma_target;
	d->tx.desc[d->tx.tail].addr = pending.bad_dma_target;
}

/* The device owns the TX descriptor at the ring's tail as soon as TDT
 * passes it, as driver code writing the register too early would do. */
static void hand_over(struct e1000_dev *d, uint64_t addr, uint16_t len)
{
	volatile struct e1000_tx_desc *t = &d->tx.desc[d->tx.tail];
	t->addr = addr;
	t->length = len;
	t->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	t->status = 0;
	*(volatile uint32_t *)(d->regs + E1000_TDT) = (d->tx.tail + 1) % d->tx.count;
}

static volatile uint32_t *reg(struct e1000_dev *d, unsigned off)
{
	return (volatile uint32_t *)(d->regs + off);
}

/* A PHY register access through MDIC; what it read. */
static uint16_t mdic(struct e1000_dev *d, uint32_t cmd)
{
	*reg(d, E1000_MDIC) = cmd;
	for (unsigned i = 0; i < MDIC_SPINS && !(*reg(d, E1000_MDIC) & MDIC_READY); i++)
		cpu_relax();
	return (uint16_t)*reg(d, E1000_MDIC);
}

/* The RX descriptor at RDH (the device's) gets the window address; then a
 * frame goes out with the PHY looped back and its address accepted, so the
 * device receives it into that descriptor and writes it there: each of its
 * words an interrupt message. The frame is sent through the ring (TX stays
 * in step: the only wrong thing is the RX address). Loopback and filter are
 * put back after. Whether the device took it: its head moved past the
 * descriptor (QEMU receives inside the TDT write; hardware within
 * WINDOW_SPINS). It may not: QEMU's e1000 drops every frame for 1 s after
 * RCTL is written (e1000_dev.h), which the NIC's start at boot does, and
 * a device with no free descriptor drops it too. Then the address is put
 * back: nothing was struck, and the caller tries again at the next poll.
 * Runs disarmed (contain.h): this is the injector making the device err,
 * not driver code erring, and a watchdog probe that unwound it half-way
 * (a loaded host stretches it) would leave the PHY looped back. */
static bool loop_into_window(struct e1000_dev *d)
{
	uint32_t head = *reg(d, E1000_RDH) % d->rx.count, mta = *reg(d, E1000_MTA0);
	uint32_t frame[WINDOW_FRAME_LEN / 4];
	uint16_t bmcr = mdic(d, MDIC_PHY_READ);
	bool taken = false;

	for (unsigned i = 0; i < WINDOW_FRAME_LEN / 4; i++)
		frame[i] = WINDOW_VECTOR + i;
	if (e1000_tx_send(&d->tx, frame, sizeof frame))
		return false;
	contain_disarm();
	*reg(d, E1000_MTA0) = mta | WINDOW_MTA_BIT;
	mdic(d, MDIC_PHY_WRITE | bmcr | BMCR_LOOPBACK);
	d->rx.desc[head].addr = pending.irq_target;
	*reg(d, E1000_TDT) = d->tx.tail;
	for (unsigned i = 0; i < WINDOW_SPINS && !taken; i++) {
		taken = *reg(d, E1000_RDH) % d->rx.count != head;
		cpu_relax();
	}
	mdic(d, MDIC_PHY_WRITE | bmcr);
	*reg(d, E1000_MTA0) = mta;
	if (!taken)
		d->rx.desc[head].addr = d->rx.bufs[head].pa;
	contain_arm();
	return taken;
}

static void strike(struct e1000_dev *d)
{
	struct nic_fault_shot shot = { pending.kind, rdtsc(), kinfo.bi ? kinfo.bi->violations : 0,
				       true, nic_fault_last.n + 1, ++pending.tries, pending.first_tsc };

	d->fault_hook = 0;
	d->tx_fault_hook = 0;
	if (shot.tries == 1)
		pending.first_tsc = shot.first_tsc = shot.tsc;
	if (pending.kind == NIC_FAULT_DMA_IRQ) {
		if (loop_into_window(d))
			nic_fault_last = shot;
		else
			d->fault_hook = strike;   /* nothing struck: again at the next poll */
		return;
	}
	nic_fault_last = shot;
	switch (pending.kind) {
	case NIC_FAULT_WILD_WRITE:
	case NIC_FAULT_TX_WILD_WRITE:
		*(volatile uint64_t *)pending.wild_target = xorshift64(&pending.rng);
		break;
	case NIC_FAULT_DESC_CORRUPT:
		corrupt(d);
		break;
	case NIC_FAULT_HANG:
	case NIC_FAULT_TX_HANG:
		cli();
		/* A pause only every HANG_SPINS turns: QEMU's TCG leaves its
		 * execution loop at each pause to run another vCPU (under
		 * -icount, with one host thread for all, that is how the
		 * rescuer gets to probe in time at all), and a pause every turn
		 * made a hang cost seconds of host time. */
		for (;;) {
			for (volatile unsigned i = 0; i < HANG_SPINS; i++)
				;
			cpu_relax();
		}
	case NIC_FAULT_BAD_DMA:
		point_outside(d);
		break;
	case NIC_FAULT_DMA_HANDOVER:
		hand_over(d, pending.bad_dma_target, HANDOVER_LEN);
		break;
	case NIC_FAULT_DMA_IRQ:
	case NIC_FAULT_KINDS:
		break;
	}
}

void nic_fault_arm(struct e1000_dev *d, enum nic_fault_kind kind, uint64_t bad_dma_target,
		   uint64_t wild_target, uint64_t irq_target, uint64_t seed)
{
	pending.kind = kind;
	pending.bad_dma_target = bad_dma_target;
	pending.wild_target = wild_target;
	pending.irq_target = irq_target;
	pending.rng = seed ? seed : 1;
	pending.tries = 0;
	if (nic_fault_in_tx(kind))
		d->tx_fault_hook = strike;
	else
		d->fault_hook = strike;
}
