/* The fault plan of the driver sandbox (see net_faults.h). */
#include "kernel/net/recovery/net_faults.h"
#include "kernel/net/recovery/nic_fault.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/xorshift.h"

#define WILD_OFFSET (64ull << 20)   /* beyond RAM, below the shared regions */
#define DETECT_MS   1000            /* a strike not found by then is reported undetected */
#define MSI_WINDOW  0xFEE00000ull   /* compatibility format: destination APIC ID in bits 19:12 */

static struct {
	bool active;
	bool random_kind;             /* all: a random kind each time */
	unsigned nkinds;              /* else these, in turn */
	enum nic_fault_kind kinds[NIC_FAULT_KINDS * 2];
	enum plan_mode { MODE_LOCAL, MODE_REMOTE, MODE_ALTERNATE, MODE_BAD } mode;
	uint64_t count, gap_ms, seed, rng, next_ms;
	uint64_t injected;
	uint64_t detect_by_ms;       /* the last strike must be found by then */
	uint64_t undetected;
	uint64_t bad_dma_target, wild_target, irq_target;
	bool end_after;
	uint64_t strikes_told;       /* nic_fault_last.n when last looked at */
} plan;

static unsigned word_len(const char *v)
{
	unsigned n = 0;
	while (v[n] && v[n] != ' ')
		n++;
	return n;
}

/* "all", or a comma list of kinds (cycled through in order). 0 or -1. */
static int parse_kinds(const char *v, unsigned len)
{
	unsigned at = 0;

	plan.random_kind = len == 3 && !strncmp(v, "all", 3);
	plan.nkinds = 0;
	while (!plan.random_kind && at < len) {
		unsigned n = 0;
		int k;
		while (at + n < len && v[at + n] != ',')
			n++;
		if ((k = nic_fault_parse(v + at, n)) < 0 || plan.nkinds == NIC_FAULT_KINDS * 2)
			return -1;
		plan.kinds[plan.nkinds++] = (enum nic_fault_kind)k;
		at += n + 1;
	}
	return plan.random_kind || plan.nkinds ? 0 : -1;
}

static bool plan_has(enum nic_fault_kind k)
{
	for (unsigned i = 0; i < plan.nkinds; i++)
		if (plan.kinds[i] == k)
			return true;
	return plan.random_kind && k != NIC_FAULT_DMA_IRQ;
}

static enum plan_mode parse_mode(const char *v, unsigned len)
{
	static const char *const names[] = { "local", "remote", "alternate" };
	for (unsigned m = 0; m < MODE_BAD; m++)
		if (strlen(names[m]) == len && !strncmp(v, names[m], len))
			return (enum plan_mode)m;
	return MODE_BAD;
}

/* The interrupt window aimed at the first other sandbox's core. */
static uint64_t window_target(void)
{
	const struct bootinfo *bi = kinfo.bi;
	for (unsigned i = 0; i < bi->nsandboxes && i < BOOTINFO_MAX_PEERS; i++)
		if (i != bi->sandbox)
			return MSI_WINDOW | (uint64_t)(bi->peer_apic[i] & 0xff) << 12;
	return 0;
}

/* Another sandbox's kernel code, as the monitor names it for the probe. */
static uint64_t foreign_target(void)
{
	for (unsigned i = 0; i < kinfo.bi->ntargets && i < BOOTINFO_MAX_TARGETS; i++)
		if (!strncmp(kinfo.bi->target[i].name, "sandbox:", 8))
			return kinfo.bi->target[i].addr;
	return 0;
}

int net_faults_plan(const struct nic_driver *nd, const char **why)
{
	const char *kind = arg_value("nicfault"), *mode = arg_value("nicfault_mode");

	if (!kind)
		return 0;
	if (parse_kinds(kind, word_len(kind))) {
		*why = "nicfault= must be all or a comma list of wild-write, descriptor-corruption, "
		       "hang, bad-dma, dma-handover, tx-wild-write, tx-hang, dma-irq";
		return -1;
	}
	plan.mode = !mode ? MODE_LOCAL : parse_mode(mode, word_len(mode));
	if (plan.mode == MODE_BAD) {
		*why = "nicfault_mode= must be local, remote or alternate";
		return -1;
	}
	if ((plan_has(NIC_FAULT_HANG) || plan_has(NIC_FAULT_TX_HANG) || plan.mode != MODE_LOCAL) &&
	    !nd->has_rescue) {
		*why = "hang faults and remote recovery need a rescuer: a shared region named rescue";
		return -1;
	}
	plan.count = arg_u64("nicfaults", 1);
	plan.gap_ms = arg_u64("nicfault_gap_ms", 100);
	plan.seed = arg_u64("fault_seed", 1);
	plan.rng = plan.seed ? plan.seed : 1;
	plan.next_ms = arg_u64("nicfault_at_ms", 1000);
	plan.end_after = arg_present("end_after_faults");
	plan.bad_dma_target = foreign_target();
	plan.wild_target = kinfo.mem_bytes + WILD_OFFSET;
	plan.irq_target = window_target();
	if (!plan.bad_dma_target || paging_map_page(plan.wild_target, 1) ||
	    (plan_has(NIC_FAULT_DMA_IRQ) && !plan.irq_target)) {
		*why = "no foreign address to aim faults at";
		return -1;
	}
	plan.active = true;
	return 0;
}

