/* NIC driver fault injection (see nic_fault.h). */
#include "kernel/net/recovery/nic_fault.h"
#include "kernel/kinfo.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/xorshift.h"

#define CORRUPT_DESCS 8
#define E1000_TDT     0x3818      /* transmit descriptor tail register (82540EM) */
#define HANDOVER_LEN  64

static const char *const names[NIC_FAULT_KINDS] = {
	"wild-write", "descriptor-corruption", "hang", "bad-dma", "dma-handover",
	"tx-wild-write", "tx-hang",
};
/* Short spellings, for kernel args (128 bytes in all). */
static const char *const aliases[NIC_FAULT_KINDS] = { "wild", "desc", "hang", "dma", "dmah",
						      "txwild", "txhang" };

struct nic_fault_shot nic_fault_last;

static struct {
	enum nic_fault_kind kind;
	uint64_t bad_dma_target, wild_target, rng;
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
static void hand_over_outside(struct e1000_dev *d)
{
	volatile struct e1000_tx_desc *t = &d->tx.desc[d->tx.tail];
	t->addr = pending.bad_dma_target;
	t->length = HANDOVER_LEN;
	t->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	t->status = 0;
	*(volatile uint32_t *)(d->regs + E1000_TDT) = (d->tx.tail + 1) % d->tx.count;
}

static void strike(struct e1000_dev *d)
{
	d->fault_hook = 0;
	d->tx_fault_hook = 0;
	nic_fault_last = (struct nic_fault_shot){ pending.kind, rdtsc(),
						  kinfo.bi ? kinfo.bi->violations : 0, true };
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
		for (;;)
			__asm__ volatile("pause");
	case NIC_FAULT_BAD_DMA:
		point_outside(d);
		break;
	case NIC_FAULT_DMA_HANDOVER:
		hand_over_outside(d);
		break;
	case NIC_FAULT_KINDS:
		break;
	}
}

void nic_fault_arm(struct e1000_dev *d, enum nic_fault_kind kind, uint64_t bad_dma_target,
		   uint64_t wild_target, uint64_t seed)
{
	pending.kind = kind;
	pending.bad_dma_target = bad_dma_target;
	pending.wild_target = wild_target;
	pending.rng = seed ? seed : 1;
	if (nic_fault_in_tx(kind))
		d->tx_fault_hook = strike;
	else
		d->fault_hook = strike;
}
