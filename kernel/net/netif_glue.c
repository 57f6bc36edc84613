/* lwIP netif over struct nic: see netif_glue.h. */
#include "kernel/net/netif_glue.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

/* lwIP's output: queue a copy, touch no driver (netif_glue.h). */
static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_if *nif = netif->state;
	struct net_txq *q = &nif->txq;
	uint32_t slot = q->tail % NET_TXQ_LEN;

	if (p->tot_len > NET_FRAME_MAX) {
		nif->st.tx_oversize++;
		return ERR_BUF;
	}
	if (net_if_tx_queued(nif) == NET_TXQ_LEN) {
		/* As a lost frame on the wire: TCP retransmits, ARP asks again. */
		nif->st.tx_queue_full++;
		return ERR_OK;
	}
	/* One contiguous frame: lwIP chains headers and payload in separate
	 * pbufs, the NIC wants them together. */
	q->len[slot] = pbuf_copy_partial(p, q->frame[slot], p->tot_len, 0);
	q->tail++;
	return ERR_OK;
}

void net_if_flush(struct net_if *nif)
{
	struct net_txq *q = &nif->txq;

	while (q->head != q->tail) {
		uint32_t slot = q->head++ % NET_TXQ_LEN;
		/* Nothing queues while the driver runs (it never calls lwIP), so
		 * the slot stays as it is until the send returns. */
		if (nif->nic.ops->tx(nif->nic.dev, q->frame[slot], q->len[slot]) != 0) {
			nif->st.tx_dropped++;
			continue;
		}
		nif->st.tx_frames++;
		nif->st.tx_bytes += q->len[slot];
	}
}

static err_t netif_setup(struct netif *netif)
{
	struct net_if *nif = netif->state;
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	netif->mtu = NET_MTU;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	for (int i = 0; i < ETH_HWADDR_LEN; i++)
		netif->hwaddr[i] = nif->nic.mac[i];
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

int net_if_add(struct net_if *nif, const struct nic *nic, uint32_t ip, uint32_t mask, uint32_t gw)
{
	ip4_addr_t a, m, g;
	ip4_addr_set_u32(&a, PP_HTONL(ip));
	ip4_addr_set_u32(&m, PP_HTONL(mask));
	ip4_addr_set_u32(&g, PP_HTONL(gw));
	nif->nic = *nic;
	nif->st = (struct net_if_stats){0};
	nif->txq.head = nif->txq.tail = 0;
	if (!netif_add(&nif->netif, &a, &m, &g, nif, netif_setup, ethernet_input))
		return -1;
	netif_set_default(&nif->netif);
	netif_set_link_up(&nif->netif);
	netif_set_up(&nif->netif);
	return 0;
}

void net_if_remove(struct net_if *nif)
{
	netif_remove(&nif->netif);
}

void net_if_input(void *sink, const void *frame, size_t len)
{
	struct net_if *nif = sink;
	if (len < NET_ETH_HDR) {
		nif->st.rx_runt++;
		return;
	}
	if (len > NET_FRAME_MAX) {
		nif->st.rx_oversize++;
		return;
	}
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p) {
		nif->st.rx_nomem++;
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	/* input() owns p on ERR_OK; on an error we still do. */
	if (nif->netif.input(p, &nif->netif) != ERR_OK) {
		nif->st.rx_rejected++;
		pbuf_free(p);
		return;
	}
	nif->st.rx_frames++;
	nif->st.rx_bytes += len;
	/* lwIP has returned: what it answered can go now, in arrival order. */
	net_if_flush(nif);
}
