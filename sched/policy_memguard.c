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
 * before the next scheduling point. Under the vPMU (no overflow interrupt)
 * the policy bounds that with a check timer: while best effort runs, the
 * next decision is due when the remaining budget would be used up at the
 * running VCPU's average miss rate so far (never later than the period's
 * end); the overshoot is then what a change of rate within one run, and
 * the timer's lateness, cause.
 * On hardware a counter-overflow interrupt at the remaining budget
 * (pmc_overflow_arm, pmc.h) ends the run exactly there.
 *
 * A run's misses count in the period it was sampled in, before that
 * period is rolled over: a run cut at the period's end belongs to the
 * period that ends.
 *
 * Parameters (sched_core_set_param): "budget" = LLC misses per period
 * (> 0), "period" = regulation period in cycles (> 0). Until a budget is
 * set, best-effort work is not regulated. Statistics: periods that ended,
 * periods in which best effort was throttled, the most best-effort misses
 * of any period.
 */
#include <stddef.h>

#include "sched/core.h"

enum { PERIOD, BUDGET, PERIOD_END, MISSES, PERIODS, THROTTLED, MAX_MISSES, THROTTLED_NOW,
       OVER };

/* A period "over" its budget ran more than 5% past it. */
#define OVER_PERCENT 105

/* The check timer never comes sooner than this fraction of the period. */
#define MIN_CHECK_DIV 200

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
		if (st[MISSES] > st[MAX_MISSES])
			st[MAX_MISSES] = st[MISSES];
		if (st[BUDGET] && st[MISSES] * 100 > st[BUDGET] * OVER_PERCENT)
			st[OVER]++;
		st[PERIODS]++;
		st[MISSES] = 0;
		st[THROTTLED_NOW] = 0;
	}
}

static int throttled(struct sched_core *c)
{
	uint64_t *st = c->policy_state;
	if (!st[BUDGET] || st[MISSES] < st[BUDGET])
		return 0;
	if (!st[THROTTLED_NOW]++)
		st[THROTTLED]++;
	return 1;
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
	return best_be && throttled(c) ? NULL : best_be;
}

static void memguard_on_pmc_sample(struct sched_core *c, struct vcpu *v,
				   const struct sched_pmc_sample *s)
{
	vcpu_record_pmc(v, s);
	if (v->kind == VCPU_BE)
		c->policy_state[MISSES] += s->llc_misses;
	roll_period(c, s->t);
}

/* While best-effort work waits, decide again when the period ends; while it
 * runs, also when it would use up the rest of the budget at its average
 * rate (misses per cycle it was charged). */
static uint64_t memguard_next_event(const struct sched_core *c, uint64_t now)
{
	const uint64_t *st = c->policy_state;
	uint64_t at = SCHED_NEVER;

	if (!st[PERIOD])
		return SCHED_NEVER;
	for (unsigned i = 0; i < c->count; i++)
		if (c->slot[i]->kind == VCPU_BE && c->slot[i]->ready)
			at = st[PERIOD_END];
	if (c->running && c->running->kind == VCPU_BE && st[BUDGET] && c->running->stats.llc_misses &&
	    st[MISSES] < st[BUDGET]) {
		const struct vcpu_stats *r = &c->running->stats;
		uint64_t left = sched_muldiv(st[BUDGET] - st[MISSES], r->used, r->llc_misses, 0);
		uint64_t floor = st[PERIOD] / MIN_CHECK_DIV;
		uint64_t check = now + (left > floor ? left : floor);
		if (check < at)
			at = check;
	}
	return at;
}

/* Best effort running under a budget: the misses it has left this period
 * (at least 1: a spent budget throttles at the next decision anyway). */
static uint64_t memguard_miss_budget(const struct sched_core *c)
{
	const uint64_t *st = c->policy_state;
	if (!c->running || c->running->kind != VCPU_BE || !st[BUDGET])
		return SCHED_NEVER;
	return st[MISSES] < st[BUDGET] ? st[BUDGET] - st[MISSES] : 1;
}

static int memguard_stat(const struct sched_core *c, unsigned i, const char **name, uint64_t *value)
{
	static const struct { const char *name; unsigned slot; } stats[] = {
		{ "mg_budget", BUDGET }, { "mg_periods", PERIODS },
		{ "mg_throttled_periods", THROTTLED }, { "mg_max_period_misses", MAX_MISSES },
		{ "mg_periods_over_5pct", OVER },
	};
	if (i >= sizeof stats / sizeof stats[0])
		return -1;
	*name = stats[i].name;
	*value = c->policy_state[stats[i].slot];
	return 0;
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
	c->policy_state[MISSES] = 0;
	return 0;
}

const struct sched_policy sched_policy_memguard = {
	.name = "memguard",
	.admit = sched_admit_rm,
	.pick_next = memguard_pick_next,
	.on_pmc_sample = memguard_on_pmc_sample,
	.next_event = memguard_next_event,
	.miss_budget = memguard_miss_budget,
	.set_param = memguard_set_param,
	.stat = memguard_stat,
};
