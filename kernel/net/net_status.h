/*
 * The /status document of a sandbox's web server: its network counters as
 * one JSON object. Pass net_status_json as httpd's status callback with a
 * struct net_status_src as its context.
 */
#ifndef QUESTV_NET_STATUS_H
#define QUESTV_NET_STATUS_H
#include <stddef.h>
#include <stdint.h>
#include "kernel/net/netif_glue.h"
#include "kernel/net/vnic.h"
#include "kernel/net/vnic_switch.h"
#include "lib/record.h"

struct net_status_src {
	unsigned sandbox;
	const struct net_if *nif;
	const struct vnic *vnic;         /* NULL unless behind a VNIC */
	const struct vnic_switch *sw;    /* NULL unless the driver sandbox */
	/* Extra counters of the caller (e.g. the driver's, with rec_u64()), or NULL; they go
	 * into an object named extra_name. */
	void (*extra)(struct record *r, void *ctx);
	void *extra_ctx;
	const char *extra_name;
};

/* Fill buf (cap bytes) with the JSON; returns its length. When cap is too
 * small the document is {"truncated":true} (still valid JSON) if that fits,
 * else empty. */
size_t net_status_json(char *buf, size_t cap, void *src);

#endif
