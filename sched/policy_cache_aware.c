/* cache-aware: rate-monotonic reservations first, then best effort placed
 * so that it does not collide in the shared LLC with what other cores run.
 *
 * Guarantees: Main and I/O VCPUs are admitted with the rm test and always
 * win over best-effort VCPUs, exactly as under `rm`, so every admitted
 * reservation keeps its deadlines. Only the choice among best-effort VCPUs
 * (run in the slack) is cache-aware.
 *
 * Inputs: each VCPU's LLC misses per 1000 instructions (MPKI, over windows
 * of at least SCHED_MPKI_WINDOW instructions: see core.h) and its LLC
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
 * polluters catch up in the other cores' idle time and lose little. Other cores learn
 * what this core runs only at this core's scheduling points, and vice versa,
 * so best effort should take short turns (slice_us): that bounds how long
 * a polluter keeps running after a sensitive VCPU started elsewhere. A VCPU
 * without samples counts as non-polluting until it has been measured.
 *
 * Across releases: most of a reserved VCPU's misses are the first pass of
 * each job, after polluters evicted its lines while it waited between
 * jobs, so ordering best effort only while it runs protects too little.
 * Each core therefore also publishes its cache-sensitive reserved VCPU
 * whether it runs or not: its peak occupancy (below), its next release (the last
 * activation start + T, exact for a periodic task) and whether a job is in
 * progress. A peer is guarded from `guard` cycles before that release
 * until its job ends (or `guard` after the release, should the job not
 * come: the board is a hint). While any peer is guarded, this core orders
 * best effort as above and, when only polluters are runnable, holds them
 * back and idles: evicting the guarded lines now costs the next job its
 * cache. Keeping a polluter from its fair turn, by idling or by running
 * other best effort in its place (either rule above), is bounded so that
 * every best-effort class keeps most of its progress. What is bounded is
 * the polluters' net loss, not every hold: time a polluter was kept from
 * its fair turn puts it behind, and time it then runs in place of other
 * runnable best effort (least service first lets it catch up once nobody
 * is guarded) brings it back; idling is never made up. Being behind stays
 * within max_hold_pct percent of the time best effort was runnable here,
 * checked at every decision and ended by the core's timer where the
 * allowance runs out; then best effort is shared fairly again. So a core
 * with other work can keep its polluter away for a whole job of a
 * sensitive peer and give it the time back between jobs at no loss; a
 * guard >= slice_us means a polluter dispatched before the window has
 * ended its turn by the release.
 *
 * Sensitive across releases: a reserved VCPU is judged on the largest
 * occupancy estimate sampled in its current activation or the one before
 * (its peak over the last job), not on the estimate of the moment. The
 * estimate of the moment is lowest exactly when protection matters: at a
 * release, after the gap's fills evicted its lines (and once polluters
 * run unguarded through a job, its share of the fills stays small), so
 * judging on it switches the guard off for the next job and keeps it off:
 * the more polluting cores, the longer. The peak is what a job holds once
 * it has run: the lines a guard protects during the next job. It still
 * decays: a VCPU whose working set shrank loses protection after one whole
 * activation below the threshold. What a capped guard can achieve:
 * polluters make their time up between jobs, so a job's lines do not
 * survive until the next one and each job still misses about one pass
 * over its working set; the guard removes the misses polluters cause
 * during the job, down to that floor, not below it. Below it only with the
 * guard spanning the gap between jobs and a cap that lets polluters fill
 * fewer lines per period than the LLC holds beside the job's lines: in an
 * LRU set a job's lines are the oldest by its next release, so one fill too
 * many there makes its pass miss on every line of the set.
 *
 * Parameters (sched_core_set_param): "polluter_mpki" (x1000; default 5000
 * = 5 MPKI), "sensitive_pct" (percent of the LLC; default 12), "guard"
 * (cycles before a guarded release; default 0, the kernel sets guard_us),
 * "max_hold_pct" (0..100, 0: never idle; default 10). The LLC size comes
 * from the core ("llc_lines"); without it nobody is sensitive.
 */
#include <stddef.h>

#include "sched/cache_board.h"
#include "sched/core.h"

/* policy_state: the parameters, then the hold's bookkeeping. */
enum { POLLUTER_MPKI, SENSITIVE_PCT, GUARD, MAX_HOLD_PCT,
       LAST_T,      /* time of the previous decision */
       LAST_MODE,   /* what it chose: MODE_* */
       HELD,        /* cycles polluters were kept from their fair turn */
       BEHIND,      /* of those, not yet made up */
       BE_READY,    /* cycles best effort was runnable and no reservation ran */
       HOLD_UNTIL }; /* end of the current hold (the core's timer) */

/* MODE_CATCH_UP: a polluter that is behind runs in place of other best effort. */
enum { MODE_OTHER, MODE_BE, MODE_HOLD, MODE_CATCH_UP };

