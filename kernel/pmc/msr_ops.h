/* Real rdmsr/wrmsr/cpuid/rdpmc for pmc/'s hardware backends; a #GP (no such
 * MSR, or the monitor denies it) becomes -1 through the exception fixups. */
#ifndef QUESTV_KPMC_MSR_OPS_H
#define QUESTV_KPMC_MSR_OPS_H
#include "pmc/pmc.h"

extern const struct pmc_msr_ops kpmc_msr_ops;
#endif
