/* I/O APIC redirection (see ioapic.h; 82093AA datasheet, section 3.2.4). */
#include "monitor/ioapic.h"
#include "monitor/iommu.h"

/* The PC's I/O APIC, where QEMU and Bochs put it. The monitor's page
 * tables map it uncached (lib/boot.inc). A machine whose MADT says
 * otherwise would need the address from there. */
#define IOAPIC_BASE       0xFEC00000ull
#define IOAPIC_REGSEL     0x00
#define IOAPIC_WIN        0x10
#define IOAPIC_VER        0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define REDIR_LEVEL       (1u << 15)
#define REDIR_MASKED      (1u << 16)

static uint32_t ioapic_read(unsigned reg)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	return *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WIN);
}

static void ioapic_write(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_REGSEL) = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WIN) = v;
}

#define MAX_PINS 240

/* The core each input was routed to (+1; 0 = none): one owner per line. */
static uint16_t routed_to[MAX_PINS];

int ioapic_route_pci_line(unsigned irq, uint8_t vector, uint8_t apic_id, const char **why)
{
	unsigned pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	/* ISA IRQ 0 is wired to input 2 on the PC; every other line n to n. */
	unsigned pin = irq == 0 ? 2 : irq;
	uint32_t lo = vector | REDIR_LEVEL, hi = (uint32_t)apic_id << 24;

	if (pin >= pins || pin >= MAX_PINS || vector < 32) {
		*why = "an assigned device's interrupt line is not an I/O APIC input";
		return -1;
	}
	if (routed_to[pin] && routed_to[pin] != apic_id + 1u) {
		*why = "an assigned device's interrupt line already goes to another core";
		return -1;
	}
	/* Behind interrupt remapping the entry names a remapping entry that
	 * holds the core and vector (a line routed twice gets two: same core). */
	if (iommu_irq_remapping() && iommu_remap_ioapic_line(vector, apic_id, &lo, &hi, why))
		return -1;
	routed_to[pin] = (uint16_t)(apic_id + 1u);
	/* Masked while the entry changes, so no half-written entry fires. */
	ioapic_write(IOAPIC_REDIR(pin), REDIR_MASKED);
	ioapic_write(IOAPIC_REDIR(pin) + 1, hi);
	ioapic_write(IOAPIC_REDIR(pin), lo);
	return 0;
}

void ioapic_line_edge(unsigned irq)
{
	unsigned pin = irq == 0 ? 2 : irq;
	ioapic_write(IOAPIC_REDIR(pin), ioapic_read(IOAPIC_REDIR(pin)) & ~REDIR_LEVEL);
}
