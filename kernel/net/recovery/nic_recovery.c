/* NIC driver recovery (see nic_recovery.h). */
#include "kernel/net/recovery/nic_recovery.h"
#include "kernel/net/recovery/nic_fault.h"
#include "kernel/hypercall.h"
#include "kernel/kinfo.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lwip/etharp.h"

#define HELD_MAX         2048  /* a recovery's records: ~600 bytes */
#define PROBE_TIMEOUT_MS 2000
#define PROBE_RETRY_MS   20    /* ARP again: the first request may go out before the link is up */
#define RESCUE_TIMEOUT_MS 500
#define GATEWAY 0x0a000202u   /* 10.0.2.2, QEMU user networking's */

/* A recovery's records wait in memory until the NIC serves again: the
 * UART costs microseconds a byte under emulation (an exit each, the
 * emulator's lock), which the recovery would otherwise spend printing.
 * The records are the same, only later. */
static struct {
	record_sink console;         /* 0: not holding */
	size_t len;
	char buf[HELD_MAX];
} held;

void nic_driver_release_records(void)
{
	if (!held.console)
		return;
	record_set_sink(held.console);
	held.console(held.buf, held.len);
	held.console = 0;
	held.len = 0;
}

static void hold_sink(const char *line, size_t len)
{
	if (held.len + len > sizeof held.buf) {   /* more than a recovery writes */
		held.console(held.buf, held.len);
		held.len = 0;
	}
	if (len > sizeof held.buf) {
		held.console(line, len);
		return;
	}
	memcpy(held.buf + held.len, line, len);
	held.len += len;
}

static void hold_records(void)
{
	if (held.console)
		return;
	held.console = record_get_sink();
	record_set_sink(hold_sink);
}

int nic_driver_open(struct nic_driver *nd, const struct bootinfo_device *bd, uint64_t dma_offset,
		    const char **why)
{
	if (e1000_dev_setup(&nd->inst[0], bd, dma_offset, why) ||
	    e1000_dev_setup(&nd->inst[1], bd, dma_offset, why))
		return -1;
	nd->active = 0;
	nd->tsc_per_us = kinfo.tsc_hz / 1000000 ? kinfo.tsc_hz / 1000000 : 1;
	nd->has_rescue = !rescue_open(&nd->rescue, true, 0);
	return 0;
}

struct e1000_dev *nic_driver_dev(struct nic_driver *nd)
{
	return &nd->inst[nd->active];
}

int nic_driver_add_mac(struct nic_driver *nd, const uint8_t mac[6])
{
	return e1000_dev_add_mac(&nd->inst[0], mac) | e1000_dev_add_mac(&nd->inst[1], mac);
}

void nic_driver_publish(struct nic_driver *nd)
{
	if (nd->has_rescue)
		rescue_publish(&nd->rescue, &nd->inst[0]);
	e1000_dev_start(&nd->inst[0], true);
	nd->anomalies = e1000_dev_anomalies(&nd->inst[0]);
}

bool nic_driver_corrupted(struct nic_driver *nd)
{
	uint64_t now = e1000_dev_anomalies(nic_driver_dev(nd));
	bool risen = now != nd->anomalies;
	nd->anomalies = now;
	return risen;
}

static void phase(const struct nic_driver *nd, const char *name, uint64_t cycles)
{
	struct record r;
	rec_begin(&r, "recovery");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "seq", nd->seq);
	rec_str(&r, "mode", nd->now.mode);
	rec_str(&r, "phase", name);
	rec_u64(&r, "cycles", cycles);
	rec_str(&r, "clock", nd->clock);
	rec_end(&r);
}

