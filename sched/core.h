/* Per-core scheduler: the admitted VCPU set, the running VCPU, and the entry
 * points the kernel (or the host simulator) calls at scheduling points.  The
 * caller provides all storage and programs its one-shot timer with the time
 * sched_core_schedule() returns. */
#ifndef SCHED_CORE_H
#define SCHED_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "sched/cache_board.h"
#include "sched/policy.h"
#include "sched/vcpu.h"
#include "sched/repl_tree.h"

struct sched_core {
	const struct sched_policy *policy;  /* &ops */
	struct sched_policy ops;  /* the policy's table, its NULL operations the generic ones */
	struct vcpu **slot;       /* admitted VCPUs, caller storage */
	unsigned nslots, count;
	struct vcpu *running;     /* dispatched VCPU, or NULL when idle */
	uint64_t since;           /* when `running` was dispatched or last charged */
	struct sched_trace trace; /* copied in; VCPUs point here */
	uint64_t decisions;       /* sched_core_schedule() calls */
	struct repl_tree repl;    /* VCPUs by next replenishment: a decision
	                           * visits only those due */
	uint64_t be_slice;        /* cycles a best-effort VCPU runs before the
	                           * others get a turn (0: until the next event) */
	uint64_t llc_lines;       /* LLC size in lines (0: unknown, no occupancy estimate) */
	uint64_t policy_state[12]; /* private to the policy (memguard's period...) */
	struct cache_board *board; /* shared with the other cores, or NULL */
	unsigned board_self;      /* this core's entry in it */
};

/* Key of a best-effort VCPU for sched_pick_min: after every reserved VCPU,
 * and among best-effort ones the one that has run least goes first. */
static inline uint64_t sched_be_key(const struct vcpu *v)
{
	return (1ull << 63) | (v->stats.used >> 1);
}

/* Set up c for policy p with room for nslots (at most SCHED_CORE_MAX_SLOTS)
 * VCPUs in `slots` (which must outlive c).  trace may be NULL.  A NULL operation among init, charge,
 * on_block, on_wake, on_tick, on_pmc_sample and stats means the generic
 * one (sched_generic_*), so a policy's table lists only what it changes;
 * c->policy is the filled-in table.  Calls its init. */
void sched_core_init(struct sched_core *c, const struct sched_policy *p,
		     struct vcpu **slots, unsigned nslots,
		     const struct sched_trace *trace);

/* Admit v (initialised, blocked) if the policy's test passes for the current
 * set plus v and a slot is free.  Returns 0, or -1 with why->reason set, in
 * which case nothing in c changed. */
int sched_core_admit(struct sched_core *c, struct vcpu *v, struct sched_verdict *why);

/* Scheduling point at `now`: charge the running VCPU, apply due
 * replenishments, pick the next VCPU (returned; NULL = idle) and set
 * *timer_at to the next instant the decision may change by itself (a
 * replenishment or the chosen VCPU's budget running out), or SCHED_NEVER. */
struct vcpu *sched_core_schedule(struct sched_core *c, uint64_t now, uint64_t *timer_at);

/* v got work at `now` (see vcpu_wake for inherit_period).  Call
 * sched_core_schedule() afterwards: v may preempt. */
void sched_core_wake(struct sched_core *c, struct vcpu *v, uint64_t now,
		     uint64_t inherit_period);

/* v has no more work at `now`; charges it first if it is running. */
void sched_core_block(struct sched_core *c, struct vcpu *v, uint64_t now);

/* Set a parameter: "llc_lines" (LLC size in lines, for the occupancy
 * estimate) and "be_slice" (cycles, > 0) for every policy, else the
 * policy's own (see its file). 0, or -1 with *why. */
int sched_core_set_param(struct sched_core *c, const char *name, uint64_t value,
			 const char **why);

/* The running VCPU's LLC misses left before a decision is due (the
 * policy's miss_budget), SCHED_NEVER when the policy sets none. Call after
 * sched_core_schedule(). */
uint64_t sched_core_miss_budget(const struct sched_core *c);

/* A PMC sample taken on v: updates v's statistics, its MPKI (once its
 * samples since the last update add up to SCHED_MPKI_WINDOW instructions)
 * and (with llc_lines and the sample's global fills) its LLC occupancy
 * estimate, then hands it to the policy. */
#define SCHED_MPKI_WINDOW 50000
void sched_core_pmc_sample(struct sched_core *c, struct vcpu *v,
			   const struct sched_pmc_sample *s);

/* v is dispatched while the global fill counter reads fills_global (0:
 * unknown): the fills since v's last sample, made while it waited, evict
 * the lines it held before it runs again, so they are applied now; its
 * next sample then counts its own misses after them, not interleaved
 * with them (which, after a long gap, dilutes a job's fresh lines to
 * nothing). */
void sched_core_llc_catch_up(struct sched_core *c, struct vcpu *v, uint64_t fills_global);

/* The rate-monotonic admission test (admit_rm.c), for every policy that
 * schedules reservations rate-monotonically. */
int sched_admit_rm(const struct sched_core *c, const struct vcpu *cand,
		   struct sched_verdict *why);

/* Generic operations for policy tables (the sporadic/PIBS mechanics). */
void sched_generic_init(struct sched_core *c);
void sched_generic_charge(struct sched_core *c, uint64_t now);
void sched_generic_on_block(struct sched_core *c, struct vcpu *v, uint64_t now);
void sched_generic_on_wake(struct sched_core *c, struct vcpu *v, uint64_t now,
			   uint64_t inherit_period);
void sched_generic_on_tick(struct sched_core *c, uint64_t now);
void sched_generic_on_pmc_sample(struct sched_core *c, struct vcpu *v,
				 const struct sched_pmc_sample *s);
void sched_generic_stats(const struct sched_core *c, const struct vcpu *v,
			 struct vcpu_stats *out);

/* The runnable VCPU with the smallest key(v); ties go to the lower id, so
 * schedules are deterministic.  NULL if none is runnable.  Inline, so that a
 * policy's key is inlined too: this pass is most of a decision. */
static inline struct vcpu *sched_pick_min(struct sched_core *c,
					  uint64_t (*key)(const struct vcpu *))
{
	struct vcpu *best = NULL;
	uint64_t best_key = 0;

	/* Slots are in id order, so strict < keeps the lower id on ties. */
	for (unsigned i = 0; i < c->count; i++) {
		struct vcpu *v = c->slot[i];
		uint64_t k;

		if (!vcpu_runnable(v))
			continue;
		k = key(v);
		if (!best || k < best_key) {
			best = v;
			best_key = k;
		}
	}
	return best;
}

#endif
