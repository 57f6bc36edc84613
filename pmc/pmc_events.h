/* Event tables: name -> raw hardware encoding, generated at build time by
 * pmc/gen_events.c (libpfm4) into build/pmc_events.c for one CPU model, so
 * the kernel never parses event strings at run time. */
#ifndef PMC_EVENTS_H
#define PMC_EVENTS_H

#include <stdint.h>

struct pmc_event_def {
	const char *name;  /* what pmc_open() is given, e.g. "LLC_MISSES" */
	uint64_t code;	   /* PerfEvtSel value as libpfm4 encodes it (event,
			    * umask, cmask, edge, inv; the backend sets the
			    * enable and privilege bits itself) */
};

struct pmc_event_table {
	const char *model;	/* libpfm4 PMU name, e.g. "snb", "amd64_fam15h" */
	const struct pmc_event_def *events;
	unsigned n;
};

/* The table of this build (build/pmc_events.c). */
extern const struct pmc_event_table pmc_event_table;

#endif
