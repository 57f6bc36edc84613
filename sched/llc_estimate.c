/* LLC occupancy estimator (see llc_estimate.h). */
#include "llc_estimate.h"
#include "cycles.h"

#define ONE (1ull << LLC_FRAC_BITS)

void llc_estimate_init(struct llc_estimate *e, uint64_t global_fills_now)
{
	e->occ = 0;
	e->fills_seen = global_fills_now;
}

/*
 * The formula is a first-order step: exact while m_global is small against
 * C. A long absence (a VCPU not run while other cores streamed) brings a
 * m_global of many C; applying it in steps of at most C/8 follows the
 * exponential decay (1 - 1/C)^m that the step approximates, and stops
 * once the remaining decay is below the fixed-point resolution.
 */
void llc_estimate_update(struct llc_estimate *e, uint64_t llc_lines, uint64_t local_misses,
			 uint64_t global_fills_now)
{
	uint64_t cap = llc_lines * ONE, global, step_max, kept = e->occ;
	uint64_t own = local_misses > llc_lines ? cap : local_misses * ONE;

	global = global_fills_now > e->fills_seen ? global_fills_now - e->fills_seen : 0;
	e->fills_seen = global_fills_now;
	/* Evictions fall on the lines held at the start of the period (E in
	 * the formula), so a VCPU alone with a full cache stays at C. */
	step_max = llc_lines / 8 ? llc_lines / 8 : 1;
	while (global) {
		uint64_t step = global < step_max ? global : step_max;
		uint64_t drop = sched_muldiv(step, kept, llc_lines, 0);
		if (!drop)
			break;      /* below the fixed-point resolution from here on */
		kept -= drop;
		global -= step;
	}
	e->occ = kept + own > cap ? cap : kept + own;
}

uint64_t llc_estimate_lines(const struct llc_estimate *e)
{
	return (e->occ + ONE / 2) >> LLC_FRAC_BITS;
}

uint64_t llc_mpki_milli(uint64_t misses, uint64_t instructions)
{
	return instructions ? sched_muldiv(misses, 1000000, instructions, 0) : 0;
}
