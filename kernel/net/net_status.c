/* /status JSON: see net_status.h. */
#include "kernel/net/net_status.h"
#include "kernel/net/httpd.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lwip/stats.h"

#define U(field) rec_u64(j, #field, s->field)

static void netif_obj(struct record *j, const struct net_if_stats *s)
{
	rec_obj_begin(j, "netif");
	U(rx_frames); U(rx_bytes); U(rx_runt); U(rx_oversize); U(rx_nomem); U(rx_rejected);
	U(tx_frames); U(tx_bytes); U(tx_oversize); U(tx_queue_full); U(tx_dropped);
	rec_obj_end(j);
}

static void http_obj(struct record *j, const struct httpd_stats *s)
{
	rec_obj_begin(j, "http");
	U(accepted); U(refused_busy); U(requests); U(status_200); U(status_400); U(status_404);
	U(status_405); U(send_failed); U(idle_aborted); U(peer_errors); U(bytes_out);
	rec_obj_end(j);
}

static void lwip_obj(struct record *j)
{
	rec_obj_begin(j, "lwip");
	rec_u64(j, "link_drop", lwip_stats.link.drop);
	rec_u64(j, "arp_drop", lwip_stats.etharp.drop);
	rec_u64(j, "ip_drop", lwip_stats.ip.drop);
	rec_u64(j, "ip_chkerr", lwip_stats.ip.chkerr);
	rec_u64(j, "icmp_drop", lwip_stats.icmp.drop);
	rec_u64(j, "udp_drop", lwip_stats.udp.drop);
	rec_u64(j, "tcp_drop", lwip_stats.tcp.drop);
	rec_u64(j, "tcp_chkerr", lwip_stats.tcp.chkerr);
	rec_u64(j, "tcp_memerr", lwip_stats.tcp.memerr);
	rec_u64(j, "mem_err", lwip_stats.mem.err);
	rec_obj_end(j);
}

static void vnic_obj(struct record *j, const struct vnic_stats *s)
{
	rec_obj_begin(j, "vnic");
	U(tx_frames); U(tx_dropped); U(rx_frames); U(rx_bad_len); U(kicks);
	rec_obj_end(j);
}

static void switch_obj(struct record *j, const struct vnic_switch *sw)
{
	rec_obj_begin(j, "switch");
	const struct vnic_switch_stats *s = &sw->st;
	U(uplink_in); U(uplink_out); U(uplink_drop); U(uplink_spoofed); U(uplink_bad_len);
	U(local_in); U(local_out); U(local_drop); U(unknown_dst); U(uplink_paused);
	rec_arr_begin(j, "ports");
	for (unsigned i = 0; i < sw->nports; i++) {
		const struct vnic_port_stats *s = &sw->ports[i].st;
		rec_obj_begin(j, NULL);
		rec_u64(j, "sandbox", sw->ports[i].sandbox);
		U(in_frames); U(out_frames); U(drop_full); U(held); U(hold_expired); U(spoofed); U(bad_len);
		U(kicks);
		/* What the sandbox's VNIC dropped (its ring to us was full), as
		 * it publishes in the ring header. */
		const struct vnic_ring *in = &sw->ports[i].from_sandbox;
		rec_u64(j, "sandbox_tx_dropped",
			       in->ready ? atomic_load_explicit(&in->r.sh->dropped, memory_order_relaxed) : 0);
		rec_obj_end(j);
	}
	rec_arr_end(j);
	rec_obj_end(j);
}

size_t net_status_json(char *buf, size_t cap, void *ctx)
{
	static const char trunc[] = "{\"truncated\":true}";
	const struct net_status_src *src = ctx;
	struct record j;
	size_t len;

	rec_doc_begin(&j, buf, cap);
	rec_u64(&j, "sandbox", src->sandbox);
	netif_obj(&j, &src->nif->st);
	http_obj(&j, httpd_get_stats());
	lwip_obj(&j);
	if (src->vnic)
		vnic_obj(&j, &src->vnic->st);
	if (src->sw)
		switch_obj(&j, src->sw);
	if (src->extra) {
		rec_obj_begin(&j, src->extra_name ? src->extra_name : "extra");
		src->extra(&j, src->extra_ctx);
		rec_obj_end(&j);
	}
	if ((len = rec_doc_end(&j)))
		return len;
	if (cap < sizeof(trunc) - 1)
		return 0;
	memcpy(buf, trunc, sizeof(trunc) - 1);
	return sizeof(trunc) - 1;
}
