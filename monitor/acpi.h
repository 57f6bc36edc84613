/* What the monitor reads from ACPI: how many cores to expect at start-up. */
#ifndef QUESTV_ACPI_H
#define QUESTV_ACPI_H

/*
 * The enabled processors the MADT lists (Processor Local APIC entries),
 * through the RSDP GRUB copied (multiboot2.h). 0 when there is no RSDP,
 * no MADT, or a checksum does not add up: the caller then cannot know.
 */
unsigned acpi_cpu_count(const void *rsdp);
#endif
