/*
 * Online LLC occupancy estimate per VCPU, from ordinary counters (West,
 * Zaroo, Waldspurger, Zhang, "Online Cache Modeling for Commodity Multicore
 * Processors", PACT 2010). At the end of each accounting period of a VCPU:
 *
 *     E' = E + m_local - m_global * E / C
 *
 * m_local: LLC misses of the VCPU in the period (each fills a line it then
 * owns); m_global: LLC lines filled by every core in the same time (each
 * evicts a line, which is the VCPU's with probability E / C under random
 * replacement); C: LLC size in lines (CPUID leaf 4 on hardware, the vPMU
 * geometry under QEMU). Fixed point, no floating point (kernel code).
 */
#ifndef SCHED_LLC_ESTIMATE_H
#define SCHED_LLC_ESTIMATE_H

#include <stdint.h>

#define LLC_FRAC_BITS 16   /* occupancy is kept in 1/65536 lines */

struct llc_estimate {
	uint64_t occ;          /* lines << LLC_FRAC_BITS, 0..C */
	uint64_t fills_seen;   /* global fill counter at the last update */
};

/* A VCPU that has never run owns nothing; global fills count from now. */
void llc_estimate_init(struct llc_estimate *e, uint64_t global_fills_now);

/*
 * Apply one period: local_misses of this VCPU since its last update, and
 * the global fill counter now (monotonic, all cores; it includes these
 * misses). A VCPU that did not run still decays by the others' fills.
 * llc_lines must be > 0.
 */
void llc_estimate_update(struct llc_estimate *e, uint64_t llc_lines, uint64_t local_misses,
			 uint64_t global_fills_now);

/* The estimate in whole lines (rounded to nearest). */
uint64_t llc_estimate_lines(const struct llc_estimate *e);

/* LLC misses per 1000 instructions, in thousandths (MPKI x 1000); 0 if none. */
uint64_t llc_mpki_milli(uint64_t misses, uint64_t instructions);

#endif
