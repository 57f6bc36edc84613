/*
 * The network context of a sandbox (NO_SYS: lwipopts.h): lwIP's one and
 * only caller. The kernel's network thread runs
 *
 *     net_stack_init(); net_if_add(&nif, &nic, ip, mask, gw);
 *     for (;;) { if (!net_loop_poll(&nif, 64)) wait_for_irq_or_ipi_or_tick(); }
 *
 * where the NIC interrupt, the VNIC IPI and the timer tick only wake it.
 */
#ifndef QUESTV_NET_LOOP_H
#define QUESTV_NET_LOOP_H
#include "kernel/net/netif_glue.h"

/* lwIP's global init; once per boot of the stack. */
void net_stack_init(void);

/* One pass: up to budget received frames from the NIC into lwIP, then the
 * lwIP timers that are due, then the frames they queued to the NIC
 * (net_if_flush). Returns the frames handled (0: idle). */
unsigned net_loop_poll(struct net_if *nif, unsigned budget);

#endif