#define NPARAMS 4
#define DEFAULT_POLLUTER_MPKI 5000
#define DEFAULT_SENSITIVE_PCT 12
#define DEFAULT_MAX_HOLD_PCT 10

static void ca_init(struct sched_core *c)
{
	sched_generic_init(c);
	for (unsigned i = 0; i <= HOLD_UNTIL; i++)
		c->policy_state[i] = 0;
	c->policy_state[POLLUTER_MPKI] = DEFAULT_POLLUTER_MPKI;
	c->policy_state[SENSITIVE_PCT] = DEFAULT_SENSITIVE_PCT;
	c->policy_state[MAX_HOLD_PCT] = DEFAULT_MAX_HOLD_PCT;
}

static int sensitive(const struct sched_core *c, uint64_t lines)
{
	return c->llc_lines && lines >= c->llc_lines * c->policy_state[SENSITIVE_PCT] / 100;
}

/* Does another core run a reserved VCPU that our pollution would hurt? */
static int peer_sensitive(const struct sched_core *c)
{
	const struct cache_board *b = c->board;
	for (unsigned i = 0; b && i < b->ncores; i++) {
		const volatile struct cache_board_entry *e = &b->core[i];
		if (i != c->board_self && e->kind == CACHE_BOARD_RESERVED &&
		    sensitive(c, e->occupancy_lines))
			return 1;
	}
	return 0;
}

/* Is another core's sensitive VCPU running a job, or about to release one? */
static int peer_guarded(const struct sched_core *c, uint64_t now)
{
	const struct cache_board *b = c->board;
	uint64_t g = c->policy_state[GUARD];
	for (unsigned i = 0; b && i < b->ncores; i++) {
		const volatile struct cache_board_entry *e = &b->core[i];
		uint64_t rel = e->guard_release;
		if (i == c->board_self || !sensitive(c, e->guard_lines))
			continue;
		if (e->guard_running || (now + g >= rel && now < rel + g))
			return 1;
	}
	return 0;
}

/* The lines a reserved VCPU is judged on: its peak over the last job. */
static uint64_t peak_lines(const struct vcpu *v)
{
	return v->llc_peak > v->llc_peak_prev ? v->llc_peak : v->llc_peak_prev;
}

/* The core updated v's estimate from this sample: note its peak, starting
 * a new one at a new activation. */
static void ca_on_pmc_sample(struct sched_core *c, struct vcpu *v,
			     const struct sched_pmc_sample *s)
{
	uint64_t lines = llc_estimate_lines(&v->llc);
	sched_generic_on_pmc_sample(c, v, s);
	if (v->act != v->llc_peak_act) {
		v->llc_peak_prev = v->llc_peak;
		v->llc_peak = 0;
		v->llc_peak_act = v->act;
	}
	if (lines > v->llc_peak)
		v->llc_peak = lines;
}

static int polluter(const struct sched_core *c, const struct vcpu *v)
{
	return v->mpki_milli >= c->policy_state[POLLUTER_MPKI];
}

/* Order among best-effort VCPUs: with a sensitive peer, non-polluters first,
 * then by MPKI; always least service next. */
static int be_before(const struct sched_core *c, int careful, const struct vcpu *a,
		     const struct vcpu *b)
{
	if (careful) {
		int pa = polluter(c, a), pb = polluter(c, b);
		if (pa != pb)
			return pb;
		if (pa && a->mpki_milli != b->mpki_milli)
			return a->mpki_milli < b->mpki_milli;
	}
	return sched_be_key(a) < sched_be_key(b);
}

/* What this core runs, and its most cache-holding sensitive reservation. */
static void publish(struct sched_core *c, const struct vcpu *v)
{
	volatile struct cache_board_entry *e;
	const struct vcpu *g = NULL;
	if (!c->board || c->board_self >= c->board->ncores)
		return;
	for (unsigned i = 0; i < c->count; i++) {
		const struct vcpu *r = c->slot[i];
		if (r->kind == VCPU_MAIN && sensitive(c, peak_lines(r)) &&
		    (!g || peak_lines(r) > peak_lines(g)))
			g = r;
	}
	e = &c->board->core[c->board_self];
	e->kind = !v ? CACHE_BOARD_IDLE : v->kind == VCPU_BE ? CACHE_BOARD_BEST_EFFORT
							     : CACHE_BOARD_RESERVED;
	e->mpki_milli = v ? v->mpki_milli : 0;
	e->occupancy_lines = v ? llc_estimate_lines(&v->llc) : 0;
	e->guard_release = g ? g->act + g->period : 0;
	e->guard_running = g ? g->ready : 0;
	e->guard_lines = g ? peak_lines(g) : 0;
}

