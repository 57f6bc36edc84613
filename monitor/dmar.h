/*
 * The ACPI DMA Remapping table (DMAR, Intel VT-d spec 3.4, chapter 8):
 * where the VT-d remapping units' registers are and which PCI functions
 * each one translates.
 *
 * Portable C: the monitor parses the table firmware left in memory, the
 * host unit tests parse hand-made and broken ones. The table is untrusted
 * input: every length is checked against the bytes given.
 */
#ifndef QUESTV_MONITOR_DMAR_H
#define QUESTV_MONITOR_DMAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAR_MAX_UNITS     4
#define DMAR_MAX_ENDPOINTS 8   /* explicit endpoint scopes kept per unit */

struct dmar_unit {
	uint64_t reg_base;     /* its register page (host-physical) */
	uint16_t segment;
	bool include_all;      /* translates every function of the segment not
	                          named by another unit */
	unsigned nendpoints;
	uint16_t endpoint[DMAR_MAX_ENDPOINTS]; /* bus << 8 | dev << 3 | fn */
};

struct dmar_info {
	unsigned haw;          /* host address width, bits */
	bool intr_remap;       /* the platform supports interrupt remapping */
	bool has_ioapic;       /* a unit's scope names the I/O APIC: */
	uint16_t ioapic_sid;   /* the requester id its interrupts carry */
	unsigned nunits;
	struct dmar_unit unit[DMAR_MAX_UNITS];
};

/*
 * Parse the DMAR table at t, of which len bytes may be read. Returns 0 and
 * fills *out, or a message saying what is wrong (never reads past len).
 */
const char *dmar_parse(const void *t, size_t len, struct dmar_info *out);

/* The unit that translates function bdf of segment 0, or 0 if none does. */
const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint16_t bdf);
#endif
