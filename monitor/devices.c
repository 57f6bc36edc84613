/* PCI devices handed to sandboxes (see devices.h). */
#include "monitor/devices.h"
#include "monitor/port_policy.h"
#include "include/questv/vpmu.h"
#include "monitor/ioapic.h"
#include "monitor/iommu.h"
#include "monitor/vpmu_msix.h"
#include "lib/record.h"
#include "monitor/acpi.h"
#include "monitor/npt_audit.h"

#define MAX_PCI 64
#define MAX_ACPI_BLOCKS 9       /* SMI_CMD and the FADT's eight blocks */

static struct pci_device pci[MAX_PCI];
static unsigned npci;

static void fmt_bdf(char out[8], pci_bdf bdf)
{
	static const char hex[] = "0123456789abcdef";
	out[0] = hex[PCI_BUS(bdf) >> 4];
	out[1] = hex[PCI_BUS(bdf) & 15];
	out[2] = ':';
	out[3] = hex[PCI_DEV(bdf) >> 4];
	out[4] = hex[PCI_DEV(bdf) & 15];
	out[5] = '.';
	out[6] = hex[PCI_FN(bdf)];
	out[7] = 0;
}

void devices_scan(void)
{
	unsigned found = pci_scan(&pci_cam1, pci, MAX_PCI), i, b;
	struct record r;

	npci = found < MAX_PCI ? found : MAX_PCI;
	for (i = 0; i < npci; i++) {
		char bdf[8];
		fmt_bdf(bdf, pci[i].bdf);
		rec_begin(&r, "pci");
		rec_str(&r, "bdf", bdf);
		rec_hex(&r, "vendor", pci[i].vendor);
		rec_hex(&r, "device", pci[i].device);
		rec_hex(&r, "class", pci[i].class_code);
		for (b = 0; b < PCI_MAX_BARS; b++) {
			static const char *const key[] = { "bar0", "bar1", "bar2", "bar3", "bar4", "bar5" };
			if (pci[i].bar[b].size)
				rec_hex(&r, key[b], pci[i].bar[b].base);
		}
		rec_end(&r);
	}
	if (found > MAX_PCI) {
		rec_begin(&r, "pci_overflow");
		rec_u64(&r, "found", found);
		rec_u64(&r, "kept", MAX_PCI);
		rec_end(&r);
	}
}

static bool assigned_in(const struct sandbox_config *sc, pci_bdf bdf)
{
	for (unsigned i = 0; i < sc->npci; i++)
		if (sc->pci[i] == bdf)
			return true;
	return false;
}

static const struct pci_device *find(pci_bdf bdf)
{
	for (unsigned i = 0; i < npci; i++)
		if (pci[i].bdf == bdf)
			return &pci[i];
	return 0;
}

/* How sandbox sb may use device d: a BOOTINFO_DEV_* value, or 0 for not at all. */
static unsigned device_use(const struct sandbox *sb, const struct pci_device *d)
{
	if (assigned_in(sb->cfg, d->bdf))
		return BOOTINFO_DEV_ASSIGNED;
	if (d->vendor == VPMU_PCI_VENDOR && d->device == VPMU_PCI_DEVICE &&
	    d->bar[VPMU_PCI_BAR].kind >= PCI_BAR_MEM32 && d->bar[VPMU_PCI_BAR].size >= VPMU_SHM_SIZE)
		return BOOTINFO_DEV_VPMU;
	return 0;
}

static int map(struct sandbox *sb, uint64_t addr, uint64_t size, unsigned perm)
{
	return size ? npt_map(&sb->npt, addr, addr, size, perm, PT_UC) : 0;
}

/* BAR2 of the vPMU: all of it read-only but this vCPU's control page, so a
 * sandbox can neither forge counters nor steer another's. The mapping is the
 * identity: BARs sit above every sandbox's RAM (carved below them). The
 * plugin's vCPU is QEMU's CPU index (sandbox.h: vcpu_index), never the
 * core's start-up slot, which without icount varies from run to run. An
 * ivshmem-doorbell device also gets its MSI-X entry for this vCPU routed to
 * this core; the sandbox never sees the table (BAR1). */
