/* PMC=intel: the PMU through its MSRs, with the event table generated for
 * PMC_CPU (build/pmc_events.c). */
#include "kernel/pmc/backend.h"
#include "kernel/pmc/msr_ops.h"
#include "pmc/pmc_events.h"

static const char *init(struct pmc *p)
{
	return pmc_init_intel(p, &kpmc_msr_ops, 0, &pmc_event_table) == PMC_OK ? 0 : pmc_why(p);
}

static void describe(const struct pmc *p, struct record *r)
{
	rec_u64(r, "counters", p->n_gp);
}

const struct kpmc_backend kpmc_backend = { .name = "intel", .init = init, .describe = describe };
