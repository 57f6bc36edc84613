/* I/O VCPU = PIBS, the priority-inheritance bandwidth-preserving server of
 * Quest (Danish, Li, West, "Virtual-CPU Scheduling in the Quest Operating
 * System", RTAS 2011).  An I/O VCPU has a utilization U and no period of its
 * own: an activation inherits the period T of the Main VCPU whose thread
 * caused the I/O (and with it that VCPU's priority), and gets a budget of
 * U*T.  When it blocks or exhausts that budget after consuming `used` cycles
 * from activation start s, it may not start again before s + used/U, when its
 * single pending replenishment restores U*T.  So it consumes at rate <= U
 * with bursts <= U*T, and costs one timer instead of a replenishment queue.
 *
 * Rounding is always against the VCPU: budget U*T rounds down, the
 * eligibility push used/U rounds up. */
#include "sched/server.h"

uint64_t vcpu_io_budget(uint32_t u_ppm, uint64_t period)
{
	return sched_muldiv(period, u_ppm, SCHED_PPM, 0);
}

void pibs_close(struct vcpu *v)
{
	v->open = false;
	if (v->used == 0)
		return; /* nothing consumed: nothing to repay, budget stays */
	v->s.io.pending = true;
	v->s.io.eligible = v->act + sched_muldiv(v->used, SCHED_PPM, v->s.io.u_ppm, 1);
	v->s.io.last_act = v->act;
	v->s.io.last_used = v->used;
	v->budget = 0;
	v->used = 0;
}

static void start(struct vcpu *v, uint64_t now)
{
	v->budget = vcpu_io_budget(v->s.io.u_ppm, v->period);
	server_open(v, now);
}

void pibs_wake(struct vcpu *v, uint64_t now, uint64_t inherit_period)
{
	if (v->open)
		return; /* the running activation keeps the priority it inherited */
	v->period = inherit_period;
	if (!v->s.io.pending)
		start(v, now);
}

void pibs_replenish(struct vcpu *v, uint64_t now)
{
	struct sched_event ev;

	if (!v->s.io.pending || v->s.io.eligible > now)
		return;
	v->s.io.pending = false;
	v->stats.replenishments++;
	ev = (struct sched_event){
		.v = v, .t = now, .amount = vcpu_io_budget(v->s.io.u_ppm, v->period),
		.act = v->s.io.last_act, .used = v->s.io.last_used,
		.period = v->period, .merged = false,
	};
	server_report(v, &ev);
	if (v->ready)
		start(v, now);
}

uint64_t pibs_next_replenish(const struct vcpu *v)
{
	return v->s.io.pending ? v->s.io.eligible : SCHED_NEVER;
}
