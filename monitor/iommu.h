/*
 * DMA confinement of assigned devices (system key `iommu`, config.h).
 *
 * With Intel VT-d (found through the ACPI DMAR table, dmar.h) every
 * function a sandbox owns gets a context entry whose second-level table
 * maps exactly the owner's RAM at its guest-physical addresses (the view
 * its nested page table gives its CPU), built by nested_pt in the VT-d
 * format: the device cannot reach another sandbox, the monitor or the
 * interrupt window, and the owner programs it with guest-physical
 * addresses. With VT-d's interrupt remapping, each device interrupt goes
 * through an entry naming the owner's core and vector, accepted from that
 * device (or its I/O APIC line) only; a write into the interrupt window
 * naming any other entry faults. With AMD-Vi instead (the ACPI IVRS table,
 * ivrs.h) the same DMA view is built in its format and the I/O APIC's
 * interrupts are remapped (iommu_amdvi.h says what QEMU 7.2's model lacks).
 * Faults (DMA and interrupt) are read back into `dma_fault` records naming
 * the owner. Without an IOMMU (the `pc` machine) the run records
 * `confined:false` and the driver's audit (kernel/net/e1000/e1000_ring.h)
 * is the only defence.
 */
#ifndef QUESTV_IOMMU_H
#define QUESTV_IOMMU_H
#include <stdbool.h>
#include "monitor/config.h"
#include "monitor/sandbox_types.h"
#include "lib/pci.h"

/* Find the platform's IOMMU and decide from mode (records `iommu`).
 * 0, or -1 with *why when mode is required and none can be used. */
int iommu_setup(enum cfg_iommu mode, const void *acpi_rsdp, const char **why);

/* Whether devices are confined: sandboxes then program guest-physical
 * addresses and are not told their host-physical base. */
bool iommu_active(void);

/* Confine function bdf's DMA to sb's RAM (records `dma_confine`).
 * 0, or -1 with *why. */
int iommu_confine(const struct sandbox *sb, pci_bdf bdf, const char **why);

/* An I/O APIC line now delivers vector to the core with apic_id: with
 * interrupt remapping (AMD-Vi), the only message the I/O APIC may send
 * there. *edge: the line must be edge-triggered, since the remapper
 * delivers messages so (QEMU 7.2's AMD-Vi drops the trigger mode). 0, or
 * -1 with *why. */
int iommu_route_irq(uint8_t vector, uint8_t apic_id, bool *edge, const char **why);

/* Every device attached: turn translation on. 0, or -1 with *why. */
int iommu_enable(const char **why);

/* Whether device interrupts are remapped (VT-d interrupt remapping in
 * use): I/O APIC lines and MSIs then name a remapping entry. */
bool iommu_irq_remapping(void);

/* A remapped I/O APIC line delivering vector (level-triggered) to the core
 * with APIC ID apic_id: the redirection entry's low and high dwords, mask
 * clear. 0, or -1 with *why. */
int iommu_remap_ioapic_line(uint8_t vector, uint8_t apic_id, uint32_t *lo, uint32_t *hi,
			    const char **why);

/* A remapped MSI of function bdf delivering vector (edge) to apic_id: the
 * message's address and data. 0, or -1 with *why. */
int iommu_remap_msi(pci_bdf bdf, uint8_t vector, uint8_t apic_id, uint32_t *addr, uint32_t *data,
		    const char **why);

/* Record the faults the IOMMU holds as `dma_fault` records; how many. */
unsigned iommu_report_faults(void);

/* HC_DMA_FAULTS: report what is pending, then the faults of sandbox's
 * devices recorded since its last call. */
unsigned iommu_take_faults(unsigned sandbox);
#endif
