/* A sandbox on the network: see net_sandbox.h. */
#include "kernel/net/net_sandbox.h"
#include "kernel/net/clock_tsc.h"
#include "kernel/net/e1000/e1000_dev.h"
#include "kernel/net/recovery/net_faults.h"
#include "kernel/net/recovery/nic_recovery.h"
#include "kernel/net/recovery/rescue.h"
#include "kernel/net/httpd.h"
#include "kernel/net/net_clock.h"
#include "kernel/net/net_loop.h"
#include "kernel/net/net_status.h"
#include "kernel/net/vnic.h"
#include "kernel/net/vnic_switch.h"
#include "kernel/contain.h"
#include "kernel/trap.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/string.h"

#define TICK_HZ      1000   /* lwIP timers and the ring watchdog */
#define POLL_BUDGET  64
#define DRAIN_MS     200    /* after GET /end: let the answer and FIN go out */
#define WATCHDOG_MS  1      /* ring audit; also how soon a corrupted ring is found */
#define HANG_MS      2      /* rescuer: a heartbeat this old starts probing (rescue.h) */

static struct {
	struct net_tsc_clock clock;
	struct net_if nif;
	struct nic_driver drv;
	struct rescue rescuer;        /* the rescuing end, when this sandbox is it */
	bool rescuing;
	struct contain guard;
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

static void nic_interrupt(void) { e1000_dev_irq(nic_driver_dev(&net.drv)); }

static int open_driver(struct nic *nic, const char **why)
{
	const struct bootinfo_device *bd = e1000_dev_find(kinfo.bi);
	struct nic uplink;

	if (!bd) {
		*why = "net=driver but no e1000 is assigned to this sandbox (config key pci)";
		return -1;
	}
	if (nic_driver_open(&net.drv, bd, kinfo.bi->host_base, why))
		return -1;
	uplink = e1000_dev_nic(nic_driver_dev(&net.drv));
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
		    nic_driver_add_mac(&net.drv, mac)) {
			*why = "cannot add a VNIC port (too many, or its region is too small)";
			return -1;
		}
	}
	nic_driver_publish(&net.drv);
	net.drv.sw = &net.sw;
	net.drv.nif = &net.nif;
	net.drv.clock = arg_value("clock") ? arg_value("clock") : "tsc";
	net.drv.reset_on_recovery = arg_present("nic_reset");
	if (net.drv.has_rescue) {
		contain_probe_init(&net.guard, &net.drv.rescue.area->probe,
				   kinfo.tsc_hz / 1000000 * RESCUE_MIN_RUN_US);
		net.guard.wake_apic = kinfo.bi->peer_apic[net.drv.rescue.peer];
		net.guard.wake_vector = VEC_RESCUE;
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

/* /status "loop": the network loop's cost (every sandbox; cycles in TSC,
 * so a load step's cycles per frame is the difference of two snapshots),
 * and the driver sandbox's NIC and fault counters. */
static void loop_counters(struct record *r, void *ctx)
{
	struct nic_driver *nd = ctx;
	const struct e1000_dev *d = nic_driver_dev(nd);

	rec_u64(r, "busy_cycles", net.busy_cycles);
	rec_u64(r, "frames_handled", net.frames);
	if (!net.driver)
		return;
	rec_u64(r, "nic_irqs", d->st.irqs);
	rec_u64(r, "nic_rx_overruns", d->st.rx_overruns);
	rec_u64(r, "nic_rx_errors", d->rx.st.errors);
	rec_u64(r, "nic_rx_repaired", d->rx.st.addr_repaired + d->rx.st.resyncs);
	rec_u64(r, "nic_tx_full", d->tx.st.full);
	rec_u64(r, "nic_starts", nd->inst[0].st.starts + nd->inst[1].st.starts);
	rec_u64(r, "faults_recovered", nd->recovered);
	rec_u64(r, "faults_not_recovered", nd->not_recovered);
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
	rec_u64(&r, "tx_dropped", net.nif.st.tx_dropped + net.nif.st.tx_queue_full);
	rec_u64(&r, "frames_handled", net.frames);
	rec_u64(&r, "http_requests", h->requests);
	rec_u64(&r, "http_200", h->status_200);
	rec_u64(&r, "busy_cycles", net.busy_cycles);
	rec_u64(&r, "serve_cycles", serve_cycles);
	rec_u64(&r, "cycles_per_frame", net.frames ? net.busy_cycles / net.frames : 0);
	if (net.driver) {
		rec_u64(&r, "switched_uplink_in", net.sw.st.uplink_in);
		rec_u64(&r, "switched_uplink_out", net.sw.st.uplink_out);
		rec_u64(&r, "nic_irqs", net.drv.inst[0].st.irqs + net.drv.inst[1].st.irqs);
		rec_u64(&r, "faults_recovered", net.drv.recovered);
		rec_u64(&r, "faults_not_recovered", net.drv.not_recovered);
	} else {
		rec_u64(&r, "vnic_kicks", net.vnic.st.kicks);
	}
	if (net.rescuing) {
		rec_u64(&r, "watchdog_stalls", net.rescuer.wd.stalls);
		rec_u64(&r, "watchdog_probes", net.rescuer.wd.probes);
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

/* A fault the driver's own checks or the containment found: recover. */
static void driver_fault(const char *detected_by, const struct contain *c)
{
	nic_driver_recover(&net.drv, net_faults_mode(), detected_by, c);
}

/* One turn of the driver sandbox's loop. Returns the frames handled. */
static unsigned driver_turn(uint64_t now, uint64_t *next_watchdog)
{
	unsigned n;

	if (net.drv.has_rescue)
		rescue_beat(&net.drv.rescue);
	if (contain_enter(&net.guard)) {
		driver_fault(net.guard.vector == VEC_NMI ? "nmi" : "exception", &net.guard);
		return 1;
	}
	net_faults_tick(&net.drv, now);
	n = net_loop_poll(&net.nif, POLL_BUDGET);
	if (now >= *next_watchdog) {
		e1000_dev_watchdog(nic_driver_dev(&net.drv));
		*next_watchdog = now + WATCHDOG_MS;
	}
	if (nic_driver_corrupted(&net.drv))
		driver_fault("ring_check", 0);
	nic_driver_probe_poll(&net.drv);
	/* What recovery and the probe queued goes out now, still guarded. */
	net_if_flush(&net.nif);
	return n;
}

/* Serve until /end has drained or serve_ms passed (0: no limit). */
static void serve(uint64_t serve_ms)
{
	uint64_t next_watchdog = WATCHDOG_MS;

	for (;;) {
		uint64_t t0 = rdtsc(), now = net_clock_ms();
		unsigned n = net.driver ? driver_turn(now, &next_watchdog)
					: net_loop_poll(&net.nif, POLL_BUDGET);
		if (net.rescuing)
			rescue_poll(&net.rescuer);
		if (n) {
			net.busy_cycles += rdtsc() - t0;
			net.frames += n;
			continue;
		}
		if ((net.end_at_ms && now >= net.end_at_ms) || (serve_ms && now >= serve_ms) ||
		    (net.driver && net_faults_finished(&net.drv)) ||
		    (net.rescuing && rescue_driver_done(&net.rescuer)))
			return;
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
	    (net.driver && net_faults_plan(&net.drv, &why)) ||
	    net_if_add(&net.nif, &nic, ip, 0xffffff00u, 0x0a000202u)) {
		fail(why ? why : "lwIP refused the interface");
		return -1;
	}
	net.status = (struct net_status_src){ kinfo.sandbox, &net.nif, net.status.vnic, net.status.sw,
					      loop_counters, &net.drv, "loop" };
	net.rescuing = !net.driver && !rescue_open(&net.rescuer, false, arg_u64("hang_ms", HANG_MS));
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
	contain_leave();
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	if (net.driver) {
		nic_driver_release_records();
		e1000_dev_stop(nic_driver_dev(&net.drv));
		if (net.drv.has_rescue)
			rescue_finish(&net.drv.rescue);
		net_faults_report(&net.drv);
	}
	record_stats(rdtsc() - t0);
	return 0;
}