static void record_fault(const struct nic_driver *nd, const char *detected_by,
			 const struct contain *c)
{
	struct record r;
	rec_begin(&r, "fault");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "seq", nd->seq);
	rec_str(&r, "kind", nd->now.kind);
	rec_str(&r, "mode", nd->now.mode);
	rec_str(&r, "detected_by", detected_by);
	if (c)
		rec_u64(&r, "vector", c->vector);
	if (c && c->vector == 2) {   /* NMI: the probes that confirmed the hang */
		rec_hex(&r, "rip", c->fault_rip);
		rec_u64(&r, "probe_first", c->judge.first);
		rec_u64(&r, "probe_last", c->judge.last);
		rec_u64(&r, "probe_span_us", (c->fault_tsc - c->judge.first_at) / nd->tsc_per_us);
		rec_bool(&r, "if_on", c->judge.if_on);
		rec_u64(&r, "min_run_us", c->judge.min_gap / nd->tsc_per_us);
	}
	rec_u64(&r, "detect_us", (rdtsc() - nd->now.fault_tsc) / nd->tsc_per_us);
	/* Also has the monitor collect the IOMMU's records now, while they
	 * are this fault's (they collapse while one is pending). */
	rec_u64(&r, "dma_faults", (uint64_t)hypercall3(HC_DMA_FAULTS, 0, 0, 0));
	rec_end(&r);
}

/* The monitor's share, when the fault exited to it (bootinfo.h stamps). */
static void exit_phases(struct nic_driver *nd, const struct contain *c)
{
	const struct bootinfo *bi = kinfo.bi;
	if (!c || !nic_fault_last.fired || bi->violations == nic_fault_last.violations)
		return;
	phase(nd, "vm_exit", bi->violation_exit_tsc - nic_fault_last.tsc);
	phase(nd, "vm_enter", c->fault_tsc - bi->violation_enter_tsc);
}

/* The serving check ends: every recovery it settles gets its record. */
static void end_check(struct nic_driver *nd, bool answered)
{
	struct record r;

	for (unsigned i = 0; i < nd->nchecks; i++) {
		const struct recovery_check *c = &nd->checks[i];
		if (c->counting)
			answered ? nd->recovered++ : nd->not_recovered++;
		rec_begin(&r, "recovered");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_u64(&r, "seq", c->seq);
		rec_str(&r, "kind", c->kind);
		rec_str(&r, "mode", c->mode);
		rec_bool(&r, "ok", answered);
		rec_u64(&r, "arp_requests", nd->probe_requests);
		rec_u64(&r, "recovery_us", (rdtsc() - c->fault_tsc) / nd->tsc_per_us);
		rec_u64(&r, "serve_us", (rdtsc() - nd->check_start) / nd->tsc_per_us);
		rec_u64(&r, "turns", nd->check_turns);
		rec_u64(&r, "max_gap_us", nd->check_max_gap / nd->tsc_per_us);
		rec_end(&r);
	}
	nd->nchecks = 0;
	nd->probing = false;
}

static void network_reinit(struct nic_driver *nd)
{
	struct netif *n = &nd->nif->netif;
	uint64_t t = rdtsc();

	netif_set_link_down(n);
	etharp_cleanup_netif(n);
	netif_set_link_up(n);
	etharp_gratuitous(n);
	phase(nd, "network_reinit", rdtsc() - t);
	/* A check still running settles this recovery too; one full ends
	 * with what it knows (the gateway unanswered so far). */
	if (nd->nchecks == RECOVERY_CHECKS_MAX)
		end_check(nd, false);
	nd->checks[nd->nchecks++] = nd->now;
	nd->probing = true;
	nd->probe_deadline = rdtsc() + nd->tsc_per_us * 1000 * PROBE_TIMEOUT_MS;
	nd->probe_retry = 0;
	nd->probe_requests = 0;
	nd->check_start = nd->check_turn_at = rdtsc();
	nd->check_max_gap = 0;
	nd->check_turns = 0;
}

