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
 * by the core from PMC samples at scheduling points; and a board in memory shared by
 * the cores (one entry per core), where every core publishes what it runs:
 * reserved or best effort, its MPKI and its occupancy.
 *
 * Rule, and why: the VCPUs to protect are the reserved ones: their
 * response times are what real-time work is judged by, and a reserved VCPU
 * holding much of the LLC (occupancy >= sensitive_pct of it) has the most to
 * lose when another core evicts its lines. Its MPKI is deliberately not
 * part of the test: a VCPU that reuses its working set shows a high MPKI
 * precisely while other cores evict it, so MPKI would withdraw protection
 * exactly when it is needed. The VCPUs to hold back are streaming
 * best-effort ones (MPKI >= polluter_mpki): each of their misses evicts a
 * line, and with a working set beyond the LLC they gain nothing from the
 * cache themselves. So while any other core runs a cache-sensitive
 * reserved VCPU, this core prefers non-polluting best-effort work (least
 * service first), and among polluters the lowest MPKI; when nobody is
 * sensitive, best effort is shared fairly (least service first), so the
 * polluters catch up in the other cores' idle time and lose little. It
 * never idles the core while best effort is runnable: the rule orders
 * work, it does not throttle it (memguard does that). Other cores learn
 * what this core runs only at this core's scheduling points, and vice versa,
 * so best effort should take short turns (slice_us): that bounds how long
 * a polluter keeps running after a sensitive VCPU started elsewhere. A VCPU
 * without samples counts as non-polluting until it has been measured.
 *
 * Parameters (sched_core_set_param): "polluter_mpki" (x1000; default 5000
 * = 5 MPKI), "sensitive_pct" (percent of the LLC; default 12). The LLC
 * size comes from the core ("llc_lines"); without it nobody is sensitive.
 */
#include <stddef.h>

#include "sched/cache_board.h"
#include "sched/core.h"

enum { POLLUTER_MPKI, SENSITIVE_PCT };

#define DEFAULT_POLLUTER_MPKI 5000
#define DEFAULT_SENSITIVE_PCT 12

static void ca_init(struct sched_core *c)
{
	sched_generic_init(c);
	c->policy_state[POLLUTER_MPKI] = DEFAULT_POLLUTER_MPKI;
	c->policy_state[SENSITIVE_PCT] = DEFAULT_SENSITIVE_PCT;
}

static uint64_t sensitive_lines(const struct sched_core *c)
{
	return c->llc_lines * c->policy_state[SENSITIVE_PCT] / 100;
}

/* Does another core run a reserved VCPU that our pollution would hurt? */
static int peer_sensitive(const struct sched_core *c)
{
	const struct cache_board *b = c->board;
	for (unsigned i = 0; b && i < b->ncores; i++) {
		const volatile struct cache_board_entry *e = &b->core[i];
		if (i != c->board_self && e->kind == CACHE_BOARD_RESERVED && c->llc_lines &&
		    e->occupancy_lines >= sensitive_lines(c))
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

static int ca_set_param(struct sched_core *c, const char *name, uint64_t value,
			const char **why)
{
	static const char *const names[] = { "polluter_mpki", "sensitive_pct" };
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!sched_name_is(name, names[i]))
			continue;
		if (!value || (i == SENSITIVE_PCT && value > 100)) {
			*why = "cache-aware: polluter_mpki must be > 0, sensitive_pct in 1..100";
			return -1;
		}
		c->policy_state[i] = value;
		return 0;
	}
	*why = "cache-aware: unknown parameter (polluter_mpki, sensitive_pct)";
	return -1;
}

const struct sched_policy sched_policy_cache_aware = {
	.name = "cache-aware",
	.init = ca_init,
	.admit = sched_admit_rm,
	.pick_next = ca_pick_next,
	.set_param = ca_set_param,
};
