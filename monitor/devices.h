/*
 * PCI devices and the sandboxes that may use them. The monitor scans PCI
 * once at boot (it owns configuration space: ports 0xCF8-0xCFF are never
 * granted), records what it found, and for each sandbox maps the BARs of the
 * devices that sandbox may use into its nested page table and describes
 * them in its boot information (struct bootinfo_device).
 *
 * Two rules: the vPMU (ivshmem-plain 1af4:1110) goes to every sandbox; a
 * function named by a sandbox's `pci` config key goes to that sandbox only
 * (BOOTINFO_DEV_ASSIGNED), with its interrupt routed to the sandbox's core
 * (ioapic.h) and its DMA confined where the platform can (iommu.h).
 */
#ifndef QUESTV_DEVICES_H
#define QUESTV_DEVICES_H
#include "monitor/sandbox_types.h"
#include "include/questv/bootinfo.h"
#include "lib/pci.h"

#define VPMU_PCI_VENDOR 0x1af4
#define VPMU_PCI_DEVICE 0x1110  /* ivshmem; BAR2 is the shared memory */
#define VPMU_PCI_BAR 2

/* Scan every PCI bus and record each function (one "pci" record each). */
void devices_scan(void);

/* What a config asks of the platform holds: every function it assigns
 * exists, no interrupt line goes to two sandboxes, every granted port is on
 * the allowlist (port_policy.h; ACPI's blocks from acpi_rsdp). 0, or -1
 * with *err (the sandbox's line). Call after devices_scan(), before
 * building sandboxes. */
int devices_check(const struct system_config *cfg, const void *acpi_rsdp,
		  struct config_error *err);

/*
 * Give sandbox sb the devices it may use: map their memory BARs into its
 * nested page table (identity, uncached) and describe them in bi. Returns
 * 0, or -1 with *why when a mapping fails (a BAR overlaps the sandbox's
 * RAM or shared regions, or the monitor ran out of table pages).
 */
int devices_grant(struct sandbox *sb, struct bootinfo *bi, const char **why);

/* The BARs sb is due (the device policy above, not the mappings made):
 * audit windows (npt_audit.h), at most max. Returns how many. */
#define DEVICES_MAX_WINDOWS (1 + CFG_MAX_PCI * PCI_MAX_BARS)
struct npt_window;
unsigned devices_windows(const struct sandbox *sb, struct npt_window *out, unsigned max);
#endif
