/*
 * The driver-agnostic NIC interface between the network stack (netif_glue)
 * and whatever moves frames: the e1000 driver in the driver sandbox, a VNIC
 * (vnic.h) in the others, a fake in host tests. A driver can be stopped and
 * replaced behind it (driver switch, issue 8) without lwIP noticing.
 *
 * Frames are whole Ethernet frames: destination MAC first, no preamble, no
 * FCS (the NIC adds and strips it), at most NET_FRAME_MAX bytes.
 */
#ifndef QUESTV_NET_NIC_H
#define QUESTV_NET_NIC_H
#include <stddef.h>
#include <stdint.h>

#define NET_ETH_HDR    14
#define NET_MTU        1500
#define NET_FRAME_MAX  (NET_ETH_HDR + NET_MTU)  /* 1514: no VLAN tags */

/* Receives one frame; the bytes are valid only during the call. */
typedef void (*nic_deliver_fn)(void *sink, const void *frame, size_t len);

struct nic_ops {
	/* Queue one frame for sending; the bytes are copied before return.
	 * 0, or -1 when it was dropped (no room, bad length): the driver
	 * counts drops, the caller only learns of them. Never blocks. */
	int (*tx)(void *dev, const void *frame, size_t len);
	/* Hand up to budget received frames to deliver(sink, ...), in order;
	 * returns how many were handed. Frames the driver found malformed
	 * are counted and dropped by the driver, not delivered. */
	unsigned (*rx_poll)(void *dev, unsigned budget, nic_deliver_fn deliver, void *sink);
};

struct nic {
	const struct nic_ops *ops;
	void *dev;          /* the driver's state, passed back to ops */
	uint8_t mac[6];
};

#endif
