/* The 82540EM around the descriptor rings (see e1000_dev.h). Register
 * names and bits: Intel 8254x Family Software Developer's Manual, 13.4. */
#include "kernel/net/e1000/e1000_dev.h"
#include "kernel/contain.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "lib/string.h"

#define REG_CTRL   0x0000
#define REG_ICR    0x00C0
#define REG_IMS    0x00D0
#define REG_IMC    0x00D8
#define REG_RCTL   0x0100
#define REG_TCTL   0x0400
#define REG_TIPG   0x0410
#define REG_RDBAL  0x2800
#define REG_RDBAH  0x2804
#define REG_RDLEN  0x2808
#define REG_RDH    0x2810
#define REG_RDT    0x2818
#define REG_RDTR   0x2820
#define REG_TDBAL  0x3800
#define REG_TDBAH  0x3804
#define REG_TDLEN  0x3808
#define REG_TDH    0x3810
#define REG_TDT    0x3818
#define REG_MTA    0x5200   /* 128 multicast hash words */
#define REG_RAL(n) (0x5400 + 8 * (n))
#define REG_RAH(n) (0x5404 + 8 * (n))

#define CTRL_SLU   (1u << 6)    /* set link up */
#define CTRL_RST   (1u << 26)
#define RAH_AV     (1u << 31)   /* address valid */
#define RCTL_EN    (1u << 1)
#define RCTL_BAM   (1u << 15)   /* accept broadcast (ARP) */
#define RCTL_SECRC (1u << 26)   /* strip the CRC: lengths are frame lengths */
#define RCTL_RUN   (RCTL_EN | RCTL_BAM | RCTL_SECRC)   /* BSIZE 00: 2048 */
#define TCTL_EN    (1u << 1)
#define TCTL_PSP   (1u << 3)    /* pad short frames */
#define TCTL_CT    (0x10u << 4) /* collision threshold (manual's value) */
#define TCTL_COLD  (0x40u << 12)/* collision distance, full duplex */
#define TIPG_VALUE (10u | 8u << 10 | 6u << 20)  /* IPGT, IPGR1, IPGR2 for copper */
#define ICR_LSC    (1u << 2)
#define ICR_RXDMT0 (1u << 4)
#define ICR_RXO    (1u << 6)
#define ICR_RXT0   (1u << 7)
#define RESET_SPINS 1000000

static uint32_t rd(const struct e1000_dev *d, unsigned reg)
{
	return *(volatile uint32_t *)(d->regs + reg);
}

static void wr(struct e1000_dev *d, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(d->regs + reg) = v;
}

static uint64_t dma(const struct e1000_dev *d, const void *va)
{
	return (uint64_t)(uintptr_t)va + d->dma_offset;
}

const struct bootinfo_device *e1000_dev_find(const struct bootinfo *bi)
{
	for (unsigned i = 0; bi && i < bi->ndevices && i < BOOTINFO_MAX_DEVICES; i++) {
		const struct bootinfo_device *bd = &bi->device[i];
		if (bd->use == BOOTINFO_DEV_ASSIGNED && bd->vendor == E1000_VENDOR &&
		    bd->device == E1000_DEVICE)
			return bd;
	}
	return 0;
}

/* One page per two buffers, so no buffer crosses a page (nor needs
 * physically contiguous pages). */
static int alloc_bufs(struct e1000_buf *bufs, unsigned n, struct e1000_dev *d)
{
	for (unsigned i = 0; i < n; i += 2) {
		uint64_t pa = page_alloc();
		if (!pa)
			return -1;
		bufs[i] = (struct e1000_buf){ (void *)pa, dma(d, (void *)pa) };
		bufs[i + 1] = (struct e1000_buf){ (void *)(pa + E1000_BUF_SIZE),
						  dma(d, (void *)(pa + E1000_BUF_SIZE)) };
	}
	return 0;
}

static int alloc_dma(struct e1000_dev *d)
{
	_Static_assert(E1000_RX_COUNT * 16 <= 4096 && E1000_TX_COUNT * 16 <= 4096,
		       "a ring's descriptors fit one page");
	d->rx_desc_mem = (void *)page_alloc();
	d->tx_desc_mem = (void *)page_alloc();
	if (!d->rx_desc_mem || !d->tx_desc_mem)
		return -1;
	return alloc_bufs(d->rx_bufs, E1000_RX_COUNT, d) || alloc_bufs(d->tx_bufs, E1000_TX_COUNT, d);
}

