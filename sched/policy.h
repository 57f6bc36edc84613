/* Scheduling policy plug-ins, one table of operations plus a name (in the
 * style of LITMUS^RT plug-ins).  One file per policy: policy_<name>.c defines
 * `const struct sched_policy sched_policy_<name>`; `make SCHED=<name>` picks
 * which one the kernel links, and sched_policy_lookup() finds linked ones.
 *
 * The budget mechanics (sporadic server, PIBS) are shared and live in
 * vcpu.h; a policy decides admission and the order among runnable VCPUs, and
 * may use PMC samples.  Policies that need no special behaviour for an
 * operation point it at the sched_generic_* implementation in core.h. */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <stdint.h>

#include "sched/vcpu.h"

struct sched_core;

/* Why admission refused a VCPU (reason is a static string), or NULL. */
struct sched_verdict {
	const char *reason;
};

/*
 * A policy's operations. admit and pick_next are its own; init, charge,
 * on_block, on_wake, on_tick, on_pmc_sample and stats left NULL mean the
 * generic ones (sched_generic_*, core.h), which sched_core_init() fills
 * in: a policy's table lists only what it changes.
 */
struct sched_policy {
	const char *name;
	/* Reset policy state of a core whose VCPU set is empty. */
	void (*init)(struct sched_core *c);
	/* 0 if the admitted set plus `cand` passes the policy's test, else -1
	 * with why->reason set.  Must not modify anything. */
	int (*admit)(const struct sched_core *c, const struct vcpu *cand,
		     struct sched_verdict *why);
	/* The runnable VCPU to run at `now`, or NULL to idle. */
	struct vcpu *(*pick_next)(struct sched_core *c, uint64_t now);
	/* Charge the running VCPU for the cycles since it was dispatched. */
	void (*charge)(struct sched_core *c, uint64_t now);
	void (*on_block)(struct sched_core *c, struct vcpu *v, uint64_t now);
	void (*on_wake)(struct sched_core *c, struct vcpu *v, uint64_t now,
			uint64_t inherit_period);
	/* Timer expiry: apply due replenishments and other timed work. */
	void (*on_tick)(struct sched_core *c, uint64_t now);
	void (*on_pmc_sample)(struct sched_core *c, struct vcpu *v,
			      const struct sched_pmc_sample *s);
	/* Copy v's statistics to *out. */
	void (*stats)(const struct sched_core *c, const struct vcpu *v,
		      struct vcpu_stats *out);
	/* Optional: the next instant the policy itself needs a decision at
	 * (e.g. a regulation period ending), or SCHED_NEVER. */
	uint64_t (*next_event)(const struct sched_core *c, uint64_t now);
	/* Optional: how many LLC misses the running VCPU may still cause
	 * before the policy must decide again (memguard's budget left), or
	 * SCHED_NEVER. On hardware the kernel arms a counter-overflow
	 * interrupt with it (pmc_arm_overflow), so the budget holds to the
	 * miss, not to the next timer check. */
	uint64_t (*miss_budget)(const struct sched_core *c);
	/* Optional: set parameter `name`; 0, or -1 with *why for an unknown
	 * name or a bad value (nothing changes then). */
	int (*set_param)(struct sched_core *c, const char *name, uint64_t value,
			 const char **why);
	/* Optional: the policy's i-th statistic (i = 0, 1, ...) as *name and
	 * *value for the run's record; 0, or -1 past the last. */
	int (*stat)(const struct sched_core *c, unsigned i, const char **name, uint64_t *value);
};

/* Do two NUL-terminated names match? (Freestanding: no strcmp here.) */
int sched_name_is(const char *a, const char *b);

/* The linked policy called `name`, or NULL. */
const struct sched_policy *sched_policy_lookup(const char *name);

/* The i-th linked policy (i = 0, 1, ...), or NULL past the last; for
 * listing what an image contains. */
const struct sched_policy *sched_policy_at(unsigned i);

#endif
