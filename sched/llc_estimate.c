/* LLC occupancy estimator (see llc_estimate.h). */
#include "sched/llc_estimate.h"
#include "sched/cycles.h"

#define ONE (1ull << LLC_FRAC_BITS)

void llc_estimate_init(struct llc_estimate *e, uint64_t global_fills_now)
{
	e->occ = 0;
	e->fills_seen = global_fills_now;
}

/*
 * The formula is a first-order step: exact while m_global is small against
 * C. A long period (a VCPU that ran for many C fills, or one not run while
 * other cores streamed) brings an m_global of many C; the update applies
 * it in steps of at most C/8 global fills, each bringing its proportional
 * share of the local misses, as fills and evictions interleave over the
 * period. That follows the exponential approach to the VCPU's share of
 * the fills (E -> C * m_local / m_global) that one step of the formula
 * only approximates, and stops early once nothing is left to add and the
 * decay is below the fixed-point resolution.
 *
 * The cost is bounded: this runs at every scheduling point with
 * interrupts off, and one period can span millions of fills (a VCPU's
 * first period, or a long absence). Each step keeps 7/8 of what the
 * estimate held, so after SETTLE_STEPS steps nothing of the starting E is
 * left at the fixed-point resolution ((7/8)^256 * 2^24 lines * ONE < 1):
 * a longer period ends at the steps' fixed point, the VCPU's share of the
 * period's fills, C * m_local / m_global, which is computed directly.
 */
#define SETTLE_STEPS 256u
void llc_estimate_update(struct llc_estimate *e, uint64_t llc_lines, uint64_t local_misses,
			 uint64_t global_fills_now)
{
	uint64_t cap = llc_lines * ONE, global, step_max, kept = e->occ, local = local_misses;

	global = global_fills_now > e->fills_seen ? global_fills_now - e->fills_seen : 0;
	e->fills_seen = global_fills_now;
	step_max = llc_lines / 8 ? llc_lines / 8 : 1;
	if (global / SETTLE_STEPS >= step_max) {
		e->occ = local >= global ? cap : sched_muldiv(local, cap, global, 0);
		return;
	}
	while (global) {
		uint64_t step = global < step_max ? global : step_max;
		uint64_t own = sched_muldiv(local, step, global, 0);
		uint64_t drop = sched_muldiv(step, kept, llc_lines, 0);
		if (!drop && !local)
			break;      /* below the fixed-point resolution from here on */
		/* Evictions fall on the lines held at the start of the step. */
		kept = kept - drop + (own > llc_lines ? cap : own * ONE);
		if (kept > cap)
			kept = cap;
		local -= own;
		global -= step;
	}
	/* Misses the global counter did not cover (it lags, or is unknown). */
	kept += local > llc_lines ? cap : local * ONE;
	e->occ = kept > cap ? cap : kept;
}

uint64_t llc_estimate_lines(const struct llc_estimate *e)
{
	return (e->occ + ONE / 2) >> LLC_FRAC_BITS;
}

uint64_t llc_mpki_milli(uint64_t misses, uint64_t instructions)
{
	return instructions ? sched_muldiv(misses, 1000000, instructions, 0) : 0;
}
