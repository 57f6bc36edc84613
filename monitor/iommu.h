/*
 * Where an IOMMU would confine an assigned device's DMA to its owner's
 * memory: the monitor calls iommu_confine() for every function it assigns.
 * On hardware this is VT-d (Intel: a context entry for the function whose
 * second-level table is the sandbox's EPT) or AMD-Vi (a device table entry
 * pointing at a copy of its NPT in the IOMMU's format). QEMU's TCG machine
 * here has neither, so today the hook says so and the run records it
 * ("dma_confine" record, "iommu":"none"): a driver bug or a fault could
 * make the device write anywhere in host memory. What stands in for it is
 * the driver's discipline (kernel/net/e1000_ring.h: addresses only from its
 * private shadow, rings audited) - a mitigation, not isolation.
 */
#ifndef QUESTV_IOMMU_H
#define QUESTV_IOMMU_H
#include <stdbool.h>
#include "monitor/sandbox_types.h"
#include "lib/pci.h"

/* Confine function bdf's DMA to sb's RAM; true if the platform did. */
bool iommu_confine(const struct sandbox *sb, pci_bdf bdf);
#endif
