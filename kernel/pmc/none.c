/* PMC=none: no PMU, and the "pmc" record says so. */
#include "kernel/pmc/backend.h"

static const char *init(struct pmc *p)
{
	(void)p;
	return "built with PMC=none";
}

const struct kpmc_backend kpmc_backend = { .name = "none", .init = init };
