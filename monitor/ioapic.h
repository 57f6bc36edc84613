/*
 * The I/O APIC, the monitor's alone (no sandbox maps its page): it steers a
 * device's interrupt line to the core of the sandbox that owns the device,
 * once at boot, so device interrupts then reach that sandbox without a VM
 * exit and never reach another core.
 */
#ifndef QUESTV_IOAPIC_H
#define QUESTV_IOAPIC_H
#include <stdint.h>

/*
 * Route legacy interrupt line irq (as PCI's interrupt-line register names
 * it: the ISA IRQ the firmware gave the PCI link) to vector on the core
 * with APIC ID apic_id, level-triggered, active-high (what the PC's ACPI
 * tables say of PCI lines under QEMU and Bochs); behind interrupt
 * remapping (iommu.h) through a remapping entry. Returns 0, or -1 with
 * *why: the line is beyond the I/O APIC's inputs, the vector is an
 * exception's, the line already goes to another core (the config check
 * refuses that first: devices.c), or no remapping entry could be made.
 */
int ioapic_route_pci_line(unsigned irq, uint8_t vector, uint8_t apic_id, const char **why);

/* Make routed line irq edge-triggered: for an interrupt remapper that
 * delivers every message edge-triggered (iommu.h), under which a level
 * entry would never see its EOI. */
void ioapic_line_edge(unsigned irq);
#endif
