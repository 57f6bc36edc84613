#include <stdbool.h>

#include "sched/core.h"
#include "sched/sim/rng.h"
#include "sched/sim/sim.h"

struct sim_thread {
	const struct ts_thread *def;
	struct vcpu *v;         /* NULL if its VCPU was rejected */
	uint64_t c, p;          /* cycles: cost; period or mean gap */
	uint64_t next_release;  /* SCHED_NEVER if no more arrivals */
	uint64_t remaining;     /* work left: head job (periodic), backlog (io),
				   SCHED_NEVER once a busy thread started */
	uint64_t pending;       /* periodic: released, unfinished jobs */
	uint64_t head_release;  /* periodic: release of the oldest pending job */
	uint64_t flagged;       /* periodic: pending jobs already reported missed */
};

struct sim {
	const struct taskset *ts;
	FILE *out;
	uint64_t rng;
	struct sched_core core;
	struct vcpu vcpu[TS_MAX_VCPUS];
	bool admitted[TS_MAX_VCPUS];
	struct vcpu *slot[TS_MAX_VCPUS];
	struct sim_thread th[TS_MAX_THREADS];
	uint64_t misses;
};

static uint64_t cyc(uint64_t us)
{
	return sched_us_to_cycles(us, SIM_CYCLES_PER_US);
}

/* Print a cycle count as exact microseconds. */
static void put_us(FILE *out, uint64_t c)
{
	fprintf(out, "%llu.%03llu", (unsigned long long)(c / SIM_CYCLES_PER_US),
		(unsigned long long)(c % SIM_CYCLES_PER_US));
}

static void on_replenish(void *ctx, const struct sched_event *ev)
{
	FILE *out = ctx;

	fprintf(out, "{\"ev\":\"replenish\",\"vcpu\":\"%s\",\"t\":", ev->v->name);
	put_us(out, ev->t);
	fputs(",\"amount\":", out);
	put_us(out, ev->amount);
	fputs(",\"act\":", out);
	put_us(out, ev->act);
	fputs(",\"used\":", out);
	put_us(out, ev->used);
	fputs(",\"period\":", out);
	put_us(out, ev->period);
	fprintf(out, ",\"merged\":%s}\n", ev->merged ? "true" : "false");
}

static void admit_all(struct sim *s, struct sim_result *res)
{
	for (unsigned i = 0; i < s->ts->nvcpus; i++) {
		const struct ts_vcpu *d = &s->ts->vcpu[i];
		struct vcpu *v = &s->vcpu[i];
		struct sched_verdict why;

		/* The parser guarantees valid parameters, so init cannot fail. */
		if (d->kind == VCPU_MAIN)
			vcpu_init_main(v, d->name, cyc(d->c_us), cyc(d->t_us));
		else if (d->kind == VCPU_IO)
			vcpu_init_io(v, d->name, d->u_ppm);
		else
			vcpu_init_be(v, d->name);
		s->admitted[i] = sched_core_admit(&s->core, v, &why) == 0;
		if (s->admitted[i]) {
			res->admitted++;
			fprintf(s->out, "{\"ev\":\"admit\",\"t\":0.000,\"vcpu\":\"%s\"}\n", d->name);
		} else {
			res->rejected++;
			fprintf(s->out, "{\"ev\":\"reject\",\"t\":0.000,\"vcpu\":\"%s\",\"reason\":\"%s\"}\n",
				d->name, why.reason);
		}
	}
}

static uint64_t io_gap(struct sim *s, const struct sim_thread *t)
{
	return rng_range(&s->rng, 1, 2 * t->p - 1);
}