static int grant_vpmu(struct sandbox *sb, const struct pci_device *d, struct bootinfo_device *out,
		      uint8_t apic_id)
{
	const struct pci_bar *b = &d->bar[VPMU_PCI_BAR];
	uint64_t ctl = VPMU_CONTROL_AT(sb->vcpu_index);

	if (sb->vcpu_index >= VPMU_MAX_VCPUS)
		return 0;       /* no control page for it: the kernel finds no vPMU */
	if (map(sb, b->base, ctl, PT_R) ||
	    map(sb, b->base + ctl, VPMU_PAGE_SIZE, PT_R | PT_W) ||
	    map(sb, b->base + ctl + VPMU_PAGE_SIZE, b->size - ctl - VPMU_PAGE_SIZE, PT_R))
		return -1;
	out->vpmu_vcpu = sb->vcpu_index;
	out->bar[VPMU_PCI_BAR].mapped = 1;
	if (!vpmu_msix_route(d, sb->vcpu_index, apic_id, VPMU_PMI_VECTOR))
		out->irq_vector = VPMU_PMI_VECTOR;
	return 0;
}

/* An assigned function: its memory BARs read-write, bus mastering on, its
 * line routed to the owner's core. I/O BARs are not granted: the e1000's
 * only repeats its memory registers. */
