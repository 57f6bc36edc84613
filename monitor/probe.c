/* Isolation probe coordination (see probe.h). */
#include "monitor/probe.h"
#include "monitor/checksum.h"
#include "monitor/log.h"
#include "monitor/spinlock.h"
#include "include/questv/hypercall.h"
#include "lib/x86.h"
#include "monitor/run.h"

static struct spinlock lock;
static volatile unsigned turn;
static uint64_t before[CFG_MAX_SANDBOXES + 1]; /* last slot: the monitor */
static uint64_t arrive_limit, turn_limit;      /* TSC ticks */
static uint64_t first_arrival;                 /* TSC of the first HC_PROBE_BEGIN */
static uint64_t turn_progress_at;              /* TSC of the holder's last progress; 0: in the monitor */
static uint64_t turn_exits;                    /* the holder's probe-window exits by then */

void probe_deadlines(uint64_t tsc_hz)
{
	arrive_limit = tsc_hz / 1000 * PROBE_ARRIVE_MS;
	turn_limit = tsc_hz / 1000 * PROBE_TURN_MS;
}

static bool gone(const struct sandbox *sb)
{
	return sb->state == SB_STOPPED || sb->state == SB_ENDED;
}

static bool everyone_arrived(void)
{
	unsigned i;
	for (i = 0; i < nsandboxes; i++)
		if (sandboxes[i].window == WINDOW_BOOT && !gone(&sandboxes[i]))
			return false;
	return true;
}

static void late(struct sandbox *sb, const char *phase, uint64_t waited)
{
	struct record r;
	rec_begin(&r, "probe_timeout");
	rec_u64(&r, "sandbox", sb->id);
	rec_str(&r, "phase", phase);
	rec_u64(&r, "waited_cycles", waited);
	rec_end(&r);
	sandbox_stop(sb, "probe_timeout");
}

/* Exits SB took in its probe window: its probes of memory, ports, MSRs and
 * hypercalls each exit, so a count that moves is a turn in progress. */
static uint64_t probe_window_exits(const struct sandbox *sb)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < EXIT_NREASONS; r++)
		n += sb->exits[WINDOW_PROBE][r];
	return n;
}

/* Stop whoever holds the others up past a deadline: a sandbox that never
 * asks for its turn, or a turn holder that never ends it. Caller holds lock. */
static void enforce_deadlines(void)
{
	uint64_t now = rdtsc();
	unsigned i;

	if (!everyone_arrived()) {
		if (now - first_arrival > arrive_limit)
			for (i = 0; i < nsandboxes; i++)
				if (sandboxes[i].window == WINDOW_BOOT && !gone(&sandboxes[i]))
					late(&sandboxes[i], "arrive", now - first_arrival);
	} else if (turn < nsandboxes && turn_progress_at) {
		uint64_t exits = probe_window_exits(&sandboxes[turn]);
		if (exits != turn_exits) {
			turn_exits = exits;	/* each probe exits: progress */
			turn_progress_at = now;
		} else if (now - turn_progress_at > turn_limit) {
			late(&sandboxes[turn], "turn", now - turn_progress_at);
			turn_progress_at = 0;
		}
	}
}

/* Skip sandboxes that will never take their turn. Caller holds lock. */
static void settle_turn(void)
{
	while (turn < nsandboxes && gone(&sandboxes[turn]))
		turn++;
}

static uint64_t checksum_of(unsigned target, unsigned prober)
{
	if (target == nsandboxes)
		return monitor_checksum(prober);
	return mem_checksum(sandbox_ptr(&sandboxes[target], 0), sandboxes[target].size);
}

/* Wait until ready(sb), or until sb itself was stopped (false). */
static bool wait_for(struct sandbox *sb, bool (*ready)(struct sandbox *))
{
	for (;;) {
		bool ok;
		spin_lock(&lock);
		enforce_deadlines();
		settle_turn();
		ok = ready(sb);
		spin_unlock(&lock);
		if (ok || gone(sb))
			return ok;
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
	spin_lock(&lock);
	if (!first_arrival)
		first_arrival = rdtsc();
	sb->window = WINDOW_PROBE;
	spin_unlock(&lock);
	if (!wait_for(sb, my_turn))
		return HC_ESTATE;
	for (t = 0; t <= nsandboxes; t++)
		if (t != sb->id)
			before[t] = checksum_of(t, sb->id);
	spin_lock(&lock);
	turn_progress_at = rdtsc();
	turn_exits = probe_window_exits(sb);
	spin_unlock(&lock);
	return 0;
}

long probe_end(struct sandbox *sb)
{
	unsigned t;
	spin_lock(&lock);
	if (sb->window != WINDOW_PROBE || gone(sb) || turn != sb->id) {
		spin_unlock(&lock);
		return HC_ESTATE;
	}
	turn_progress_at = 0;         /* the checksums below are the monitor's time */
	spin_unlock(&lock);
	for (t = 0; t <= nsandboxes; t++) {
		struct record r;
		uint64_t after;
		char name[16] = "sandbox:";
		if (t == sb->id)
			continue;
		after = checksum_of(t, sb->id);
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
