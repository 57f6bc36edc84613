/* Isolation probe coordination (see probe.h). */
#include "monitor/probe.h"
#include "monitor/checksum.h"
#include "monitor/log.h"
#include "monitor/spinlock.h"
#include "include/questv/hypercall.h"
#include "lib/x86.h"

extern char monitor_start[], monitor_ro_end[];

static struct spinlock lock;
static volatile unsigned turn;
static uint64_t before[CFG_MAX_SANDBOXES + 1]; /* last slot: the monitor */

static bool gone(const struct sandbox *sb)
{
	return sb->state == SB_STOPPED || sb->state == SB_ENDED;
}

/* Skip sandboxes that will never take their turn. Caller holds lock. */
static void settle_turn(void)
{
	while (turn < nsandboxes && gone(&sandboxes[turn]))
		turn++;
}

static bool everyone_arrived(void)
{
	unsigned i;
	for (i = 0; i < nsandboxes; i++)
		if (sandboxes[i].window == WINDOW_BOOT && !gone(&sandboxes[i]))
			return false;
	return true;
}

static uint64_t checksum_of(unsigned target)
{
	if (target == nsandboxes)
		return mem_checksum(monitor_start, (uint64_t)(monitor_ro_end - monitor_start));
	return mem_checksum(sandbox_ptr(&sandboxes[target], 0), sandboxes[target].size);
}

static void wait_for(struct sandbox *sb, bool (*ready)(struct sandbox *))
{
	for (;;) {
		spin_lock(&lock);
		settle_turn();
		if (ready(sb)) {
			spin_unlock(&lock);
			return;
		}
		spin_unlock(&lock);
		cpu_relax();
	}
}

static bool my_turn(struct sandbox *sb) { return everyone_arrived() && turn == sb->id; }
static bool all_probed(struct sandbox *sb) { (void)sb; return turn >= nsandboxes; }

long probe_begin(struct sandbox *sb)
{
	unsigned t;
	if (sb->window != WINDOW_BOOT)
		return HC_ESTATE;
	sb->window = WINDOW_PROBE;
	wait_for(sb, my_turn);
	for (t = 0; t <= nsandboxes; t++)
		if (t != sb->id)
			before[t] = checksum_of(t);
	return 0;
}

long probe_end(struct sandbox *sb)
{
	unsigned t;
	if (sb->window != WINDOW_PROBE)
		return HC_ESTATE;
	for (t = 0; t <= nsandboxes; t++) {
		struct record r;
		uint64_t after;
		char name[16] = "sandbox:";
		if (t == sb->id)
			continue;
		after = checksum_of(t);
		fmt_u64(name + 8, t);
		rec_begin(&r, "isolation_checksum");
		rec_u64(&r, "sandbox", sb->id);
		rec_str(&r, "target", t == nsandboxes ? "monitor" : name);
		rec_hex(&r, "before", before[t]);
		rec_hex(&r, "after", after);
		rec_bool(&r, "unchanged", after == before[t]);
		rec_end(&r);
	}
	spin_lock(&lock);
	sb->window = WINDOW_STEADY;
	turn++;
	spin_unlock(&lock);
	wait_for(sb, all_probed);
	return 0;
}
