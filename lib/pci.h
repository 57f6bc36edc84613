/*
 * PCI enumeration, portable C shared by the monitor (which owns PCI
 * configuration space under virtualization) and the native kernel (which
 * owns everything). Configuration space is reached through a
 * struct pci_config_access: pci_cam1 (ports 0xCF8/0xCFC) on x86, a fake
 * array in the host unit tests.
 */
#ifndef QUESTV_PCI_H
#define QUESTV_PCI_H
#include <stdint.h>

#define PCI_MAX_BARS 6

/* The command register and the bits the monitor sets for an owner. */
#define PCI_COMMAND        0x04
#define PCI_COMMAND_IO     0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u   /* the function may start DMA */

/* bus << 8 | device << 3 | function, as configuration mechanism #1 spells it. */
typedef uint16_t pci_bdf;
#define PCI_BDF(bus, dev, fn) ((pci_bdf)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BUS(bdf) ((unsigned)(bdf) >> 8)
#define PCI_DEV(bdf) (((unsigned)(bdf) >> 3) & 31)
#define PCI_FN(bdf) ((unsigned)(bdf) & 7)

struct pci_config_access {
	/* 32-bit register at byte offset off (a multiple of 4) of function bdf. */
	uint32_t (*read32)(void *ctx, pci_bdf bdf, unsigned off);
	void (*write32)(void *ctx, pci_bdf bdf, unsigned off, uint32_t v);
	void *ctx;
};

/* Configuration mechanism #1 through I/O ports 0xCF8/0xCFC. */
extern const struct pci_config_access pci_cam1;

enum pci_bar_kind { PCI_BAR_NONE = 0, PCI_BAR_IO = 1, PCI_BAR_MEM32 = 2, PCI_BAR_MEM64 = 3 };

struct pci_bar {
	uint64_t base;          /* as the firmware assigned it (0 = unassigned) */
	uint64_t size;          /* decoded from the sizing probe, 0 = no BAR */
	uint8_t kind;           /* enum pci_bar_kind; a MEM64 BAR uses the next slot too */
	uint8_t prefetchable;
};

struct pci_device {
	pci_bdf bdf;
	uint16_t vendor, device;
	uint32_t class_code;    /* class << 16 | subclass << 8 | programming interface */
	uint8_t header_type;    /* 0 endpoint, 1 PCI-PCI bridge (multi-function bit cleared) */
	uint8_t irq_line;       /* as the firmware routed it (legacy PIC/IOAPIC input) */
	struct pci_bar bar[PCI_MAX_BARS];
};

/*
 * Enumerate bus 0 and every bus behind a PCI-PCI bridge the firmware
 * numbered, into out[0..max). Each BAR is sized by the standard probe (write
 * all ones, read back, restore) with memory and I/O decoding off meanwhile,
 * so nothing is ever decoded at a bogus address. Returns the number of
 * functions found (those beyond max are counted, not stored).
 */
unsigned pci_scan(const struct pci_config_access *a, struct pci_device *out, unsigned max);

/* Byte offset of function bdf's first capability with this id (e.g.
 * PCI_CAP_MSIX), or 0 if it has none. The list is walked at most 48 steps
 * (all a 256-byte space holds), so a looping list ends. */
#define PCI_CAP_MSIX 0x11
unsigned pci_find_cap(const struct pci_config_access *a, pci_bdf bdf, uint8_t id);

/* The first of devs[0..n) with this vendor and device id, or 0. */
const struct pci_device *pci_find(const struct pci_device *devs, unsigned n,
				  uint16_t vendor, uint16_t device);
#endif
