/*
 * A virtual NIC in a sandbox that does not own the physical NIC: a struct
 * nic (nic.h) whose frames go through two VNIC rings in a region shared with
 * the driver sandbox (tx: to its switch; rx: from it). The data path has no
 * monitor and no VM exit: the rings, plus an IPI (kick) when the other side
 * may be asleep.
 */
#ifndef QUESTV_NET_VNIC_H
#define QUESTV_NET_VNIC_H
#include "kernel/net/nic.h"
#include "kernel/net/vnic_ring.h"

struct vnic_stats {
	uint64_t tx_frames, tx_dropped;   /* dropped: ring full or frame too long */
	uint64_t rx_frames, rx_bad_len;
	uint64_t kicks;                   /* IPIs asked for */
};

struct vnic {
	struct vnic_ring tx, rx;
	void (*kick)(void *ctx);          /* IPI the driver sandbox */
	void *kick_ctx;
	struct vnic_stats st;
};

/* Open both rings (tx_mem: this sandbox produces; rx_mem: the switch
 * does) and fill *nic (ops, dev; the MAC is the caller's). -1 if the tx
 * region is unusable. */
int vnic_open(struct vnic *v, void *tx_mem, size_t tx_bytes, void *rx_mem, size_t rx_bytes,
	      void (*kick)(void *ctx), void *kick_ctx, struct nic *nic);

/* Before sleeping: false = nothing waiting, sleep until an IPI. */
bool vnic_may_sleep(struct vnic *v);

extern const struct nic_ops vnic_ops;

#endif
