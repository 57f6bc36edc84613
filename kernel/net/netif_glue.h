/*
 * lwIP netif <-> struct nic (nic.h): the only place lwIP meets a driver.
 *
 * Receive: net_if_input() (a nic_deliver_fn) checks the frame's length,
 * copies it into a pbuf from lwIP's pool and hands it to lwIP. Copying
 * decouples lwIP from the driver's buffers: the RX descriptor or VNIC slot
 * is free again at once, and a driver can be torn down and re-initialized
 * (recovery) while lwIP still holds packets. A frame is at most 1514 bytes,
 * so the copy costs little next to what lwIP then does with it.
 * Transmit: lwIP's pbuf chain is flattened into a slot of the interface's
 * transmit queue; nothing else happens inside lwIP's output call chain.
 * net_if_flush() hands the queued frames to nic->ops->tx, from the network
 * loop (net_loop.h) and after each received frame's input returned, so no
 * driver code runs while lwIP is on the stack: a driver fault unwound by
 * the containment (kernel/contain.h) during a send leaves lwIP's state as
 * it was between two calls, and costs at most the frame being sent.
 *
 * Called only from the network context (NO_SYS, see lwipopts.h).
 */
#ifndef QUESTV_NET_NETIF_GLUE_H
#define QUESTV_NET_NETIF_GLUE_H
#include <stdint.h>
#include "lwip/netif.h"
#include "kernel/net/nic.h"

struct net_if_stats {
	uint64_t rx_frames, rx_bytes;      /* handed to lwIP */
	uint64_t rx_runt, rx_oversize;     /* dropped: shorter than a header, longer than 1514 */
	uint64_t rx_nomem;                 /* dropped: no pbuf */
	uint64_t rx_rejected;              /* lwIP's input refused it */
	uint64_t tx_frames, tx_bytes;      /* accepted by the NIC */
	uint64_t tx_oversize;              /* lwIP built a frame longer than 1514 */
	uint64_t tx_dropped;               /* the NIC refused it (ring full) */
	uint64_t tx_queue_full;            /* dropped: the transmit queue was full */
};

/* Frames lwIP sent, not yet handed to the NIC: enough for what one input
 * frame or one timer pass makes TCP send. */
#define NET_TXQ_LEN 64

struct net_txq {
	uint32_t head, tail;               /* free-running; head: next to hand over */
	uint16_t len[NET_TXQ_LEN];
	uint8_t frame[NET_TXQ_LEN][NET_FRAME_MAX];
};

struct net_if {
	struct netif netif;
	struct nic nic;
	struct net_if_stats st;
	struct net_txq txq;
};

/*
 * Add the interface to lwIP (lwip_init first: net_loop.h), as the default
 * one, up, with the NIC's MAC and static IPv4 addresses (host byte order:
 * 10.0.2.15 is 0x0a00020f). Returns 0, -1 if lwIP refused.
 */
int net_if_add(struct net_if *nif, const struct nic *nic, uint32_t ip, uint32_t mask, uint32_t gw);

/* Take the interface out of lwIP (driver teardown); its PCBs stay. */
void net_if_remove(struct net_if *nif);

/* Feed one received frame to lwIP, then flush; sink is the struct net_if. */
void net_if_input(void *sink, const void *frame, size_t len);

/* Hand every queued frame to the NIC, oldest first. Each leaves the queue
 * before the driver sees it: a send that faults and is unwound loses that
 * frame (as the wire would; TCP retransmits) and leaves the queue sound. */
void net_if_flush(struct net_if *nif);

/* Frames queued, not yet handed to the NIC (the loop must not sleep). */
static inline uint32_t net_if_tx_queued(const struct net_if *nif)
{
	return nif->txq.tail - nif->txq.head;
}

#endif