/* One record per fault armed: the campaign's count of what was injected
 * does not depend on what was found. */
static void record_armed(int kind, uint64_t now_ms)
{
	struct record r;
	rec_begin(&r, "inject");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "n", plan.injected);
	rec_str(&r, "kind", nic_fault_name((enum nic_fault_kind)kind));
	rec_u64(&r, "t_ms", now_ms);
	rec_end(&r);
}

/* Strikes settled: found (recoveries less false alarms) or given up on. */
static uint64_t resolved(const struct nic_driver *nd)
{
	return nd->seq - nd->false_alarms + plan.undetected;
}

static void record_undetected(uint64_t now_ms)
{
	struct record r;
	rec_begin(&r, "undetected");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "n", plan.injected - 1);
	rec_u64(&r, "t_ms", now_ms);
	rec_end(&r);
	plan.undetected++;
}

/* A dma-irq strike, once the device took its frame: how many attempts
 * that needed and how long from the first (nic_fault.h). */
static void record_strike(uint64_t now_ms)
{
	const struct nic_fault_shot *s = &nic_fault_last;
	uint64_t tsc_per_us = kinfo.tsc_hz / 1000000 ? kinfo.tsc_hz / 1000000 : 1;
	struct record r;
	rec_begin(&r, "strike");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "n", plan.injected - 1);
	rec_str(&r, "kind", nic_fault_name(s->kind));
	rec_u64(&r, "tries", s->tries);
	rec_u64(&r, "wait_us", (s->tsc - s->first_tsc) / tsc_per_us);
	rec_u64(&r, "t_ms", now_ms);
	rec_end(&r);
}

void net_faults_tick(struct nic_driver *nd, uint64_t now_ms)
{
	struct e1000_dev *d = nic_driver_dev(nd);
	uint64_t r;
	int kind;

	if (!plan.active)
		return;
	if (nic_fault_last.n != plan.strikes_told) {
		plan.strikes_told = nic_fault_last.n;
		if (nic_fault_last.kind == NIC_FAULT_DMA_IRQ)
			record_strike(now_ms);
	}
	if (nd->probing)
		return;
	if (d->fault_hook || d->tx_fault_hook) {   /* armed, not struck yet */
		if (now_ms < plan.detect_by_ms)
			return;
		/* A send strike with no frame sent for a second: given up on
		 * (undetected below), so a campaign never waits for good. */
		d->fault_hook = 0;
		d->tx_fault_hook = 0;
	}
	/* One fault at a time: the previous one found (and recovered), or given up on. */
	if (resolved(nd) < plan.injected) {
		if (now_ms < plan.detect_by_ms)
			return;
		record_undetected(now_ms);
	}
	if (plan.injected == plan.count || now_ms < plan.next_ms)
		return;
	r = xorshift64(&plan.rng);
	kind = plan.random_kind ? (int)(r % NIC_FAULT_DMA_IRQ)      /* net_faults.h: all */
				: (int)plan.kinds[plan.injected % plan.nkinds];
	nic_fault_arm(d, (enum nic_fault_kind)kind, plan.bad_dma_target, plan.wild_target,
		      plan.irq_target, r);
	/* A send strike waits for a frame: have the stack send one now. */
	if (nic_fault_in_tx((enum nic_fault_kind)kind))
		nic_driver_ask_gateway(nd);
	record_armed(kind, now_ms);
	plan.injected++;
	plan.detect_by_ms = now_ms + DETECT_MS;
	plan.next_ms = now_ms + plan.gap_ms / 2 + (plan.gap_ms ? xorshift64(&plan.rng) % plan.gap_ms : 0);
}

/* alternate: local, then remote; with a kind list, a whole pass through the
 * list in one mode, then the next pass in the other, so every kind meets
 * both. */
enum recovery_mode net_faults_mode(void)
{
	uint64_t n = plan.injected ? plan.injected - 1 : 0;   /* the fault being recovered */
	if (plan.mode == MODE_ALTERNATE)
		return (plan.random_kind ? n : n / plan.nkinds) % 2 ? RECOVERY_REMOTE : RECOVERY_LOCAL;
	return plan.mode == MODE_REMOTE ? RECOVERY_REMOTE : RECOVERY_LOCAL;
}

bool net_faults_finished(const struct nic_driver *nd)
{
	return plan.active && plan.end_after && plan.injected == plan.count && !nd->probing &&
	       resolved(nd) == plan.injected;
}

void net_faults_report(const struct nic_driver *nd)
{
	struct record r;
	if (!plan.active)
		return;
	rec_begin(&r, "fault_campaign");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "injected", plan.injected);
	rec_u64(&r, "detected", nd->seq - nd->false_alarms);
	rec_u64(&r, "false_alarms", nd->false_alarms);
	rec_u64(&r, "recovered", nd->recovered);
	rec_u64(&r, "not_recovered", nd->not_recovered + plan.undetected);
	rec_u64(&r, "undetected", plan.undetected);
	rec_u64(&r, "seed", plan.seed);
	rec_end(&r);
}