static void setup_threads(struct sim *s)
{
	for (unsigned i = 0; i < s->ts->nthreads; i++) {
		const struct ts_thread *d = &s->ts->thread[i];
		struct sim_thread *t = &s->th[i];

		*t = (struct sim_thread){ .def = d, .c = cyc(d->c_us), .p = cyc(d->t_us) };
		t->v = s->admitted[d->vcpu] ? &s->vcpu[d->vcpu] : NULL;
		if (!t->v)
			t->next_release = SCHED_NEVER; /* its VCPU was refused: never runs */
		else if (d->kind == TS_IO_BURST)
			t->next_release = io_gap(s, t);
		else
			t->next_release = 0;
	}
}

static bool has_work(const struct sim_thread *t)
{
	return t->remaining > 0;
}

static bool vcpu_has_work(const struct sim *s, const struct vcpu *v)
{
	for (unsigned i = 0; i < s->ts->nthreads; i++)
		if (s->th[i].v == v && has_work(&s->th[i]))
			return true;
	return false;
}

/* The period an I/O activation inherits: that of the Main VCPU whose thread
 * caused the I/O.  The task set does not say which, so draw one. */
static uint64_t inherited_period(struct sim *s)
{
	unsigned n = 0, pick;

	for (unsigned i = 0; i < s->core.count; i++)
		n += s->core.slot[i]->kind == VCPU_MAIN;
	if (n == 0)
		return cyc(SIM_IO_DEFAULT_PERIOD_US);
	pick = (unsigned)rng_range(&s->rng, 0, n - 1);
	for (unsigned i = 0; i < s->core.count; i++)
		if (s->core.slot[i]->kind == VCPU_MAIN && pick-- == 0)
			return s->core.slot[i]->period;
	return 0; /* unreachable: pick < n */
}

/* Arrivals due at `now`; wakes VCPUs that had no work. */
static void release(struct sim *s, uint64_t now)
{
	for (unsigned i = 0; i < s->ts->nthreads; i++) {
		struct sim_thread *t = &s->th[i];
		bool idle;

		if (t->next_release > now)
			continue;
		idle = !vcpu_has_work(s, t->v);
		switch (t->def->kind) {
		case TS_BUSY:
			t->remaining = SCHED_NEVER; /* endless work, never charged */
			t->next_release = SCHED_NEVER;
			break;
		case TS_PERIODIC:
			if (t->pending++ == 0) {
				t->head_release = now;
				t->remaining = t->c;
			}
			t->next_release += t->p;
			break;
		case TS_IO_BURST:
			t->remaining += t->c;
			t->next_release += io_gap(s, t);
			break;
		}
		if (idle)
			sched_core_wake(&s->core, t->v, now,
					t->v->kind == VCPU_IO ? inherited_period(s) : 0);
	}
}

static uint64_t next_deadline(const struct sim_thread *t)
{
	if (t->def->kind != TS_PERIODIC || t->pending <= t->flagged)
		return SCHED_NEVER;
	return t->head_release + (t->flagged + 1) * t->p;
}

/* Report every pending job whose deadline is at or before `now`. */
static void check_deadlines(struct sim *s, uint64_t now)
{
	for (unsigned i = 0; i < s->ts->nthreads; i++) {
		struct sim_thread *t = &s->th[i];
		uint64_t d;

		while ((d = next_deadline(t)) <= now) {
			fprintf(s->out, "{\"ev\":\"deadline_miss\",\"t\":");
			put_us(s->out, now);
			fprintf(s->out, ",\"thread\":\"%s\",\"vcpu\":\"%s\",\"release\":",
				t->def->name, t->v->name);
			put_us(s->out, d - t->p);
			fputs(",\"deadline\":", s->out);
			put_us(s->out, d);
			fputs("}\n", s->out);
			t->flagged++;
			s->misses++;
		}
	}
}

/* Within a VCPU: the periodic job with the earliest deadline, then I/O
 * work, then busy threads. */
static struct sim_thread *pick_thread(struct sim *s, const struct vcpu *v)
{
	struct sim_thread *best = NULL;
	int best_rank = 3;
	uint64_t best_dl = SCHED_NEVER;