static int grant_assigned(struct sandbox *sb, const struct pci_device *d, struct bootinfo_device *out,
			  unsigned index, uint8_t apic_id, const char **why)
{
	uint32_t cmd;
	unsigned b;

	for (b = 0; b < PCI_MAX_BARS; b++) {
		if (d->bar[b].kind < PCI_BAR_MEM32 || !d->bar[b].size)
			continue;
		if (map(sb, d->bar[b].base, d->bar[b].size, PT_R | PT_W)) {
			*why = "cannot map an assigned device's BAR (overlaps the sandbox's memory, or out of pages)";
			return -1;
		}
		out->bar[b].mapped = 1;
	}
	if (d->irq_line && d->irq_line != 0xff) {
		bool edge;
		out->irq_vector = BOOTINFO_DEV_VECTOR_BASE + index;
		if (ioapic_route_pci_line(d->irq_line, (uint8_t)out->irq_vector, apic_id, why))
			return -1;
		if (iommu_route_irq((uint8_t)out->irq_vector, apic_id, &edge, why))
			return -1;
		if (edge)
			ioapic_line_edge(d->irq_line);
	}
	cmd = pci_cam1.read32(pci_cam1.ctx, d->bdf, PCI_COMMAND);
	pci_cam1.write32(pci_cam1.ctx, d->bdf, PCI_COMMAND,
			 (cmd & 0xffff) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return iommu_confine(sb, d->bdf, why);
}

/* Every function a config assigns exists. */
static int check_exist(const struct system_config *cfg, struct config_error *err)
{
	for (unsigned s = 0; s < cfg->nsandboxes; s++) {
		const struct sandbox_config *sc = &cfg->sandbox[s];
		for (unsigned i = 0; i < sc->npci; i++) {
			char bdf[8];
			if (find(sc->pci[i]))
				continue;
			fmt_bdf(bdf, sc->pci[i]);
			config_error_begin(err, sc->line);
			config_error_str(err, "pci ");
			config_error_str(err, bdf);
			config_error_str(err, ": no such PCI function on this machine");
			return -1;
		}
	}
	return 0;
}

/* The sandbox a function is assigned to, or -1. */
static int owner_of(const struct system_config *cfg, pci_bdf bdf)
{
	for (unsigned s = 0; s < cfg->nsandboxes; s++)
		if (assigned_in(&cfg->sandbox[s], bdf))
			return (int)s;
	return -1;
}

/* Two assigned functions on one interrupt line belong to one sandbox: the
 * I/O APIC can send a line to one core only. */
static int check_shared_lines(const struct system_config *cfg, struct config_error *err)
{
	for (unsigned i = 0; i < npci; i++) {
		int oi = owner_of(cfg, pci[i].bdf);
		if (oi < 0 || !pci[i].irq_line || pci[i].irq_line == 0xff)
			continue;
		for (unsigned j = 0; j < i; j++) {
			int oj = owner_of(cfg, pci[j].bdf);
			char a[8], b[8];
			if (oj < 0 || oj == oi || pci[j].irq_line != pci[i].irq_line)
				continue;
			fmt_bdf(a, pci[i].bdf);
			fmt_bdf(b, pci[j].bdf);
			config_error_begin(err, cfg->sandbox[oi].line);
			config_error_str(err, "pci ");
			config_error_str(err, a);
			config_error_str(err, " shares interrupt line ");
			config_error_dec(err, pci[i].irq_line);
			config_error_str(err, " with ");
			config_error_str(err, b);
			config_error_str(err, " of sandbox ");
			config_error_dec(err, (unsigned)oj);
			return -1;
		}
	}
	return 0;
}

/* Granted ports against the allowlist, ACPI's blocks and every I/O BAR. */
static int check_ports(const struct system_config *cfg, const void *acpi_rsdp,
		       struct config_error *err)
{
	static struct io_window bars[MAX_PCI * PCI_MAX_BARS];
	struct port_hazard acpi[MAX_ACPI_BLOCKS];
	unsigned nbars = 0, nacpi = acpi_pm_ports(acpi_rsdp, acpi, MAX_ACPI_BLOCKS);

	for (unsigned i = 0; i < npci; i++)
		for (unsigned b = 0; b < PCI_MAX_BARS; b++) {
			const struct pci_bar *bar = &pci[i].bar[b];
			if (bar->kind != PCI_BAR_IO || !bar->size || bar->base + bar->size > 0x10000)
				continue;
			bars[nbars++] = (struct io_window){ (uint16_t)bar->base,
							    (uint16_t)(bar->base + bar->size - 1), pci[i].bdf };
		}
	return port_check_platform(cfg, acpi, nacpi, bars, nbars, err);
}

int devices_check(const struct system_config *cfg, const void *acpi_rsdp, struct config_error *err)
{
	return check_exist(cfg, err) || check_shared_lines(cfg, err) ||
	       check_ports(cfg, acpi_rsdp, err) ? -1 : 0;
}

int devices_grant(struct sandbox *sb, struct bootinfo *bi, const char **why)
{
	unsigned i, b;

	for (i = 0; i < npci && bi->ndevices < BOOTINFO_MAX_DEVICES; i++) {
		const struct pci_device *d = &pci[i];
		struct bootinfo_device *out = &bi->device[bi->ndevices];
		unsigned use = device_use(sb, d);
		if (!use)
			continue;
		*out = (struct bootinfo_device){ .bdf = d->bdf, .vendor = d->vendor, .device = d->device,
						 .use = (uint16_t)use, .class_code = d->class_code,
						 .irq_line = d->irq_line };
		for (b = 0; b < PCI_MAX_BARS; b++)
			out->bar[b] = (struct bootinfo_bar){ d->bar[b].base, d->bar[b].size, d->bar[b].kind, 0 };
		if (use == BOOTINFO_DEV_VPMU && grant_vpmu(sb, d, out, (uint8_t)bi->apic_id)) {
			*why = "cannot map the vPMU's BAR2 (overlaps the sandbox's memory, or out of pages)";
			return -1;
		}
		if (use == BOOTINFO_DEV_ASSIGNED &&
		    grant_assigned(sb, d, out, bi->ndevices, (uint8_t)bi->apic_id, why))
			return -1;
		bi->ndevices++;
	}
	return 0;
}

unsigned devices_windows(const struct sandbox *sb, struct npt_window *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < npci; i++) {
		const struct pci_device *d = &pci[i];
		unsigned use = device_use(sb, d);
		for (unsigned b = 0; b < PCI_MAX_BARS && n < max; b++) {
			const struct pci_bar *bar = &d->bar[b];
			if (bar->kind < PCI_BAR_MEM32 || !bar->size ||
			    (use == BOOTINFO_DEV_VPMU ? b != VPMU_PCI_BAR : use != BOOTINFO_DEV_ASSIGNED))
				continue;
			out[n++] = (struct npt_window){ .gpa = bar->base, .hpa = bar->base,
							.size = bar->size, .kind = NPT_BAR, .perm = PT_R | PT_W };
		}
	}
	return n;
}
