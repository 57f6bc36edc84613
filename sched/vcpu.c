/* VCPU life cycle common to both kinds, dispatching the rules that differ
 * (replenishment) to sporadic.c and pibs.c. */
#include "sched/vcpu.h"
#include "sched/server.h"

#define PERIOD_LIMIT (1ull << 62) /* keeps C + T and U*T products in range */

static void init_common(struct vcpu *v, const char *name, enum vcpu_kind kind)
{
	struct vcpu_stats zero = { 0 };

	v->name = name;
	v->kind = kind;
	v->id = 0;
	v->ready = false;
	v->open = false;
	v->act = 0;
	v->used = 0;
	v->trace = 0;
	v->stats = zero;
	v->mpki_milli = v->mpki_insns = v->mpki_misses = 0;
	llc_estimate_init(&v->llc, 0);
	v->llc_peak = v->llc_peak_prev = v->llc_peak_act = 0;
}

int vcpu_init_main(struct vcpu *v, const char *name, uint64_t C, uint64_t T)
{
	if (C == 0 || C > T || T > PERIOD_LIMIT)
		return -1;
	init_common(v, name, VCPU_MAIN);
	v->budget = C;
	v->period = T;
	v->s.main.capacity = C;
	v->s.main.head = 0;
	v->s.main.count = 0;
	return 0;
}

int vcpu_init_io(struct vcpu *v, const char *name, uint32_t u_ppm)
{
	if (u_ppm == 0 || u_ppm > SCHED_PPM)
		return -1;
	init_common(v, name, VCPU_IO);
	v->budget = 0;  /* set from the inherited period at the first wake */
	v->period = 0;
	v->s.io.u_ppm = u_ppm;
	v->s.io.pending = false;
	v->s.io.eligible = 0;
	v->s.io.last_act = 0;
	v->s.io.last_used = 0;
	return 0;
}

void vcpu_init_be(struct vcpu *v, const char *name)
{
	init_common(v, name, VCPU_BE);
	v->budget = 0;
	v->period = 0;
}

void vcpu_wake(struct vcpu *v, uint64_t now, uint64_t inherit_period)
{
	v->ready = true;
	if (v->kind == VCPU_MAIN)
		ss_wake(v, now);
	else if (v->kind == VCPU_IO)
		pibs_wake(v, now, inherit_period);
}

static void close_activation(struct vcpu *v)
{
	if (!v->open)         /* best-effort VCPUs never open one */
		return;
	if (v->kind == VCPU_MAIN)
		ss_close(v);
	else
		pibs_close(v);
}

void vcpu_block(struct vcpu *v)
{
	v->ready = false;
	close_activation(v);
}

void vcpu_charge(struct vcpu *v, uint64_t ran)
{
	uint64_t paid = ran < v->budget ? ran : v->budget;

	if (v->kind == VCPU_BE) {
		v->stats.used += ran;
		return;
	}
	if (ran > paid && ran - paid > v->stats.max_overrun)
		v->stats.max_overrun = ran - paid;
	v->stats.used += ran;
	v->budget -= paid;
	v->used += paid;
	if (v->budget == 0 && ran > 0)
		close_activation(v);
}

void vcpu_replenish(struct vcpu *v, uint64_t now)
{
	if (v->kind == VCPU_MAIN)
		ss_replenish(v, now);
	else if (v->kind == VCPU_IO)
		pibs_replenish(v, now);
}

uint64_t vcpu_next_replenish(const struct vcpu *v)
{
	if (v->kind == VCPU_BE)
		return SCHED_NEVER;
	return v->kind == VCPU_MAIN ? ss_next_replenish(v) : pibs_next_replenish(v);
}

void vcpu_record_pmc(struct vcpu *v, const struct sched_pmc_sample *s)
{
	v->stats.pmc_samples++;
	v->stats.instructions += s->instructions;
	v->stats.llc_refs += s->llc_refs;
	v->stats.llc_misses += s->llc_misses;
	v->stats.last_pmc_at = s->t;
}
