/* lwIP netif over struct nic: see netif_glue.h. */
#include "kernel/net/netif_glue.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_if *nif = netif->state;
	if (p->tot_len > NET_FRAME_MAX) {
		nif->st.tx_oversize++;
		return ERR_BUF;
	}
	/* Every frame through one buffer: lwIP chains headers and payload in
	 * separate pbufs, the NIC wants one contiguous frame. */
	u16_t len = pbuf_copy_partial(p, nif->txbuf, p->tot_len, 0);
	if (nif->nic.ops->tx(nif->nic.dev, nif->txbuf, len) != 0) {
		nif->st.tx_dropped++;
		/* As a lost frame on the wire: TCP retransmits, ARP asks again. */
		return ERR_OK;
	}
	nif->st.tx_frames++;
	nif->st.tx_bytes += len;
	return ERR_OK;
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
}
