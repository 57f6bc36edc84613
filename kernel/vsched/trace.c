/* In-memory schedule trace (see trace.h). */
#include "kernel/vsched/trace.h"
#include "kernel/kinfo.h"
#include "lib/record.h"
#include "sched/cycles.h"

#define TRACE_MAX 8192

enum kind { RUN, IDLE, REPLENISH, MISS };

struct entry {
	enum kind kind;
	const char *vcpu, *thread;
	uint64_t a, b, c, d, e;   /* by kind: see the dump */
	bool merged;
};

static struct entry log[TRACE_MAX];
static unsigned used, dropped;
static uint64_t origin;
static uint32_t cycles_per_us;
static bool on;

void vtrace_start(uint64_t start_tsc, uint32_t cpu_us)
{
	origin = start_tsc;
	cycles_per_us = cpu_us;
	used = dropped = 0;
	on = true;
}

bool vtrace_on(void) { return on; }

static struct entry *slot(void)
{
	if (used == TRACE_MAX) {
		dropped++;
		return 0;
	}
	return &log[used++];
}

/* Cycles to thousandths of a microsecond, on the scheduler's own time base
 * (whole cycles per microsecond), so that C and T convert back exactly. */
static uint64_t ns_len(uint64_t cycles)
{
	return sched_muldiv(cycles, 1000, cycles_per_us, 0);
}

/* TSC since the run started, in thousandths of a microsecond. */
static uint64_t ns(uint64_t tsc)
{
	return tsc < origin ? 0 : ns_len(tsc - origin);
}

void vtrace_run(const char *vcpu, const char *thread, uint64_t from, uint64_t to, uint64_t act,
		const struct sched_pmc_sample *s)
{
	struct entry *e;
	if (on && from < to && (e = slot()))
		*e = (struct entry){ RUN, vcpu, thread, from, to, act, s ? s->instructions : 0,
				     s ? s->llc_misses : 0, false };
}

void vtrace_idle(uint64_t from, uint64_t to, const struct sched_pmc_sample *s)
{
	struct entry *e;
	if (on && from < to && (e = slot()))
		*e = (struct entry){ IDLE, 0, 0, from, to, 0, s ? s->instructions : 0, 0, false };
}

void vtrace_miss(const char *vcpu, const char *thread, uint64_t release, uint64_t deadline,
		 uint64_t at)
{
	struct entry *e;
	if (on && (e = slot()))
		*e = (struct entry){ MISS, vcpu, thread, release, deadline, at, 0, 0, false };
}

void vtrace_replenish(void *ctx, const struct sched_event *ev)
{
	struct entry *e;
	(void)ctx;
	if (on && (e = slot()))
		*e = (struct entry){ REPLENISH, ev->v->name, 0, ev->t, ev->amount, ev->act,
				     ev->used, ev->period, ev->merged };
}

void vtrace_dump(const char *policy, unsigned admitted, unsigned rejected, uint64_t misses,
		 uint64_t max_overrun, uint64_t max_timer_late)
{
	struct record r;
	unsigned i;

	on = false;
	for (i = 0; i < used; i++) {
		const struct entry *e = &log[i];
		switch (e->kind) {
		case RUN:
			rec_begin(&r, "trace_run");
			rec_u64(&r, "sandbox", kinfo.sandbox);
			rec_str(&r, "vcpu", e->vcpu);
			rec_str(&r, "thread", e->thread);
			rec_milli(&r, "from", ns(e->a));
			rec_milli(&r, "to", ns(e->b));
			rec_milli(&r, "act", ns(e->c));
			rec_u64(&r, "insns", e->d);
			rec_u64(&r, "llc_misses", e->e);
			break;
		case IDLE:
			rec_begin(&r, "trace_idle");
			rec_u64(&r, "sandbox", kinfo.sandbox);
			rec_milli(&r, "from", ns(e->a));
			rec_milli(&r, "to", ns(e->b));
			rec_u64(&r, "insns", e->d);
			break;
		case REPLENISH:
			rec_begin(&r, "trace_replenish");
			rec_u64(&r, "sandbox", kinfo.sandbox);
			rec_str(&r, "vcpu", e->vcpu);
			rec_milli(&r, "t", ns(e->a));
			rec_milli(&r, "amount", ns_len(e->b));
			rec_milli(&r, "act", ns(e->c));
			rec_milli(&r, "used", ns_len(e->d));
			rec_milli(&r, "period", ns_len(e->e));
			rec_bool(&r, "merged", e->merged);
			break;
		default:
			rec_begin(&r, "trace_miss");
			rec_u64(&r, "sandbox", kinfo.sandbox);
			rec_str(&r, "thread", e->thread);
			rec_str(&r, "vcpu", e->vcpu);
			rec_milli(&r, "release", ns(e->a));
			rec_milli(&r, "deadline", ns(e->b));
			rec_milli(&r, "t", ns(e->c));
		}
		rec_end(&r);
	}
	rec_begin(&r, "trace_summary");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "policy", policy);
	rec_u64(&r, "admitted", admitted);
	rec_u64(&r, "rejected", rejected);
	rec_u64(&r, "deadline_misses", misses);
	rec_milli(&r, "max_budget_overrun_us", ns_len(max_overrun));
	rec_milli(&r, "timer_late_us", ns_len(max_timer_late));
	rec_u64(&r, "dropped", dropped);
	rec_end(&r);
}
