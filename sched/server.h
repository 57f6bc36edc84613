/* Internal: the two budget servers behind the vcpu.h dispatch.  Not for use
 * outside sched/. */
#ifndef SCHED_SERVER_H
#define SCHED_SERVER_H

#include "sched/vcpu.h"

/* Sporadic server (Main VCPU), sporadic.c */
void ss_wake(struct vcpu *v, uint64_t now);
void ss_close(struct vcpu *v);
void ss_replenish(struct vcpu *v, uint64_t now);
uint64_t ss_next_replenish(const struct vcpu *v);

/* PIBS (I/O VCPU), pibs.c */
void pibs_wake(struct vcpu *v, uint64_t now, uint64_t inherit_period);
void pibs_close(struct vcpu *v);
void pibs_replenish(struct vcpu *v, uint64_t now);
uint64_t pibs_next_replenish(const struct vcpu *v);
/* I/O budget for one activation: floor(U * period), in cycles. */
uint64_t vcpu_io_budget(uint32_t u_ppm, uint64_t period);

/* Start an activation at `now` (both kinds). */
static inline void server_open(struct vcpu *v, uint64_t now)
{
	v->open = true;
	v->act = now;
	v->used = 0;
}

/* Report a replenishment to the VCPU's trace sink, if any. */
static inline void server_report(const struct vcpu *v, const struct sched_event *ev)
{
	if (v->trace && v->trace->replenish)
		v->trace->replenish(v->trace->ctx, ev);
}

#endif
