/* What the monitor reads from ACPI: how many cores to expect at start-up,
 * and the tables of other parts (the DMAR for the IOMMU, dmar.h). */
#ifndef QUESTV_ACPI_H
#define QUESTV_ACPI_H
#include <stdint.h>

/*
 * The enabled processors the MADT lists (Processor Local APIC entries),
 * through the RSDP GRUB copied (multiboot2.h). 0 when there is no RSDP,
 * no MADT, or a checksum does not add up: the caller then cannot know.
 */
unsigned acpi_cpu_count(const void *rsdp);

/* The table with signature sig the RSDT lists, its checksum checked, and
 * its length in *len; 0 when there is none. */
const void *acpi_table(const void *rsdp, const char sig[4], uint32_t *len);
#endif
