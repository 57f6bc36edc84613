/*
 * The PMC backend this kernel was built with: one file per backend in
 * kernel/pmc/ (vpmu.c, intel.c, amd.c, none.c), chosen by make PMC=, each
 * defining kpmc_backend. kpmc.c is the same for all of them.
 */
#ifndef QUESTV_KPMC_BACKEND_H
#define QUESTV_KPMC_BACKEND_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/record.h"
#include "pmc/pmc.h"

struct kpmc_backend {
	const char *name;            /* the "backend" of the "pmc" record */
	/* Bring the PMU up into *p: 0, or why it cannot (the record's "why"). */
	const char *(*init)(struct pmc *p);
	/* Add this backend's fields to the "pmc" record of a PMU that came up. */
	void (*describe)(const struct pmc *p, struct record *r);
	/* The vPMU's extras; 0 where the backend has none. LLC size in lines: */
	uint64_t (*llc_lines)(const struct pmc *p);
	/* Tag this CPU's LLC fills / lines under a tag still cached / fills of all cores: */
	void (*set_llc_tag)(struct pmc *p, uint32_t tag);
	uint64_t (*llc_occupancy_tag)(const struct pmc *p, uint32_t tag);
	uint64_t (*llc_fills_global)(const struct pmc *p);
	/* Instructions from the overflow of handle H to its handler. */
	uint64_t (*overflow_latency)(const struct pmc *p, int h);
};

extern const struct kpmc_backend kpmc_backend;
#endif
