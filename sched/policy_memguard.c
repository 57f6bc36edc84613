/* memguard: rate-monotonic reservations plus a per-core LLC-miss budget for
 * best-effort work, after MemGuard (Yun, Yao, Pellizzoni, Caccamo, Sha,
 * "MemGuard: Memory Bandwidth Reservation System for Efficient Performance
 * Isolation in Multi-core Platforms", RTAS 2013).
 *
 * Rule: Main and I/O VCPUs are admitted and scheduled exactly as under `rm`
 * and are never throttled: their reservation is the real-time guarantee.
 * Best-effort VCPUs (vcpu NAME be) share what is left, but the LLC misses
 * they cause are counted per regulation period (default 1 ms); once they
 * reach the core's budget, best-effort work is throttled until the next
 * period begins. Misses are known from PMC samples taken at scheduling
 * points, so a budget can be overshot by what one best-effort run causes
 * before the next scheduling point: the kernel bounds that run with the
 * core's be_slice (a check timer), and on hardware a counter-overflow
 * interrupt at the budget removes the overshoot.
 *
 * Parameters (sched_core_set_param): "budget" = LLC misses per period
 * (> 0), "period" = regulation period in cycles (> 0). Until a budget is
 * set, best-effort work is not regulated.
 */
#include <stddef.h>

#include "core.h"

enum { PERIOD, BUDGET, PERIOD_END, MISSES };

static uint64_t rt_key(const struct vcpu *v)
{
	return v->period;
}

/* Start the period that contains now (periods are aligned to the first). */
static void roll_period(struct sched_core *c, uint64_t now)
{
	uint64_t *st = c->policy_state;
	if (!st[PERIOD])
		return;
	if (!st[PERIOD_END])
		st[PERIOD_END] = now + st[PERIOD];
	if (now >= st[PERIOD_END]) {
		st[PERIOD_END] += ((now - st[PERIOD_END]) / st[PERIOD] + 1) * st[PERIOD];
		st[MISSES] = 0;
	}
}

static int throttled(const struct sched_core *c)
{
	const uint64_t *st = c->policy_state;
	return st[BUDGET] && st[MISSES] >= st[BUDGET];
}

static struct vcpu *memguard_pick_next(struct sched_core *c, uint64_t now)
{
	struct vcpu *best = NULL, *best_be = NULL;

	roll_period(c, now);
	for (unsigned i = 0; i < c->count; i++) {
		struct vcpu *v = c->slot[i];
		if (!vcpu_runnable(v))
			continue;
		if (v->kind == VCPU_BE) {
			if (!best_be || sched_be_key(v) < sched_be_key(best_be))
				best_be = v;
		} else if (!best || rt_key(v) < rt_key(best)) {
			best = v;
		}
	}
	if (best)
		return best;
	return throttled(c) ? NULL : best_be;
}

static void memguard_on_pmc_sample(struct sched_core *c, struct vcpu *v,
				   const struct sched_pmc_sample *s)
{
	vcpu_record_pmc(v, s);
	roll_period(c, s->t);
	if (v->kind == VCPU_BE)
		c->policy_state[MISSES] += s->llc_misses;
}

/* While best-effort work waits or runs, decide again when the period ends. */
static uint64_t memguard_next_event(const struct sched_core *c, uint64_t now)
{
	(void)now;
	for (unsigned i = 0; i < c->count; i++)
		if (c->slot[i]->kind == VCPU_BE && c->slot[i]->ready && c->policy_state[PERIOD])
			return c->policy_state[PERIOD_END];
	return SCHED_NEVER;
}

static int memguard_set_param(struct sched_core *c, const char *name, uint64_t value,
			      const char **why)
{
	int is_budget = sched_name_is(name, "budget"), is_period = sched_name_is(name, "period");

	if (!is_budget && !is_period) {
		*why = "memguard: unknown parameter (budget, period)";
		return -1;
	}
	if (value == 0) {
		*why = "memguard: budget and period must be > 0";
		return -1;
	}
	c->policy_state[is_budget ? BUDGET : PERIOD] = value;
	c->policy_state[PERIOD_END] = 0;
	return 0;
}

const struct sched_policy sched_policy_memguard = {
	.name = "memguard",
	.init = sched_generic_init,
	.admit = sched_admit_rm,
	.pick_next = memguard_pick_next,
	.charge = sched_generic_charge,
	.on_block = sched_generic_on_block,
	.on_wake = sched_generic_on_wake,
	.on_tick = sched_generic_on_tick,
	.on_pmc_sample = memguard_on_pmc_sample,
	.stats = sched_generic_stats,
	.next_event = memguard_next_event,
	.set_param = memguard_set_param,
};