static void set_ra(struct e1000_dev *d, unsigned n, const uint8_t mac[6])
{
	wr(d, REG_RAL(n), (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
			  (uint32_t)mac[3] << 24);
	wr(d, REG_RAH(n), (uint32_t)mac[4] | (uint32_t)mac[5] << 8 | RAH_AV);
}

int e1000_dev_setup(struct e1000_dev *d, const struct bootinfo_device *bd, uint64_t dma_offset,
		    const char **why)
{
	const struct bootinfo_bar *bar = &bd->bar[0];
	uint32_t lo, hi;

	if (!bar->mapped || bar->kind < BOOTINFO_BAR_MEM32 || bar->size < 0x10000) {
		*why = "the e1000's BAR0 is not mapped into this sandbox";
		return -1;
	}
	for (uint64_t off = 0; off < bar->size; off += 4096)
		if (paging_map_page(bar->base + off, 1)) {
			*why = "out of pages for the e1000's registers";
			return -1;
		}
	d->regs = (volatile uint8_t *)bar->base;
	d->dma_offset = dma_offset;
	if (alloc_dma(d)) {
		*why = "out of pages for the e1000's rings";
		return -1;
	}
	/* The MAC the platform gave it: RA[0], loaded from the EEPROM at reset. */
	lo = rd(d, REG_RAL(0));
	hi = rd(d, REG_RAH(0));
	for (unsigned i = 0; i < 4; i++)
		d->mac[i] = (uint8_t)(lo >> 8 * i);
	d->mac[4] = (uint8_t)hi;
	d->mac[5] = (uint8_t)(hi >> 8);
	return 0;
}

struct nic e1000_dev_nic(struct e1000_dev *d)
{
	struct nic nic = { &e1000_nic_ops, d, { 0 } };
	memcpy(nic.mac, d->mac, 6);
	return nic;
}

void e1000_dev_start(struct e1000_dev *d, bool reset)
{
	unsigned i;

	wr(d, REG_IMC, ~0u);
	if (reset) {
		wr(d, REG_CTRL, rd(d, REG_CTRL) | CTRL_RST);
		for (i = 0; i < RESET_SPINS && (rd(d, REG_CTRL) & CTRL_RST); i++)
			__asm__ volatile("pause");
		wr(d, REG_IMC, ~0u);
	}
	(void)rd(d, REG_ICR);
	wr(d, REG_CTRL, rd(d, REG_CTRL) | CTRL_SLU);

	set_ra(d, 0, d->mac);
	for (i = 0; i < d->nextra; i++)
		set_ra(d, 1 + i, d->extra_macs[i]);
	for (i = 0; i < 128; i++)
		wr(d, REG_MTA + 4 * i, 0);

	e1000_rx_init(&d->rx, d->rx_desc_mem, E1000_RX_COUNT, d->rx_bufs, E1000_BUF_SIZE);
	e1000_tx_init(&d->tx, d->tx_desc_mem, E1000_TX_COUNT, d->tx_bufs, E1000_BUF_SIZE);
	wr(d, REG_RDBAL, (uint32_t)dma(d, d->rx_desc_mem));
	wr(d, REG_RDBAH, (uint32_t)(dma(d, d->rx_desc_mem) >> 32));
	wr(d, REG_RDLEN, E1000_RX_COUNT * 16);
	wr(d, REG_RDH, 0);
	wr(d, REG_RDT, d->rx.tail);
	wr(d, REG_RDTR, 0);
	wr(d, REG_TDBAL, (uint32_t)dma(d, d->tx_desc_mem));
	wr(d, REG_TDBAH, (uint32_t)(dma(d, d->tx_desc_mem) >> 32));
	wr(d, REG_TDLEN, E1000_TX_COUNT * 16);
	wr(d, REG_TDH, 0);
	wr(d, REG_TDT, 0);
	wr(d, REG_TIPG, TIPG_VALUE);
	wr(d, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	if (rd(d, REG_RCTL) != RCTL_RUN)
		wr(d, REG_RCTL, RCTL_RUN);
	wr(d, REG_IMS, ICR_RXT0 | ICR_RXO | ICR_RXDMT0 | ICR_LSC);
	d->st.starts++;
}

void e1000_dev_quiesce(struct e1000_dev *d)
{
	wr(d, REG_IMC, ~0u);
	(void)rd(d, REG_ICR);
}

void e1000_dev_stop(struct e1000_dev *d)
{
	wr(d, REG_IMC, ~0u);
	wr(d, REG_RCTL, 0);
	wr(d, REG_TCTL, 0);
	(void)rd(d, REG_ICR);
}

int e1000_dev_add_mac(struct e1000_dev *d, const uint8_t mac[6])
{
	if (d->nextra == E1000_MAX_MACS - 1)
		return -1;
	memcpy(d->extra_macs[d->nextra], mac, 6);
	set_ra(d, 1 + d->nextra++, mac);
	return 0;
}

void e1000_dev_irq(struct e1000_dev *d)
{
	uint32_t cause = rd(d, REG_ICR);   /* reading clears it and drops the line */
	d->st.irqs++;
	if (cause & ICR_LSC)
		d->st.link_changes++;
	if (cause & ICR_RXO)
		d->st.rx_overruns++;
}

bool e1000_dev_watchdog(struct e1000_dev *d)
{
	bool repaired = false;
	contain_arm();
	if (e1000_rx_audit(&d->rx) | e1000_tx_audit(&d->tx))
		repaired = true;
	if (e1000_rx_resync(&d->rx, rd(d, REG_RDH))) {
		wr(d, REG_RDT, d->rx.tail);
		repaired = true;
	}
	if (e1000_tx_resync(&d->tx, rd(d, REG_TDH)))
		repaired = true;
	contain_disarm();
	return repaired;
}

uint64_t e1000_dev_anomalies(const struct e1000_dev *d)
{
	const struct e1000_rx_stats *r = &d->rx.st;
	const struct e1000_tx_stats *t = &d->tx.st;
	return r->bad_len + r->multi_desc + r->addr_repaired + r->resyncs + t->bad_len +
	       t->addr_repaired + t->resyncs;
}

/* No descriptor reaches the device with an address not ours: the one a
 * send hands over gets its address from the shadow (e1000_tx_send), and
 * receive descriptors are audited before RDT moves (dev_rx_poll). Without
 * an IOMMU, one corrupted after the hand-over cannot be stopped; the
 * watchdog's audit repairs and reports it later.
 * Runs armed: its callers are the transmit queue's flush and the switch's
 * forwarding, never lwIP's output chain (netif_glue.h), so a fault here
 * unwinds through no other component's half-updated state. */
static int dev_tx(void *dev, const void *frame, size_t len)
{
	struct e1000_dev *d = dev;
	int ret = -1;

	contain_arm();
	if (d->tx_fault_hook)
		d->tx_fault_hook(d);
	if (!e1000_tx_send(&d->tx, frame, len)) {
		wr(d, REG_TDT, d->tx.tail);
		ret = 0;
	}
	contain_disarm();
	return ret;
}

/* The receive path runs armed (contain.h) but for the deliveries, which
 * run the network stack. */
struct armed_sink {
	nic_deliver_fn deliver;
	void *sink;
};

static void deliver_disarmed(void *s, const void *frame, size_t len)
{
	struct armed_sink *as = s;
	contain_disarm();
	as->deliver(as->sink, frame, len);
	contain_arm();
}

static unsigned dev_rx_poll(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink)
{
	struct e1000_dev *d = dev;
	struct armed_sink as = { deliver, sink };
	unsigned n;

	contain_arm();
	if (d->fault_hook)
		d->fault_hook(d);
	n = e1000_rx_poll(&d->rx, budget, deliver_disarmed, &as);
	if (n) {
		e1000_rx_audit(&d->rx);
		wr(d, REG_RDT, d->rx.tail);
	}
	contain_disarm();
	return n;
}

const struct nic_ops e1000_nic_ops = { .tx = dev_tx, .rx_poll = dev_rx_poll };
