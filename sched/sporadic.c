/* Main VCPU = sporadic server with budget C and period T.
 *
 * We follow the corrected sporadic server of Stanovich, Baker, Wang and
 * Gonzalez Harbour, "Defects of the POSIX Sporadic Server and How to Correct
 * Them", RTAS 2010, which removes the two POSIX defects:
 *
 *  - Budget amplification: POSIX could post replenishments larger than what
 *    was consumed since the activation, so budget grew past C.  Here a
 *    replenishment repays exactly the cycles charged to one activation, so
 *    budget + pending replenishments + consumption of the open activation
 *    == C at all times (tests check this invariant).
 *
 *  - Premature replenishment: POSIX dated all consumption from the activation
 *    time even when part of the budget arrived later, so that part came back
 *    less than T after it was available.  Here an activation starts only when
 *    the server is ready *and* has budget, and when a replenishment arrives
 *    during an activation we close it (its consumption is repaid at act + T)
 *    and open a new one dated now, so every cycle is repaid at least T after
 *    the budget it used became available.
 *
 * Consequence used by the admission tests and checked by the trace checker:
 * in every window [a, a+T) starting at an activation a, the server runs for
 * at most C.  (Windows starting inside an activation during which the server
 * was preempted can see more, exactly as a periodic task delayed by higher
 * priority work can; that is what makes a sporadic server no worse than a
 * periodic task for everyone else, not better for itself.) */
#include "sched/server.h"

static struct sched_repl *slot(struct vcpu *v, unsigned i)
{
	return &v->s.main.q[(v->s.main.head + i) % SCHED_REPL_SLOTS];
}

/* Queue `amount` consumed under activation `act` for return at act + T.
 * Activations are strictly increasing, so the queue stays time-ordered; when
 * it is full the amount joins the last entry, whose return moves later to
 * act + T: a delay, never an advance, so the window bound still holds. */
static void post(struct vcpu *v, uint64_t act, uint64_t amount)
{
	struct sched_repl *r;

	if (v->s.main.count == SCHED_REPL_SLOTS) {
		r = slot(v, SCHED_REPL_SLOTS - 1);
		r->amount += amount;
		r->at = act + v->period;
		r->act = act;
		r->merged = true;
		return;
	}
	r = slot(v, v->s.main.count++);
	r->at = act + v->period;
	r->amount = amount;
	r->act = act;
	r->merged = false;
}

void ss_close(struct vcpu *v)
{
	if (v->used > 0)
		post(v, v->act, v->used);
	v->open = false;
	v->used = 0;
}

void ss_wake(struct vcpu *v, uint64_t now)
{
	if (!v->open && v->budget > 0)
		server_open(v, now);
}

void ss_replenish(struct vcpu *v, uint64_t now)
{
	bool arrived = false;
	uint64_t due = 0;

	while (v->s.main.count > 0 && slot(v, 0)->at <= now) {
		struct sched_repl *r = slot(v, 0);
		struct sched_event ev = {
			/* Dated when due, as the activation it starts (below). */
			.v = v, .t = r->at, .amount = r->amount, .act = r->act,
			.used = r->amount, .period = v->period, .merged = r->merged,
		};

		v->budget += r->amount;
		due = r->at;
		v->stats.replenishments++;
		v->s.main.head = (v->s.main.head + 1) % SCHED_REPL_SLOTS;
		v->s.main.count--;
		arrived = true;
		server_report(v, &ev);
	}
	/* New budget gets a new activation (the premature-replenishment fix),
	 * dated when the budget became available, not when a late timer got
	 * round to it: otherwise every period would drift by the timer's
	 * latency. Never before the activation it replaces. */
	if (arrived && v->ready) {
		if (v->open && v->act > due)
			due = v->act;
		if (v->open)
			ss_close(v);
		server_open(v, due);
	}
}

uint64_t ss_next_replenish(const struct vcpu *v)
{
	if (v->s.main.count == 0)
		return SCHED_NEVER;
	return v->s.main.q[v->s.main.head].at;
}