/* Account the time since the previous decision to what it chose. */
static void account(struct sched_core *c, uint64_t now)
{
	uint64_t *st = c->policy_state;
	uint64_t dt = now > st[LAST_T] ? now - st[LAST_T] : 0;
	if (st[LAST_MODE] != MODE_OTHER)
		st[BE_READY] += dt;
	if (st[LAST_MODE] == MODE_HOLD) {
		st[HELD] += dt;
		st[BEHIND] += dt;
	}
	if (st[LAST_MODE] == MODE_CATCH_UP)
		st[BEHIND] -= dt < st[BEHIND] ? dt : st[BEHIND];
	st[LAST_T] = now;
}

/* Cycles this core may still hold polluters back: the largest h with
 * (BEHIND + h) <= max_hold_pct% of (BE_READY + h). */
static uint64_t hold_allowance(const struct sched_core *c)
{
	const uint64_t *st = c->policy_state;
	uint64_t pct = st[MAX_HOLD_PCT], may = pct * st[BE_READY], owe = 100 * st[BEHIND];
	if (pct >= 100)
		return SCHED_NEVER;
	return may > owe ? (may - owe) / (100 - pct) : 0;
}

/* The choice at `now`: reservations first; then best effort, cache-aware
 * where the allowance permits keeping a polluter from its fair turn (by
 * idling or by running other best effort), fair once it is spent. */
static struct vcpu *ca_pick_next(struct sched_core *c, uint64_t now)
{
	struct vcpu *rt = NULL, *be = NULL, *fair = NULL, *v;
	int guarded = peer_guarded(c, now), others = 0;
	int careful = guarded || peer_sensitive(c);
	uint64_t *st = c->policy_state;

	account(c, now);
	for (unsigned i = 0; i < c->count; i++) {
		v = c->slot[i];
		if (!vcpu_runnable(v))
			continue;
		if (v->kind != VCPU_BE) {
			if (!rt || v->period < rt->period)
				rt = v;
			continue;
		}
		others += !polluter(c, v);
		if (!be || be_before(c, careful, v, be))
			be = v;
		if (!fair || be_before(c, 0, v, fair))
			fair = v;
	}
	v = rt ? rt : be;
	st[LAST_MODE] = rt || !be ? MODE_OTHER
		      : polluter(c, be) && others && st[BEHIND] ? MODE_CATCH_UP : MODE_BE;
	if (!rt && be && polluter(c, fair) && (be != fair || guarded)) {
		uint64_t h = hold_allowance(c);
		if (!h) {
			v = fair;
			st[LAST_MODE] = others && st[BEHIND] ? MODE_CATCH_UP : MODE_BE;
		} else {
			st[LAST_MODE] = MODE_HOLD;
			st[HOLD_UNTIL] = h == SCHED_NEVER || now + h < now ? SCHED_NEVER : now + h;
			if (c->be_slice && now + c->be_slice < st[HOLD_UNTIL])
				st[HOLD_UNTIL] = now + c->be_slice;   /* look at the board again */
			v = guarded && polluter(c, be) ? NULL : be;
		}
	}
	publish(c, v);
	return v;
}

static uint64_t ca_next_event(const struct sched_core *c, uint64_t now)
{
	(void)now;
	return c->policy_state[LAST_MODE] == MODE_HOLD ? c->policy_state[HOLD_UNTIL] : SCHED_NEVER;
}

static int ca_set_param(struct sched_core *c, const char *name, uint64_t value,
			const char **why)
{
	static const char *const names[NPARAMS] = { "polluter_mpki", "sensitive_pct", "guard",
						    "max_hold_pct" };
	for (unsigned i = 0; i < NPARAMS; i++) {
		if (!sched_name_is(name, names[i]))
			continue;
		if ((i <= SENSITIVE_PCT && !value) || (i != POLLUTER_MPKI && i != GUARD && value > 100)) {
			*why = "cache-aware: polluter_mpki must be > 0, sensitive_pct in 1..100, "
			       "max_hold_pct in 0..100";
			return -1;
		}
		c->policy_state[i] = value;
		return 0;
	}
	*why = "cache-aware: unknown parameter (polluter_mpki, sensitive_pct, guard, max_hold_pct)";
	return -1;
}

/* For the run's record: how long polluters were held back, how much of it
 * they had not made up at the end (against the time best effort was
 * runnable: the loss imposed). */
static int ca_stat(const struct sched_core *c, unsigned i, const char **name, uint64_t *value)
{
	static const char *const names[] = { "hold_cycles", "behind_cycles", "be_ready_cycles" };
	static const unsigned at[] = { HELD, BEHIND, BE_READY };
	if (i >= 3)
		return -1;
	*name = names[i];
	*value = c->policy_state[at[i]];
	return 0;
}

const struct sched_policy sched_policy_cache_aware = {
	.name = "cache-aware",
	.init = ca_init,
	.admit = sched_admit_rm,
	.pick_next = ca_pick_next,
	.on_pmc_sample = ca_on_pmc_sample,
	.next_event = ca_next_event,
	.set_param = ca_set_param,
	.stat = ca_stat,
};
