/* What the monitor reads from ACPI: how many cores to expect at start-up,
 * which I/O ports the platform's power management answers on, and the
 * tables of other parts (the DMAR or IVRS for the IOMMU, dmar.h, ivrs.h). */
#ifndef QUESTV_ACPI_H
#define QUESTV_ACPI_H
#include <stdint.h>
#include "monitor/port_hazards.h"

/*
 * The enabled processors the MADT lists (Processor Local APIC entries),
 * through the RSDP GRUB copied (multiboot2.h). 0 when there is no RSDP,
 * no MADT, or a checksum does not add up: the caller then cannot know.
 */
unsigned acpi_cpu_count(const void *rsdp);

/* The table with signature sig the RSDT lists, its checksum checked, and
 * its length in *len; 0 when there is none. */
const void *acpi_table(const void *rsdp, const char sig[4], uint32_t *len);

/*
 * The FADT's SMI command port and PM1/PM2/timer/GPE blocks, at most max of
 * them, each named: no sandbox may have them (port_policy.h). 0 when there
 * is no FADT.
 */
unsigned acpi_pm_ports(const void *rsdp, struct port_hazard *out, unsigned max);
#endif
