/* A fake CPU for host tests of the hardware PMC backends: a CPUID table,
 * MSRs that hold values (or fault, or read 0 and drop writes as QEMU TCG
 * does for PMU MSRs), RDPMC mapped onto the counter MSRs, and a log of
 * every MSR write so tests can check programming sequences. */
#ifndef PMC_FAKE_MSR_H
#define PMC_FAKE_MSR_H

#include <stdbool.h>
#include <stdint.h>
#include "pmc/pmc.h"

#define FAKE_MAX_MSRS 64
#define FAKE_MAX_CPUID 16
#define FAKE_MAX_LOG 256

/* How RDPMC's ECX maps to an MSR. */
enum fake_rdpmc { FAKE_RDPMC_INTEL, FAKE_RDPMC_AMD_LEGACY, FAKE_RDPMC_AMD_EXT };

struct fake_cpu {
	struct { uint32_t leaf, sub, r[4]; } cpuid[FAKE_MAX_CPUID];
	unsigned n_cpuid;
	struct { uint32_t msr; uint64_t val; } msr[FAKE_MAX_MSRS];
	unsigned n_msr;
	bool fault_absent;	/* absent MSRs fault (else read 0, ignore writes) */
	enum fake_rdpmc rdpmc;
	struct { uint32_t msr; uint64_t val; } log[FAKE_MAX_LOG];
	unsigned n_log;
};

/* The ops a backend is given, with the struct fake_cpu as ctx. */
extern const struct pmc_msr_ops fake_msr_ops;

/* Make F empty: no CPUID leaves (all read 0), no MSRs, nothing logged. */
void fake_reset(struct fake_cpu *f);
/* CPUID leaf 0 with VENDOR (12 chars) and max leaf MAX. */
void fake_vendor(struct fake_cpu *f, const char *vendor, uint32_t max);
void fake_cpuid(struct fake_cpu *f, uint32_t leaf, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
/* Make MSR exist, holding VAL. */
void fake_msr_add(struct fake_cpu *f, uint32_t msr, uint64_t val);
/* Value of MSR (0 if absent). */
uint64_t fake_msr(const struct fake_cpu *f, uint32_t msr);

#endif
