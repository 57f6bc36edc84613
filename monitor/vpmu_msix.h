/* The vPMU's overflow interrupt on the monitor's side: route MSI-X entry
 * i of the vPMU's ivshmem-doorbell device (pmc/qemu-plugin/vpmu_doorbell.h)
 * to the local APIC of the core running vCPU i. The sandbox then takes it
 * through its own IDT with no exit, like any interrupt of its core. */
#ifndef MONITOR_VPMU_MSIX_H
#define MONITOR_VPMU_MSIX_H

#include <stdint.h>
#include "lib/pci.h"

/* Program entry ENTRY of d's MSI-X table to deliver VECTOR (fixed, edge,
 * physical destination) to APIC_ID, unmasked, and turn MSI-X and bus
 * mastering (MSIs are the device's memory writes) on. Returns 0, or -1 if
 * d has no MSI-X (an ivshmem-plain device: counters, no interrupt) or no
 * such entry. */
int vpmu_msix_route(const struct pci_device *d, unsigned entry, uint8_t apic_id, uint8_t vector);

#endif
