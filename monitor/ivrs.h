/*
 * The ACPI I/O Virtualization Reporting Structure (IVRS, AMD IOMMU spec
 * 3.08, 5.2): where the AMD-Vi units' registers are and which PCI
 * functions (device IDs) each one translates.
 *
 * Portable C: the monitor parses the table firmware left in memory, the
 * host unit tests and the fuzzer parse hand-made and broken ones. The
 * table is untrusted input: every length is checked against the bytes
 * given.
 */
#ifndef QUESTV_MONITOR_IVRS_H
#define QUESTV_MONITOR_IVRS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IVRS_MAX_UNITS  4
#define IVRS_MAX_RANGES 32     /* device-ID ranges kept per unit */

/* Device IDs first..last (bus << 8 | dev << 3 | fn) whose requests reach
 * the unit as alias (their own ID when no alias entry named one). */
struct ivrs_range {
	uint16_t first, last, alias;
	bool aliased;
};

struct ivrs_unit {
	uint64_t reg_base;     /* its MMIO register block (host-physical) */
	uint16_t devid;        /* the unit's own PCI function */
	uint16_t segment;
	unsigned nranges;
	struct ivrs_range range[IVRS_MAX_RANGES];
	bool has_ioapic;       /* a special entry names an IOAPIC */
	uint16_t ioapic_devid; /* the device ID its interrupts carry */
};

struct ivrs_info {
	unsigned va_bits, pa_bits; /* from IVinfo */
	unsigned nunits;
	struct ivrs_unit unit[IVRS_MAX_UNITS];
};

/*
 * Parse the IVRS table at t, of which len bytes may be read. Returns 0 and
 * fills *out, or a message saying what is wrong (never reads past len).
 * Of the IVHD blocks (types 10h, 11h, 40h) describing the same unit, the
 * first is kept.
 */
const char *ivrs_parse(const void *t, size_t len, struct ivrs_info *out);

/* The unit that translates function bdf of segment 0, or 0 if none
 * does; *requester: the device ID its requests carry (an alias's). */
const struct ivrs_unit *ivrs_unit_for(const struct ivrs_info *v, uint16_t bdf,
				      uint16_t *requester);
#endif
