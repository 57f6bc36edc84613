/* /status JSON: see net_status.h. */
#include "kernel/net/net_status.h"
#include "kernel/net/httpd.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lwip/stats.h"

struct jbuf {
	char *p;
	size_t cap, len;
	bool full;
	bool comma;
};

static void put(struct jbuf *j, const char *s, size_t n)
{
	if (j->full || j->len + n > j->cap) {
		j->full = true;
		return;
	}
	memcpy(j->p + j->len, s, n);
	j->len += n;
}

static void puts_(struct jbuf *j, const char *s) { put(j, s, strlen(s)); }

static void key(struct jbuf *j, const char *k)
{
	if (j->comma)
		puts_(j, ",");
	puts_(j, "\"");
	puts_(j, k);
	puts_(j, "\":");
	j->comma = true;
}

void net_status_u64(void *jb, const char *k, uint64_t v)
{
	struct jbuf *j = jb;
	char num[24];
	key(j, k);
	put(j, num, fmt_u64(num, v));
}

static void obj_begin(struct jbuf *j, const char *k)
{
	if (k)
		key(j, k);
	else if (j->comma)
		puts_(j, ",");
	puts_(j, "{");
	j->comma = false;
}

static void obj_end(struct jbuf *j)
{
	puts_(j, "}");
	j->comma = true;
}

#define U(field) net_status_u64(j, #field, s->field)

static void netif_obj(struct jbuf *j, const struct net_if_stats *s)
{
	obj_begin(j, "netif");
	U(rx_frames); U(rx_bytes); U(rx_runt); U(rx_oversize); U(rx_nomem); U(rx_rejected);
	U(tx_frames); U(tx_bytes); U(tx_oversize); U(tx_dropped);
	obj_end(j);
}

static void http_obj(struct jbuf *j, const struct httpd_stats *s)
{
	obj_begin(j, "http");
	U(accepted); U(refused_busy); U(requests); U(status_200); U(status_400); U(status_404);
	U(status_405); U(send_failed); U(idle_aborted); U(peer_errors); U(bytes_out);
	obj_end(j);
}

static void lwip_obj(struct jbuf *j)
{
	obj_begin(j, "lwip");
	net_status_u64(j, "link_drop", lwip_stats.link.drop);
	net_status_u64(j, "arp_drop", lwip_stats.etharp.drop);
	net_status_u64(j, "ip_drop", lwip_stats.ip.drop);
	net_status_u64(j, "ip_chkerr", lwip_stats.ip.chkerr);
	net_status_u64(j, "icmp_drop", lwip_stats.icmp.drop);
	net_status_u64(j, "udp_drop", lwip_stats.udp.drop);
	net_status_u64(j, "tcp_drop", lwip_stats.tcp.drop);
	net_status_u64(j, "tcp_chkerr", lwip_stats.tcp.chkerr);
	net_status_u64(j, "mem_err", lwip_stats.mem.err);
	obj_end(j);
}

static void vnic_obj(struct jbuf *j, const struct vnic_stats *s)
{
	obj_begin(j, "vnic");
	U(tx_frames); U(tx_dropped); U(rx_frames); U(rx_bad_len); U(kicks);
	obj_end(j);
}

static void switch_obj(struct jbuf *j, const struct vnic_switch *sw)
{
	obj_begin(j, "switch");
	const struct vnic_switch_stats *s = &sw->st;
	U(uplink_in); U(uplink_out); U(uplink_drop); U(uplink_spoofed); U(uplink_bad_len);
	U(local_in); U(local_out); U(local_drop); U(unknown_dst);
	key(j, "ports");
	puts_(j, "[");
	j->comma = false;
	for (unsigned i = 0; i < sw->nports; i++) {
		const struct vnic_port_stats *s = &sw->ports[i].st;
		obj_begin(j, NULL);
		net_status_u64(j, "sandbox", sw->ports[i].sandbox);
		U(in_frames); U(out_frames); U(drop_full); U(spoofed); U(bad_len); U(kicks);
		/* What the sandbox's VNIC dropped (its ring to us was full), as
		 * it publishes in the ring header. */
		const struct vnic_ring *in = &sw->ports[i].from_sandbox;
		net_status_u64(j, "sandbox_tx_dropped",
			       in->ready ? atomic_load_explicit(&in->r.sh->dropped, memory_order_relaxed) : 0);
		obj_end(j);
	}
	puts_(j, "]");
	obj_end(j);
}

size_t net_status_json(char *buf, size_t cap, void *ctx)
{
	const struct net_status_src *src = ctx;
	struct jbuf j = { .p = buf, .cap = cap };
	obj_begin(&j, NULL);
	net_status_u64(&j, "sandbox", src->sandbox);
	netif_obj(&j, &src->nif->st);
	http_obj(&j, httpd_get_stats());
	lwip_obj(&j);
	if (src->vnic)
		vnic_obj(&j, &src->vnic->st);
	if (src->sw)
		switch_obj(&j, src->sw);
	if (src->extra) {
		obj_begin(&j, src->extra_name ? src->extra_name : "extra");
		src->extra(&j, src->extra_ctx);
		obj_end(&j);
	}
	obj_end(&j);
	if (!j.full)
		return j.len;
	static const char trunc[] = "{\"truncated\":true}";
	if (cap < sizeof(trunc) - 1)
		return 0;
	memcpy(buf, trunc, sizeof(trunc) - 1);
	return sizeof(trunc) - 1;
}
