/* PCI configuration mechanism #1: address to port 0xCF8, data at 0xCFC.
 * Only the owner of those ports may use it: the monitor under
 * virtualization (it keeps them from every sandbox), the kernel natively. */
#include "lib/pci.h"
#include "lib/x86.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA    0xCFC

static void select_reg(pci_bdf bdf, unsigned off)
{
	outl(CONFIG_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xFC));
}

static uint32_t cam1_read(void *ctx, pci_bdf bdf, unsigned off)
{
	(void)ctx;
	select_reg(bdf, off);
	return inl(CONFIG_DATA);
}

static void cam1_write(void *ctx, pci_bdf bdf, unsigned off, uint32_t v)
{
	(void)ctx;
	select_reg(bdf, off);
	outl(CONFIG_DATA, v);
}

const struct pci_config_access pci_cam1 = { cam1_read, cam1_write, 0 };
