/* A sandbox on the network: see net_sandbox.h. */
#include "net_sandbox.h"
#include "clock_tsc.h"
#include "e1000_dev.h"
#include "httpd.h"
#include "net_clock.h"
#include "net_loop.h"
#include "net_status.h"
#include "vnic.h"
#include "vnic_switch.h"
#include "kernel/irq.h"
#include "kernel/kernel.h"
#include "kernel/paging.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/string.h"

#define TICK_HZ      1000   /* lwIP timers and the ring watchdog */
#define POLL_BUDGET  64
#define DRAIN_MS     200    /* after GET /end: let the answer and FIN go out */
#define WATCHDOG_MS  100

static struct {
	struct net_tsc_clock clock;
	struct net_if nif;
	struct e1000_dev dev;
	struct vnic_switch sw;
	struct vnic vnic;
	struct net_status_src status;
	bool driver;
	uint64_t end_at_ms;        /* 0: not ending */
	uint64_t busy_cycles, polls_with_work, frames;
} net;

static void fail(const char *why)
{
	struct record r;
	rec_begin(&r, "net_error");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "error", why);
	rec_end(&r);
}

/* "a.b.c.d" to host order; 0 if malformed. */
static uint32_t parse_ip(const char *s)
{
	uint32_t ip = 0;
	for (unsigned part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 3)
			v = v * 10 + (unsigned)(*s++ - '0'), digits++;
		if (!digits || v > 255 || (part < 3 && *s++ != '.'))
			return 0;
		ip = ip << 8 | v;
	}
	return *s == 0 || *s == ' ' ? ip : 0;
}

/* Is the arg value v (ending at a space or NUL) exactly word? */
static bool value_is(const char *v, const char *word)
{
	size_t n = strlen(word);
	return !strncmp(v, word, n) && (v[n] == 0 || v[n] == ' ');
}

static void vnic_mac(unsigned sandbox, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x51, 0x56, 0, 0, (uint8_t)sandbox };
	memcpy(mac, m, 6);
}

/* The shared region vnic<n> of this sandbox, or 0. */
static const struct bootinfo_shared *vnic_region(unsigned n)
{
	char name[16] = "vnic";
	name[4] = (char)('0' + n);
	for (unsigned i = 0; i < kinfo.bi->nshared; i++)
		if (!strncmp(kinfo.bi->shared[i].name, name, sizeof name) &&
		    kinfo.bi->shared[i].nmembers == 2)
			return &kinfo.bi->shared[i];
	return 0;
}

static void kick_sandbox(void *ctx, unsigned sandbox)
{
	(void)ctx;
	if (sandbox < BOOTINFO_MAX_PEERS)
		lapic_send(kinfo.bi->peer_apic[sandbox], VEC_NET_KICK);
}

static void kick_peer(void *ctx) { kick_sandbox(0, (unsigned)(uintptr_t)ctx); }

static void nic_interrupt(void) { e1000_dev_irq(&net.dev); }

static int open_driver(struct nic *nic, const char **why)
{
	const struct bootinfo_device *bd = e1000_dev_find(kinfo.bi);
	struct nic uplink;

	if (!bd) {
		*why = "net=driver but no e1000 is assigned to this sandbox (config key pci)";
		return -1;
	}
	if (e1000_dev_init(&net.dev, bd, kinfo.bi->host_base, &uplink, why))
		return -1;
	if (bd->irq_vector)
		device_irq_hook[bd - kinfo.bi->device] = nic_interrupt;
	vnic_switch_init(&net.sw, &uplink, uplink.mac, kick_sandbox, 0);
	for (unsigned n = 0; n < BOOTINFO_MAX_PEERS; n++) {
		const struct bootinfo_shared *s = n == kinfo.sandbox ? 0 : vnic_region(n);
		uint8_t mac[6];
		if (!s)
			continue;
		vnic_mac(n, mac);
		if (vnic_switch_add_port(&net.sw, mac, n, (void *)s->gpa, s->size / 2,
					 (void *)(s->gpa + s->size / 2), s->size / 2) < 0 ||
		    e1000_dev_add_mac(&net.dev, mac)) {
			*why = "cannot add a VNIC port (too many, or its region is too small)";
			return -1;
		}
	}
	*nic = (struct nic){ &vnic_switch_nic_ops, &net.sw, { 0 } };
	memcpy(nic->mac, uplink.mac, 6);
	net.status.sw = &net.sw;
	return 0;
}

static int open_vnic(struct nic *nic, const char **why)
{
	const struct bootinfo_shared *s = vnic_region(kinfo.sandbox);
	unsigned peer;

	if (!s) {
		*why = "net=vnic but no shared region vnic<this sandbox> with exactly 2 members";
		return -1;
	}
	peer = s->members[0] == kinfo.sandbox ? s->members[1] : s->members[0];
	if (vnic_open(&net.vnic, (void *)(s->gpa + s->size / 2), s->size / 2, (void *)s->gpa,
		      s->size / 2, kick_peer, (void *)(uintptr_t)peer, nic)) {
		*why = "the VNIC region is too small for two rings";
		return -1;
	}
	vnic_mac(kinfo.sandbox, nic->mac);
	net.status.vnic = &net.vnic;
	return 0;
}

static void on_end(void *ctx)
{
	(void)ctx;
	if (!net.end_at_ms)
		net.end_at_ms = net_clock_ms() + DRAIN_MS;
}

static void driver_counters(void *jb, void *ctx)
{
	const struct e1000_dev *d = ctx;
	net_status_u64(jb, "nic_irqs", d->st.irqs);
	net_status_u64(jb, "nic_rx_overruns", d->st.rx_overruns);
	net_status_u64(jb, "nic_rx_errors", d->rx.st.errors);
	net_status_u64(jb, "nic_rx_repaired", d->rx.st.addr_repaired + d->rx.st.resyncs);
	net_status_u64(jb, "nic_tx_full", d->tx.st.full);
	net_status_u64(jb, "nic_starts", d->st.starts);
}

