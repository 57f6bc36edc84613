#include <stddef.h>

#include "sched/core.h"

void sched_core_init(struct sched_core *c, const struct sched_policy *p,
		     struct vcpu **slots, unsigned nslots,
		     const struct sched_trace *trace)
{
	c->ops = *p;
	c->ops.init = p->init ? p->init : sched_generic_init;
	c->ops.charge = p->charge ? p->charge : sched_generic_charge;
	c->ops.on_block = p->on_block ? p->on_block : sched_generic_on_block;
	c->ops.on_wake = p->on_wake ? p->on_wake : sched_generic_on_wake;
	c->ops.on_tick = p->on_tick ? p->on_tick : sched_generic_on_tick;
	c->ops.on_pmc_sample = p->on_pmc_sample ? p->on_pmc_sample : sched_generic_on_pmc_sample;
	c->ops.stats = p->stats ? p->stats : sched_generic_stats;
	c->policy = &c->ops;
	c->slot = slots;
	c->nslots = nslots < SCHED_CORE_MAX_SLOTS ? nslots : SCHED_CORE_MAX_SLOTS;
	c->count = 0;
	c->running = NULL;
	c->since = 0;
	c->trace.replenish = trace ? trace->replenish : NULL;
	c->trace.ctx = trace ? trace->ctx : NULL;
	c->decisions = 0;
	repl_tree_init(&c->repl, c->nslots);
	c->be_slice = 0;
	c->llc_lines = 0;
	c->board = NULL;
	c->board_self = 0;
	for (unsigned i = 0; i < sizeof c->policy_state / sizeof c->policy_state[0]; i++)
		c->policy_state[i] = 0;
	c->ops.init(c);
}

int sched_core_admit(struct sched_core *c, struct vcpu *v, struct sched_verdict *why)
{
	why->reason = NULL;
	if (c->count == c->nslots) {
		why->reason = "no free VCPU slot on this core";
		return -1;
	}
	if (c->policy->admit(c, v, why) != 0)
		return -1;
	v->id = c->count;
	v->trace = &c->trace;
	c->slot[c->count++] = v;
	return 0;
}

/* v may have posted or taken a replenishment: keep its leaf current. */
static void note_repl(struct sched_core *c, const struct vcpu *v)
{
	repl_tree_set(&c->repl, v->id, vcpu_next_replenish(v));
}

struct vcpu *sched_core_schedule(struct sched_core *c, uint64_t now, uint64_t *timer_at)
{
	uint64_t next;
	struct vcpu *v;

	c->decisions++;
	c->policy->charge(c, now);
	if (c->running)
		note_repl(c, c->running);
	c->policy->on_tick(c, now);
	v = c->policy->pick_next(c, now);
	c->running = v;
	c->since = now;
	next = repl_tree_min(&c->repl);
	if (v && v->kind != VCPU_BE && now + v->budget < next)
		next = now + v->budget;
	if (v && v->kind == VCPU_BE && c->be_slice && now + c->be_slice < next)
		next = now + c->be_slice;
	if (c->policy->next_event) {
		uint64_t e = c->policy->next_event(c, now);
		if (e < next)
			next = e;
	}
	*timer_at = next;
	return v;
}

int sched_core_set_param(struct sched_core *c, const char *name, uint64_t value,
			 const char **why)
{
	int llc = sched_name_is(name, "llc_lines");

	if (llc || sched_name_is(name, "be_slice")) {
		if (!value) {
			*why = "llc_lines and be_slice must be > 0";
			return -1;
		}
		*(llc ? &c->llc_lines : &c->be_slice) = value;
		return 0;
	}
	if (!c->policy->set_param) {
		*why = "this policy has no parameters";
		return -1;
	}
	return c->policy->set_param(c, name, value, why);
}

void sched_core_wake(struct sched_core *c, struct vcpu *v, uint64_t now,
		     uint64_t inherit_period)
{
	c->policy->on_wake(c, v, now, inherit_period);
	note_repl(c, v);
}

void sched_core_block(struct sched_core *c, struct vcpu *v, uint64_t now)
{
	if (v == c->running)
		c->policy->charge(c, now);
	c->policy->on_block(c, v, now);
	note_repl(c, v);
}

uint64_t sched_core_miss_budget(const struct sched_core *c)
{
	return c->policy->miss_budget ? c->policy->miss_budget(c) : SCHED_NEVER;
}

void sched_core_pmc_sample(struct sched_core *c, struct vcpu *v,
			   const struct sched_pmc_sample *s)
{
	/* MPKI over whole windows: a sample of a few thousand instructions (a
	 * VCPU preempted at once, or one the emulator hardly ran in its turn)
	 * is mostly the kernel refilling its lines, and alone would make a
	 * CPU-bound VCPU look like a polluter. */
	v->mpki_insns += s->instructions;
	v->mpki_misses += s->llc_misses;
	if (v->mpki_insns >= SCHED_MPKI_WINDOW) {
		v->mpki_milli = llc_mpki_milli(v->mpki_misses, v->mpki_insns);
		v->mpki_insns = v->mpki_misses = 0;
	}
	if (c->llc_lines && s->llc_fills_global)
		llc_estimate_update(&v->llc, c->llc_lines, s->llc_misses, s->llc_fills_global);
	c->policy->on_pmc_sample(c, v, s);
}

void sched_core_llc_catch_up(struct sched_core *c, struct vcpu *v, uint64_t fills_global)
{
	if (c->llc_lines && fills_global)
		llc_estimate_update(&v->llc, c->llc_lines, 0, fills_global);
}

/* rm and edf keep no state beyond what sched_core_init() resets. */
void sched_generic_init(struct sched_core *c)
{
	(void)c;
}

void sched_generic_charge(struct sched_core *c, uint64_t now)
{
	if (c->running && now > c->since)
		vcpu_charge(c->running, now - c->since);
	c->since = now;
}

void sched_generic_on_block(struct sched_core *c, struct vcpu *v, uint64_t now)
{
	(void)c;
	(void)now;
	vcpu_block(v);
}

void sched_generic_on_wake(struct sched_core *c, struct vcpu *v, uint64_t now,
			   uint64_t inherit_period)
{
	(void)c;
	vcpu_wake(v, now, inherit_period);
}

/* Visits only the VCPUs with a replenishment due, O(log n) each. One may
 * come back due at once (an activation older than T closed by the arrival):
 * it is visited again, and a second visit posts nothing new. */
void sched_generic_on_tick(struct sched_core *c, uint64_t now)
{
	while (repl_tree_min(&c->repl) <= now) {
		struct vcpu *v = c->slot[repl_tree_top(&c->repl)];

		vcpu_replenish(v, now);
		note_repl(c, v);
	}
}

void sched_generic_on_pmc_sample(struct sched_core *c, struct vcpu *v,
				 const struct sched_pmc_sample *s)
{
	(void)c;
	vcpu_record_pmc(v, s);
}

void sched_generic_stats(const struct sched_core *c, const struct vcpu *v,
			 struct vcpu_stats *out)
{
	(void)c;
	*out = v->stats;
}
