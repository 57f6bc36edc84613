/*
 * Fault injection into the NIC driver of the driver sandbox (issue 8). A
 * strike runs inside the driver's receive poll (e1000_dev.fault_hook), so
 * it is driver code going wrong, not a test reaching in from outside:
 *
 *  - wild-write: a store outside the sandbox's memory. The nested page
 *    table refuses it; the monitor reflects #GP; containment unwinds.
 *  - descriptor-corruption: garbage in the status and length of RX and TX
 *    descriptors, including the next one the driver reads (DD set, an
 *    impossible length). Addresses are left alone: a device-owned
 *    descriptor with a foreign address is bad-dma, which only an IOMMU
 *    could stop. Found by the ring checks (e1000_dev_anomalies).
 *  - hang: the driver spins with interrupts off. Found by the rescuer's
 *    heartbeat watchdog, which unwinds it with an NMI (rescue.h).
 *  - bad-dma: the host-physical address of another sandbox's memory in
 *    the RX and TX descriptors the driver is about to hand to the device.
 *    The RX one is caught by the address audit before RDT moves; the TX
 *    one is rewritten from the shadow when the next frame fills it. A
 *    descriptor changed after the hand-over would be DMA'd.
 *  - dma-handover: that case. A TX descriptor with the same foreign
 *    address is handed to the device (TDT moved past it, the ring's own
 *    tail not), so the device reads the address at once. Behind an IOMMU
 *    the read faults (the monitor records dma_fault); without one the
 *    device sends the other sandbox's bytes onto the wire. Either way the
 *    ring is out of step with the device: the watchdog finds it.
 *  - tx-wild-write, tx-hang: wild-write and hang inside the driver's send
 *    (e1000_dev.tx_fault_hook), on the next frame the network stack sends.
 *    The send runs from the transmit queue's flush, outside lwIP's output
 *    call chain (netif_glue.h), so the same containment unwinds it and
 *    lwIP's state stays whole; the frame being sent is lost.
 *  - dma-irq: the interrupt window. The RX descriptor the device fills
 *    next (at RDH, already handed over) gets the address 0xFEE00000 with
 *    another sandbox's core as destination (as a driver out to disturb a
 *    peer would write it), and a 60-byte frame of 15 words is sent with
 *    the PHY looped back, so the device writes it there at once: 15
 *    messages "vector 0x91 + i, fixed" (8 with a physical destination,
 *    those at offsets with bit 2 clear), those at offsets with bit 4 clear
 *    in compatibility format, the others in remappable format naming
 *    entry (core << 7 | offset >> 5, + 0x8000 with bit 2). Behind VT-d interrupt remapping a
 *    remappable message must name an entry made for the NIC, and none is;
 *    compatibility format is blocked while GCMD.CFI is clear (spec 5.1.4;
 *    QEMU 7.2 does not model that block). Without an IOMMU each word is an
 *    interrupt on that core. The descriptor's address differs from the
 *    driver's shadow: the ring checks find it. The strike is the DMA, not
 *    the attempt: when the device does not take the frame (QEMU's e1000
 *    receives nothing for 1 s after RCTL is written, as the NIC's start at
 *    boot does; or no free descriptor), the address is put back and the
 *    strike tried again at the next poll (nic_fault_shot.tries).
 */
#ifndef QUESTV_NET_NIC_FAULT_H
#define QUESTV_NET_NIC_FAULT_H
#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/e1000/e1000_dev.h"

enum nic_fault_kind { NIC_FAULT_WILD_WRITE, NIC_FAULT_DESC_CORRUPT, NIC_FAULT_HANG,
		      NIC_FAULT_BAD_DMA, NIC_FAULT_DMA_HANDOVER, NIC_FAULT_TX_WILD_WRITE,
		      NIC_FAULT_TX_HANG, NIC_FAULT_DMA_IRQ, NIC_FAULT_KINDS };

/* Does kind strike in the send path (else in the receive poll)? */
static inline bool nic_fault_in_tx(enum nic_fault_kind k)
{
	return k == NIC_FAULT_TX_WILD_WRITE || k == NIC_FAULT_TX_HANG;
}

/* The kind's name ("wild-write", ...). */
const char *nic_fault_name(enum nic_fault_kind k);
/* Its kind, or -1 for a name that is none. Also takes the short
 * spellings wild, desc, hang, dma, dmah, txwild, txhang and dmai. */
int nic_fault_parse(const char *name, unsigned len);

/* The last strike, for timing and reporting. */
struct nic_fault_shot {
	enum nic_fault_kind kind;
	uint64_t tsc;             /* just before the faulty act */
	uint64_t violations;      /* bootinfo.violations before it */
	bool fired;
	uint64_t n;               /* strikes so far, this one included */
	unsigned tries;           /* attempts it took (dma-irq: until the device took the frame) */
	uint64_t first_tsc;       /* before the first attempt */
};
extern struct nic_fault_shot nic_fault_last;

/*
 * Strike d's next receive poll with kind (its next send: nic_fault_in_tx).
 * bad_dma_target: a host-physical
 * address outside this sandbox (another's memory); wild_target: an
 * address outside this sandbox's RAM that the kernel's page tables map;
 * irq_target: an address in the interrupt window aimed at another core.
 */
void nic_fault_arm(struct e1000_dev *d, enum nic_fault_kind kind, uint64_t bad_dma_target,
		   uint64_t wild_target, uint64_t irq_target, uint64_t seed);
#endif
