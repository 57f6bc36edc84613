/* What each PMC backend (pmc_intel.c, pmc_amd.c, pmc_vpmu.c) provides to the
 * portable core (pmc.c). Internal to pmc/. */
#ifndef PMC_BACKEND_H
#define PMC_BACKEND_H

#include "pmc/pmc.h"

struct pmc_backend {
	const char *name;
	/* Known event names: the I-th (I = 0, 1, ...), or NULL past the last. */
	const char *(*event_name)(const struct pmc *p, unsigned i);
	/* Program and enable a free counter for event number EV (an index for
	 * event_name) starting from zero; store its id in *HW. Returns PMC_OK
	 * or a negative status with p->why set. */
	int (*start)(struct pmc *p, unsigned ev, uint32_t *hw);
	/* Current raw value of counter HW. */
	uint64_t (*read)(struct pmc *p, uint32_t hw);
	/* Significant bits of counter HW's raw value. */
	uint32_t (*width)(const struct pmc *p, uint32_t hw);
	/* Overflow interrupts (NULL: none). arm: preset HW to PRESET and set
	 * its interrupt enable; 0 or -1 (MSR fault). take: whether HW (armed,
	 * preset to PRESET) overflowed; if so clear its status and interrupt
	 * enable. */
	int (*arm)(struct pmc *p, uint32_t hw, uint64_t preset);
	int (*take)(struct pmc *p, uint32_t hw, uint64_t preset);
	/* The largest count arm can preset (0: the counter's whole range). */
	uint64_t max_preset;
};

extern const struct pmc_backend pmc_backend_intel, pmc_backend_amd, pmc_backend_vpmu;

/* Shared by the hardware backends: the I-th name of p->table. */
const char *pmc_table_event_name(const struct pmc *p, unsigned i);

/* Whether a counter preset to PRESET and now reading RAW (both masked to
 * its width) has wrapped past zero since: a preset sits just below the
 * wrap, so any value below it means it did. */
static inline int pmc_wrapped(uint64_t raw, uint64_t preset)
{
	return raw < preset;
}

/* CPUID vendor string check: 1 if leaf 0 reports VENDOR (12 chars). */
int pmc_cpu_vendor_is(const struct pmc *p, const char *vendor);

#endif