static void record_ready(uint32_t ip)
{
	static const char hex[] = "0123456789abcdef";
	char ipbuf[16], mac[18], *p = ipbuf;
	struct record r;

	for (int i = 3; i >= 0; i--) {
		p += fmt_u64(p, (ip >> (8 * i)) & 0xff);
		if (i)
			*p++ = '.';
	}
	*p = 0;
	for (unsigned i = 0; i < 6; i++) {
		mac[3 * i] = hex[net.nif.nic.mac[i] >> 4];
		mac[3 * i + 1] = hex[net.nif.nic.mac[i] & 15];
		mac[3 * i + 2] = i < 5 ? ':' : 0;
	}
	rec_begin(&r, "net_ready");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "role", net.driver ? "driver" : "vnic");
	rec_str(&r, "ip", ipbuf);
	rec_str(&r, "mac", mac);
	rec_u64(&r, "http_port", 80);
	rec_end(&r);
}

static void record_stats(uint64_t serve_cycles)
{
	const struct httpd_stats *h = httpd_get_stats();
	struct record r;

	rec_begin(&r, "net_stats");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "role", net.driver ? "driver" : "vnic");
	rec_u64(&r, "rx_frames", net.nif.st.rx_frames);
	rec_u64(&r, "tx_frames", net.nif.st.tx_frames);
	rec_u64(&r, "rx_dropped", net.nif.st.rx_nomem + net.nif.st.rx_rejected + net.nif.st.rx_runt +
				  net.nif.st.rx_oversize);
	rec_u64(&r, "tx_dropped", net.nif.st.tx_dropped);
	rec_u64(&r, "frames_handled", net.frames);
	rec_u64(&r, "http_requests", h->requests);
	rec_u64(&r, "http_200", h->status_200);
	rec_u64(&r, "busy_cycles", net.busy_cycles);
	rec_u64(&r, "serve_cycles", serve_cycles);
	rec_u64(&r, "cycles_per_frame", net.frames ? net.busy_cycles / net.frames : 0);
	if (net.driver) {
		rec_u64(&r, "switched_uplink_in", net.sw.st.uplink_in);
		rec_u64(&r, "switched_uplink_out", net.sw.st.uplink_out);
		rec_u64(&r, "nic_irqs", net.dev.st.irqs);
	} else {
		rec_u64(&r, "vnic_kicks", net.vnic.st.kicks);
	}
	rec_u64(&r, "kicks_received", irq_counts.net_kicks);
	rec_str(&r, "clock", "tsc");
	rec_end(&r);
}

/* Nothing to do: sleep until an interrupt, unless a peer's ring holds
 * frames (checked with interrupts off, so a kick cannot slip in between). */
static void idle(void)
{
	cli();
	if (net.driver ? vnic_switch_may_sleep(&net.sw) : vnic_may_sleep(&net.vnic))
		__asm__ volatile("sti; hlt" ::: "memory");
	else
		sti();
}

/* Serve until /end has drained or serve_ms passed (0: no limit). */
static void serve(uint64_t serve_ms)
{
	uint64_t next_watchdog = WATCHDOG_MS;

	for (;;) {
		uint64_t t0 = rdtsc(), now;
		unsigned n = net_loop_poll(&net.nif, POLL_BUDGET);
		if (n) {
			net.busy_cycles += rdtsc() - t0;
			net.frames += n;
			continue;
		}
		now = net_clock_ms();
		if ((net.end_at_ms && now >= net.end_at_ms) || (serve_ms && now >= serve_ms))
			return;
		if (net.driver && now >= next_watchdog) {
			e1000_dev_watchdog(&net.dev);
			next_watchdog = now + WATCHDOG_MS;
		}
		idle();
	}
}

int net_run(void)
{
	const char *role = arg_value("net"), *iparg = arg_value("ip"), *why = 0;
	uint32_t ip = iparg ? parse_ip(iparg) : 0x0a00020f + kinfo.sandbox;
	struct nic nic;
	uint64_t t0;

	if (!kinfo.bi)
		why = "the network needs the monitor (no assigned NIC natively)";
	else if (!ip)
		why = "ip= is not an IPv4 address a.b.c.d";
	else if (!value_is(role, "driver") && !value_is(role, "vnic"))
		why = "net= must be driver or vnic";
	if (why) {
		fail(why);
		return -1;
	}
	net.driver = value_is(role, "driver");
	net_tsc_clock_init(&net.clock, kinfo.tsc_hz);
	net_clock_set(net_tsc_clock_ms, &net.clock);
	net_stack_init();
	if ((net.driver ? open_driver : open_vnic)(&nic, &why) ||
	    net_if_add(&net.nif, &nic, ip, 0xffffff00u, 0x0a000202u)) {
		fail(why ? why : "lwIP refused the interface");
		return -1;
	}
	net.status = (struct net_status_src){ kinfo.sandbox, &net.nif, net.status.vnic, net.status.sw,
					      net.driver ? driver_counters : 0, &net.dev };
	if (httpd_start(80, 0, net_status_json, &net.status)) {
		fail("the web server could not listen on port 80");
		return -1;
	}
	httpd_on_end(on_end, 0);

	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(kinfo.lapic_hz / TICK_HZ));
	record_ready(ip);
	t0 = rdtsc();
	serve(arg_u64("serve_ms", 0));
	cli();
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	if (net.driver)
		e1000_dev_stop(&net.dev);
	record_stats(rdtsc() - t0);
	return 0;
}
