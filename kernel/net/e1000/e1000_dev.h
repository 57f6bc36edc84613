/*
 * The Intel 82540EM (QEMU's -device e1000) as the driver sandbox sees it:
 * registers through its BAR0, mapped by the monitor (bootinfo device of use
 * BOOTINFO_DEV_ASSIGNED), DMA through host-physical addresses, its
 * interrupt routed by the monitor to this core. The descriptor logic is
 * e1000_ring.c's; this file is the device around it.
 *
 * Built to be stopped and started again (issue 8's recovery): the DMA
 * memory is allocated once and kept, and e1000_dev_start() rebuilds every
 * ring from the driver's private shadow and reprograms the device, so a
 * start after a fault begins from a known state whatever the rings held.
 *
 * A start after a fault need not reset the device: QEMU 7.2's e1000 model
 * refuses every received frame for 1 s of virtual time after any write to
 * RCTL (its flush-queue timer), and a reset forces one. Restarting without
 * the reset (receive left enabled, RCTL written only if it is wrong) keeps
 * that second out of the recovery time; with reset it is what hardware
 * recovery does (kernel arg nic_reset, net_faults.h).
 */
#ifndef QUESTV_NET_E1000_DEV_H
#define QUESTV_NET_E1000_DEV_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/e1000/e1000_ring.h"
#include "include/questv/bootinfo.h"

#define E1000_VENDOR   0x8086
#define E1000_DEVICE   0x100e  /* 82540EM */
#define E1000_RX_COUNT 128
#define E1000_TX_COUNT 128
#define E1000_BUF_SIZE 2048    /* RCTL.BSIZE = 2048, two buffers a page */
#define E1000_MAX_MACS 16      /* receive address registers */

struct e1000_dev_stats {
	uint64_t irqs;            /* interrupts taken */
	uint64_t link_changes;    /* ICR.LSC seen */
	uint64_t rx_overruns;     /* ICR.RXO: the device had no descriptor */
	uint64_t starts;          /* e1000_dev_start() calls */
};

struct e1000_dev {
	volatile uint8_t *regs;   /* BAR0 */
	uint64_t dma_offset;      /* host-physical = guest-physical + this */
	void *rx_desc_mem, *tx_desc_mem;
	struct e1000_buf rx_bufs[E1000_RX_COUNT], tx_bufs[E1000_TX_COUNT];
	struct e1000_rx_ring rx;
	struct e1000_tx_ring tx;
	uint8_t mac[6];
	uint8_t extra_macs[E1000_MAX_MACS - 1][6];  /* RA[1..]: the VNICs' */
	unsigned nextra;
	struct e1000_dev_stats st;
	/* Called at the top of every receive poll (fault_hook) and every send
	 * (tx_fault_hook), armed (contain.h): where the fault injector
	 * (nic_fault.h) strikes, as driver code would. */
	void (*fault_hook)(struct e1000_dev *d);
	void (*tx_fault_hook)(struct e1000_dev *d);
};

/* The assigned 82540EM in the boot information, or 0. */
const struct bootinfo_device *e1000_dev_find(const struct bootinfo *bi);

/*
 * Map BAR0 (uncached), allocate the rings and buffers and read the MAC;
 * the device is not touched otherwise (a standby instance is set up like
 * this and started only when it takes over). dma_offset: bootinfo's
 * host_base. 0, or -1 with *why.
 */
int e1000_dev_setup(struct e1000_dev *d, const struct bootinfo_device *bd, uint64_t dma_offset,
		    const char **why);

/* The struct nic (nic.h) of this instance. */
struct nic e1000_dev_nic(struct e1000_dev *d);

/* Program the device from scratch (after a reset when reset is true):
 * MAC filters (RA[0] and the extra MACs), rings re-armed from the shadow,
 * RX/TX and interrupts on. */
void e1000_dev_start(struct e1000_dev *d, bool reset);

/* Interrupts masked (a faulty instance, before the driver switch). */
void e1000_dev_quiesce(struct e1000_dev *d);

/* Interrupts masked, RX and TX off (the end of the run). */
void e1000_dev_stop(struct e1000_dev *d);

/* Also accept unicast frames to mac (a VNIC's). -1 when the table is full. */
int e1000_dev_add_mac(struct e1000_dev *d, const uint8_t mac[6]);

/* From the interrupt handler: read (and so clear) the cause, count it. */
void e1000_dev_irq(struct e1000_dev *d);

/* Evidence of corruption so far: malformed descriptors, addresses not
 * ours, rings out of step (all repaired or dropped as found). A rise means
 * the driver's state cannot be trusted: recover. */
uint64_t e1000_dev_anomalies(const struct e1000_dev *d);

/* Periodic check of the rings against the device's heads and of the
 * descriptor addresses against the shadow (e1000_ring.h): repairs a ring
 * knocked out of step. Returns true if it had to repair anything. */
bool e1000_dev_watchdog(struct e1000_dev *d);

extern const struct nic_ops e1000_nic_ops;
#endif