void nic_driver_recover(struct nic_driver *nd, enum recovery_mode mode, const char *detected_by,
			const struct contain *c)
{
	struct e1000_dev *faulty = nic_driver_dev(nd);
	/* A fault armed and not struck yet (this recovery is not its own: a
	 * false alarm came first) strikes the driver that takes over, not
	 * the standby it would wait in until the next switch. */
	void (*rx_hook)(struct e1000_dev *) = faulty->fault_hook;
	void (*tx_hook)(struct e1000_dev *) = faulty->tx_fault_hook;
	uint64_t t;

	/* Nothing was injected: a watchdog that misjudged a slow turn (a vCPU
	 * the host did not run for a while) - the unwound driver still needs
	 * recovering, but it is no fault found. */
	if (mode == RECOVERY_REMOTE && !nd->has_rescue)
		mode = RECOVERY_LOCAL;   /* no rescuer configured: say so in the record */
	nd->now = (struct recovery_check){
		.seq = nd->seq,
		.kind = nic_fault_last.fired ? nic_fault_name(nic_fault_last.kind) : "false-alarm",
		.mode = mode == RECOVERY_REMOTE ? "remote" : "local",
		.counting = nic_fault_last.fired,
		.fault_tsc = nic_fault_last.fired ? nic_fault_last.tsc : rdtsc(),
	};
	if (!nic_fault_last.fired)
		nd->false_alarms++;
	hold_records();
	record_fault(nd, detected_by, c);
	exit_phases(nd, c);
	e1000_dev_quiesce(faulty);
	faulty->fault_hook = faulty->tx_fault_hook = 0;
	if (mode == RECOVERY_LOCAL) {
		t = rdtsc();
		nd->active ^= 1;
		nd->sw->uplink = e1000_dev_nic(nic_driver_dev(nd));
		phase(nd, "driver_switch", rdtsc() - t);
	} else {
		t = rdtsc();
		if (!rescue_fetch(&nd->rescue, &nd->inst[0], nd->tsc_per_us * 1000, RESCUE_TIMEOUT_MS))
			nd->now.mode = "remote-failed";
		phase(nd, "ipi_rtt", rdtsc() - t);
		nd->active = 0;
		nd->sw->uplink = e1000_dev_nic(&nd->inst[0]);
	}
	nic_driver_dev(nd)->fault_hook = rx_hook;
	nic_driver_dev(nd)->tx_fault_hook = tx_hook;
	t = rdtsc();
	e1000_dev_start(nic_driver_dev(nd), nd->reset_on_recovery);
	phase(nd, "driver_reinit", rdtsc() - t);
	nd->anomalies = e1000_dev_anomalies(nic_driver_dev(nd));
	network_reinit(nd);
	nic_fault_last.fired = false;
	nd->seq++;
}

void nic_driver_ask_gateway(struct nic_driver *nd)
{
	ip4_addr_t gw;
	ip4_addr_set_u32(&gw, lwip_htonl(GATEWAY));
	etharp_request(&nd->nif->netif, &gw);
}

bool nic_driver_probe_poll(struct nic_driver *nd)
{
	struct eth_addr *mac;
	const ip4_addr_t *ip;
	ip4_addr_t gw;
	bool answered;
	uint64_t now;

	if (!nd->probing)
		return false;
	now = rdtsc();
	if (now - nd->check_turn_at > nd->check_max_gap)
		nd->check_max_gap = now - nd->check_turn_at;
	nd->check_turn_at = now;
	nd->check_turns++;
	ip4_addr_set_u32(&gw, lwip_htonl(GATEWAY));
	answered = etharp_find_addr(&nd->nif->netif, &gw, &mac, &ip) >= 0;
	if (!answered && rdtsc() < nd->probe_deadline) {
		if (rdtsc() >= nd->probe_retry) {
			nic_driver_ask_gateway(nd);
			nd->probe_requests++;
			nd->probe_retry = rdtsc() + nd->tsc_per_us * 1000 * PROBE_RETRY_MS;
		}
		return true;
	}
	end_check(nd, answered);
	nic_driver_release_records();
	return false;
}