	for (unsigned i = 0; i < s->ts->nthreads; i++) {
		struct sim_thread *t = &s->th[i];
		int rank = (int)t->def->kind; /* enum order is the preference order */
		uint64_t dl = rank == TS_PERIODIC ? t->head_release + t->p : 0;

		if (t->v != v || !has_work(t))
			continue;
		if (rank < best_rank || (rank == best_rank && dl < best_dl)) {
			best = t;
			best_rank = rank;
			best_dl = dl;
		}
	}
	return best;
}

/* Charge `t` for running until `now`; handle a finished job or burst. */
static void advance(struct sim *s, struct sim_thread *t, uint64_t ran, uint64_t now)
{
	if (t->def->kind == TS_BUSY)
		return;
	t->remaining -= ran;
	if (t->remaining > 0)
		return;
	if (t->def->kind == TS_PERIODIC && --t->pending > 0) {
		t->head_release += t->p;
		t->remaining = t->c;
	}
	if (t->def->kind == TS_PERIODIC && t->flagged > 0)
		t->flagged--;
	if (!vcpu_has_work(s, t->v))
		sched_core_block(&s->core, t->v, now);
}

static uint64_t next_instant(struct sim *s, uint64_t timer, const struct sim_thread *run,
			     uint64_t now, uint64_t until)
{
	uint64_t next = timer < until ? timer : until;

	for (unsigned i = 0; i < s->ts->nthreads; i++) {
		uint64_t r = s->th[i].next_release, d = next_deadline(&s->th[i]);

		if (r < next)
			next = r;
		if (d < next)
			next = d;
	}
	if (run && run->def->kind != TS_BUSY && now + run->remaining < next)
		next = now + run->remaining;
	return next;
}

static void print_run(FILE *out, const struct vcpu *v, const struct sim_thread *t,
		      uint64_t from, uint64_t to)
{
	fprintf(out, "{\"ev\":\"run\",\"vcpu\":\"%s\",\"thread\":\"%s\",\"from\":",
		v->name, t->def->name);
	put_us(out, from);
	fputs(",\"to\":", out);
	put_us(out, to);
	fputs(",\"act\":", out);
	put_us(out, v->act);
	fputs("}\n", out);
}

void sim_run(const struct taskset *ts, const struct sched_policy *policy,
	     uint64_t until_us, uint64_t seed, FILE *out, struct sim_result *res)
{
	static struct sim s; /* large; one simulation at a time */
	struct sched_trace trace = { on_replenish, out };
	uint64_t now = 0, until = cyc(until_us);

	s.ts = ts;
	s.out = out;
	s.rng = seed;
	s.misses = 0;
	*res = (struct sim_result){ 0 };
	sched_core_init(&s.core, policy, s.slot, TS_MAX_VCPUS, &trace);
	admit_all(&s, res);
	setup_threads(&s);
	release(&s, now);
	while (now < until) {
		uint64_t timer, next;
		struct vcpu *v = sched_core_schedule(&s.core, now, &timer);
		struct sim_thread *t = v ? pick_thread(&s, v) : NULL;

		next = next_instant(&s, timer, t, now, until);
		if (t) {
			print_run(out, v, t, now, next);
			advance(&s, t, next - now, next);
		}
		now = next;
		release(&s, now);
		check_deadlines(&s, now);
	}
	res->deadline_misses = s.misses;
	for (unsigned i = 0; i < s.core.count; i++) {
		struct vcpu_stats st;

		s.core.policy->stats(&s.core, s.core.slot[i], &st);
		if (st.max_overrun > res->max_overrun)
			res->max_overrun = st.max_overrun;
	}
	fprintf(out, "{\"ev\":\"summary\",\"policy\":\"%s\",\"admitted\":%u,\"rejected\":%u,"
		"\"deadline_misses\":%llu,\"max_budget_overrun_us\":",
		policy->name, res->admitted, res->rejected, (unsigned long long)s.misses);
	put_us(out, res->max_overrun);
	fputs("}\n", out);
}
