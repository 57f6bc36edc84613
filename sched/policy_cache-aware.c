/* cache-aware: rate-monotonic reservations first, then best effort placed
 * so that it does not collide in the shared LLC with what other cores run.
 *
 * Guarantees: Main and I/O VCPUs are admitted with the rm test and always
 * win over best-effort VCPUs, exactly as under `rm`, so every admitted
 * reservation keeps its deadlines. Only the choice among best-effort VCPUs
 * (run in the slack) is cache-aware.
 *
 * Inputs: each VCPU's LLC misses per 1000 instructions (MPKI) and its LLC
 * occupancy estimate (llc_estimate.c, West et al., PACT 2010), both updated
 * from PMC samples at scheduling points; and a board in memory shared by
 * the cores (one entry per core), where every core publishes what it runs:
 * reserved or best effort, its MPKI and its occupancy.
 *
 * Rule, and why: a streaming VCPU (a "polluter", MPKI >= polluter_mpki)
 * evicts lines at a high rate and, with a large working set, gains little
 * from the cache itself; a reserved VCPU with a large occupancy (>=
 * sensitive_lines) and a low MPKI is the one that loses most when its lines
 * are evicted, and its response time is what real-time work is judged by.
 * So while any other core runs such a cache-sensitive reserved VCPU, this
 * core prefers non-polluting best-effort work (least service first), and
 * among polluters the lowest MPKI; when nobody is sensitive, best effort
 * is shared fairly (least service first). It never idles the core while
 * best effort is runnable: the rule orders work, it does not throttle it
 * (memguard does that). A VCPU without samples counts as non-polluting
 * until it has been measured.
 *
 * Parameters (sched_core_set_param): "llc_lines" (LLC size in lines, from
 * CPUID leaf 4 or the vPMU geometry; required for the occupancy estimate),
 * "polluter_mpki" (x1000; default 5000 = 5 MPKI), "sensitive_lines"
 * (default llc_lines / 8).
 */
#include <stddef.h>

#include "cache_board.h"
#include "core.h"

enum { LLC_LINES, POLLUTER_MPKI, SENSITIVE_LINES };

#define DEFAULT_POLLUTER_MPKI 5000

static void ca_init(struct sched_core *c)
{
	sched_generic_init(c);
	c->policy_state[POLLUTER_MPKI] = DEFAULT_POLLUTER_MPKI;
}

static uint64_t sensitive_lines(const struct sched_core *c)
{
	const uint64_t *st = c->policy_state;
	return st[SENSITIVE_LINES] ? st[SENSITIVE_LINES] : st[LLC_LINES] / 8;
}

/* Does another core run a reserved VCPU that our pollution would hurt? */
static int peer_sensitive(const struct sched_core *c)
{
	const struct cache_board *b = c->board;
	for (unsigned i = 0; b && i < b->ncores; i++) {
		const volatile struct cache_board_entry *e = &b->core[i];
		if (i != c->board_self && e->kind == CACHE_BOARD_RESERVED &&
		    e->occupancy_lines >= sensitive_lines(c) &&
		    e->mpki_milli < c->policy_state[POLLUTER_MPKI])
			return 1;
	}
	return 0;
}

/* Order among best-effort VCPUs: with a sensitive peer, non-polluters first,
 * then by MPKI; always least service next. */
static int be_before(const struct sched_core *c, int careful, const struct vcpu *a,
		     const struct vcpu *b)
{
	if (careful) {
		int pa = a->mpki_milli >= c->policy_state[POLLUTER_MPKI];
		int pb = b->mpki_milli >= c->policy_state[POLLUTER_MPKI];
		if (pa != pb)
			return pb;
		if (pa && a->mpki_milli != b->mpki_milli)
			return a->mpki_milli < b->mpki_milli;
	}
	return sched_be_key(a) < sched_be_key(b);
}

static void publish(struct sched_core *c, const struct vcpu *v)
{
	volatile struct cache_board_entry *e;
	if (!c->board || c->board_self >= c->board->ncores)
		return;
	e = &c->board->core[c->board_self];
	e->kind = !v ? CACHE_BOARD_IDLE : v->kind == VCPU_BE ? CACHE_BOARD_BEST_EFFORT
							     : CACHE_BOARD_RESERVED;
	e->mpki_milli = v ? v->mpki_milli : 0;
	e->occupancy_lines = v ? llc_estimate_lines(&v->llc) : 0;
}

static struct vcpu *ca_pick_next(struct sched_core *c, uint64_t now)
{
	struct vcpu *rt = NULL, *be = NULL;
	int careful = peer_sensitive(c);

	(void)now;
	for (unsigned i = 0; i < c->count; i++) {
		struct vcpu *v = c->slot[i];
		if (!vcpu_runnable(v))
			continue;
		if (v->kind != VCPU_BE) {
			if (!rt || v->period < rt->period)
				rt = v;
		} else if (!be || be_before(c, careful, v, be)) {
			be = v;
		}
	}
	publish(c, rt ? rt : be);
	return rt ? rt : be;
}

static void ca_on_pmc_sample(struct sched_core *c, struct vcpu *v,
			     const struct sched_pmc_sample *s)
{
	vcpu_record_pmc(v, s);
	if (s->instructions)
		v->mpki_milli = llc_mpki_milli(s->llc_misses, s->instructions);
	if (c->policy_state[LLC_LINES] && s->llc_fills_global)
		llc_estimate_update(&v->llc, c->policy_state[LLC_LINES], s->llc_misses,
				    s->llc_fills_global);
}

static int ca_set_param(struct sched_core *c, const char *name, uint64_t value,
			const char **why)
{
	static const char *const names[] = { "llc_lines", "polluter_mpki", "sensitive_lines" };
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!sched_name_is(name, names[i]))
			continue;
		if (!value) {
			*why = "cache-aware: parameters must be > 0";
			return -1;
		}
		c->policy_state[i] = value;
		return 0;
	}
	*why = "cache-aware: unknown parameter (llc_lines, polluter_mpki, sensitive_lines)";
	return -1;
}

const struct sched_policy sched_policy_cache_aware = {
	.name = "cache-aware",
	.init = ca_init,
	.admit = sched_admit_rm,
	.pick_next = ca_pick_next,
	.charge = sched_generic_charge,
	.on_block = sched_generic_on_block,
	.on_wake = sched_generic_on_wake,
	.on_tick = sched_generic_on_tick,
	.on_pmc_sample = ca_on_pmc_sample,
	.stats = sched_generic_stats,
	.set_param = ca_set_param,
};
