/* The VCPU model of Quest (Danish, Li, West, RTAS 2011): threads run on
 * VCPUs, VCPUs on a core.  Main VCPUs are sporadic servers (budget C, period
 * T); I/O VCPUs are PIBS servers (utilization U, period inherited from the
 * Main VCPU whose thread caused the I/O).  All times are TSC cycles.
 *
 * This header is the mechanism only: budgets, activations, replenishments.
 * Which runnable VCPU runs is a policy decision (policy.h).  The caller owns
 * every struct vcpu; nothing here allocates. */
#ifndef SCHED_VCPU_H
#define SCHED_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/cycles.h"
#include "sched/llc_estimate.h"

/* Pending replenishments per Main VCPU.  When full, new ones merge into the
 * last (see sporadic.c): later, never earlier, so the bound stays safe. */
#define SCHED_REPL_SLOTS 16

#define SCHED_PPM 1000000u /* I/O utilizations are parts per million */

/* VCPU_BE: best effort. No reservation and no budget: it runs only when no
 * VCPU with budget wants the core, and admission never refuses it. */
enum vcpu_kind { VCPU_MAIN, VCPU_IO, VCPU_BE };

struct sched_repl {
	uint64_t at;      /* when the amount becomes available again */
	uint64_t amount;  /* cycles */
	uint64_t act;     /* activation the amount was consumed under */
	bool merged;      /* absorbed later consumption because the queue was full */
};

struct sched_pmc_sample {
	uint64_t t;             /* TSC when read */
	uint64_t instructions;  /* deltas since the previous sample */
	uint64_t llc_refs;
	uint64_t llc_misses;
	uint64_t llc_fills_global; /* cumulative LLC fills of all cores (0: unknown) */
};

struct vcpu_stats {
	uint64_t used;            /* cycles charged, including overruns */
	uint64_t replenishments;
	uint64_t max_overrun;     /* largest charge beyond the available budget */
	uint64_t pmc_samples;
	uint64_t instructions;    /* sums over recorded PMC samples */
	uint64_t llc_refs;
	uint64_t llc_misses;
	uint64_t last_pmc_at;
};

/* Replenishment notification, for traces (simulator JSON, guest records). */
struct sched_event {
	const struct vcpu *v;
	uint64_t t;       /* when due (a late timer applies it a little later) */
	uint64_t amount;  /* budget made available */
	uint64_t act;     /* activation whose consumption this repays */
	uint64_t used;    /* cycles consumed under that activation */
	uint64_t period;  /* T, or the inherited T for an I/O VCPU */
	bool merged;
};

struct sched_trace {
	void (*replenish)(void *ctx, const struct sched_event *ev);
	void *ctx;
};

struct vcpu {
	const char *name;
	enum vcpu_kind kind;
	unsigned id;          /* admission order; breaks priority ties */
	bool ready;           /* has a runnable thread (told by wake/block) */
	bool open;            /* an activation is in progress */
	uint64_t budget;      /* cycles available now */
	uint64_t act;         /* start of the open activation */
	uint64_t used;        /* cycles consumed under the open activation */
	uint64_t period;      /* T (Main) or inherited T (I/O) */
	const struct sched_trace *trace; /* may be NULL */
	union {
		struct {
			uint64_t capacity;  /* C */
			struct sched_repl q[SCHED_REPL_SLOTS];
			unsigned head, count;
		} main;
		struct {
			uint32_t u_ppm;
			bool pending;       /* the one pending replenishment */
			uint64_t eligible;  /* when it is due */
			uint64_t last_act, last_used;
		} io;
	} s;
	struct vcpu_stats stats;
	struct llc_estimate llc;  /* cache-aware policies: occupancy estimate */
	/* cache-aware: the largest estimate (lines) sampled in activation
	 * llc_peak_act, and in the one sampled before it */
	uint64_t llc_peak, llc_peak_prev, llc_peak_act;
	uint64_t mpki_milli;      /* LLC misses per 1000 instructions x 1000, over the
				   * last SCHED_MPKI_WINDOW instructions or more */
	uint64_t mpki_insns, mpki_misses; /* the window being filled */
};

/* Make v a Main VCPU with budget C and period T (cycles).  Returns 0, or -1
 * if 0 < C <= T <= 2^62 does not hold.  v starts blocked with full budget. */
int vcpu_init_main(struct vcpu *v, const char *name, uint64_t C, uint64_t T);

/* Make v an I/O VCPU with utilization u_ppm/10^6.  Returns 0, or -1 unless
 * 0 < u_ppm <= 10^6.  Its period comes from the first vcpu_wake(). */
int vcpu_init_io(struct vcpu *v, const char *name, uint32_t u_ppm);

/* Make v a best-effort VCPU (no budget, lowest priority). */
void vcpu_init_be(struct vcpu *v, const char *name);

/* v got runnable work at `now`.  For an I/O VCPU starting a new activation,
 * inherit_period (the period of the Main VCPU whose thread caused the I/O,
 * > 0, <= 2^62) becomes its period; Main VCPUs ignore it. */
void vcpu_wake(struct vcpu *v, uint64_t now, uint64_t inherit_period);

/* v has no runnable work any more; ends its activation.  Charge it first. */
void vcpu_block(struct vcpu *v);

/* v ran for `ran` cycles.  Budget is charged exactly; anything beyond the
 * budget (a late timer) is recorded as an overrun, never repaid.  Exhausting
 * the budget ends the activation. */
void vcpu_charge(struct vcpu *v, uint64_t ran);

/* Apply every replenishment of v due at or before `now`, reporting each to
 * v->trace. */
void vcpu_replenish(struct vcpu *v, uint64_t now);

/* Time of v's next pending replenishment, or SCHED_NEVER. */
uint64_t vcpu_next_replenish(const struct vcpu *v);

/* True if v may run now: it has work and budget. */
static inline bool vcpu_runnable(const struct vcpu *v)
{
	return v->ready && (v->budget > 0 || v->kind == VCPU_BE);
}

/* Deadline of v's open activation (activation + period): the EDF key. */
static inline uint64_t vcpu_deadline(const struct vcpu *v)
{
	return v->act + v->period;
}

/* Record a PMC sample into v's statistics (sums and count). */
void vcpu_record_pmc(struct vcpu *v, const struct sched_pmc_sample *s);

#endif
