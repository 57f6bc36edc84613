/* MSI-X routing of the vPMU's interrupt (see vpmu_msix.h; PCI Local Bus
 * 3.0, section 6.8.2: the capability's message control holds the table
 * size and the enable bit, its table register the BAR and offset of a table
 * of 16-byte entries: address low, address high, data, vector control). */
#include "monitor/vpmu_msix.h"
#include "monitor/iommu.h"

#define MSIX_ENABLE (1u << 15)		/* message control bit */
#define MSI_ADDRESS_BASE 0xfee00000u	/* the local APICs' MSI window */

int vpmu_msix_route(const struct pci_device *d, unsigned entry, uint8_t apic_id, uint8_t vector)
{
	unsigned cap = pci_find_cap(&pci_cam1, d->bdf, PCI_CAP_MSIX);
	uint32_t head, table, cmd, addr = MSI_ADDRESS_BASE | (uint32_t)apic_id << 12, data = vector;
	volatile uint32_t *e;
	const char *why;

	if (!cap)
		return -1;
	head = pci_cam1.read32(pci_cam1.ctx, d->bdf, cap);
	table = pci_cam1.read32(pci_cam1.ctx, d->bdf, cap + 4);
	if (entry > (head >> 16 & 0x7ff) || d->bar[table & 7].kind < PCI_BAR_MEM32 || !d->bar[table & 7].base)
		return -1;
	/* The table sits in a BAR below 4 GiB, identity-mapped uncached. */
	/* Behind interrupt remapping the message names an entry that only
	 * this function may use. */
	if (iommu_irq_remapping() && iommu_remap_msi(d->bdf, vector, apic_id, &addr, &data, &why))
		return -1;
	e = (volatile uint32_t *)(uintptr_t)(d->bar[table & 7].base + (table & ~7u) + 16u * entry);
	cmd = pci_cam1.read32(pci_cam1.ctx, d->bdf, PCI_COMMAND);
	pci_cam1.write32(pci_cam1.ctx, d->bdf, PCI_COMMAND,
			 (cmd & 0xffff) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	e[0] = addr;
	e[1] = 0;
	e[2] = data;
	e[3] = 0;			/* unmasked */
	pci_cam1.write32(pci_cam1.ctx, d->bdf, cap, head | MSIX_ENABLE << 16);
	return 0;
}
